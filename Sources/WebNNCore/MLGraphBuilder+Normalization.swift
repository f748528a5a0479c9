// batchNormalization, instanceNormalization and layerNormalization.

/// Options of ``MLGraphBuilder/batchNormalization(_:mean:variance:options:)``.
public struct MLBatchNormalizationOptions: MLOperatorOptions {
  public var label: String
  public var scale: MLOperand?
  public var bias: MLOperand?
  public var axis: Int
  public var epsilon: Double
  public init(label: String = "", scale: MLOperand? = nil, bias: MLOperand? = nil, axis: Int = 1, epsilon: Double = 1e-5) {
    self.label = label
    self.scale = scale
    self.bias = bias
    self.axis = axis
    self.epsilon = epsilon
  }
}

/// Options of ``MLGraphBuilder/instanceNormalization(_:options:)``.
public struct MLInstanceNormalizationOptions: MLOperatorOptions {
  public var label: String
  public var scale: MLOperand?
  public var bias: MLOperand?
  public var epsilon: Double
  public var layout: MLInputOperandLayout
  public init(
    label: String = "", scale: MLOperand? = nil, bias: MLOperand? = nil, epsilon: Double = 1e-5,
    layout: MLInputOperandLayout = .nchw
  ) {
    self.label = label
    self.scale = scale
    self.bias = bias
    self.epsilon = epsilon
    self.layout = layout
  }
}

/// Options of ``MLGraphBuilder/layerNormalization(_:options:)``.
public struct MLLayerNormalizationOptions: MLOperatorOptions {
  public var label: String
  public var scale: MLOperand?
  public var bias: MLOperand?
  /// Normalized axes; nil means all but the first.
  public var axes: [Int]?
  public var epsilon: Double
  public init(label: String = "", scale: MLOperand? = nil, bias: MLOperand? = nil, axes: [Int]? = nil, epsilon: Double = 1e-5) {
    self.label = label
    self.scale = scale
    self.bias = bias
    self.axes = axes
    self.epsilon = epsilon
  }
}

extension MLGraphBuilder {
  private func optionalOperand(_ x: MLOperand?, _ name: String, shape: [Int], type: MLOperandDataType, _ check: OpCheck) throws {
    guard let x else { return }
    try check.operand(x, name)
    try check.sameType(x, as: type, name)
    try check.shape(x, shape, name)
  }

  /// (x − mean) / √(variance + ε) · scale + bias, per channel along `axis`.
  public func batchNormalization(
    _ input: MLOperand, mean: MLOperand, variance: MLOperand, options: MLBatchNormalizationOptions = .init()
  ) throws -> MLOperand {
    let check = try begin("batchNormalization", options.label)
    try check.operand(input, "input")
    try check.axis(options.axis, rank: input.rank, "axis")
    try check.require(options.epsilon.isFinite, "epsilon", "must be finite")
    let channels = [input.shape[options.axis]]
    for (x, name) in [(mean, "mean"), (variance, "variance")] {
      try optionalOperand(x, name, shape: channels, type: input.dataType, check)
    }
    try optionalOperand(options.scale, "scale", shape: channels, type: input.dataType, check)
    try optionalOperand(options.bias, "bias", shape: channels, type: input.dataType, check)
    return try add1(
      .batchNormalization(
        input: input.id, mean: mean.id, variance: variance.id, scale: options.scale?.id, bias: options.bias?.id,
        axis: options.axis, epsilon: options.epsilon), output: input.descriptor, check)
  }

  /// Normalizes each channel of each sample over its spatial dimensions.
  public func instanceNormalization(_ input: MLOperand, options: MLInstanceNormalizationOptions = .init()) throws
    -> MLOperand
  {
    let check = try begin("instanceNormalization", options.label)
    try check.operand(input, "input")
    try check.require(options.epsilon.isFinite, "epsilon", "must be finite")
    let channels = [imageDimensions(input.shape, options.layout).c]
    try optionalOperand(options.scale, "scale", shape: channels, type: input.dataType, check)
    try optionalOperand(options.bias, "bias", shape: channels, type: input.dataType, check)
    return try add1(
      .instanceNormalization(
        input: input.id, scale: options.scale?.id, bias: options.bias?.id, epsilon: options.epsilon, layout: options.layout),
      output: input.descriptor, check)
  }

  /// Normalizes over `axes` (default: all but the first).
  public func layerNormalization(_ input: MLOperand, options: MLLayerNormalizationOptions = .init()) throws -> MLOperand {
    let check = try begin("layerNormalization", options.label)
    try check.operand(input, "input")
    try check.require(options.epsilon.isFinite, "epsilon", "must be finite")
    let axes = options.axes ?? Array(Swift.min(1, input.rank)..<input.rank)
    try check.axes(axes, rank: input.rank, "axes")
    let shape = axes.map { input.shape[$0] }
    try optionalOperand(options.scale, "scale", shape: shape, type: input.dataType, check)
    try optionalOperand(options.bias, "bias", shape: shape, type: input.dataType, check)
    return try add1(
      .layerNormalization(input: input.id, scale: options.scale?.id, bias: options.bias?.id, axes: axes, epsilon: options.epsilon),
      output: input.descriptor, check)
  }
}
