import CVulkan
import WebNNCore

/// A 32-bit parameter block for one dispatch, read by the shader as `P(i)`, and the tensor slots
/// it binds. Slots come first: the n-th `bind` is word n and the shader's binding n + 1.
struct Parameters {
  var words: [UInt32] = []
  var bindings: [Int] = []

  /// Binds a tensor slot to the next binding (and records it as the next word).
  mutating func bind(_ slot: Int) {
    precondition(words.count == bindings.count, "tensor slots come before the other parameters")
    precondition(bindings.count < GraphPlan.maxBindings, "more tensors than the shared pipeline layout has")
    bindings.append(slot)
    append(slot)
  }

  /// Binds a tensor slot to the next binding after the parameter words have begun, without a
  /// word of its own: an epilogue's operands, whose kernels read their parameters at fixed words.
  mutating func bindTrailing(_ slot: Int) {
    precondition(bindings.count < GraphPlan.maxBindings, "more tensors than the shared pipeline layout has")
    bindings.append(slot)
  }

  mutating func append(_ value: Int) { words.append(UInt32(truncatingIfNeeded: value)) }
  mutating func append(_ value: Bool) { words.append(value ? 1 : 0) }
  mutating func append(float value: Double) { words.append(Float(value).bitPattern) }
  mutating func append(bits64 value: UInt64) {
    words.append(UInt32(truncatingIfNeeded: value))
    words.append(UInt32(truncatingIfNeeded: value >> 32))
  }
  /// `values` padded with `fill` to `count` words.
  mutating func append(_ values: [Int], padTo count: Int, fill: Int = 0) {
    precondition(values.count <= count, "more dimensions than the kernel supports")
    for v in values { append(v) }
    for _ in values.count..<count { append(fill) }
  }
}

/// One compute dispatch: the kernel variant, its parameters and bound slots, its grid of
/// workgroups, and which tensor slots it reads and writes (for barriers).
struct KernelDispatch {
  var kernel: Kernel
  var parameters: Parameters
  var grid: Grid
  var reads: [Int]
  var writes: [Int]
  /// Shown in profiles after the kernel's name, e.g. a matrix product's sizes.
  var detail = ""
  /// The operation the dispatch computes, with its label, for errors: "conv2d [stem]".
  var origin = ""
}

/// How many workgroups a dispatch launches in x, y and z.
struct Grid: Equatable {
  var x: Int
  var y: Int
  var z: Int

  /// Enough 1-D workgroups of `workgroupSize` for `invocations`, wrapped into y past the 65535
  /// workgroups every device allows in x (the shader's globalIndex() undoes the wrap).
  static func flat(_ invocations: Int, workgroupSize: Int = 64) -> Grid {
    let groups = max((invocations + workgroupSize - 1) / workgroupSize, 1)
    let x = min(groups, 65535)
    return Grid(x: x, y: (groups + x - 1) / x, z: 1)
  }
}

/// Row-major strides of a shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
  var strides = [Int](repeating: 1, count: shape.count)
  var running = 1
  for d in shape.indices.reversed() {
    strides[d] = running
    running *= shape[d]
  }
  return strides
}

/// The same iteration over fewer dimensions: size-1 dimensions dropped, and each pair of
/// neighbours merged where every operand steps through them as one (stride[d] equals
/// stride[d + 1] * size[d + 1], broadcast pairs included). Shapes keep at least one dimension.
func collapseDimensions(_ shape: [Int], _ strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
  var outShape: [Int] = []
  var outStrides = Array(repeating: [Int](), count: strides.count)
  for d in shape.indices where shape[d] != 1 {
    if let last = outShape.last,
      strides.indices.allSatisfy({ outStrides[$0].last! == strides[$0][d] * shape[d] })
    {
      outShape[outShape.count - 1] = last * shape[d]
      for o in strides.indices { outStrides[o][outStrides[o].count - 1] = strides[o][d] }
    } else {
      outShape.append(shape[d])
      for o in strides.indices { outStrides[o].append(strides[o][d]) }
    }
  }
  if outShape.isEmpty { return ([1], strides.map { _ in [0] }) }
  return (outShape, outStrides)
}

