// The reduce* family and argMin/argMax.

/// Options of the `reduce*` operators.
public struct MLReduceOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Axes to reduce; `[]` reduces none. Default `nil`: all axes.
  public var axes: [Int]?
  /// Keep reduced dimensions as size 1. Default `false`.
  public var keepDimensions: Bool
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", axes: [Int]? = nil, keepDimensions: Bool = false) {
    self.label = label
    self.axes = axes
    self.keepDimensions = keepDimensions
  }
}

/// Options of ``MLGraphBuilder/argMax(_:axis:options:)`` and ``MLGraphBuilder/argMin(_:axis:options:)``.
public struct MLArgMinMaxOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Keep the reduced dimension as size 1. Default `false`.
  public var keepDimensions: Bool
  /// The index type, `int32` or `int64`. Default ``MLOperandDataType/int32``.
  public var outputDataType: MLOperandDataType
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", keepDimensions: Bool = false, outputDataType: MLOperandDataType = .int32) {
    self.label = label
    self.keepDimensions = keepDimensions
    self.outputDataType = outputDataType
  }
}

func reducedShape(_ shape: [Int], axes: [Int], keepDimensions: Bool) -> [Int] {
  shape.enumerated().compactMap { i, d in axes.contains(i) ? (keepDimensions ? 1 : nil) : d }
}

extension MLGraphBuilder {
  func reduce(_ kind: ReduceKind, _ input: MLOperand, _ options: MLReduceOptions) throws -> MLOperand {
    let check = try begin(kind.rawValue, options.label)
    try check.operand(input, "input")
    let axes = options.axes ?? Array(0..<input.rank)
    try check.axes(axes, rank: input.rank, "axes")
    let shape = reducedShape(input.shape, axes: axes, keepDimensions: options.keepDimensions)
    return try add1(
      .reduce(kind, input: input.id, axes: axes.sorted()), output: .init(dataType: input.dataType, shape: shape), check)
  }

  /// Sum of absolute values.
  public func reduceL1(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.l1, x, options)
  }
  /// Square root of the sum of squares.
  public func reduceL2(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.l2, x, options)
  }
  /// Log of the sum.
  public func reduceLogSum(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.logSum, x, options)
  }
  /// Log of the sum of exponentials.
  public func reduceLogSumExp(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.logSumExp, x, options)
  }
  /// Maximum.
  public func reduceMax(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.max, x, options)
  }
  /// Mean.
  public func reduceMean(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.mean, x, options)
  }
  /// Minimum.
  public func reduceMin(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.min, x, options)
  }
  /// Product.
  public func reduceProduct(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.product, x, options)
  }
  /// Sum.
  ///
  /// ```swift
  /// let rows = try builder.reduceSum(x, options: .init(axes: [1], keepDimensions: true))
  /// ```
  public func reduceSum(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.sum, x, options)
  }
  /// Sum of squares.
  public func reduceSumSquare(_ x: MLOperand, options: MLReduceOptions = .init()) throws -> MLOperand {
    try reduce(.sumSquare, x, options)
  }

  func argMinMax(_ isMax: Bool, _ input: MLOperand, _ axis: Int, _ options: MLArgMinMaxOptions) throws -> MLOperand {
    let check = try begin(isMax ? "argMax" : "argMin", options.label)
    try check.operand(input, "input")
    try check.axis(axis, rank: input.rank, "axis")
    let out = options.outputDataType
    try check.require(
      (out == .int32 || out == .int64) && supportedTypes.contains(out), "outputDataType",
      "must be int32 or int64, got \(out.rawValue)")
    try check.require(
      out == .int64 || input.shape[axis] <= Int(Int32.max), "outputDataType",
      "int32 cannot index \(input.shape[axis]) elements")
    let shape = reducedShape(input.shape, axes: [axis], keepDimensions: options.keepDimensions)
    return try add1(
      .argMinMax(isMax: isMax, input: input.id, axis: axis), output: .init(dataType: out, shape: shape), check)
  }

  /// The index of the first maximum along `axis`.
  public func argMax(_ x: MLOperand, axis: Int, options: MLArgMinMaxOptions = .init()) throws -> MLOperand {
    try argMinMax(true, x, axis, options)
  }
  /// The index of the first minimum along `axis`.
  public func argMin(_ x: MLOperand, axis: Int, options: MLArgMinMaxOptions = .init()) throws -> MLOperand {
    try argMinMax(false, x, axis, options)
  }
}
