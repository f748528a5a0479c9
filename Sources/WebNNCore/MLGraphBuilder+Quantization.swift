// quantizeLinear and dequantizeLinear: per-tensor, per-axis and blockwise (de)quantization.

/// Quantization parameter shapes.
enum Blockwise {
  /// `shape` left-padded with 1s to `rank`.
  static func padded(_ shape: [Int], toRank rank: Int) -> [Int] {
    Array(repeating: 1, count: Swift.max(0, rank - shape.count)) + shape
  }

  /// The block size of each dimension when `parameter` (already padded to the input's rank)
  /// broadcasts blockwise to `input`, or nil when some `input[i] % parameter[i] != 0`.
  static func blockSizes(_ parameter: [Int], to input: [Int]) -> [Int]? {
    guard parameter.count == input.count else { return nil }
    var blocks: [Int] = []
    for (p, d) in zip(parameter, input) {
      guard p > 0, d % p == 0 else { return nil }
      blocks.append(d / p)
    }
    return blocks
  }
}

extension MLGraphBuilder {
  /// Checks `scale` and `zeroPoint` against `input` for (de)quantization.
  ///
  /// The spec requires scale and zeroPoint to have the input's rank. A lower rank is accepted
  /// here and left-padded with 1s (NumPy-style) before the blockwise rule applies: earlier
  /// drafts allowed it, Chromium accepts it, and the conformance vectors (12 quantize and
  /// dequantize cases, including the "quantized conv2d" subgraph) rely on it. Padding with 1s
  /// cannot change a valid equal-rank call, so no conforming graph behaves differently.
  private func checkQuantizationParameters(
    _ check: OpCheck, input: MLOperand, scale: MLOperand, zeroPoint: MLOperand
  ) throws {
    try check.require(
      scale.rank <= input.rank, "scale",
      "rank \(scale.rank) (shape \(scale.shape)) is higher than the input's rank \(input.rank)")
    try check.require(
      zeroPoint.shape == scale.shape, "zeroPoint", "shape \(zeroPoint.shape) differs from scale's shape \(scale.shape)")
    let padded = Blockwise.padded(scale.shape, toRank: input.rank)
    try check.require(
      Blockwise.blockSizes(padded, to: input.shape) != nil, "scale",
      "shape \(scale.shape) does not broadcast blockwise to the input shape \(input.shape) (every input dimension must be a multiple of the matching scale dimension)"
    )
  }

  /// Quantizes a float tensor: `clamp(roundEven(input / scale) + zeroPoint, min, max)` in the
  /// zero point's integer type. `scale` and `zeroPoint` repeat blockwise over the input; the
  /// output has the input's shape and the zero point's data type (4-bit types included).
  ///
  /// ```swift
  /// let q = try builder.quantizeLinear(x, scale: s, zeroPoint: zp)  // x float32, zp uint8 → uint8
  /// ```
  public func quantizeLinear(
    _ input: MLOperand, scale: MLOperand, zeroPoint: MLOperand, options: MLOperatorLabel = .init()
  ) throws -> MLOperand {
    let check = try begin("quantizeLinear", options.label)
    try check.operand(input, "input")
    try check.operand(scale, "scale")
    try check.operand(zeroPoint, "zeroPoint")
    try check.sameType(scale, as: input.dataType, "scale")
    try checkQuantizationParameters(check, input: input, scale: scale, zeroPoint: zeroPoint)
    return try add1(
      .quantizeLinear(input: input.id, scale: scale.id, zeroPoint: zeroPoint.id),
      output: .init(dataType: zeroPoint.dataType, shape: input.shape), check)
  }

  /// Dequantizes an integer tensor: `(input − zeroPoint) · scale`. `zeroPoint` has the input's
  /// data type; `scale` and `zeroPoint` repeat blockwise over the input; the output has the
  /// input's shape and the scale's data type.
  public func dequantizeLinear(
    _ input: MLOperand, scale: MLOperand, zeroPoint: MLOperand, options: MLOperatorLabel = .init()
  ) throws -> MLOperand {
    let check = try begin("dequantizeLinear", options.label)
    try check.operand(input, "input")
    try check.operand(scale, "scale")
    try check.operand(zeroPoint, "zeroPoint")
    try check.sameType(zeroPoint, as: input.dataType, "zeroPoint")
    try checkQuantizationParameters(check, input: input, scale: scale, zeroPoint: zeroPoint)
    return try add1(
      .dequantizeLinear(input: input.id, scale: scale.id, zeroPoint: zeroPoint.id),
      output: .init(dataType: scale.dataType, shape: input.shape), check)
  }
}
