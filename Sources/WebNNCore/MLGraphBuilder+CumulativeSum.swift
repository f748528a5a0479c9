// cumulativeSum: running sums along one axis.

/// Options of ``MLGraphBuilder/cumulativeSum(_:axis:options:)``.
public struct MLCumulativeSumOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Leave each element out of its own sum (the first sum is 0). Default `false`.
  public var exclusive: Bool
  /// Sum from the end of the axis towards its start. Default `false`.
  public var reversed: Bool
  /// Creates options; each argument defaults to the value its property documents.
  public init(label: String = "", exclusive: Bool = false, reversed: Bool = false) {
    self.label = label
    self.exclusive = exclusive
    self.reversed = reversed
  }
}

extension MLGraphBuilder {
  /// Running sums along `axis`: output element k is the sum of input elements 0...k (0..<k when
  /// `exclusive`; k..<n or k+1..<n when `reversed`). Same shape and data type as the input.
  ///
  /// ```swift
  /// let sums = try builder.cumulativeSum(x, axis: 1, options: .init(exclusive: true))
  /// ```
  public func cumulativeSum(_ input: MLOperand, axis: Int, options: MLCumulativeSumOptions = .init()) throws
    -> MLOperand
  {
    let check = try begin("cumulativeSum", options.label)
    try check.operand(input, "input")
    try check.axis(axis, rank: input.rank, "axis")
    return try add1(
      .cumulativeSum(input: input.id, axis: axis, exclusive: options.exclusive, reversed: options.reversed),
      output: input.descriptor, check)
  }
}
