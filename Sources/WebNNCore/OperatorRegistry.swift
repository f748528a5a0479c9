/// Every WebNN operator, declared once as data (``OperatorSchema``): the builder validates
/// against its limits, `opSupportLimits()` reports them, and loaders (graph files, the
/// conformance replays, a C API) call operators by name through it.
///
/// ```swift
/// let y = try OperatorRegistry.call(
///   "softmax", positional: [.operand("x")], named: ["axis": 1, "label": "probs"],
///   builder: builder, operand: { operands[$0]! })[0]
/// ```
public enum OperatorRegistry {
  /// Every operator, in the order of the spec's sections.
  public static let schemas: [OperatorSchema] =
    elementwise + activations + matrix + convolutions + pooling + reductions + normalizations + shapes
    + indexing + quantization + recurrent

  private static let byName: [String: OperatorSchema] = Dictionary(uniqueKeysWithValues: schemas.map { ($0.name, $0) })

  /// The operator names, in the order of ``schemas``.
  public static var names: [String] { schemas.map(\.name) }

  /// The declaration of `op`, or nil when there is no such operator.
  ///
  /// ```swift
  /// OperatorRegistry.schema("gemm")?.option("c")?.dataTypes  // [.float32, .float16]
  /// ```
  public static func schema(_ op: String) -> OperatorSchema? { byName[op] }

  /// Binds a call's arguments to `op`'s parameters: positional values fill the positional
  /// parameters in order; named ones may be any parameter or option member, by its current
  /// name or an older spelling. `null` means absent.
  ///
  /// ```swift
  /// let call = try OperatorRegistry.bind("cast", named: ["input": "x", "type": "int32"])
  /// call.arguments["dataType"]  // .string("int32")
  /// ```
  ///
  /// - Throws: ``MLError`` `TypeError` naming the operator, its label and the argument for an
  ///   unknown operator or name, too many positional values, or an argument given twice.
  public static func bind(
    _ op: String, positional: [MLArgumentValue] = [], named: [String: MLArgumentValue] = [:]
  ) throws -> OperatorCall {
    guard let schema = byName[op] else { throw MLError.type("\(op): no such operator") }
    return try OperatorCall(schema: schema, positional: positional, named: named)
  }

  /// Calls the builder method of `op` with arguments written as data, and returns its results.
  ///
  /// ```swift
  /// let outputs = try OperatorRegistry.call(
  ///   "split", positional: [.operand("x"), 2], named: ["axis": 1], builder: builder,
  ///   operand: { name in operands[name]! })
  /// ```
  ///
  /// - Parameters:
  ///   - op: The builder method's name.
  ///   - positional: Leading positional arguments in the spec's order.
  ///   - named: Further arguments by name: positional parameters and option members alike.
  ///   - builder: The builder to call.
  ///   - operand: Resolves an operand name to an operand of `builder`.
  /// - Returns: The operator's results (several for split, gru and lstm).
  /// - Throws: ``MLError`` `TypeError` naming the operator, its label and the argument for a
  ///   bad argument, and whatever the builder method or `operand` throws.
  public static func call(
    _ op: String, positional: [MLArgumentValue] = [], named: [String: MLArgumentValue] = [:],
    builder: MLGraphBuilder, operand: (String) throws -> MLOperand
  ) throws -> [MLOperand] {
    try call(bind(op, positional: positional, named: named), builder: builder, operand: operand)
  }

  /// Runs a bound call (see ``bind(_:positional:named:)``).
  ///
  /// ```swift
  /// let call = try OperatorRegistry.bind("relu", positional: [.operand("x")])
  /// let y = try OperatorRegistry.call(call, builder: builder, operand: { operands[$0]! })[0]
  /// ```
  public static func call(
    _ call: OperatorCall, builder: MLGraphBuilder, operand: (String) throws -> MLOperand
  ) throws -> [MLOperand] {
    try withoutActuallyEscaping(operand) { resolve in
      let arguments = OperatorArguments(call: call, builder: builder, resolve: resolve)
      let results = try call.schema.build(arguments)
      try arguments.finish()
      return results
    }
  }

  /// The limits of every operator's operand arguments and results, keyed by operator and argument.
  static let supportLimits: [String: [String: ArgumentSpec]] = byName.mapValues(\.supportLimits)
}
