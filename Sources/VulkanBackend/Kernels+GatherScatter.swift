import WebNNCore

// gatherElements, gatherND, scatterElements and scatterND. Index handling follows gather:
// negative indices count from the end, out-of-range indices are clamped into range.

extension GraphPlan {
  /// `E_T`/`E_ALIGN` for the moved elements plus `I_T`/`I_ALIGN` for the index type.
  private func indexedDefines(_ elements: MLOperandDataType, _ indices: OperandID) -> [String: String] {
    let indexType = descriptor(indices).dataType
    var defines = bitsDefines(elements)
    defines["I_T"] = indexType.glslStorage
    defines["I_ALIGN"] = "\(indexType.glslAlignment)"
    return defines
  }

  /// A zeroed `uint` per entry, rewritten on every run: the scatter kernels record there which
  /// update wins each destination. Cleared by a broadcast copy from a 4-byte zero constant.
  private mutating func zeroedWinners(_ count: Int) -> Int {
    let zero = scratchSlot(byteLength: 4, contents: [0, 0, 0, 0])
    let winners = scratchSlot(byteLength: count * 4)
    stridedCopy(from: zero, to: winners, type: .uint32, region: [count], sourceStrides: [0], destinationStrides: [1])
    return winners
  }

  mutating func emitGatherElements(_ input: OperandID, _ indices: OperandID, _ axis: Int, _ output: OperandID) {
    let (_, size, inner) = lineGeometry(descriptor(input).shape, axis: axis)
    let out = descriptor(output)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(indices))
    p.bind(slot(output))
    p.append(out.elementCount)
    p.append(size)
    p.append(descriptor(indices).shape[axis])
    p.append(inner)
    add(
      Kernel(shader: "gather_elements.comp", defines: indexedDefines(out.dataType, indices)), p,
      invocations: out.elementCount, reads: [slot(input), slot(indices)], writes: [slot(output)])
  }

  mutating func emitGatherND(_ input: OperandID, _ indices: OperandID, _ output: OperandID) {
    let inShape = descriptor(input).shape
    let k = descriptor(indices).shape.last!
    let out = descriptor(output)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(indices))
    p.bind(slot(output))
    p.append(out.elementCount)
    p.append(k)
    p.append(inShape[k...].reduce(1, *))
    p.append(Array(inShape[..<k]), padTo: Self.maxKernelRank, fill: 1)
    p.append(Array(contiguousStrides(inShape)[..<k]), padTo: Self.maxKernelRank)
    add(
      Kernel(shader: "gather_nd.comp", defines: indexedDefines(out.dataType, indices)), p,
      invocations: out.elementCount, reads: [slot(input), slot(indices)], writes: [slot(output)])
  }

  /// Copies the input to the output, then writes the updates over it (claim, then write).
  mutating func emitScatterElements(
    _ input: OperandID, _ indices: OperandID, _ updates: OperandID, _ axis: Int, _ output: OperandID
  ) {
    let out = descriptor(output)
    let (_, size, inner) = lineGeometry(out.shape, axis: axis)
    let count = descriptor(updates).elementCount
    let winners = zeroedWinners(out.elementCount)
    copy(from: slot(input), to: slot(output), out)
    let kernel = Kernel(shader: "scatter_elements.comp", defines: indexedDefines(out.dataType, indices))
    for pass in 0..<2 {
      var p = Parameters()
      p.bind(slot(indices))
      p.bind(slot(updates))
      p.bind(slot(output))
      p.bind(winners)
      p.append(count)
      p.append(size)
      p.append(descriptor(indices).shape[axis])
      p.append(inner)
      p.append(pass)
      if pass == 0 {
        add(kernel, p, invocations: count, reads: [slot(indices), winners], writes: [winners])
      } else {
        add(kernel, p, invocations: count, reads: [slot(indices), slot(updates), winners], writes: [slot(output)])
      }
    }
  }

  /// Copies the input to the output, then writes the update slices over it (claim, then write).
  mutating func emitScatterND(_ input: OperandID, _ indices: OperandID, _ updates: OperandID, _ output: OperandID) {
    let out = descriptor(output)
    let k = descriptor(indices).shape.last!
    let sliceShape = Array(out.shape[..<k])
    let rows = descriptor(indices).elementCount / k
    let winners = zeroedWinners(sliceShape.reduce(1, *))
    copy(from: slot(input), to: slot(output), out)
    let kernel = Kernel(shader: "scatter_nd.comp", defines: indexedDefines(out.dataType, indices))
    for pass in 0..<2 {
      let count = pass == 0 ? rows : descriptor(updates).elementCount
      var p = Parameters()
      p.bind(slot(indices))
      p.bind(slot(updates))
      p.bind(slot(output))
      p.bind(winners)
      p.append(count)
      p.append(k)
      p.append(out.shape[k...].reduce(1, *))
      p.append(pass)
      p.append(sliceShape, padTo: Self.maxKernelRank, fill: 1)
      p.append(contiguousStrides(sliceShape), padTo: Self.maxKernelRank)
      if pass == 0 {
        add(kernel, p, invocations: count, reads: [slot(indices), winners], writes: [winners])
      } else {
        add(kernel, p, invocations: count, reads: [slot(indices), slot(updates), winners], writes: [slot(output)])
      }
    }
  }
}
