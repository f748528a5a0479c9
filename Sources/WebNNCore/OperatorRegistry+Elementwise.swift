// Element-wise operators: binary arithmetic, comparisons, logic, unary math, cast and where.

extension OperatorSchema {
  typealias UnaryMethod = @Sendable (MLGraphBuilder) -> (MLOperand, MLOperatorLabel) throws -> MLOperand
  typealias BinaryMethod = @Sendable (MLGraphBuilder) -> (MLOperand, MLOperand, MLOperatorLabel) throws -> MLOperand

  /// `name(input, options)` with only a label option.
  static func unary(
    _ name: String, _ types: Set<MLOperandDataType>, out: Set<MLOperandDataType>? = nil,
    _ method: @escaping UnaryMethod
  ) -> OperatorSchema {
    OperatorSchema(name, [.operand("input", types)], output: OperatorTable.spec(out ?? types)) { a in
      try method(a.builder)(try a.operand("input"), a.labelOptions)
    }
  }

  /// `name(a, b, options)` with only a label option.
  static func binary(
    _ name: String, _ types: Set<MLOperandDataType>, out: Set<MLOperandDataType>? = nil,
    names: (String, String) = ("a", "b"), _ method: @escaping BinaryMethod
  ) -> OperatorSchema {
    OperatorSchema(
      name, [.operand(names.0, types), .operand(names.1, types)], output: OperatorTable.spec(out ?? types)
    ) { a in
      try method(a.builder)(try a.operand(names.0), try a.operand(names.1), a.labelOptions)
    }
  }
}

extension OperatorRegistry {
  static let elementwise: [OperatorSchema] = {
    let all = OperatorTable.all
    let floats = OperatorTable.floats
    let signed = OperatorTable.signed
    let uint8 = OperatorTable.uint8
    typealias S = OperatorSchema
    return [
      S.binary("add", all) { $0.add }, S.binary("sub", all) { $0.sub }, S.binary("mul", all) { $0.mul },
      S.binary("div", all) { $0.div }, S.binary("max", all) { $0.max }, S.binary("min", all) { $0.min },
      S.binary("pow", all) { $0.pow },
      S.binary("equal", all, out: uint8) { $0.equal }, S.binary("notEqual", all, out: uint8) { $0.notEqual },
      S.binary("greater", all, out: uint8) { $0.greater },
      S.binary("greaterOrEqual", all, out: uint8) { $0.greaterOrEqual },
      S.binary("lesser", all, out: uint8) { $0.lesser },
      S.binary("lesserOrEqual", all, out: uint8) { $0.lesserOrEqual },
      S.binary("logicalAnd", uint8) { $0.logicalAnd }, S.binary("logicalOr", uint8) { $0.logicalOr },
      S.binary("logicalXor", uint8) { $0.logicalXor },
      S.binary("prelu", signed, names: ("input", "slope")) { $0.prelu },
      S.unary("logicalNot", uint8) { $0.logicalNot },
      S.unary("isNaN", floats, out: uint8) { $0.isNaN }, S.unary("isInfinite", floats, out: uint8) { $0.isInfinite },
      S.unary("abs", signed) { $0.abs }, S.unary("neg", signed) { $0.neg }, S.unary("sign", signed) { $0.sign },
      S.unary("identity", all) { $0.identity },
      S.unary("ceil", floats) { $0.ceil }, S.unary("floor", floats) { $0.floor }, S.unary("cos", floats) { $0.cos },
      S.unary("sin", floats) { $0.sin }, S.unary("tan", floats) { $0.tan }, S.unary("erf", floats) { $0.erf },
      S.unary("exp", floats) { $0.exp }, S.unary("log", floats) { $0.log },
      S.unary("reciprocal", floats) { $0.reciprocal }, S.unary("roundEven", floats) { $0.roundEven },
      S.unary("sqrt", floats) { $0.sqrt },
      S(
        "cast", [.operand("input", all), .enumeration("dataType", MLOperandDataType.self, aliases: ["type"])],
        output: OperatorTable.spec(all)
      ) { a in
        try a.builder.cast(
          try a.operand("input"), try a.enumeration("dataType", MLOperandDataType.self), options: a.labelOptions)
      },
      S(
        "where", [.operand("condition", uint8), .operand("trueValue", all), .operand("falseValue", all)],
        output: OperatorTable.spec(all)
      ) { a in
        try a.builder.where(
          try a.operand("condition"), try a.operand("trueValue"), try a.operand("falseValue"), options: a.labelOptions)
      },
    ]
  }()
}
