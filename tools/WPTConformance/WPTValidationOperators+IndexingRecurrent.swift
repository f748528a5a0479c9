import WebNNCore

// gatherElements, gatherND, scatterElements, scatterND and the recurrent operators.

extension WPTValidationOperators {
  static let indexingAndRecurrent: Set<String> = [
    "gatherElements", "gatherND", "scatterElements", "scatterND", "gru", "gruCell", "lstm",
    "lstmCell",
  ]

  static func indexingOrRecurrentCall(
    _ b: MLGraphBuilder, _ op: String, _ a: inout WPTValidationArguments
  ) throws -> [MLOperand] {
    switch op {
    case "gatherElements", "gatherND":
      let input = try a.operand("input")
      let indices = try a.operand("indices")
      if op == "gatherND" {
        return [try b.gatherND(input, indices, options: MLOperatorLabel(label: try a.label()))]
      }
      let options = MLGatherOptions(label: try a.label(), axis: try a.optionalInt("axis") ?? 0)
      return [try b.gatherElements(input, indices, options: options)]

    case "scatterElements", "scatterND":
      let input = try a.operand("input")
      let indices = try a.operand("indices")
      let updates = try a.operand("updates")
      if op == "scatterND" {
        return [
          try b.scatterND(input, indices, updates, options: MLOperatorLabel(label: try a.label()))
        ]
      }
      let options = MLGatherOptions(label: try a.label(), axis: try a.optionalInt("axis") ?? 0)
      return [try b.scatterElements(input, indices, updates, options: options)]

    case "gru":
      let input = try a.operand("input")
      let weight = try a.operand("weight")
      let recurrentWeight = try a.operand("recurrentWeight")
      let steps = try a.unsignedLong("steps")
      let hiddenSize = try a.unsignedLong("hiddenSize")
      var options = MLGruOptions(label: try a.label())
      options.bias = try a.optionalOperand("bias")
      options.recurrentBias = try a.optionalOperand("recurrentBias")
      options.initialHiddenState = try a.optionalOperand("initialHiddenState")
      if let v = try a.optionalBool("resetAfter") { options.resetAfter = v }
      if let v = try a.optionalBool("returnSequence") { options.returnSequence = v }
      if let v = try a.optionalEnumeration("direction", MLRecurrentNetworkDirection.self) {
        options.direction = v
      }
      if let v = try a.optionalEnumeration("layout", MLGruWeightLayout.self) { options.layout = v }
      options.activations = try a.optionalEnumerations(
        "activations", MLRecurrentNetworkActivation.self)
      return try b.gru(
        input, weight, recurrentWeight, steps: steps, hiddenSize: hiddenSize, options: options)

    case "gruCell":
      let input = try a.operand("input")
      let weight = try a.operand("weight")
      let recurrentWeight = try a.operand("recurrentWeight")
      let hiddenState = try a.operand("hiddenState")
      let hiddenSize = try a.unsignedLong("hiddenSize")
      var options = MLGruCellOptions(label: try a.label())
      options.bias = try a.optionalOperand("bias")
      options.recurrentBias = try a.optionalOperand("recurrentBias")
      if let v = try a.optionalBool("resetAfter") { options.resetAfter = v }
      if let v = try a.optionalEnumeration("layout", MLGruWeightLayout.self) { options.layout = v }
      options.activations = try a.optionalEnumerations(
        "activations", MLRecurrentNetworkActivation.self)
      return [
        try b.gruCell(
          input, weight, recurrentWeight, hiddenState: hiddenState, hiddenSize: hiddenSize,
          options: options)
      ]

    case "lstm":
      let input = try a.operand("input")
      let weight = try a.operand("weight")
      let recurrentWeight = try a.operand("recurrentWeight")
      let steps = try a.unsignedLong("steps")
      let hiddenSize = try a.unsignedLong("hiddenSize")
      var options = MLLstmOptions(label: try a.label())
      options.bias = try a.optionalOperand("bias")
      options.recurrentBias = try a.optionalOperand("recurrentBias")
      options.peepholeWeight = try a.optionalOperand("peepholeWeight")
      options.initialHiddenState = try a.optionalOperand("initialHiddenState")
      options.initialCellState = try a.optionalOperand("initialCellState")
      if let v = try a.optionalBool("returnSequence") { options.returnSequence = v }
      if let v = try a.optionalEnumeration("direction", MLRecurrentNetworkDirection.self) {
        options.direction = v
      }
      if let v = try a.optionalEnumeration("layout", MLLstmWeightLayout.self) { options.layout = v }
      options.activations = try a.optionalEnumerations(
        "activations", MLRecurrentNetworkActivation.self)
      return try b.lstm(
        input, weight, recurrentWeight, steps: steps, hiddenSize: hiddenSize, options: options)

    default:  // lstmCell
      let input = try a.operand("input")
      let weight = try a.operand("weight")
      let recurrentWeight = try a.operand("recurrentWeight")
      let hiddenState = try a.operand("hiddenState")
      let cellState = try a.operand("cellState")
      let hiddenSize = try a.unsignedLong("hiddenSize")
      var options = MLLstmCellOptions(label: try a.label())
      options.bias = try a.optionalOperand("bias")
      options.recurrentBias = try a.optionalOperand("recurrentBias")
      options.peepholeWeight = try a.optionalOperand("peepholeWeight")
      if let v = try a.optionalEnumeration("layout", MLLstmWeightLayout.self) { options.layout = v }
      options.activations = try a.optionalEnumerations(
        "activations", MLRecurrentNetworkActivation.self)
      return try b.lstmCell(
        input, weight, recurrentWeight, hiddenState: hiddenState, cellState: cellState,
        hiddenSize: hiddenSize,
        options: options)
    }
  }
}
