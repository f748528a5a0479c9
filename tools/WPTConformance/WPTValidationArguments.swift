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

/// Reads one builder call's positional arguments and options the way the WebIDL bindings
/// would, converting each to the closest Swift value. Values the bindings would reject and
/// Swift cannot express throw ``WPTNotExpressible``.
struct WPTValidationArguments {
  let op: String
  let positional: [WPTResolvedArgument]
  let options: [String: WPTResolvedArgument]
  private(set) var consumedPositional = 0
  private(set) var usedOptions: Set<String> = []

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

  mutating func operand(_ name: String) throws -> MLOperand {
    try Self.operand(try next(name), op, name)
  }

  mutating func operands(_ name: String) throws -> [MLOperand] {
    let value = try next(name)
    guard case .list(let items) = value else {
      throw WPTNotExpressible(
        "\(op): \(name) is not a sequence<MLOperand> (WebIDL throws TypeError)")
    }
    return try items.map { try Self.operand($0, op, name) }
  }

  mutating func unsignedLong(_ name: String) throws -> Int {
    try Self.integer(try next(name), op, name)
  }

  mutating func unsignedLongs(_ name: String) throws -> [Int] {
    try Self.integers(try next(name), op, name)
  }

  mutating func string(_ name: String) throws -> String {
    let value = try next(name)
    guard case .value(.string(let s)) = value else {
      throw WPTNotExpressible("\(op): \(name) is not a string")
    }
    return s
  }

  mutating func enumeration<T: RawRepresentable>(_ name: String, _ type: T.Type) throws -> T
  where T.RawValue == String {
    try Self.enumeration(try next(name), type, op, name)
  }

  /// `splits`: an `unsigned long` or a `sequence<unsigned long>`.
  mutating func splits(_ name: String) throws -> MLSplits {
    let value = try next(name)
    if case .list = value { return .sizes(try Self.integers(value, op, name)) }
    return .count(try Self.integer(value, op, name))
  }

  /// The raw argument (for `input`'s descriptor and `constant`'s buffer).
  mutating func raw(_ name: String) throws -> WPTResolvedArgument { try next(name) }

  // MARK: Options

  private mutating func option(_ key: String) -> WPTResolvedArgument? {
    guard let value = options[key] else { return nil }
    usedOptions.insert(key)
    if case .value(let v) = value, v.specialKey == "$undefined" { return nil }
    return value
  }

  mutating func label() throws -> String {
    guard let value = option("label") else { return "" }
    guard case .value(.string(let s)) = value else {
      throw WPTNotExpressible("\(op): options.label is not a string")
    }
    return s
  }

  mutating func optionalOperand(_ key: String) throws -> MLOperand? {
    try option(key).map { try Self.operand($0, op, "options.\(key)") }
  }

  mutating func optionalInt(_ key: String) throws -> Int? {
    try option(key).map { try Self.integer($0, op, "options.\(key)") }
  }

  mutating func optionalInts(_ key: String) throws -> [Int]? {
    try option(key).map { try Self.integers($0, op, "options.\(key)") }
  }

  /// A `double` option: NaN and ±Infinity pass through as Swift Doubles; the builder must
  /// reject them as WebIDL's restricted `double` would.
  mutating func optionalDouble(_ key: String) throws -> Double? {
    try option(key).map { try Self.double($0, op, "options.\(key)") }
  }

  /// A `sequence<float>` option, each value rounded to Float (non-finite values pass through).
  mutating func optionalFloats(_ key: String) throws -> [Float]? {
    guard let value = option(key) else { return nil }
    guard case .list(let items) = value else {
      throw WPTNotExpressible("\(op): options.\(key) is not a sequence")
    }
    return try items.map { Float(try Self.double($0, op, "options.\(key)")) }
  }

  /// An `MLNumber` option (`bigint` or `unrestricted double`).
  mutating func optionalNumber(_ key: String) throws -> MLNumber? {
    guard let value = option(key) else { return nil }
    guard case .value(let v) = value else {
      throw WPTNotExpressible("\(op): options.\(key) is not a number")
    }
    if case .object(let o) = v, case .string(let digits)? = o["$bigint"] {
      if let i = Int64(digits) { return .int(i) }
      if let u = UInt64(digits) { return .uint(u) }
      throw WPTNotExpressible(
        "\(op): options.\(key) is the BigInt \(digits), outside the 64-bit range")
    }
    return .double(try Self.double(value, op, "options.\(key)"))
  }

  mutating func optionalBool(_ key: String) throws -> Bool? {
    guard let value = option(key) else { return nil }
    guard case .value(.bool(let b)) = value else {
      throw WPTNotExpressible("\(op): options.\(key) is not a boolean")
    }
    return b
  }

  mutating func optionalEnumeration<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> T?
  where T.RawValue == String {
    try option(key).map { try Self.enumeration($0, type, op, "options.\(key)") }
  }

  mutating func optionalEnumerations<T: RawRepresentable>(_ key: String, _ type: T.Type) throws
    -> [T]?
  where T.RawValue == String {
    guard let value = option(key) else { return nil }
    guard case .list(let items) = value else {
      throw WPTNotExpressible("\(op): options.\(key) is not a sequence")
    }
    return try items.map { try Self.enumeration($0, type, op, "options.\(key)") }
  }

  /// Fails on positional arguments no parameter read (more than the IDL signature has) and on
  /// option members the mapping does not know. Members the spec removed are ignored, as WebIDL
  /// ignores unknown dictionary members; they are returned for the report.
  func finish() throws -> [String] {
    if consumedPositional < positional.count {
      throw WPTNotExpressible(
        "\(op): \(positional.count - consumedPositional) positional argument(s) more than the IDL signature takes"
      )
    }
    var ignored: [String] = []
    for key in options.keys.sorted() where !usedOptions.contains(key) {
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
