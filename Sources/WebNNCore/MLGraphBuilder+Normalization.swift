// batchNormalization, instanceNormalization and layerNormalization.

/// Options of ``MLGraphBuilder/batchNormalization(_:mean:variance:options:)``.
public struct MLBatchNormalizationOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// A 1-D operand of channels that multiplies the normalized values. Default `nil` (1).
  public var scale: MLOperand?
  /// A 1-D operand of channels added last. Default `nil` (0).
  public var bias: MLOperand?
  /// The channel dimension. Default `1`.
  public var axis: Int
  /// Added to the variance before the square root; finite. Default `1e-5`.
  public var epsilon: Double
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", scale: MLOperand? = nil, bias: MLOperand? = nil, axis: Int = 1, epsilon: Double = 1e-5
  ) {
    self.label = label
    self.scale = scale
    self.bias = bias
    self.axis = axis
    self.epsilon = epsilon
  }
}

/// Options of ``MLGraphBuilder/instanceNormalization(_:options:)``.
public struct MLInstanceNormalizationOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// A 1-D operand of channels that multiplies the normalized values. Default `nil` (1).
  public var scale: MLOperand?
  /// A 1-D operand of channels added last. Default `nil` (0).
  public var bias: MLOperand?
  /// Added to the variance before the square root; finite. Default `1e-5`.
  public var epsilon: Double
  /// Where the channel dimension is. Default ``MLInputOperandLayout/nchw``.
  public var layout: MLInputOperandLayout
  /// Creates options; each argument defaults to the value its property documents.
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
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Multiplies the normalized values; its shape is the input's sizes along `axes`. Default `nil` (1).
  public var scale: MLOperand?
  /// Added last; its shape is the input's sizes along `axes`. Default `nil` (0).
  public var bias: MLOperand?
  /// Normalized axes. Default `nil`: all but the first.
  public var axes: [Int]?
  /// Added to the variance before the square root; finite. Default `1e-5`.
  public var epsilon: Double
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", scale: MLOperand? = nil, bias: MLOperand? = nil, axes: [Int]? = nil, epsilon: Double = 1e-5
  ) {
    self.label = label
    self.scale = scale
    self.bias = bias
    self.axes = axes
    self.epsilon = epsilon
  }
}

extension MLGraphBuilder {
  private func optionalOperand(_ x: MLOperand?, _ name: String, shape: [Int], type: MLOperandDataType, _ check: OpCheck)
    throws
  {
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
        input: input.id, scale: options.scale?.id, bias: options.bias?.id, epsilon: options.epsilon,
        layout: options.layout),
      output: input.descriptor, check)
  }

  /// Normalizes over `axes` (default: all but the first).
  public func layerNormalization(_ input: MLOperand, options: MLLayerNormalizationOptions = .init()) throws -> MLOperand
  {
    let check = try begin("layerNormalization", options.label)
    try check.operand(input, "input")
    try check.require(options.epsilon.isFinite, "epsilon", "must be finite")
    let axes = options.axes ?? Array(Swift.min(1, input.rank)..<input.rank)
    try check.axes(axes, rank: input.rank, "axes")
    let shape = axes.map { input.shape[$0] }
    try optionalOperand(options.scale, "scale", shape: shape, type: input.dataType, check)
    try optionalOperand(options.bias, "bias", shape: shape, type: input.dataType, check)
    return try add1(
      .layerNormalization(
        input: input.id, scale: options.scale?.id, bias: options.bias?.id, axes: axes, epsilon: options.epsilon),
      output: input.descriptor, check)
  }
}
