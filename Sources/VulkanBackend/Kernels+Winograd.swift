import WebNNCore

/// conv2d 3x3, stride 1, by Winograd's F(2x2, 3x3): each 2 x 2 output tile takes 16 products
/// per (input, output) channel pair instead of 36, so the multiply-adds fall 2.25x. Three
/// dispatches: the input transform (winograd_input.comp) into 16 matrices V_t (tiles x C), one
/// batched matrix product with the filter transformed on the host, U_t (C x O), and the output
/// transform (winograd_output.comp) with the bias and the fused epilogue.
///
/// The filter must be a constant: U = G g G^T is computed once when the graph is built and
/// replaces the filter on the device. U is 16/9 the filter's size, so the selection keeps to
/// layers whose filter is small against the activations they produce.
extension GraphPlan {
  /// Whether this conv2d runs as Winograd F(2x2, 3x3) under `selection`.
  func usesWinograd(
    _ input: OperandID, _ filter: OperandID, _ window: Window2D, _ groups: Int, _ layout: MLInputOperandLayout,
    filterAxes axes: [Int], _ output: OperandID
  ) -> Bool {
    let filterShape = descriptor(filter).shape
    guard selection.winograd != .off, groups == 1, descriptor(input).dataType == .float32,
      filterShape[axes[2]] == 3, filterShape[axes[3]] == 3, window.strides == [1, 1], window.dilations == [1, 1],
      ir.constantBytes(filter) != nil
    else { return false }
    let (c, o) = (filterShape[axes[1]], filterShape[axes[0]])
    let outSizes = imageSizes(descriptor(output).shape, layout)
    // The transforms' grids: z over (image, channel), y over tile rows, within what every
    // device allows.
    guard outSizes[0] * max(c, o) <= 65535, (outSizes[2] + 1) / 2 <= 65535 else { return false }
    if selection.winograd == .always { return true }
    return Self.winogradPays(inputChannels: c, outputChannels: o, height: outSizes[2], width: outSizes[3])
  }

  /// Where F(2x2, 3x3) measured faster than the direct and unfolded kernels on lavapipe
  /// (ResNet18's layers): 128 channels or more (at 64 the product's short K left it slower than
  /// conv2d_direct_tiled at 56 x 56), at least 14 x 14 outputs (enough tiles per matrix), and at
  /// most 256 x 256 channels: U adds 7/9 of the filter to the weights, which at 512 x 512 (7 x 7
  /// outputs) would be 7 MB per layer.
  static func winogradPays(inputChannels c: Int, outputChannels o: Int, height: Int, width: Int) -> Bool {
    c >= 128 && o >= 128 && c * o <= 256 * 256 && height * width >= 14 * 14
  }

