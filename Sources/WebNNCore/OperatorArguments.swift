/// The decoder one schema's builder call reads its arguments through. Every read names a
/// declared parameter of the expected kind (anything else is a registry bug, reported as one),
/// and every given argument must be read, so no declared option is silently dropped.
final class OperatorArguments {
  let call: OperatorCall
  let builder: MLGraphBuilder
  private let resolve: (String) throws -> MLOperand
  /// The parameters the decoder has read so far.
  private(set) var readNames: Set<String> = []

  init(call: OperatorCall, builder: MLGraphBuilder, resolve: @escaping (String) throws -> MLOperand) {
    self.call = call
    self.builder = builder
    self.resolve = resolve
  }

  var label: String { call.label }
  var labelOptions: MLOperatorLabel { MLOperatorLabel(label: call.label) }

  func error(_ parameter: String, _ problem: String) -> MLError {
    MLError.type("\(call.qualifiedName): \(parameter): \(problem)")
  }

  /// The value given for `name`, after checking that the schema declares it with a kind `accepts`.
  private func value(_ name: String, _ accepts: (OperatorValueKind) -> Bool) throws -> MLArgumentValue? {
    guard let parameter = call.schema.parameter(name), parameter.name == name, accepts(parameter.kind) else {
      throw MLError(
        .unknownError, "\(call.schema.name): the registry decodes \(name), which the schema does not declare so")
    }
    readNames.insert(name)
    return call.arguments[name]
  }

  private func required(_ name: String, _ accepts: (OperatorValueKind) -> Bool) throws -> MLArgumentValue {
    guard let value = try value(name, accepts) else { throw error(name, "missing argument") }
    return value
  }

  /// Fails when an argument was given that no decoder step read.
  func finish() throws {
    let unread = Set(call.arguments.keys).subtracting(readNames).subtracting(["label"])
    guard unread.isEmpty else {
      throw MLError(
        .unknownError, "\(call.schema.name): the registry declares but does not decode \(unread.sorted())")
    }
  }

  // MARK: Operands

  func operand(_ name: String) throws -> MLOperand {
    try resolve(try OperatorCall.operandName(try required(name) { $0 == .operand }, call.qualifiedName, name))
  }

  func optionalOperand(_ name: String) throws -> MLOperand? {
    guard let value = try value(name, { $0 == .operand }) else { return nil }
    return try resolve(try OperatorCall.operandName(value, call.qualifiedName, name))
  }

  func operands(_ name: String) throws -> [MLOperand] {
    let value = try required(name) { $0 == .operandList }
    guard case .array(let items) = value else { throw error(name, "expected a list of operands, got \(value)") }
    return try items.map { try resolve(try OperatorCall.operandName($0, call.qualifiedName, name)) }
  }

  // MARK: Numbers

  private func integer(_ value: MLArgumentValue, _ name: String) throws -> Int {
    switch value {
    case .number(let d) where d == d.rounded() && Swift.abs(d) <= 9_007_199_254_740_992:
      return Int(d)
    case .string(let text):
      // Integers a Double cannot hold exactly (describe writes them as digits).
      if let i = Int(text) { return i }
      if let d = Double(text), d == d.rounded(), Swift.abs(d) <= 9_007_199_254_740_992 { return Int(d) }
    default: break
    }
    throw error(name, "expected an integer, got \(value)")
  }

  private func integerList(_ value: MLArgumentValue, _ name: String) throws -> [Int] {
    guard case .array(let items) = value else { throw error(name, "expected a list of integers, got \(value)") }
    return try items.map { try integer($0, name) }
  }

  func int(_ name: String) throws -> Int { try integer(try required(name) { $0 == .integer }, name) }

  func optionalInt(_ name: String) throws -> Int? {
    try value(name) { $0 == .integer }.map { try integer($0, name) }
  }

  func ints(_ name: String) throws -> [Int] { try integerList(try required(name) { $0 == .integerList }, name) }

  func optionalInts(_ name: String) throws -> [Int]? {
    try value(name) { $0 == .integerList }.map { try integerList($0, name) }
  }

  private func real(_ value: MLArgumentValue, _ name: String) throws -> Double {
    switch value {
    case .number(let d): return d
    case .string(let text) where Double(text) != nil: return Double(text)!  // "NaN", "Infinity", "-0"
    default: throw error(name, "expected a number, got \(value)")
    }
  }

  func optionalDouble(_ name: String) throws -> Double? {
    try value(name) { $0 == .double }.map { try real($0, name) }
  }

  /// A `sequence<float>`: finite numbers rounded to float32.
  func optionalFloats(_ name: String) throws -> [Float]? {
    guard let value = try value(name, { $0 == .floatList }) else { return nil }
    guard case .array(let items) = value else { throw error(name, "expected a list of numbers, got \(value)") }
    return try items.map { item in
      let d = try real(item, name)
      guard d.isFinite, Float(d).isFinite else { throw error(name, "expected finite numbers, got \(item)") }
      return Float(d)
    }
  }

  /// An `MLNumber`: a Double, or a string of digits for a 64-bit integer beyond a Double's precision.
  func optionalNumber(_ name: String) throws -> MLNumber? {
    guard let value = try value(name, { $0 == .number }) else { return nil }
    if case .string(let text) = value {
      if let i = Int64(text) { return .int(i) }
      if let u = UInt64(text) { return .uint(u) }
    }
    return .double(try real(value, name))
  }

  // MARK: Other values

  func optionalBool(_ name: String) throws -> Bool? {
    guard let value = try value(name, { $0 == .boolean }) else { return nil }
    guard case .bool(let b) = value else { throw error(name, "expected a boolean, got \(value)") }
    return b
  }

  private func enumValue<T: RawRepresentable>(_ value: MLArgumentValue, _ name: String) throws -> T
  where T.RawValue == String {
    // A positional enum value in a JSON graph reads back as an operand name: the same text.
    let text: String? =
      switch value {
      case .string(let text), .operand(let text): text
      default: nil
      }
    guard let text, let result = T(rawValue: text) else {
      throw error(name, "\(value) is not a valid \(T.self) value")
    }
    return result
  }

  func enumeration<T: RawRepresentable>(_ name: String, _: T.Type) throws -> T where T.RawValue == String {
    let value = try required(name) {
      if case .enumeration = $0 { return true }
      return false
    }
    return try enumValue(value, name)
  }

  func optionalEnumeration<T: RawRepresentable>(_ name: String, _: T.Type) throws -> T? where T.RawValue == String {
    let value = try value(name) {
      if case .enumeration = $0 { return true }
      return false
    }
    return try value.map { try enumValue($0, name) }
  }

  func optionalEnumerations<T: RawRepresentable>(_ name: String, _: T.Type) throws -> [T]?
  where T.RawValue == String {
    let value = try value(name) {
      if case .enumerationList = $0 { return true }
      return false
    }
    guard let value else { return nil }
    guard case .array(let items) = value else { throw error(name, "expected a list, got \(value)") }
    return try items.map { try enumValue($0, name) }
  }

  /// `splits`: a count, or a list of sizes.
  func splits(_ name: String) throws -> MLSplits {
    let value = try required(name) { $0 == .splits }
    if case .array = value { return .sizes(try integerList(value, name)) }
    return .count(try integer(value, name))
  }
}
