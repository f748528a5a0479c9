/// One argument of an operator call written as data: what a graph file, a conformance vector
/// or a C API call hands the operator registry. Operands are referenced by name.
///
/// ```swift
/// let options: [String: MLArgumentValue] = ["strides": [2, 2], "bias": .operand("b")]
/// ```
public indirect enum MLArgumentValue: Sendable, Hashable {
  /// JSON `null` or an absent optional.
  case null
  /// `true` or `false`.
  case bool(Bool)
  /// A number; integer arguments must hold an exact integer.
  case number(Double)
  /// A string (an enum value such as `"nhwc"`, or an operand name where the argument is an operand).
  case string(String)
  /// A reference to an operand (an input, a constant or an earlier result) by name.
  case operand(String)
  /// A list.
  case array([MLArgumentValue])
}

extension MLArgumentValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(arrayLiteral elements: MLArgumentValue...) { self = .array(elements) }
  public init(nilLiteral: ()) { self = .null }
}