  mutating func emitWinogradConv2d(
    _ input: OperandID, _ filter: OperandID, _ bias: OperandID?, _ window: Window2D, _ layout: MLInputOperandLayout,
    filterAxes axes: [Int], _ output: OperandID
  ) {
    let inSizes = imageSizes(descriptor(input).shape, layout)
    let outSizes = imageSizes(descriptor(output).shape, layout)
    let (n, c, h, w) = (inSizes[0], inSizes[1], inSizes[2], inSizes[3])
    let (o, oh, ow) = (outSizes[1], outSizes[2], outSizes[3])
    let (th, tw) = ((oh + 1) / 2, (ow + 1) / 2)
    let tiles = n * th * tw
    // The epilogue belongs to the output transform, not to the product in between.
    let epilogue = pendingEpilogue
    pendingEpilogue = nil

    let transformed = scratchSlot(
      byteLength: 16 * c * o * 4,
      contents: Self.winogradFilter(
        ir.constantBytes(filter)!, outputs: o, inputs: c,
        strides: axes.map { contiguousStrides(descriptor(filter).shape)[$0] }))
    dropConstantIfUnused(filter)
    let v = scratchSlot(byteLength: 16 * tiles * c * 4)
    let m = scratchSlot(byteLength: 16 * tiles * o * 4)

    var p = Parameters()
    p.bind(slot(input))
    p.bind(v)
    for value in [c, h, w, th, tw, window.padding[0], window.padding[2]] { p.append(value) }
    for value in imageStrides(descriptor(input).shape, layout) { p.append(value) }
    let lanes = tw >= 32 ? 32 : tw >= 16 ? 16 : 8
    var defines = elementDefines(.float32)
    defines["WG_X"] = "\(lanes)"
    // Both transforms read their input as texels where the device profile asks for it.
    let texels = TexelType(.float32, vector: false)
    add(
      streaming(Kernel(shader: "winograd_input.comp", defines: defines), binding: 1, slot: slot(input), as: texels),
      p, grid: Grid(x: (tw + lanes - 1) / lanes, y: th, z: n * c), reads: [slot(input)], writes: [v])

    emitMatrixProduct(
      MatrixProduct(
        m: tiles, n: o, k: c, batch: [16],
        a: MatrixOperand(slot: v, batchStrides: [tiles * c], row: c, column: 1),
        b: MatrixOperand(slot: transformed, batchStrides: [c * o], row: o, column: 1), c: nil,
        output: MatrixOperand(slot: m, batchStrides: [tiles * o], row: o, column: 1), type: .float32))

    pendingEpilogue = epilogue
    var q = Parameters()
    q.bind(m)
    q.bind(bias.map(slot) ?? m)
    // Binding 3 is unused: the output is binding 4, as in every epilogue kernel (bindings 5-8
    // are the epilogue's operands).
    q.bind(m)
    q.bind(slot(output))
    for value in [o, oh, ow, th, tw] { q.append(value) }
    for value in imageStrides(descriptor(output).shape, layout) { q.append(value) }
    defines["HAS_BIAS"] = bias != nil ? "1" : "0"
    add(
      streaming(Kernel(shader: "winograd_output.comp", defines: defines), binding: 1, slot: m, as: texels), q,
      grid: Grid(x: (tw + lanes - 1) / lanes, y: th, z: n * o),
      reads: [m] + (bias.map { [slot($0)] } ?? []), writes: [slot(output)])
  }

  /// U[t][i][o] = (G g G^T)[t / 4][t % 4] for the 3 x 3 filter g of output o and input i, with
  /// G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], computed in double precision. `strides`
  /// are the filter's (o, i, h, w) strides in elements.
  static func winogradFilter(_ filter: MLConstantBytes, outputs: Int, inputs: Int, strides: [Int]) -> [UInt8] {
    let g: [[Double]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
    var u = [Float](repeating: 0, count: 16 * inputs * outputs)
    filter.withUnsafeBytes { raw in
      let f = raw.bindMemory(to: Float.self)
      for out in 0..<outputs {
        for channel in 0..<inputs {
          let base = out * strides[0] + channel * strides[1]
          var k = [[Double]](repeating: [0, 0, 0], count: 3)
          for y in 0..<3 {
            for x in 0..<3 { k[y][x] = Double(f[base + y * strides[2] + x * strides[3]]) }
          }
          // gk = G k (4 x 3), then U = gk G^T (4 x 4).
          for a in 0..<4 {
            let gk = (0..<3).map { x in (0..<3).reduce(0.0) { $0 + g[a][$1] * k[$1][x] } }
            for b in 0..<4 {
              let value = (0..<3).reduce(0.0) { $0 + gk[$1] * g[b][$1] }
              u[((4 * a + b) * inputs + channel) * outputs + out] = Float(value)
            }
          }
        }
      }
    }
    return u.withUnsafeBytes { Array($0) }
  }

  /// Leaves a constant off the device when the transformed copy replaced its only use.
  private mutating func dropConstantIfUnused(_ operand: OperandID) {
    let uses = ir.nodes.reduce(0) { $0 + $1.operation.inputs.filter { $0 == operand }.count }
    guard uses == 1, !ir.outputs.contains(where: { $0.operand == operand }) else { return }
    let slot = slot(operand)
    ownedSlots[slot] = nil
    constantData[slot] = nil
  }
}