/// Strides that read a tensor of `shape` as if broadcast to `target` (0 where it repeats).
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
  let padded = Array(repeating: 1, count: target.count - shape.count) + shape
  let strides = Array(repeating: 0, count: target.count - shape.count) + contiguousStrides(shape)
  return zip(padded, strides).map { size, stride in size == 1 ? 0 : stride }
}

/// The tensor slots of a graph and the dispatches that compute it. A dispatch binds slots to
/// its tensor bindings: inputs and outputs get the caller's buffers at dispatch time, constants,
/// intermediates and scratch own buffers for the graph's lifetime.
struct GraphPlan {
  let ir: GraphIR
  /// Whether float16 data may be computed on in float16 (shaderFloat16).
  let hasFloat16Arithmetic: Bool
  /// The kernel variants the device gets.
  let selection: KernelSelection
  var slotOfOperand: [OperandID: Int] = [:]
  var slotCount = 0
  /// Byte size of each slot that the graph allocates itself (constants and intermediates).
  var ownedSlots: [Int: Int] = [:]
  var constantData: [Int: MLConstantBytes] = [:]
  /// Bytes of the constants the plan made itself (``scratchSlot(byteLength:contents:)``).
  var hostMadeConstantBytes = 0
  var inputSlots: [String: Int] = [:]
  var outputSlots: [String: Int] = [:]
  /// Byte size of each input and output slot (bound at dispatch time).
  var boundSlotBytes: [Int: Int] = [:]
  var dispatches: [KernelDispatch] = []
  /// The epilogue of the node being emitted, taken by the first dispatch whose kernel applies
  /// epilogues (see ``epilogueShaders``).
  var pendingEpilogue: Epilogue?
  /// The operation being emitted, given to its dispatches as their ``KernelDispatch/origin``.
  var origin = ""
  /// Transposes absorbed into the matrix products that read them: such an operand has no slot
  /// of its own, and is read from `source` with `strides` (one per dimension of the operand, in
  /// elements of the source).
  var stridedViews: [OperandID: (source: OperandID, strides: [Int])] = [:]

  static let maxKernelRank = 8
  static let maxCopyRank = 16
  /// Tensor bindings in the shared pipeline layout (bindings 1...maxBindings).
  static let maxBindings = 8
  /// The kernels that apply a fused epilogue at their store (epilogue.glsl); each binds at most
  /// four tensors of its own, leaving bindings 5-8 to the epilogue's operands.
  static let epilogueShaders: Set<String> = [
    "gemm_register_tiled.comp", "gemm_shared_tiled.comp", "conv2d.comp", "conv_transpose2d.comp",
    "conv2d_direct_tiled.comp", "depthwise_conv2d.comp", "winograd_output.comp",
  ]

