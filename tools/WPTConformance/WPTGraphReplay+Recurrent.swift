import WebNNCore

extension WPTGraphReplay {
  /// gru(input, weight, recurrentWeight, steps, hiddenSize, options),
  /// gruCell(input, weight, recurrentWeight, hiddenState, hiddenSize, options),
  /// lstm(input, weight, recurrentWeight, steps, hiddenSize, options) and
  /// lstmCell(input, weight, recurrentWeight, hiddenState, cellState, hiddenSize, options).
  func recurrent(_ op: String, _ args: inout ArgReader) throws -> [MLOperand] {
    let b = builder
    let input = try args.operand("input")
    let weight = try args.operand("weight")
    let recurrentWeight = try args.operand("recurrentWeight")
    switch op {
    case "gru":
      let steps = try args.int("steps")
      let hiddenSize = try args.int("hiddenSize")
      let o = try args.options()
      var options = MLGruOptions(
        label: try o.label(), bias: try o.operand("bias"), recurrentBias: try o.operand("recurrentBias"),
        initialHiddenState: try o.operand("initialHiddenState"))
      if let v = try o.bool("resetAfter") { options.resetAfter = v }
      if let v = try o.bool("returnSequence") { options.returnSequence = v }
      if let v = try o.enumeration("direction", MLRecurrentNetworkDirection.self) { options.direction = v }
      if let v = try o.enumeration("layout", MLGruWeightLayout.self) { options.layout = v }
      options.activations = try o.enumerations("activations", MLRecurrentNetworkActivation.self)
      return try b.gru(input, weight, recurrentWeight, steps: steps, hiddenSize: hiddenSize, options: options)

    case "gruCell":
      let hiddenState = try args.operand("hiddenState")
      let hiddenSize = try args.int("hiddenSize")
      let o = try args.options()
      var options = MLGruCellOptions(
        label: try o.label(), bias: try o.operand("bias"), recurrentBias: try o.operand("recurrentBias"))
      if let v = try o.bool("resetAfter") { options.resetAfter = v }
      if let v = try o.enumeration("layout", MLGruWeightLayout.self) { options.layout = v }
      options.activations = try o.enumerations("activations", MLRecurrentNetworkActivation.self)
      return [
        try b.gruCell(
          input, weight, recurrentWeight, hiddenState: hiddenState, hiddenSize: hiddenSize, options: options)
      ]

    case "lstm":
      let steps = try args.int("steps")
      let hiddenSize = try args.int("hiddenSize")
      let o = try args.options()
      var options = MLLstmOptions(
        label: try o.label(), bias: try o.operand("bias"), recurrentBias: try o.operand("recurrentBias"),
        peepholeWeight: try o.operand("peepholeWeight"), initialHiddenState: try o.operand("initialHiddenState"),
        initialCellState: try o.operand("initialCellState"))
      if let v = try o.bool("returnSequence") { options.returnSequence = v }
      if let v = try o.enumeration("direction", MLRecurrentNetworkDirection.self) { options.direction = v }
      if let v = try o.enumeration("layout", MLLstmWeightLayout.self) { options.layout = v }
      options.activations = try o.enumerations("activations", MLRecurrentNetworkActivation.self)
      return try b.lstm(input, weight, recurrentWeight, steps: steps, hiddenSize: hiddenSize, options: options)

    default:  // lstmCell
      let hiddenState = try args.operand("hiddenState")
      let cellState = try args.operand("cellState")
      let hiddenSize = try args.int("hiddenSize")
      let o = try args.options()
      var options = MLLstmCellOptions(
        label: try o.label(), bias: try o.operand("bias"), recurrentBias: try o.operand("recurrentBias"),
        peepholeWeight: try o.operand("peepholeWeight"))
      if let v = try o.enumeration("layout", MLLstmWeightLayout.self) { options.layout = v }
      options.activations = try o.enumerations("activations", MLRecurrentNetworkActivation.self)
      return try b.lstmCell(
        input, weight, recurrentWeight, hiddenState: hiddenState, cellState: cellState, hiddenSize: hiddenSize,
        options: options)
    }
  }
}
