// Activations: the parameterless ones, the ones with alpha/beta or bounds, and softmax.

extension OperatorRegistry {
  static let activations: [OperatorSchema] = {
    let all = OperatorTable.all
    let floats = OperatorTable.floats
    let out = OperatorTable.spec(floats)
    typealias S = OperatorSchema
    return [
      S.unary("relu", OperatorTable.signed) { $0.relu }, S.unary("sigmoid", floats) { $0.sigmoid },
      S.unary("tanh", floats) { $0.tanh }, S.unary("softsign", floats) { $0.softsign },
      S.unary("softplus", floats) { $0.softplus }, S.unary("gelu", floats) { $0.gelu },
      S.unary("hardSwish", floats) { $0.hardSwish },
      S(
        "clamp", [.operand("input", all)], options: [.number("minValue"), .number("maxValue")],
        output: OperatorTable.spec(all)
      ) { a in
        let options = MLClampOptions(
          label: a.label, minValue: try a.optionalNumber("minValue"), maxValue: try a.optionalNumber("maxValue"))
        return try a.builder.clamp(try a.operand("input"), options: options)
      },
      S("elu", [.operand("input", floats)], options: [.double("alpha")], output: out) { a in
        var options = MLEluOptions(label: a.label)
        if let v = try a.optionalDouble("alpha") { options.alpha = v }
        return try a.builder.elu(try a.operand("input"), options: options)
      },
      S("leakyRelu", [.operand("input", floats)], options: [.double("alpha")], output: out) { a in
        var options = MLLeakyReluOptions(label: a.label)
        if let v = try a.optionalDouble("alpha") { options.alpha = v }
        return try a.builder.leakyRelu(try a.operand("input"), options: options)
      },
      S("hardSigmoid", [.operand("input", floats)], options: [.double("alpha"), .double("beta")], output: out) { a in
        var options = MLHardSigmoidOptions(label: a.label)
        if let v = try a.optionalDouble("alpha") { options.alpha = v }
        if let v = try a.optionalDouble("beta") { options.beta = v }
        return try a.builder.hardSigmoid(try a.operand("input"), options: options)
      },
      S("linear", [.operand("input", floats)], options: [.double("alpha"), .double("beta")], output: out) { a in
        var options = MLLinearOptions(label: a.label)
        if let v = try a.optionalDouble("alpha") { options.alpha = v }
        if let v = try a.optionalDouble("beta") { options.beta = v }
        return try a.builder.linear(try a.operand("input"), options: options)
      },
      S(
        "softmax", [.operand("input", floats, 1...OperatorTable.maxRank), .integer("axis")],
        output: OperatorTable.spec(floats, 1...OperatorTable.maxRank)
      ) { a in
        let x = try a.operand("input")
        // Older conformance vectors call softmax(input) from before axis was required; they
        // expect the last axis.
        let axis = try a.optionalInt("axis") ?? Swift.max(x.rank - 1, 0)
        return try a.builder.softmax(x, axis: axis, options: a.labelOptions)
      },
    ]
  }()
}