  init(_ ir: GraphIR, hasFloat16Arithmetic: Bool, selection: KernelSelection) throws {
    self.ir = ir
    self.hasFloat16Arithmetic = hasFloat16Arithmetic
    self.selection = selection
    let outputOperands = Set(ir.outputs.map(\.operand))
    for (name, operand) in ir.inputs {
      let slot = newSlot()
      slotOfOperand[operand] = slot
      inputSlots[name] = slot
      boundSlotBytes[slot] = ir.operands[operand].byteLength
    }
    for (name, operand) in ir.outputs where slotOfOperand[operand] == nil {
      let slot = newSlot()
      slotOfOperand[operand] = slot
      outputSlots[name] = slot
      boundSlotBytes[slot] = ir.operands[operand].byteLength
    }
    // Which operations read each operand, for the transposes a matrix product can absorb.
    var readers: [OperandID: [WebNNCore.Operation]] = [:]
    for node in ir.nodes {
      for input in Set(node.operation.inputs) { readers[input, default: []].append(node.operation) }
    }
    for planned in GraphFusion.plan(ir, fuse: GraphPasses.enabled) {
      let node: Node
      let epilogue: Epilogue?
      switch planned {
      case .chain(let chain):
        placeConstants(chain.inputs)
        placeOutputs([chain.output])
        origin = "fused element-wise operations"
        emitChain(chain)
        continue
      case .node(let planned, let fused):
        (node, epilogue) = (planned, fused)
      }
      placeConstants(node.operation.inputs + (epilogue?.operands.map(\.operand) ?? []))
      if case .reshape(let input) = node.operation, !outputOperands.contains(node.outputs[0]) {
        // A reshape that is not a graph output shares its input's memory.
        slotOfOperand[node.outputs[0]] = slotOfOperand[input]
        continue
      }
      if GraphPasses.enabled, epilogue == nil, case .transpose(let input, let permutation) = node.operation,
        stridedViews[input] == nil, !outputOperands.contains(node.outputs[0]),
        let consumers = readers[node.outputs[0]],
        consumers.allSatisfy({ if case .matmul = $0 { true } else { false } })
      {
        // Only matmuls read it, and a matrix product reads any strides: no copy is made.
        let strides = contiguousStrides(ir.operands[input].shape)
        stridedViews[node.outputs[0]] = (input, permutation.map { strides[$0] })
        continue
      }
      placeOutputs(node.outputs)
      pendingEpilogue = epilogue
      origin = node.label.isEmpty ? node.operation.name : "\(node.operation.name) [\(node.label)]"
      try emit(node)
      precondition(pendingEpilogue == nil, "\(node.operation.name): no kernel took the fused epilogue")
    }
    // An operand named by several outputs is copied into each extra output.
    for (name, operand) in ir.outputs where outputSlots[name] == nil {
      let slot = newSlot()
      outputSlots[name] = slot
      let descriptor = ir.operands[operand]
      boundSlotBytes[slot] = descriptor.byteLength
      copy(from: slotOfOperand[operand]!, to: slot, descriptor)
    }
  }

  /// Gives each constant among `operands` a slot of its own (inputs are placed first, and node
  /// outputs when their node is emitted).
  private mutating func placeConstants(_ operands: [OperandID]) {
    for operand in operands where slotOfOperand[operand] == nil {
      guard let bytes = ir.constantBytes(operand) else { continue }
      let slot = newSlot()
      slotOfOperand[operand] = slot
      ownedSlots[slot] = bytes.count
      constantData[slot] = bytes
    }
  }

  private mutating func placeOutputs(_ operands: [OperandID]) {
    for output in operands where slotOfOperand[output] == nil {
      let slot = newSlot()
      slotOfOperand[output] = slot
      ownedSlots[slot] = ir.operands[output].byteLength
    }
  }

  private mutating func newSlot() -> Int {
    defer { slotCount += 1 }
    return slotCount
  }

  /// A buffer the graph owns that holds no operand (a kernel's scratch space), filled with
  /// `contents` once when the graph is built.
  mutating func scratchSlot(byteLength: Int, contents: [UInt8]? = nil) -> Int {
    let slot = newSlot()
    ownedSlots[slot] = byteLength
    if let contents {
      constantData[slot] = MLConstantBytes(contents)
      hostMadeConstantBytes += contents.count
    }
    return slot
  }

  func slot(_ operand: OperandID) -> Int { slotOfOperand[operand]! }

  /// The byte size of any slot.
  func byteLength(ofSlot slot: Int) -> Int { ownedSlots[slot] ?? boundSlotBytes[slot] ?? 0 }

  /// `kernel` reading tensor binding `binding`, which holds `slot`, as `texels` where the
  /// selection reads streamed operands as texels and `slot` fits one texel buffer of them;
  /// `kernel` unchanged otherwise (also where `texels` is nil: the data has no texel format).
  func streaming(_ kernel: Kernel, binding: Int, slot: Int, as texels: TexelType?) -> Kernel {
    guard selection.texelLoads, let texels,
      byteLength(ofSlot: slot) / texels.bytes <= selection.maxTexelBufferElements
    else { return kernel }
    return kernel.readingTexels(binding: binding, texels)
  }
  func descriptor(_ operand: OperandID) -> MLOperandDescriptor { ir.operands[operand] }

  /// A 1-D kernel with one invocation per unit of work (the shader's globalIndex()).
  mutating func add(_ kernel: Kernel, _ parameters: Parameters, invocations: Int, reads: [Int], writes: [Int]) {
    add(kernel, parameters, grid: .flat(invocations), reads: reads, writes: writes)
  }

