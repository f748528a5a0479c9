import WebNNCore

/// LSTM and GRU onto WebNN's lstm and gru. ONNX's gate orders are WebNN's default layouts:
/// LSTM i, o, f, c is "iofg" (c is the cell gate g), GRU z, r, h is "zrn"; peepholes are i, o, f
/// in both.
extension GraphImporter {
  struct RecurrentSetup {
    var input: MLOperand
    var weight: MLOperand
    var recurrentWeight: MLOperand
    var bias: MLOperand?
    var recurrentBias: MLOperand?
    var initialHidden: MLOperand?
    var direction: MLRecurrentNetworkDirection
    var hiddenSize: Int
    var steps: Int
    var batchFirst: Bool
    var activations: [MLRecurrentNetworkActivation]?
  }

  func recurrentSetup(_ node: ONNXNode, gates: Int, defaultActivations: [String]) throws -> RecurrentSetup {
    guard let xName = node.input(0), let wName = node.input(1), let rName = node.input(2) else {
      throw node.invalid("needs X, W and R")
    }
    if node.has("clip") { throw node.unsupported("clip") }
    if node.has("activation_alpha") || node.has("activation_beta") {
      throw node.unsupported("activation_alpha/activation_beta")
    }
    let batchFirst = node.int("layout", default: 0) != 0
    var x = try operand(xName)
    if batchFirst { x = try builder.transpose(x, options: .init(permutation: [1, 0, 2])) }
    let steps = x.shape[0]
    if let lengths = node.input(4) {
      let t = try requireConstant(lengths, "sequence_lens")
      guard t.ints.allSatisfy({ $0 == Int64(steps) }) else {
        throw node.unsupported("sequence_lens shorter than the sequence (\(t.ints))")
      }
    }
    let direction: MLRecurrentNetworkDirection
    switch try node.requireString("direction", in: ["forward", "reverse", "bidirectional"], default: "forward") {
    case "reverse": direction = .backward
    case "bidirectional": direction = .both
    default: direction = .forward
    }
    let weight = try operand(wName)
    guard let hiddenSize = node.int("hidden_size") ?? (weight.rank == 3 ? weight.shape[1] / gates : nil) else {
      throw node.invalid("no hidden_size")
    }
    var setup = RecurrentSetup(
      input: x, weight: weight, recurrentWeight: try operand(rName), direction: direction, hiddenSize: hiddenSize,
      steps: steps, batchFirst: batchFirst)
    if let b = node.input(3) {
      let parts = try builder.split(try operand(b), splits: 2, options: .init(axis: 1))
      setup.bias = parts[0]
      setup.recurrentBias = parts[1]
    }
    if let h = node.input(5) {
      let initial = try operand(h)
      setup.initialHidden =
        batchFirst ? try builder.transpose(initial, options: .init(permutation: [1, 0, 2])) : initial
    }
    if let names = node.strings("activations") {
      let count = defaultActivations.count
      let directions = direction == .both ? 2 : 1
      guard names.count == count * directions else { throw node.invalid("\(names.count) activations") }
      if directions == 2 && Array(names[..<count]) != Array(names[count...]) {
        throw node.unsupported("different activations per direction (\(names))")
      }
      setup.activations = try names[..<count].map { name in
        switch name.lowercased() {
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "relu": return .relu
        default: throw node.unsupported("activation \(name) (WebNN has Sigmoid, Tanh and Relu)")
        }
      }
    }
    return setup
  }

  /// [steps, nd, batch, h] or [nd, batch, h] results back to ONNX's batch-first layout.
  func recurrentOutput(_ y: MLOperand, sequence: Bool, batchFirst: Bool) throws -> MLOperand {
    guard batchFirst else { return y }
    return try builder.transpose(y, options: .init(permutation: sequence ? [2, 0, 1, 3] : [1, 0, 2]))
  }

  func convertLSTM(_ node: ONNXNode) throws {
    if node.int("input_forget", default: 0) != 0 { throw node.unsupported("input_forget=1") }
    let s = try recurrentSetup(node, gates: 4, defaultActivations: ["Sigmoid", "Tanh", "Tanh"])
    var options = MLLstmOptions(
      bias: s.bias, recurrentBias: s.recurrentBias, initialHiddenState: s.initialHidden,
      returnSequence: node.hasOutput(0), direction: s.direction, layout: .iofg, activations: s.activations)
    if let c = node.input(6) {
      let initial = try operand(c)
      options.initialCellState =
        s.batchFirst ? try builder.transpose(initial, options: .init(permutation: [1, 0, 2])) : initial
    }
    if let p = node.input(7) { options.peepholeWeight = try operand(p) }
    let results = try builder.lstm(
      s.input, s.weight, s.recurrentWeight, steps: s.steps, hiddenSize: s.hiddenSize, options: options)
    let type = try self.type(try node.required(0))
    if node.hasOutput(0) {
      set(node.outputs[0], try recurrentOutput(results[2], sequence: true, batchFirst: s.batchFirst), type)
    }
    if node.hasOutput(1) {
      set(node.outputs[1], try recurrentOutput(results[0], sequence: false, batchFirst: s.batchFirst), type)
    }
    if node.hasOutput(2) {
      set(node.outputs[2], try recurrentOutput(results[1], sequence: false, batchFirst: s.batchFirst), type)
    }
  }

  func convertGRU(_ node: ONNXNode) throws {
    let s = try recurrentSetup(node, gates: 3, defaultActivations: ["Sigmoid", "Tanh"])
    let options = MLGruOptions(
      bias: s.bias, recurrentBias: s.recurrentBias, initialHiddenState: s.initialHidden,
      resetAfter: node.int("linear_before_reset", default: 0) != 0, returnSequence: node.hasOutput(0),
      direction: s.direction, layout: .zrn, activations: s.activations)
    let results = try builder.gru(
      s.input, s.weight, s.recurrentWeight, steps: s.steps, hiddenSize: s.hiddenSize, options: options)
    let type = try self.type(try node.required(0))
    if node.hasOutput(0) {
      set(node.outputs[0], try recurrentOutput(results[1], sequence: true, batchFirst: s.batchFirst), type)
    }
    if node.hasOutput(1) {
      set(node.outputs[1], try recurrentOutput(results[0], sequence: false, batchFirst: s.batchFirst), type)
    }
  }
}
