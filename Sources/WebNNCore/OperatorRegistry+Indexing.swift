// Gather and scatter, and the linear quantization pair.

extension OperatorRegistry {
  static let indexing: [OperatorSchema] = {
    let all = OperatorTable.all
    let indices = OperatorTable.indices
    let ranked = 1...OperatorTable.maxRank
    typealias S = OperatorSchema
    return [
      S(
        "gather", [.operand("input", all, ranked), .operand("indices", indices)], options: [.integer("axis")],
        output: OperatorTable.spec(all)
      ) { a in
        var options = MLGatherOptions(label: a.label)
        if let v = try a.optionalInt("axis") { options.axis = v }
        return try a.builder.gather(try a.operand("input"), try a.operand("indices"), options: options)
      },
      S(
        "gatherElements", [.operand("input", all, ranked), .operand("indices", indices, ranked)],
        options: [.integer("axis")], output: OperatorTable.spec(all, ranked)
      ) { a in
        var options = MLGatherOptions(label: a.label)
        if let v = try a.optionalInt("axis") { options.axis = v }
        return try a.builder.gatherElements(try a.operand("input"), try a.operand("indices"), options: options)
      },
      S(
        "gatherND", [.operand("input", all, ranked), .operand("indices", indices, ranked)],
        output: OperatorTable.spec(all)
      ) {
        a in
        try a.builder.gatherND(try a.operand("input"), try a.operand("indices"), options: a.labelOptions)
      },
      S(
        "scatterElements",
        [.operand("input", all, ranked), .operand("indices", indices, ranked), .operand("updates", all, ranked)],
        options: [.integer("axis")], output: OperatorTable.spec(all, ranked)
      ) { a in
        var options = MLGatherOptions(label: a.label)
        if let v = try a.optionalInt("axis") { options.axis = v }
        return try a.builder.scatterElements(
          try a.operand("input"), try a.operand("indices"), try a.operand("updates"), options: options)
      },
      S(
        "scatterND", [.operand("input", all, ranked), .operand("indices", indices, ranked), .operand("updates", all)],
        output: OperatorTable.spec(all, ranked)
      ) { a in
        try a.builder.scatterND(
          try a.operand("input"), try a.operand("indices"), try a.operand("updates"), options: a.labelOptions)
      },
    ]
  }()

  static let quantization: [OperatorSchema] = {
    let floats = OperatorTable.floats
    let quantized = OperatorTable.quantized
    typealias S = OperatorSchema
    return [
      S(
        "quantizeLinear",
        [.operand("input", floats), .operand("scale", floats), .operand("zeroPoint", quantized)],
        output: OperatorTable.spec(quantized)
      ) { a in
        try a.builder.quantizeLinear(
          try a.operand("input"), scale: try a.operand("scale"), zeroPoint: try a.operand("zeroPoint"),
          options: a.labelOptions)
      },
      S(
        "dequantizeLinear",
        [.operand("input", quantized), .operand("scale", floats), .operand("zeroPoint", quantized)],
        output: OperatorTable.spec(floats)
      ) { a in
        try a.builder.dequantizeLinear(
          try a.operand("input"), scale: try a.operand("scale"), zeroPoint: try a.operand("zeroPoint"),
          options: a.labelOptions)
      },
    ]
  }()
}
