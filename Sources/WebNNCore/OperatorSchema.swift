/// The kind of value one operator parameter takes, as a loader must write it.
///
/// ```swift
/// OperatorRegistry.schema("conv2d")?.option("groups")?.kind  // .integer
/// ```
public enum OperatorValueKind: Sendable, Hashable {
  /// An `MLOperand`, referenced by name (`.operand(name)` or `.string(name)`).
  case operand
  /// A `sequence<MLOperand>` (concat's inputs).
  case operandList
  /// An integer (`long` or `unsigned long`).
  case integer
  /// A list of integers.
  case integerList
  /// A `double` or `float`.
  case double
  /// A `sequence<float>`.
  case floatList
  /// An `MLNumber`: a `double`, or a `bigint` written as a string of digits when a Double cannot hold it.
  case number
  /// A boolean.
  case boolean
  /// A string (the label).
  case string
  /// One of the listed enum values.
  case enumeration([String])
  /// A list of the listed enum values.
  case enumerationList([String])
  /// An integer count or a list of sizes (split's `splits`).
  case splits

  var takesOperands: Bool { self == .operand || self == .operandList }
}

/// One parameter of an operator: a positional argument or a member of its options dictionary.
///
/// ```swift
/// let filter = OperatorRegistry.schema("conv2d")!.parameters[1]
/// filter.name  // "filter"
/// ```
public struct OperatorParameter: Sendable, Hashable {
  /// The spec's name of the parameter or option member.
  public let name: String
  /// What value it takes.
  public let kind: OperatorValueKind
  /// Older spellings a loader may still meet, such as pool2d's `roundingType`.
  public let aliases: [String]
  /// For operands: the data types and ranks the builder accepts.
  let limits: ArgumentSpec?

  /// The accepted data types of an operand parameter, in the spec's order; nil for other kinds.
  public var dataTypes: [MLOperandDataType]? { limits.map { MLOperandDataType.allCases.filter($0.dataTypes.contains) } }
  /// The accepted ranks of an operand parameter; nil for other kinds.
  public var ranks: ClosedRange<Int>? { limits?.ranks }

  init(_ name: String, _ kind: OperatorValueKind, aliases: [String] = [], limits: ArgumentSpec? = nil) {
    self.name = name
    self.kind = kind
    self.aliases = aliases
    self.limits = limits
  }

  static func operand(
    _ name: String, _ types: Set<MLOperandDataType>, _ ranks: ClosedRange<Int> = OperatorTable.anyRank
  ) -> Self {
    Self(name, .operand, limits: ArgumentSpec(dataTypes: types, ranks: ranks))
  }
  static func operands(
    _ name: String, _ types: Set<MLOperandDataType>, _ ranks: ClosedRange<Int> = OperatorTable.anyRank
  ) -> Self {
    Self(name, .operandList, limits: ArgumentSpec(dataTypes: types, ranks: ranks))
  }
  static func integer(_ name: String) -> Self { Self(name, .integer) }
  static func integers(_ name: String) -> Self { Self(name, .integerList) }
  static func double(_ name: String) -> Self { Self(name, .double) }
  static func floats(_ name: String) -> Self { Self(name, .floatList) }
  static func number(_ name: String) -> Self { Self(name, .number) }
  static func boolean(_ name: String) -> Self { Self(name, .boolean) }
  static func splits(_ name: String) -> Self { Self(name, .splits) }
  static func enumeration<T: CaseIterable & RawRepresentable>(_ name: String, _: T.Type, aliases: [String] = [])
    -> Self where T.RawValue == String
  {
    Self(name, .enumeration(T.allCases.map(\.rawValue)), aliases: aliases)
  }
  static func enumerations<T: CaseIterable & RawRepresentable>(_ name: String, _: T.Type) -> Self
  where T.RawValue == String {
    Self(name, .enumerationList(T.allCases.map(\.rawValue)))
  }
}

/// One operator declared as data: its name, its positional parameters in the spec's order, the
/// members of its options dictionary, the limits of its results, and the builder call that
/// decodes the arguments and makes the operation.
///
/// ```swift
/// let schema = OperatorRegistry.schema("softmax")!
/// schema.parameters.map(\.name)  // ["input", "axis"]
/// schema.options.map(\.name)     // ["label"]
/// ```
public struct OperatorSchema: Sendable {
  /// The builder method's name, such as `conv2d`.
  public let name: String
  /// The positional parameters, in the spec's order (all required).
  public let parameters: [OperatorParameter]
  /// The members of the options dictionary, `label` first (all optional).
  public let options: [OperatorParameter]
  /// The result names with their data types and ranks (`output`, `outputs`, `output0`, ...).
  let outputs: [(name: String, limits: ArgumentSpec)]
  /// Whether the builder lowers the operator to other operations (gru, lstm), so no IR node
  /// carries its name and ``OperatorRegistry/describe(_:in:name:)`` never produces it.
  public let isDecomposed: Bool
  let build: @Sendable (OperatorArguments) throws -> [MLOperand]

  init(
    _ name: String, _ parameters: [OperatorParameter], options: [OperatorParameter] = [],
    outputs: [(String, ArgumentSpec)], isDecomposed: Bool = false,
    build: @escaping @Sendable (OperatorArguments) throws -> [MLOperand]
  ) {
    self.name = name
    self.parameters = parameters
    self.options = [OperatorParameter("label", .string)] + options
    self.outputs = outputs.map { (name: $0.0, limits: $0.1) }
    self.isDecomposed = isDecomposed
    self.build = build
  }

  /// A single-output operator whose result has `output` limits.
  init(
    _ name: String, _ parameters: [OperatorParameter], options: [OperatorParameter] = [], output: ArgumentSpec,
    build: @escaping @Sendable (OperatorArguments) throws -> MLOperand
  ) {
    self.init(name, parameters, options: options, outputs: [("output", output)]) { [try build($0)] }
  }

  /// The positional parameter or option member called `name` (or spelled so in older vectors).
  public func parameter(_ name: String) -> OperatorParameter? {
    (parameters + options).first { $0.name == name || $0.aliases.contains(name) }
  }

  /// The option member called `name`, or one of its older spellings.
  public func option(_ name: String) -> OperatorParameter? {
    options.first { $0.name == name || $0.aliases.contains(name) }
  }

  /// Every operand argument and result with its limits, as `opSupportLimits()` lists them.
  var supportLimits: [String: ArgumentSpec] {
    var limits: [String: ArgumentSpec] = [:]
    for parameter in parameters + options { if let spec = parameter.limits { limits[parameter.name] = spec } }
    for output in outputs { limits[output.name] = output.limits }
    return limits
  }
}
