// Reductions, argMin/argMax and the normalizations.

extension OperatorRegistry {
  static let reductions: [OperatorSchema] = {
    typealias Method = @Sendable (MLGraphBuilder) -> (MLOperand, MLReduceOptions) throws -> MLOperand
    func reduce(_ kind: ReduceKind, _ types: Set<MLOperandDataType>, _ method: @escaping Method) -> OperatorSchema {
      OperatorSchema(
        kind.rawValue, [.operand("input", types)], options: [.integers("axes"), .boolean("keepDimensions")],
        output: OperatorTable.spec(types)
      ) { a in
        var options = MLReduceOptions(label: a.label, axes: try a.optionalInts("axes"))
        if let v = try a.optionalBool("keepDimensions") { options.keepDimensions = v }
        return try method(a.builder)(try a.operand("input"), options)
      }
    }
    typealias ArgMethod = @Sendable (MLGraphBuilder) -> (MLOperand, Int, MLArgMinMaxOptions) throws -> MLOperand
    func argMinMax(_ name: String, _ method: @escaping ArgMethod) -> OperatorSchema {
      OperatorSchema(
        name, [.operand("input", OperatorTable.all, 1...OperatorTable.maxRank), .integer("axis")],
        options: [.boolean("keepDimensions"), .enumeration("outputDataType", MLOperandDataType.self)],
        output: OperatorTable.spec([.int32, .int64])
      ) { a in
        var options = MLArgMinMaxOptions(label: a.label)
        if let v = try a.optionalBool("keepDimensions") { options.keepDimensions = v }
        if let v = try a.optionalEnumeration("outputDataType", MLOperandDataType.self) { options.outputDataType = v }
        return try method(a.builder)(try a.operand("input"), try a.int("axis"), options)
      }
    }
    let reducible = OperatorTable.reducible
    let floats = OperatorTable.floats
    return [
      reduce(.l1, reducible) { $0.reduceL1 }, reduce(.l2, floats) { $0.reduceL2 },
      reduce(.logSum, floats) { $0.reduceLogSum }, reduce(.logSumExp, floats) { $0.reduceLogSumExp },
      reduce(.max, OperatorTable.all) { $0.reduceMax }, reduce(.mean, floats) { $0.reduceMean },
      reduce(.min, OperatorTable.all) { $0.reduceMin }, reduce(.product, reducible) { $0.reduceProduct },
      reduce(.sum, reducible) { $0.reduceSum }, reduce(.sumSquare, reducible) { $0.reduceSumSquare },
      argMinMax("argMin") { $0.argMin }, argMinMax("argMax") { $0.argMax },
    ]
  }()

  static let normalizations: [OperatorSchema] = {
    let floats = OperatorTable.floats
    let vector = 1...1
    typealias S = OperatorSchema
    return [
      S(
        "batchNormalization",
        [
          .operand("input", floats, 1...OperatorTable.maxRank), .operand("mean", floats, vector),
          .operand("variance", floats, vector),
        ],
        options: [
          .operand("scale", floats, vector), .operand("bias", floats, vector), .integer("axis"), .double("epsilon"),
        ],
        output: OperatorTable.spec(floats, 1...OperatorTable.maxRank)
      ) { a in
        var options = MLBatchNormalizationOptions(
          label: a.label, scale: try a.optionalOperand("scale"), bias: try a.optionalOperand("bias"))
        if let v = try a.optionalInt("axis") { options.axis = v }
        if let v = try a.optionalDouble("epsilon") { options.epsilon = v }
        return try a.builder.batchNormalization(
          try a.operand("input"), mean: try a.operand("mean"), variance: try a.operand("variance"), options: options)
      },
      S(
        "instanceNormalization", [.operand("input", floats, 4...4)],
        options: [
          .operand("scale", floats, vector), .operand("bias", floats, vector), .double("epsilon"),
          .enumeration("layout", MLInputOperandLayout.self),
        ],
        output: OperatorTable.spec(floats, 4...4)
      ) { a in
        var options = MLInstanceNormalizationOptions(
          label: a.label, scale: try a.optionalOperand("scale"), bias: try a.optionalOperand("bias"))
        if let v = try a.optionalDouble("epsilon") { options.epsilon = v }
        if let v = try a.optionalEnumeration("layout", MLInputOperandLayout.self) { options.layout = v }
        return try a.builder.instanceNormalization(try a.operand("input"), options: options)
      },
      S(
        "layerNormalization", [.operand("input", floats)],
        options: [.operand("scale", floats), .operand("bias", floats), .integers("axes"), .double("epsilon")],
        output: OperatorTable.spec(floats)
      ) { a in
        var options = MLLayerNormalizationOptions(
          label: a.label, scale: try a.optionalOperand("scale"), bias: try a.optionalOperand("bias"),
          axes: try a.optionalInts("axes"))
        if let v = try a.optionalDouble("epsilon") { options.epsilon = v }
        return try a.builder.layerNormalization(try a.operand("input"), options: options)
      },
    ]
  }()
}
