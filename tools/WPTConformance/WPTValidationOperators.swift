import WebNNCore

/// Calls a recorded builder call (WPT operator name, positional arguments, options) through
/// ``OperatorRegistry``. Each argument is first converted as the WebIDL bindings would convert
/// it for its parameter's kind (integers truncate, `$number` and `$bigint` encodings, `$undefined`
/// members); values the bindings would reject and Swift cannot express throw
/// ``WPTNotExpressible`` instead of reaching the registry.
enum WPTValidationOperators {
  /// Every operator with a builder method.
  static var supported: Set<String> { Set(OperatorRegistry.names) }

  /// Calls the builder method for `op` and returns its outputs.
  static func call(
    _ builder: MLGraphBuilder, _ op: String, positional: [WPTResolvedArgument],
    options: [String: WPTResolvedArgument]
  ) throws -> [MLOperand] {
    guard let schema = OperatorRegistry.schema(op) else {
      throw WPTNotExpressible("MLGraphBuilder has no \(op) method")
    }
    guard positional.count <= schema.parameters.count else {
      throw WPTNotExpressible(
        "\(op): \(positional.count - schema.parameters.count) positional argument(s) more than the IDL signature takes")
    }
    guard positional.count == schema.parameters.count else {
      // Unlike the registry (which lets older conformance vectors leave out softmax's axis),
      // WebIDL requires every positional argument.
      throw WPTNotExpressible(
        "\(op): the required argument \(schema.parameters[positional.count].name) is missing (WebIDL throws TypeError)")
    }
    var converter = WPTValidationConversion(op: op)
    let values = try zip(schema.parameters, positional).map { try converter.convert($1, $0.kind, $0.name) }
    var named: [String: MLArgumentValue] = [:]
    for key in options.keys.sorted() {
      // Members the current spec removed are ignored, as WebIDL ignores unknown dictionary members.
      if WPTValidationArguments.removedOptions[key] != nil { continue }
      guard let parameter = schema.options.first(where: { $0.name == key }) else {
        throw WPTCaseFileError("\(op): option \(key) is not mapped onto the Swift API")
      }
      let value = options[key]!
      if case .value(let v) = value, v.specialKey == "$undefined" { continue }
      named[key] = try converter.convert(value, parameter.kind, "options.\(key)")
    }
    let operands = converter.operands
    return try OperatorRegistry.call(op, positional: values, named: named, builder: builder) { operands[$0]! }
  }
}

/// Converts resolved arguments to registry values, naming each operand it meets.
struct WPTValidationConversion {
  let op: String
  private(set) var operands: [String: MLOperand] = [:]

  init(op: String) { self.op = op }

  mutating func convert(_ value: WPTResolvedArgument, _ kind: OperatorValueKind, _ name: String) throws
    -> MLArgumentValue
  {
    typealias A = WPTValidationArguments
    switch kind {
    case .operand: return reference(try A.operand(value, op, name))
    case .operandList:
      guard case .list(let items) = value else {
        throw WPTNotExpressible("\(op): \(name) is not a sequence<MLOperand> (WebIDL throws TypeError)")
      }
      return .array(try items.map { reference(try A.operand($0, op, name)) })
    case .integer: return Self.integer(try A.integer(value, op, name))
    case .integerList: return .array(try A.integers(value, op, name).map(Self.integer))
    case .splits:
      if case .list = value { return .array(try A.integers(value, op, name).map(Self.integer)) }
      return Self.integer(try A.integer(value, op, name))
    case .double: return .number(try A.double(value, op, name))
    case .floatList:
      guard case .list(let items) = value else { throw WPTNotExpressible("\(op): \(name) is not a sequence") }
      return .array(try items.map { .number(Double(Float(try A.double($0, op, name)))) })
    case .number: return try number(value, name)
    case .boolean:
      guard case .value(.bool(let b)) = value else { throw WPTNotExpressible("\(op): \(name) is not a boolean") }
      return .bool(b)
    case .string:
      guard case .value(.string(let s)) = value else { throw WPTNotExpressible("\(op): \(name) is not a string") }
      return .string(s)
    case .enumeration(let allowed): return try enumeration(value, allowed, name)
    case .enumerationList(let allowed):
      guard case .list(let items) = value else { throw WPTNotExpressible("\(op): \(name) is not a sequence") }
      return .array(try items.map { try enumeration($0, allowed, name) })
    }
  }

  private mutating func reference(_ operand: MLOperand) -> MLArgumentValue {
    let key = "wpt·\(operands.count)"
    operands[key] = operand
    return .operand(key)
  }

  /// An integer as a number, or as its digits beyond a Double's exact range.
  static func integer(_ i: Int) -> MLArgumentValue {
    i.magnitude <= 9_007_199_254_740_992 ? .number(Double(i)) : .string(String(i))
  }

  /// An `MLNumber` (`bigint` or `unrestricted double`).
  private func number(_ value: WPTResolvedArgument, _ name: String) throws -> MLArgumentValue {
    guard case .value(let v) = value else { throw WPTNotExpressible("\(op): \(name) is not a number") }
    if case .object(let o) = v, case .string(let digits)? = o["$bigint"] {
      guard Int64(digits) != nil || UInt64(digits) != nil else {
        throw WPTNotExpressible("\(op): \(name) is the BigInt \(digits), outside the 64-bit range")
      }
      return .string(digits)
    }
    return .number(try WPTValidationArguments.double(value, op, name))
  }

  private func enumeration(_ value: WPTResolvedArgument, _ allowed: [String], _ name: String) throws
    -> MLArgumentValue
  {
    guard case .value(.string(let s)) = value else { throw WPTNotExpressible("\(op): \(name) is not a string") }
    guard allowed.contains(s) else {
      throw WPTNotExpressible("\(op): \(name) \"\(s)\" is not one of \(allowed) (WebIDL throws TypeError)")
    }
    return .string(s)
  }
}
