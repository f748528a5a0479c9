import WebNNCore

extension GraphPlan {
  mutating func emitTranspose(_ input: OperandID, _ permutation: [Int], _ output: OperandID) {
    let inStrides = contiguousStrides(descriptor(input).shape)
    let out = descriptor(output)
    stridedCopy(
      from: slot(input), to: slot(output), type: out.dataType, region: out.shape,
      sourceStrides: permutation.map { inStrides[$0] }, destinationStrides: contiguousStrides(out.shape))
  }

  mutating func emitExpand(_ input: OperandID, _ output: OperandID) {
    let out = descriptor(output)
    stridedCopy(
      from: slot(input), to: slot(output), type: out.dataType, region: out.shape,
      sourceStrides: broadcastStrides(descriptor(input).shape, to: out.shape),
      destinationStrides: contiguousStrides(out.shape))
  }

  mutating func emitTile(_ input: OperandID, _ repetitions: [Int], _ output: OperandID) {
    let inShape = descriptor(input).shape
    let out = descriptor(output)
    let inStrides = contiguousStrides(inShape)
    let outStrides = contiguousStrides(out.shape)
    // Each dimension d becomes [repetition, position]: the source repeats (stride 0), the
    // destination steps a whole input extent per repetition.
    var region: [Int] = []
    var source: [Int] = []
    var destination: [Int] = []
    for d in inShape.indices {
      region += [repetitions[d], inShape[d]]
      source += [0, inStrides[d]]
      destination += [inShape[d] * outStrides[d], outStrides[d]]
    }
    stridedCopy(
      from: slot(input), to: slot(output), type: out.dataType, region: region, sourceStrides: source,
      destinationStrides: destination)
  }

  mutating func emitSlice(_ input: OperandID, _ starts: [Int], _ steps: [Int], _ output: OperandID) {
    let inStrides = contiguousStrides(descriptor(input).shape)
    let out = descriptor(output)
    stridedCopy(
      from: slot(input), to: slot(output), type: out.dataType, region: out.shape,
      sourceStrides: zip(inStrides, steps).map(*), destinationStrides: contiguousStrides(out.shape),
      sourceOffset: zip(starts, inStrides).map(*).reduce(0, +))
  }

  mutating func emitReverse(_ input: OperandID, _ axes: [Int], _ output: OperandID) {
    let shape = descriptor(input).shape
    var strides = contiguousStrides(shape)
    var offset = 0
    for axis in axes {
      offset += (shape[axis] - 1) * strides[axis]
      strides[axis] = -strides[axis]
    }
    stridedCopy(
      from: slot(input), to: slot(output), type: descriptor(output).dataType, region: shape, sourceStrides: strides,
      destinationStrides: contiguousStrides(shape), sourceOffset: offset)
  }

  mutating func emitConcat(_ inputs: [OperandID], _ axis: Int, _ output: OperandID) {
    let out = descriptor(output)
    let outStrides = contiguousStrides(out.shape)
    var position = 0
    for input in inputs {
      let shape = descriptor(input).shape
      stridedCopy(
        from: slot(input), to: slot(output), type: out.dataType, region: shape, sourceStrides: contiguousStrides(shape),
        destinationStrides: outStrides, destinationOffset: position * outStrides[axis])
      position += shape[axis]
    }
  }

  mutating func emitSplit(_ input: OperandID, _ axis: Int, _ outputs: [OperandID]) {
    let inStrides = contiguousStrides(descriptor(input).shape)
    var position = 0
    for output in outputs {
      let out = descriptor(output)
      stridedCopy(
        from: slot(input), to: slot(output), type: out.dataType, region: out.shape, sourceStrides: inStrides,
        destinationStrides: contiguousStrides(out.shape), sourceOffset: position * inStrides[axis])
      position += out.shape[axis]
    }
  }

  mutating func emitPad(
    _ input: OperandID, _ beginning: [Int], _ mode: MLPaddingMode, _ value: MLNumber, _ output: OperandID
  ) {
    let inShape = descriptor(input).shape
    let out = descriptor(output)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(out.elementCount)
    p.append(out.shape.count)
    p.append(out.shape, padTo: Self.maxKernelRank, fill: 1)
    p.append(inShape, padTo: Self.maxKernelRank, fill: 1)
    p.append(beginning, padTo: Self.maxKernelRank)
    p.append(contiguousStrides(inShape), padTo: Self.maxKernelRank)
    p.append(mode == .constant ? 0 : (mode == .edge ? 1 : 2))
    let bytes = value.bytes(as: out.dataType) + [UInt8](repeating: 0, count: 8)
    p.append(
      bits64: bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    add(
      Kernel(shader: "pad.comp", defines: bitsDefines(out.dataType)), p, invocations: out.elementCount,
      reads: [slot(input)], writes: [slot(output)])
  }

  mutating func emitGather(_ input: OperandID, _ indices: OperandID, _ axis: Int, _ output: OperandID) {
    let (_, size, inner) = lineGeometry(descriptor(input).shape, axis: axis)
    let out = descriptor(output)
    let indexType = descriptor(indices).dataType
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(indices))
    p.bind(slot(output))
    p.append(out.elementCount)
    p.append(size)
    p.append(inner)
    p.append(descriptor(indices).elementCount)
    var defines = bitsDefines(out.dataType)
    defines["I_T"] = indexType.glslStorage
    defines["I_ALIGN"] = "\(indexType.glslAlignment)"
    add(
      Kernel(shader: "gather.comp", defines: defines), p, invocations: out.elementCount,
      reads: [slot(input), slot(indices)], writes: [slot(output)])
  }

  mutating func emitTriangular(_ input: OperandID, _ upper: Bool, _ diagonal: Int, _ output: OperandID) {
    let out = descriptor(output)
    let shape = out.shape
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(out.elementCount)
    p.append(shape[shape.count - 2])
    p.append(shape[shape.count - 1])
    p.append(upper)
    // The shader compares int32 column - row offsets; beyond ±Int32.max every diagonal acts alike.
    p.append(Swift.min(Swift.max(diagonal, -Int(Int32.max)), Int(Int32.max)))
    add(
      Kernel(shader: "triangular.comp", defines: bitsDefines(out.dataType)), p, invocations: out.elementCount,
      reads: [slot(input)], writes: [slot(output)])
  }
}
