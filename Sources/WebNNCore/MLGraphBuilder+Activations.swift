// Activations that take numeric options, and softmax.

/// Options of ``MLGraphBuilder/clamp(_:options:)``: bounds default to -∞ and +∞.
public struct MLClampOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The lower bound, cast to the input's data type. Default `nil` (−∞).
  public var minValue: MLNumber?
  /// The upper bound, cast to the input's data type. Default `nil` (+∞).
  public var maxValue: MLNumber?
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", minValue: MLNumber? = nil, maxValue: MLNumber? = nil) {
    self.label = label
    self.minValue = minValue
    self.maxValue = maxValue
  }
}

/// Options of ``MLGraphBuilder/elu(_:options:)``.
///
/// ```swift
/// let y = try builder.elu(x, options: .init(alpha: 1))
/// ```
public struct MLEluOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The scale of the negative part; finite. Default 1.
  public var alpha: Double
  /// Creates options with the spec's defaults.
  public init(label: String = "", alpha: Double = 1) {
    self.label = label
    self.alpha = alpha
  }
}

/// Options of ``MLGraphBuilder/leakyRelu(_:options:)``.
///
/// ```swift
/// let y = try builder.leakyRelu(x, options: .init(alpha: 0.01))
/// ```
public struct MLLeakyReluOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The slope of the negative part; finite. Default 0.01.
  public var alpha: Double
  /// Creates options with the spec's defaults.
  public init(label: String = "", alpha: Double = 0.01) {
    self.label = label
    self.alpha = alpha
  }
}

/// Options of ``MLGraphBuilder/hardSigmoid(_:options:)``.
///
/// ```swift
/// let y = try builder.hardSigmoid(x, options: .init(alpha: 0.2, beta: 0.5))
/// ```
public struct MLHardSigmoidOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The slope; finite. Default 0.2.
  public var alpha: Double
  /// The offset; finite. Default 0.5.
  public var beta: Double
  /// Creates options with the spec's defaults.
  public init(label: String = "", alpha: Double = 0.2, beta: Double = 0.5) {
    self.label = label
    self.alpha = alpha
    self.beta = beta
  }
}

/// Options of ``MLGraphBuilder/linear(_:options:)``.
///
/// ```swift
/// let y = try builder.linear(x, options: .init(alpha: 1, beta: 0))
/// ```
public struct MLLinearOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// The scale; finite. Default 1.
  public var alpha: Double
  /// The offset; finite. Default 0.
  public var beta: Double
  /// Creates options with the spec's defaults.
  public init(label: String = "", alpha: Double = 1, beta: Double = 0) {
    self.label = label
    self.alpha = alpha
    self.beta = beta
  }
}

/// Options of ``MLGraphBuilder/softmax(_:axis:options:)``.
public typealias MLSoftmaxOptions = MLOperatorLabel

extension MLGraphBuilder {
  /// Limits every element to `[minValue, maxValue]`; NaN stays NaN.
  ///
  /// ```swift
  /// let relu6 = try builder.clamp(x, options: .init(minValue: 0, maxValue: 6))
  /// ```
  public func clamp(_ x: MLOperand, options: MLClampOptions = .init()) throws -> MLOperand {
    let check = try begin("clamp", options.label)
    try check.operand(x, "input")
    let type = x.dataType
    let low = (options.minValue ?? .double(-.infinity)).cast(to: type)
    let high = (options.maxValue ?? .double(.infinity)).cast(to: type)
    let ordered: Bool
    switch (low, high) {
    case (.uint(let l), .uint(let h)): ordered = l <= h
    case (.int(let l), .int(let h)): ordered = l <= h
    default: ordered = !(low.doubleValue > high.doubleValue)
    }
    try check.require(ordered, "minValue", "minValue \(low) is greater than maxValue \(high)")
    return try add1(.unary(.clamp(min: low, max: high), input: x.id), output: x.descriptor, check)
  }

  /// The cast of a float option to the operand's float type, rejecting non-finite values.
  private func floatOption(_ value: Double, _ name: String, _ x: MLOperand, _ check: OpCheck) throws -> Double {
    try check.require(value.isFinite, name, "must be finite, got \(value)")
    return MLNumber.double(value).cast(to: x.dataType).doubleValue
  }

  private func parameterized(_ op: String, _ x: MLOperand, label: String, _ make: (OpCheck) throws -> UnaryOperator)
    throws -> MLOperand
  {
    let check = try begin(op, label)
    try check.operand(x, "input")
    return try add1(.unary(try make(check), input: x.id), output: x.descriptor, check)
  }

  /// max(0, x) + alpha · (e^min(0, x) − 1).
  public func elu(_ x: MLOperand, options: MLEluOptions = .init()) throws -> MLOperand {
    try parameterized("elu", x, label: options.label) { .elu(alpha: try floatOption(options.alpha, "alpha", x, $0)) }
  }

  /// max(0, x) + alpha · min(0, x).
  public func leakyRelu(_ x: MLOperand, options: MLLeakyReluOptions = .init()) throws -> MLOperand {
    try parameterized("leakyRelu", x, label: options.label) {
      .leakyRelu(alpha: try floatOption(options.alpha, "alpha", x, $0))
    }
  }

  /// max(0, min(1, alpha · x + beta)).
  public func hardSigmoid(_ x: MLOperand, options: MLHardSigmoidOptions = .init()) throws -> MLOperand {
    try parameterized("hardSigmoid", x, label: options.label) {
      .hardSigmoid(
        alpha: try floatOption(options.alpha, "alpha", x, $0), beta: try floatOption(options.beta, "beta", x, $0))
    }
  }

  /// alpha · x + beta.
  public func linear(_ x: MLOperand, options: MLLinearOptions = .init()) throws -> MLOperand {
    try parameterized("linear", x, label: options.label) {
      .linear(alpha: try floatOption(options.alpha, "alpha", x, $0), beta: try floatOption(options.beta, "beta", x, $0))
    }
  }

  /// Normalized exponentials along `axis`.
  public func softmax(_ x: MLOperand, axis: Int, options: MLSoftmaxOptions = .init()) throws -> MLOperand {
    let check = try begin("softmax", options.label)
    try check.operand(x, "input")
    try check.axis(axis, rank: x.rank, "axis")
    return try add1(.softmax(input: x.id, axis: axis), output: x.descriptor, check)
  }
}