  /// A kernel with its own workgroup size (in its defines) and grid.
  mutating func add(_ kernel: Kernel, _ parameters: Parameters, grid: Grid, reads: [Int], writes: [Int]) {
    if let epilogue = pendingEpilogue, Self.epilogueShaders.contains(kernel.shader) {
      pendingEpilogue = nil
      var (kernel, parameters, reads) = (kernel, parameters, reads)
      kernel = kernel.with("EPILOGUE_BODY", epilogue.body).with("EPILOGUE_OPERANDS", "\(epilogue.operands.count)")
      for (index, operand) in epilogue.operands.enumerated() {
        parameters.bindTrailing(slot(operand.operand))
        reads.append(slot(operand.operand))
        // Operands are float32 (GraphFusion); texels where the profile streams them.
        kernel = streaming(
          kernel, binding: 5 + index, slot: slot(operand.operand), as: TexelType(.float32, vector: false))
      }
      dispatches.append(
        KernelDispatch(
          kernel: kernel, parameters: parameters, grid: grid, reads: reads, writes: writes, origin: origin))
      return
    }
    dispatches.append(
      KernelDispatch(kernel: kernel, parameters: parameters, grid: grid, reads: reads, writes: writes, origin: origin))
  }

  /// A flat copy of a whole tensor.
  mutating func copy(from source: Int, to destination: Int, _ descriptor: MLOperandDescriptor) {
    stridedCopy(
      from: source, to: destination, type: descriptor.dataType, region: [descriptor.elementCount],
      sourceStrides: [1], destinationStrides: [1])
  }

  /// Copies a strided region (the strided_copy kernel).
  mutating func stridedCopy(
    from source: Int, to destination: Int, type: MLOperandDataType, region: [Int], sourceStrides: [Int],
    destinationStrides: [Int], sourceOffset: Int = 0, destinationOffset: Int = 0
  ) {
    var p = Parameters()
    let count = region.reduce(1, *)
    var (region, strides) = collapseDimensions(region, [sourceStrides, destinationStrides])
    // Three dimensions or fewer run on a 3-D grid; left-padded with 1s to exactly three.
    let gridded = region.count <= 3 && region.dropLast().allSatisfy { $0 <= 65535 }
    if gridded {
      while region.count < 3 {
        region.insert(1, at: 0)
        strides = strides.map { [0] + $0 }
      }
    }
    p.bind(source)
    p.bind(destination)
    p.append(count)
    p.append(region.count)
    p.append(sourceOffset)
    p.append(destinationOffset)
    p.append(region, padTo: Self.maxCopyRank, fill: 1)
    p.append(strides[0], padTo: Self.maxCopyRank)
    p.append(strides[1], padTo: Self.maxCopyRank)
    let kernel = Kernel(shader: "strided_copy.comp", defines: bitsDefines(type))
    if gridded {
      let lanes = region[2] >= 64 ? 64 : 16
      add(
        kernel.with("GRID3D", "1").with("WG_X", "\(lanes)"), p,
        grid: Grid(x: (region[2] + lanes - 1) / lanes, y: region[1], z: region[0]), reads: [source],
        writes: [destination])
    } else {
      add(kernel, p, invocations: count, reads: [source], writes: [destination])
    }
  }

