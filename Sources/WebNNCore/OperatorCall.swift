/// One operator call with its arguments bound to the schema's parameter names: positional
/// values named, older spellings replaced by the current names, `null`s dropped. A loader can
/// inspect it (which operands it references, which data type it asks for) before running it.
///
/// ```swift
/// let call = try OperatorRegistry.bind("softmax", positional: [.operand("x"), 1])
/// call.arguments["axis"]  // .number(1)
/// ```
public struct OperatorCall: Sendable {
  /// The operator's declaration.
  public let schema: OperatorSchema
  /// Every given argument by its parameter's current name.
  public let arguments: [String: MLArgumentValue]
  /// The label option, or `""`.
  public let label: String

  /// The operator and label as errors name them: `conv2d [stem]`.
  public var qualifiedName: String { label.isEmpty ? schema.name : "\(schema.name) [\(label)]" }

  init(schema: OperatorSchema, positional: [MLArgumentValue], named: [String: MLArgumentValue]) throws {
    self.schema = schema
    var label = ""
    if let value = named["label"], value != .null {
      guard case .string(let text) = value else {
        throw MLError.type("\(schema.name): label: expected a string, got \(value)")
      }
      label = text
    }
    self.label = label
    let name = label.isEmpty ? schema.name : "\(schema.name) [\(label)]"
    guard positional.count <= schema.parameters.count else {
      throw MLError.type(
        "\(name): \(positional.count) positional arguments given, \(schema.name) takes \(schema.parameters.count)"
          + " (\(schema.parameters.map(\.name).joined(separator: ", ")))")
    }
    var arguments: [String: MLArgumentValue] = [:]
    for (parameter, value) in zip(schema.parameters, positional) where value != .null {
      arguments[parameter.name] = value
    }
    for key in named.keys.sorted() where named[key] != .null {
      guard let parameter = schema.parameter(key) else {
        throw MLError.type("\(name): \(key): \(schema.name) has no such parameter or option")
      }
      guard arguments[parameter.name] == nil else {
        let spelled = key == parameter.name ? "" : " (spelled \(key))"
        throw MLError.type("\(name): \(parameter.name): given twice\(spelled)")
      }
      arguments[parameter.name] = named[key]
    }
    self.arguments = arguments
  }

  /// The names of the operands the call references through `parameter`, in order.
  ///
  /// ```swift
  /// try OperatorRegistry.bind("concat", named: ["inputs": ["a", "b"], "axis": 0]).operandNames("inputs")  // ["a", "b"]
  /// ```
  public func operandNames(_ parameter: String) throws -> [String] {
    guard let value = arguments[parameter] else { return [] }
    if case .array(let items) = value { return try items.map { try Self.operandName($0, qualifiedName, parameter) } }
    return [try Self.operandName(value, qualifiedName, parameter)]
  }

  static func operandName(_ value: MLArgumentValue, _ name: String, _ parameter: String) throws -> String {
    switch value {
    case .operand(let operand), .string(let operand): return operand
    default: throw MLError.type("\(name): \(parameter): expected an operand name, got \(value)")
    }
  }
}
