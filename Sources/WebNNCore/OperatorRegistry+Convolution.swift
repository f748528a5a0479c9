// Matrix products, convolutions and pooling.

extension OperatorRegistry {
  static let matrix: [OperatorSchema] = {
    let floats = OperatorTable.floats
    let batched = OperatorTable.spec(floats, 2...OperatorTable.maxRank)
    let matrix = 2...2
    typealias S = OperatorSchema
    return [
      S("matmul", [.operand("a", floats, batched.ranks), .operand("b", floats, batched.ranks)], output: batched) { a in
        try a.builder.matmul(try a.operand("a"), try a.operand("b"), options: a.labelOptions)
      },
      S(
        "gemm", [.operand("a", floats, matrix), .operand("b", floats, matrix)],
        options: [
          .operand("c", floats, 0...2), .double("alpha"), .double("beta"), .boolean("aTranspose"),
          .boolean("bTranspose"),
        ],
        output: OperatorTable.spec(floats, matrix)
      ) { a in
        var options = MLGemmOptions(label: a.label, c: try a.optionalOperand("c"))
        if let v = try a.optionalDouble("alpha") { options.alpha = v }
        if let v = try a.optionalDouble("beta") { options.beta = v }
        if let v = try a.optionalBool("aTranspose") { options.aTranspose = v }
        if let v = try a.optionalBool("bTranspose") { options.bTranspose = v }
        return try a.builder.gemm(try a.operand("a"), try a.operand("b"), options: options)
      },
    ]
  }()

  /// The options conv2d and convTranspose2d share, before their filter layout.
  private static let windowOptions: [OperatorParameter] = [
    .integers("padding"), .integers("strides"), .integers("dilations"),
  ]

  static let convolutions: [OperatorSchema] = {
    let floats = OperatorTable.floats
    let image = OperatorTable.spec(floats, 4...4)
    let operands: [OperatorParameter] = [.operand("input", floats, 4...4), .operand("filter", floats, 4...4)]
    let bias = OperatorParameter.operand("bias", floats, 1...1)
    let groupsAndLayout: [OperatorParameter] = [
      .integer("groups"), .enumeration("inputLayout", MLInputOperandLayout.self),
    ]
    typealias S = OperatorSchema
    return [
      S(
        "conv2d", operands,
        options: windowOptions + groupsAndLayout + [
          .enumeration("filterLayout", MLConv2dFilterOperandLayout.self), bias,
        ], output: image
      ) { a in
        var options = MLConv2dOptions(label: a.label)
        if let v = try a.optionalInts("padding") { options.padding = v }
        if let v = try a.optionalInts("strides") { options.strides = v }
        if let v = try a.optionalInts("dilations") { options.dilations = v }
        if let v = try a.optionalInt("groups") { options.groups = v }
        if let v = try a.optionalEnumeration("inputLayout", MLInputOperandLayout.self) { options.inputLayout = v }
        if let v = try a.optionalEnumeration("filterLayout", MLConv2dFilterOperandLayout.self) {
          options.filterLayout = v
        }
        options.bias = try a.optionalOperand("bias")
        return try a.builder.conv2d(try a.operand("input"), try a.operand("filter"), options: options)
      },
      S(
        "convTranspose2d", operands,
        options: windowOptions + [.integers("outputPadding"), .integers("outputSizes")] + groupsAndLayout + [
          .enumeration("filterLayout", MLConvTranspose2dFilterOperandLayout.self), bias,
        ], output: image
      ) { a in
        var options = MLConvTranspose2dOptions(label: a.label)
        if let v = try a.optionalInts("padding") { options.padding = v }
        if let v = try a.optionalInts("strides") { options.strides = v }
        if let v = try a.optionalInts("dilations") { options.dilations = v }
        if let v = try a.optionalInts("outputPadding") { options.outputPadding = v }
        options.outputSizes = try a.optionalInts("outputSizes")
        if let v = try a.optionalInt("groups") { options.groups = v }
        if let v = try a.optionalEnumeration("inputLayout", MLInputOperandLayout.self) { options.inputLayout = v }
        if let v = try a.optionalEnumeration("filterLayout", MLConvTranspose2dFilterOperandLayout.self) {
          options.filterLayout = v
        }
        options.bias = try a.optionalOperand("bias")
        return try a.builder.convTranspose2d(try a.operand("input"), try a.operand("filter"), options: options)
      },
    ]
  }()

  static let pooling: [OperatorSchema] = {
    typealias Method = @Sendable (MLGraphBuilder) -> (MLOperand, MLPool2dOptions) throws -> MLOperand
    func pool(_ name: String, _ types: Set<MLOperandDataType>, _ method: @escaping Method) -> OperatorSchema {
      OperatorSchema(
        name, [.operand("input", types, 4...4)],
        options: [.integers("windowDimensions")] + windowOptions + [
          .enumeration("layout", MLInputOperandLayout.self),
          // Older conformance vectors spell outputShapeRounding `roundingType`.
          .enumeration("outputShapeRounding", MLRoundingType.self, aliases: ["roundingType"]),
          .integers("outputSizes"),
        ], output: OperatorTable.spec(types, 4...4)
      ) { a in
        var options = MLPool2dOptions(label: a.label)
        options.windowDimensions = try a.optionalInts("windowDimensions")
        if let v = try a.optionalInts("padding") { options.padding = v }
        if let v = try a.optionalInts("strides") { options.strides = v }
        if let v = try a.optionalInts("dilations") { options.dilations = v }
        if let v = try a.optionalEnumeration("layout", MLInputOperandLayout.self) { options.layout = v }
        if let v = try a.optionalEnumeration("outputShapeRounding", MLRoundingType.self) {
          options.outputShapeRounding = v
        }
        options.outputSizes = try a.optionalInts("outputSizes")
        return try method(a.builder)(try a.operand("input"), options)
      }
    }
    return [
      pool("averagePool2d", OperatorTable.floats) { $0.averagePool2d },
      pool("l2Pool2d", OperatorTable.floats) { $0.l2Pool2d },
      pool("maxPool2d", OperatorTable.all) { $0.maxPool2d },
    ]
  }()
}
