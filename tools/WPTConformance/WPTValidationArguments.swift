import Foundation
import WebNNCore

/// A call the Swift API cannot make as recorded: the JavaScript value would be rejected (or
/// converted) by the WebIDL bindings, and no Swift value stands for it. Counted as
/// "not expressible" with this reason, never as a pass.
struct WPTNotExpressible: Error, CustomStringConvertible {
  let reason: String
  init(_ reason: String) { self.reason = reason }
  var description: String { reason }
}

/// An argument after its operands were created: operands are real `MLOperand`s, everything
/// else stays a JSON value until a parameter reads it.
indirect enum WPTResolvedArgument {
  case operand(MLOperand)
  case list([WPTResolvedArgument])
  case dictionary([String: WPTResolvedArgument])
  /// A literal, including the `$number`, `$bigint` and `$buffer` encodings.
  case value(WPTValue)

  /// Whether the value is a plain options dictionary (not an encoded special value).
  var isDictionary: Bool {
    if case .dictionary = self { return true }
    return false
  }
}

extension WPTValue {
  /// The key of an encoded special value (`$number`, `$bigint`, `$buffer`, ...), if this is one.
  var specialKey: String? {
    guard case .object(let o) = self, o.count == 1, let key = o.keys.first, key.hasPrefix("$")
    else { return nil }
    return key
  }
}

/// Reads the positional arguments of `input` and `constant` calls the way the WebIDL bindings
/// would, converting each to the closest Swift value. Values the bindings would reject and
/// Swift cannot express throw ``WPTNotExpressible``.
struct WPTValidationArguments {
  let op: String
  let positional: [WPTResolvedArgument]
  let options: [String: WPTResolvedArgument]
  private(set) var consumedPositional = 0

  /// Option names the current spec no longer has. WebIDL ignores unknown dictionary members,
  /// so passing one changes nothing (see the allowlist for the tests that relied on them).
  static let removedOptions: [String: String] = [
    "roundingType": "renamed to outputShapeRounding (#770)"
  ]

  init(op: String, positional: [WPTResolvedArgument], options: [String: WPTResolvedArgument]) {
    self.op = op
    self.positional = positional
    self.options = options
  }

  // MARK: Positional arguments

  private mutating func next(_ name: String) throws -> WPTResolvedArgument {
    guard consumedPositional < positional.count else {
      throw WPTNotExpressible(
        "\(op): the required argument \(name) is missing (WebIDL throws TypeError)")
    }
    defer { consumedPositional += 1 }
    return positional[consumedPositional]
  }

  mutating func string(_ name: String) throws -> String {
    let value = try next(name)
    guard case .value(.string(let s)) = value else {
      throw WPTNotExpressible("\(op): \(name) is not a string")
    }
    return s
  }

  /// The raw argument (for `input`'s descriptor and `constant`'s buffer).
  mutating func raw(_ name: String) throws -> WPTResolvedArgument { try next(name) }

  // MARK: Finishing

  /// Fails on positional arguments no parameter read (more than the IDL signature has) and on
  /// option members (`input` and `constant` take none). Members the spec removed are ignored, as WebIDL
  /// ignores unknown dictionary members; they are returned for the report.
  func finish() throws -> [String] {
    if consumedPositional < positional.count {
      throw WPTNotExpressible(
        "\(op): \(positional.count - consumedPositional) positional argument(s) more than the IDL signature takes"
      )
    }
    var ignored: [String] = []
    for key in options.keys.sorted() {
      guard let why = Self.removedOptions[key] else {
        throw WPTCaseFileError("\(op): option \(key) is not mapped onto the Swift API")
      }
      ignored.append("options.\(key) ignored: \(why)")
    }
    return ignored
  }

  // MARK: Conversions

  static func operand(_ value: WPTResolvedArgument, _ op: String, _ name: String) throws
    -> MLOperand
  {
    guard case .operand(let x) = value else {
      throw WPTNotExpressible("\(op): \(name) is not an MLOperand (WebIDL throws TypeError)")
    }
    return x
  }

  /// An `[EnforceRange] unsigned long` (or `long`): integers pass as Int, out-of-range ones
  /// included, for the builder to reject; fractions truncate as EnforceRange does.
  static func integer(_ value: WPTResolvedArgument, _ op: String, _ name: String) throws -> Int {
    guard case .value(let v) = value else {
      throw WPTNotExpressible(
        "\(op): \(name) is \(describe(value)), not a number (WebIDL throws TypeError)")
    }
    switch v {
    case .number(let d) where d.isFinite && Swift.abs(d) < 9.2e18:
      return Int(d.rounded(.towardZero))
    case .object(let o) where o["$number"] != nil:
      throw WPTNotExpressible(
        "\(op): \(name) is \(o["$number"]!); [EnforceRange] throws TypeError for it")
    case .object(let o) where o["$bigint"] != nil:
      throw WPTNotExpressible(
        "\(op): \(name) is a BigInt; WebIDL cannot convert it to unsigned long (TypeError)")
    default:
      throw WPTNotExpressible("\(op): \(name) is \(v), not a number (WebIDL throws TypeError)")
    }
  }

  static func integers(_ value: WPTResolvedArgument, _ op: String, _ name: String) throws -> [Int] {
    guard case .list(let items) = value else {
      throw WPTNotExpressible(
        "\(op): \(name) is \(describe(value)), not a sequence (WebIDL throws TypeError)")
    }
    return try items.map { try integer($0, op, name) }
  }

  static func double(_ value: WPTResolvedArgument, _ op: String, _ name: String) throws -> Double {
    guard case .value(let v) = value else {
      throw WPTNotExpressible("\(op): \(name) is not a number")
    }
    switch v {
    case .number(let d): return d
    case .object(let o):
      if case .string(let s)? = o["$number"] {
        switch s {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "-0": return -0.0
        default: break
        }
      }
      throw WPTNotExpressible("\(op): \(name) is \(v); WebIDL cannot convert it to double")
    default:
      throw WPTNotExpressible("\(op): \(name) is \(v), not a number")
    }
  }

  static func enumeration<T: RawRepresentable>(
    _ value: WPTResolvedArgument, _ type: T.Type, _ op: String, _ name: String
  )
    throws -> T where T.RawValue == String
  {
    guard case .value(.string(let s)) = value else {
      throw WPTNotExpressible("\(op): \(name) is not a string")
    }
    guard let result = T(rawValue: s) else {
      throw WPTNotExpressible(
        "\(op): \(name) \"\(s)\" is not a \(T.self) value (WebIDL throws TypeError)")
    }
    return result
  }

  static func describe(_ value: WPTResolvedArgument) -> String {
    switch value {
    case .operand: "an MLOperand"
    case .list: "a sequence"
    case .dictionary: "a dictionary"
    case .value(let v): "\(v)"
    }
  }
}