  mutating func emit(_ node: Node) throws {
    let operands = node.operation.inputs + node.outputs
    // Only the (de)quantization kernels read and write packed 4-bit tensors.
    let readsPacked: Bool
    switch node.operation {
    case .quantizeLinear, .dequantizeLinear: readsPacked = true
    default: readsPacked = false
    }
    if !readsPacked, let packed = operands.first(where: { [.int4, .uint4].contains(ir.operands[$0].dataType) }) {
      throw MLError(
        .notSupportedError, "\(origin): \(ir.operands[packed].dataType.rawValue) operands have no Vulkan kernel yet")
    }
    switch node.operation {
    case .unary(let op, let input): try emitUnary(op, input, node.outputs[0])
    case .binary(let op, let a, let b): emitBinary(op, a, b, node.outputs[0])
    case .whereSelect(let c, let t, let f): emitWhere(c, t, f, node.outputs[0])
    case .matmul(let a, let b): emitMatmul(a, b, node.outputs[0])
    case .gemm(let a, let b, let c, let alpha, let beta, let aT, let bT):
      emitGemm(a, b, c, alpha: alpha, beta: beta, aTranspose: aT, bTranspose: bT, node.outputs[0])
    case .conv2d(let input, let filter, let bias, let window, let groups, let inputLayout, let filterLayout):
      emitConv2d(input, filter, bias, window, groups, inputLayout, filterLayout, node.outputs[0])
    case .convTranspose2d(let input, let filter, let bias, let window, let groups, let inputLayout, let filterLayout):
      emitConvTranspose2d(input, filter, bias, window, groups, inputLayout, filterLayout, node.outputs[0])
    case .pool2d(let kind, let input, let dims, let window, let layout):
      emitPool(kind, input, dims, window, layout, node.outputs[0])
    case .softmax(let input, let axis): emitSoftmax(input, axis, node.outputs[0])
    case .reduce(let kind, let input, let axes): emitReduce(kind, input, axes, node.outputs[0])
    case .argMinMax(let isMax, let input, let axis): emitArgMinMax(isMax, input, axis, node.outputs[0])
    case .batchNormalization(let input, let mean, let variance, let scale, let bias, let axis, let epsilon):
      emitBatchNormalization(input, mean, variance, scale, bias, axis, epsilon, node.outputs[0])
    case .instanceNormalization(let input, let scale, let bias, let epsilon, let layout):
      let rank = descriptor(input).shape.count
      let spatial = layout == .nchw ? [2, 3] : [1, 2]
      emitMeanVarianceNormalization(
        input, scale, bias, reducedAxes: spatial, epsilon: epsilon, scaleAxesKept: [layout == .nchw ? 1 : rank - 1],
        scaleAxesReduced: [], node.outputs[0])
    case .layerNormalization(let input, let scale, let bias, let axes, let epsilon):
      emitMeanVarianceNormalization(
        input, scale, bias, reducedAxes: axes.sorted(), epsilon: epsilon, scaleAxesKept: [], scaleAxesReduced: axes,
        node.outputs[0])
    case .reshape(let input): copy(from: slot(input), to: slot(node.outputs[0]), descriptor(input))
    case .transpose(let input, let permutation): emitTranspose(input, permutation, node.outputs[0])
    case .concat(let inputs, let axis): emitConcat(inputs, axis, node.outputs[0])
    case .slice(let input, let starts, let strides): emitSlice(input, starts, strides, node.outputs[0])
    case .split(let input, let axis): emitSplit(input, axis, node.outputs)
    case .expand(let input): emitExpand(input, node.outputs[0])
    case .tile(let input, let repetitions): emitTile(input, repetitions, node.outputs[0])
    case .reverse(let input, let axes): emitReverse(input, axes, node.outputs[0])
    case .pad(let input, let beginning, _, let mode, let value): emitPad(input, beginning, mode, value, node.outputs[0])
    case .gather(let input, let indices, let axis): emitGather(input, indices, axis, node.outputs[0])
    case .gatherElements(let input, let indices, let axis): emitGatherElements(input, indices, axis, node.outputs[0])
    case .gatherND(let input, let indices): emitGatherND(input, indices, node.outputs[0])
    case .scatterElements(let input, let indices, let updates, let axis):
      emitScatterElements(input, indices, updates, axis, node.outputs[0])
    case .scatterND(let input, let indices, let updates): emitScatterND(input, indices, updates, node.outputs[0])
    case .triangular(let input, let upper, let diagonal): emitTriangular(input, upper, diagonal, node.outputs[0])
    case .cumulativeSum(let input, let axis, let exclusive, let reversed):
      emitCumulativeSum(input, axis, exclusive: exclusive, reversed: reversed, node.outputs[0])
    case .resample2d(let input, let mode, let axes): emitResample2d(input, mode, axes, node.outputs[0])
    case .quantizeLinear(let input, let scale, let zeroPoint):
      emitQuantization(dequantize: false, input, scale, zeroPoint, node.outputs[0])
    case .dequantizeLinear(let input, let scale, let zeroPoint):
      emitQuantization(dequantize: true, input, scale, zeroPoint, node.outputs[0])
    }
  }
}
