import Foundation

/// A JSON value of an operator argument or option, as read from a case file.
///
/// Numbers stay `Double`s (every integer in the vectors fits in ±(2^53 − 1)); the strings
/// `"NaN"`, `"Infinity"`, `"-Infinity"` and `"-0"` stand for numbers and are accepted wherever
/// a number is expected (see ``numberValue``).
public indirect enum WPTValue: Sendable, Equatable, CustomStringConvertible {
  /// JSON `null`.
  case null
  /// JSON `true` or `false`.
  case bool(Bool)
  /// A JSON number.
  case number(Double)
  /// A JSON string (operand names, enum values, and the special numbers above).
  case string(String)
  /// A JSON array.
  case array([WPTValue])
  /// A JSON object, such as an options dictionary.
  case object([String: WPTValue])

  /// Converts a value produced by `JSONSerialization`.
  init(foundation value: Any) throws {
    switch value {
    case let s as String: self = .string(s)
    case let n as NSNumber:
      if WPTValue.isBoolean(n) {
        self = .bool(n.boolValue)
      } else {
        self = .number(n.doubleValue)
      }
    case let a as [Any]: self = .array(try a.map(WPTValue.init(foundation:)))
    case let d as [String: Any]: self = .object(try d.mapValues(WPTValue.init(foundation:)))
    case is NSNull: self = .null
    default: throw WPTCaseFileError("unexpected JSON value \(value)")
    }
  }

  /// Whether a `JSONSerialization` number is a JSON `true`/`false` (stored as a char-typed number).
  static func isBoolean(_ n: NSNumber) -> Bool {
    String(cString: n.objCType) == "c"
  }

  /// The value as a number: JSON numbers, and strings `Double(_:)` parses (`"NaN"`,
  /// `"Infinity"`, `"-Infinity"`, `"-0"`).
  public var numberValue: Double? {
    switch self {
    case .number(let d): d
    case .string(let s): Double(s)
    default: nil
    }
  }

  /// A compact JSON-like rendering, object keys sorted.
  public var description: String {
    switch self {
    case .null: "null"
    case .bool(let b): "\(b)"
    case .number(let d): WPTFormat.number(d)
    case .string(let s): "\"\(s)\""
    case .array(let a): "[" + a.map(\.description).joined(separator: ", ") + "]"
    case .object(let o):
      "{" + o.keys.sorted().map { "\($0): \(o[$0]!)" }.joined(separator: ", ") + "}"
    }
  }
}

/// A problem in a case file's structure (not a WebNN error).
public struct WPTCaseFileError: Error, CustomStringConvertible, Sendable {
  /// What is wrong, and where.
  public let message: String
  /// An error with `message`.
  public init(_ message: String) { self.message = message }
  /// The message.
  public var description: String { message }
}

enum WPTFormat {
  /// A number without a needless ".0" for integers.
  static func number(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
    if d == 0 && d.sign == .minus { return "-0" }
    if d == d.rounded(), Swift.abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
  }
}
