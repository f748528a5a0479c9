import WebNNCore

extension MLOperandDataType {
  /// The `*_PACKED` define of a quantization operand: 0 unpacked, 1 uint4, 2 int4.
  var packedDefine: String {
    switch self {
    case .uint4: "1"
    case .int4: "2"
    default: "0"
    }
  }
}

extension GraphPlan {
  /// quantizeLinear (`dequantize` false) or dequantizeLinear. scale and zeroPoint may have a
  /// lower rank than the input; they are left-padded with 1s, then repeat blockwise.
  mutating func emitQuantization(
    dequantize: Bool, _ input: OperandID, _ scale: OperandID, _ zeroPoint: OperandID, _ output: OperandID
  ) {
    let x = descriptor(input)
    let y = descriptor(output)
    let scaleShape = Array(repeating: 1, count: x.shape.count - descriptor(scale).shape.count) + descriptor(scale).shape
    let blocks = zip(x.shape, scaleShape).map { $0 / $1 }
    // A packed output is written a byte (two elements) per invocation.
    let invocations = y.dataType.bitWidth == 4 ? (y.elementCount + 1) / 2 : y.elementCount
    var p = Parameters()
    for operand in [input, scale, zeroPoint, output] { p.bind(slot(operand)) }
    p.append(x.elementCount)
    p.append(x.shape.count)
    p.append(x.shape, padTo: Self.maxKernelRank, fill: 1)
    p.append(blocks, padTo: Self.maxKernelRank, fill: 1)
    p.append(contiguousStrides(scaleShape), padTo: Self.maxKernelRank)
    p.append(invocations)
    let zeroPointType = descriptor(zeroPoint).dataType
    var defines = typeDefines("X", x.dataType)
      .merging(typeDefines("S", descriptor(scale).dataType)) { $1 }
      .merging(typeDefines("Z", zeroPointType)) { $1 }
      .merging(typeDefines("Y", y.dataType)) { $1 }
    defines["DEQUANTIZE"] = dequantize ? "1" : "0"
    defines["X_PACKED"] = x.dataType.packedDefine
    defines["Z_PACKED"] = zeroPointType.packedDefine
    defines["Y_PACKED"] = y.dataType.packedDefine
    if !dequantize {
      defines["Q_BITS"] = "\(y.dataType.bitWidth)"
      defines["Q_SIGNED"] = y.dataType.isSignedInteger ? "1" : "0"
    }
    add(
      Kernel(shader: "quantize_linear.comp", defines: defines), p, invocations: invocations,
      reads: [slot(input), slot(scale), slot(zeroPoint)], writes: [slot(output)])
  }
}
