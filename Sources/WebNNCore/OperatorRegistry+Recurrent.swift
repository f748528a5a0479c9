// The recurrent operators. The builder lowers them to other operations, so they have no IR
// node of their own.

extension OperatorRegistry {
  static let recurrent: [OperatorSchema] = {
    let floats = OperatorTable.floats
    func rank(_ name: String, _ rank: Int) -> OperatorParameter { .operand(name, floats, rank...rank) }
    func result(_ name: String, _ rank: Int) -> (String, ArgumentSpec) {
      (name, OperatorTable.spec(floats, rank...rank))
    }
    let weights3 = [rank("input", 3), rank("weight", 3), rank("recurrentWeight", 3)]
    let weights2 = [rank("input", 2), rank("weight", 2), rank("recurrentWeight", 2)]
    let activations = OperatorParameter.enumerations("activations", MLRecurrentNetworkActivation.self)
    let direction = OperatorParameter.enumeration("direction", MLRecurrentNetworkDirection.self)
    typealias S = OperatorSchema
    return [
      S(
        "gru", weights3 + [.integer("steps"), .integer("hiddenSize")],
        options: [
          rank("bias", 2), rank("recurrentBias", 2), rank("initialHiddenState", 3), .boolean("resetAfter"),
          .boolean("returnSequence"), direction, .enumeration("layout", MLGruWeightLayout.self), activations,
        ],
        outputs: [result("output0", 3), result("output1", 4)], isDecomposed: true
      ) { a in
        var options = MLGruOptions(
          label: a.label, bias: try a.optionalOperand("bias"), recurrentBias: try a.optionalOperand("recurrentBias"),
          initialHiddenState: try a.optionalOperand("initialHiddenState"))
        if let v = try a.optionalBool("resetAfter") { options.resetAfter = v }
        if let v = try a.optionalBool("returnSequence") { options.returnSequence = v }
        if let v = try a.optionalEnumeration("direction", MLRecurrentNetworkDirection.self) { options.direction = v }
        if let v = try a.optionalEnumeration("layout", MLGruWeightLayout.self) { options.layout = v }
        options.activations = try a.optionalEnumerations("activations", MLRecurrentNetworkActivation.self)
        return try a.builder.gru(
          try a.operand("input"), try a.operand("weight"), try a.operand("recurrentWeight"), steps: try a.int("steps"),
          hiddenSize: try a.int("hiddenSize"), options: options)
      },
      S(
        "gruCell", weights2 + [rank("hiddenState", 2), .integer("hiddenSize")],
        options: [
          rank("bias", 1), rank("recurrentBias", 1), .boolean("resetAfter"),
          .enumeration("layout", MLGruWeightLayout.self), activations,
        ],
        outputs: [result("output", 2)], isDecomposed: true
      ) { a in
        var options = MLGruCellOptions(
          label: a.label, bias: try a.optionalOperand("bias"), recurrentBias: try a.optionalOperand("recurrentBias"))
        if let v = try a.optionalBool("resetAfter") { options.resetAfter = v }
        if let v = try a.optionalEnumeration("layout", MLGruWeightLayout.self) { options.layout = v }
        options.activations = try a.optionalEnumerations("activations", MLRecurrentNetworkActivation.self)
        return [
          try a.builder.gruCell(
            try a.operand("input"), try a.operand("weight"), try a.operand("recurrentWeight"),
            hiddenState: try a.operand("hiddenState"), hiddenSize: try a.int("hiddenSize"), options: options)
        ]
      },
      S(
        "lstm", weights3 + [.integer("steps"), .integer("hiddenSize")],
        options: [
          rank("bias", 2), rank("recurrentBias", 2), rank("peepholeWeight", 2), rank("initialHiddenState", 3),
          rank("initialCellState", 3), .boolean("returnSequence"), direction,
          .enumeration("layout", MLLstmWeightLayout.self), activations,
        ],
        outputs: [result("output0", 3), result("output1", 3), result("output2", 4)], isDecomposed: true
      ) { a in
        var options = MLLstmOptions(
          label: a.label, bias: try a.optionalOperand("bias"), recurrentBias: try a.optionalOperand("recurrentBias"),
          peepholeWeight: try a.optionalOperand("peepholeWeight"),
          initialHiddenState: try a.optionalOperand("initialHiddenState"),
          initialCellState: try a.optionalOperand("initialCellState"))
        if let v = try a.optionalBool("returnSequence") { options.returnSequence = v }
        if let v = try a.optionalEnumeration("direction", MLRecurrentNetworkDirection.self) { options.direction = v }
        if let v = try a.optionalEnumeration("layout", MLLstmWeightLayout.self) { options.layout = v }
        options.activations = try a.optionalEnumerations("activations", MLRecurrentNetworkActivation.self)
        return try a.builder.lstm(
          try a.operand("input"), try a.operand("weight"), try a.operand("recurrentWeight"), steps: try a.int("steps"),
          hiddenSize: try a.int("hiddenSize"), options: options)
      },
      S(
        "lstmCell", weights2 + [rank("hiddenState", 2), rank("cellState", 2), .integer("hiddenSize")],
        options: [
          rank("bias", 1), rank("recurrentBias", 1), rank("peepholeWeight", 1),
          .enumeration("layout", MLLstmWeightLayout.self), activations,
        ],
        outputs: [result("output0", 2), result("output1", 2)], isDecomposed: true
      ) { a in
        var options = MLLstmCellOptions(
          label: a.label, bias: try a.optionalOperand("bias"), recurrentBias: try a.optionalOperand("recurrentBias"),
          peepholeWeight: try a.optionalOperand("peepholeWeight"))
        if let v = try a.optionalEnumeration("layout", MLLstmWeightLayout.self) { options.layout = v }
        options.activations = try a.optionalEnumerations("activations", MLRecurrentNetworkActivation.self)
        return try a.builder.lstmCell(
          try a.operand("input"), try a.operand("weight"), try a.operand("recurrentWeight"),
          hiddenState: try a.operand("hiddenState"), cellState: try a.operand("cellState"),
          hiddenSize: try a.int("hiddenSize"), options: options)
      },
    ]
  }()
}
