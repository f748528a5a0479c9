// gru, gruCell, lstm and lstmCell: validated here, then decomposed into gemm, element-wise,
// activation and shape operators of this builder (no backend needs a recurrent kernel).

/// The gate activations of ``MLGraphBuilder/gru(_:_:_:steps:hiddenSize:options:)`` and
/// ``MLGraphBuilder/lstm(_:_:_:steps:hiddenSize:options:)``.
public enum MLRecurrentNetworkActivation: String, Sendable, Hashable, CaseIterable {
  /// max(0, x).
  case relu
  /// 1 / (1 + e⁻ˣ).
  case sigmoid
  /// Hyperbolic tangent.
  case tanh
}

/// Which way a recurrent network walks the steps; `.both` runs two directions (nd = 2).
public enum MLRecurrentNetworkDirection: String, Sendable, Hashable, CaseIterable {
  /// From the first step to the last (the default).
  case forward
  /// From the last step to the first.
  case backward
  /// Both ways, with separate weights; results stack the forward direction first.
  case both
}

/// The order of the update (z), reset (r) and new (n) gates in GRU weights and biases.
public enum MLGruWeightLayout: String, Sendable, Hashable, CaseIterable {
  /// Update, reset, new (the default).
  case zrn
  /// Reset, update, new.
  case rzn
}

/// The order of the input (i), output (o), forget (f) and cell (g) gates in LSTM weights and
/// biases. Peephole weights are always ordered i, o, f.
public enum MLLstmWeightLayout: String, Sendable, Hashable, CaseIterable {
  /// Input, output, forget, cell (the default).
  case iofg
  /// Input, forget, cell, output.
  case ifgo
}

/// Options of ``MLGraphBuilder/gru(_:_:_:steps:hiddenSize:options:)``.
public struct MLGruOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// [nd, 3 · hiddenSize], added to the input projection. Default `nil` (zeros).
  public var bias: MLOperand?
  /// [nd, 3 · hiddenSize], added to the recurrent projection. Default `nil` (zeros).
  public var recurrentBias: MLOperand?
  /// [nd, batch, hiddenSize]. Default `nil` (zeros).
  public var initialHiddenState: MLOperand?
  /// Applies the reset gate after the recurrent product (true) or to the hidden state before
  /// it. Default `true`.
  public var resetAfter: Bool
  /// Also return the hidden state of every step, [steps, nd, batch, hiddenSize]. Default `false`.
  public var returnSequence: Bool
  /// Which way the steps are walked. Default ``MLRecurrentNetworkDirection/forward``.
  public var direction: MLRecurrentNetworkDirection
  /// The gate order in weights and biases. Default ``MLGruWeightLayout/zrn``.
  public var layout: MLGruWeightLayout
  /// The update/reset gate activation and the new gate activation. Default `nil`: [sigmoid, tanh].
  public var activations: [MLRecurrentNetworkActivation]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", bias: MLOperand? = nil, recurrentBias: MLOperand? = nil, initialHiddenState: MLOperand? = nil,
    resetAfter: Bool = true, returnSequence: Bool = false, direction: MLRecurrentNetworkDirection = .forward,
    layout: MLGruWeightLayout = .zrn, activations: [MLRecurrentNetworkActivation]? = nil
  ) {
    self.label = label
    self.bias = bias
    self.recurrentBias = recurrentBias
    self.initialHiddenState = initialHiddenState
    self.resetAfter = resetAfter
    self.returnSequence = returnSequence
    self.direction = direction
    self.layout = layout
    self.activations = activations
  }
}

/// Options of ``MLGraphBuilder/gruCell(_:_:_:hiddenState:hiddenSize:options:)``.
public struct MLGruCellOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// [3 · hiddenSize], added to the input projection. Default `nil` (zeros).
  public var bias: MLOperand?
  /// [3 · hiddenSize], added to the recurrent projection. Default `nil` (zeros).
  public var recurrentBias: MLOperand?
  /// Applies the reset gate after the recurrent product (true) or to the hidden state before
  /// it. Default `true`.
  public var resetAfter: Bool
  /// The gate order in weights and biases. Default ``MLGruWeightLayout/zrn``.
  public var layout: MLGruWeightLayout
  /// The update/reset gate activation and the new gate activation. Default `nil`: [sigmoid, tanh].
  public var activations: [MLRecurrentNetworkActivation]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", bias: MLOperand? = nil, recurrentBias: MLOperand? = nil, resetAfter: Bool = true,
    layout: MLGruWeightLayout = .zrn, activations: [MLRecurrentNetworkActivation]? = nil
  ) {
    self.label = label
    self.bias = bias
    self.recurrentBias = recurrentBias
    self.resetAfter = resetAfter
    self.layout = layout
    self.activations = activations
  }
}

/// Options of ``MLGraphBuilder/lstm(_:_:_:steps:hiddenSize:options:)``.
public struct MLLstmOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// [nd, 4 · hiddenSize], added to the input projection. Default `nil` (zeros).
  public var bias: MLOperand?
  /// [nd, 4 · hiddenSize], added to the recurrent projection. Default `nil` (zeros).
  public var recurrentBias: MLOperand?
  /// [nd, 3 · hiddenSize], ordered i, o, f. Default `nil` (no peephole connections).
  public var peepholeWeight: MLOperand?
  /// [nd, batch, hiddenSize]. Default `nil` (zeros).
  public var initialHiddenState: MLOperand?
  /// [nd, batch, hiddenSize]. Default `nil` (zeros).
  public var initialCellState: MLOperand?
  /// Also return the hidden state of every step, [steps, nd, batch, hiddenSize]. Default `false`.
  public var returnSequence: Bool
  /// Which way the steps are walked. Default ``MLRecurrentNetworkDirection/forward``.
  public var direction: MLRecurrentNetworkDirection
  /// The gate order in weights and biases. Default ``MLLstmWeightLayout/iofg``.
  public var layout: MLLstmWeightLayout
  /// The gate activation, the cell gate activation and the cell output activation. Default
  /// `nil`: [sigmoid, tanh, tanh].
  public var activations: [MLRecurrentNetworkActivation]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", bias: MLOperand? = nil, recurrentBias: MLOperand? = nil, peepholeWeight: MLOperand? = nil,
    initialHiddenState: MLOperand? = nil, initialCellState: MLOperand? = nil, returnSequence: Bool = false,
    direction: MLRecurrentNetworkDirection = .forward, layout: MLLstmWeightLayout = .iofg,
    activations: [MLRecurrentNetworkActivation]? = nil
  ) {
    self.label = label
    self.bias = bias
    self.recurrentBias = recurrentBias
    self.peepholeWeight = peepholeWeight
    self.initialHiddenState = initialHiddenState
    self.initialCellState = initialCellState
    self.returnSequence = returnSequence
    self.direction = direction
    self.layout = layout
    self.activations = activations
  }
}

/// Options of ``MLGraphBuilder/lstmCell(_:_:_:hiddenState:cellState:hiddenSize:options:)``.
public struct MLLstmCellOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// [4 · hiddenSize], added to the input projection. Default `nil` (zeros).
  public var bias: MLOperand?
  /// [4 · hiddenSize], added to the recurrent projection. Default `nil` (zeros).
  public var recurrentBias: MLOperand?
  /// [3 · hiddenSize], ordered i, o, f. Default `nil` (no peephole connections).
  public var peepholeWeight: MLOperand?
  /// The gate order in weights and biases. Default ``MLLstmWeightLayout/iofg``.
  public var layout: MLLstmWeightLayout
  /// The gate activation, the cell gate activation and the cell output activation. Default
  /// `nil`: [sigmoid, tanh, tanh].
  public var activations: [MLRecurrentNetworkActivation]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", bias: MLOperand? = nil, recurrentBias: MLOperand? = nil, peepholeWeight: MLOperand? = nil,
    layout: MLLstmWeightLayout = .iofg, activations: [MLRecurrentNetworkActivation]? = nil
  ) {
    self.label = label
    self.bias = bias
    self.recurrentBias = recurrentBias
    self.peepholeWeight = peepholeWeight
    self.layout = layout
    self.activations = activations
  }
}

extension MLGraphBuilder {
  /// A gated recurrent unit network over `steps` time steps of `input` [steps, batch, inputSize].
  ///
  /// Returns `[hidden]` ([nd, batch, hiddenSize]), plus the per-step hidden states
  /// [steps, nd, batch, hiddenSize] when `options.returnSequence` is set. The sequence is indexed
  /// by input position, also for the backward direction.
  ///
  /// ```swift
  /// let outputs = try builder.gru(x, w, r, steps: 2, hiddenSize: 4, options: .init(returnSequence: true))
  /// ```
  public func gru(
    _ input: MLOperand, _ weight: MLOperand, _ recurrentWeight: MLOperand, steps: Int, hiddenSize: Int,
    options: MLGruOptions = .init()
  ) throws -> [MLOperand] {
    let check = try begin("gru", options.label)
    let nd = options.direction == .both ? 2 : 1
    let type = try checkRecurrentInputs(
      input, weight, recurrentWeight, inputRank: 3, hiddenSize: hiddenSize, gates: 3, nd: nd, check)
    try check.require(steps > 0, "steps", "must be greater than 0, got \(steps)")
    try check.require(input.shape[0] == steps, "input", "dimension 0 (\(input.shape[0])) must equal steps (\(steps))")
    let batch = input.shape[1]
    let h = hiddenSize
    try recurrentOperand(options.bias, "bias", [nd, 3 * h], type, check)
    try recurrentOperand(options.recurrentBias, "recurrentBias", [nd, 3 * h], type, check)
    try recurrentOperand(options.initialHiddenState, "initialHiddenState", [nd, batch, h], type, check)
    let activations = try checkActivations(options.activations, default: [.sigmoid, .tanh], check)
    var outputs = [MLOperandDescriptor(dataType: type, shape: [nd, batch, h])]
    if options.returnSequence { outputs.append(.init(dataType: type, shape: [steps, nd, batch, h])) }
    try checkRecurrentOutputs(outputs, check)

    let emit = RecurrentEmitter(
      builder: self, type: type, hiddenSize: h, base: options.label.isEmpty ? "gru" : options.label)
    let gru = GruGates(
      layout: options.layout, resetAfter: options.resetAfter, gate: activations[0], new: activations[1])
    let backwardOnly = options.direction == .backward
    let weights = try emit.perDirection(weight, nd, "weight", as: [3 * h, input.shape[2]])
    let recurrents = try emit.perDirection(recurrentWeight, nd, "recurrentWeight", as: [3 * h, h])
    let biases = try options.bias.map { try emit.perDirection($0, nd, "bias", as: nil) }
    let recurrentBiases = try options.recurrentBias.map { try emit.perDirection($0, nd, "recurrentBias", as: nil) }
    let initial = try options.initialHiddenState.map {
      try emit.perDirection($0, nd, "initialHiddenState", as: [batch, h])
    }
    let zeros = initial == nil ? try emit.zeros([batch, h]) : nil

    var finals: [MLOperand] = []
    var sequence = [[MLOperand]](repeating: [], count: steps)
    for d in 0..<nd {
      let prefix = nd == 2 ? "d\(d)/" : ""
      let projections = try emit.inputProjections(input, weights[d], gates: 3, "\(prefix)x")
      let cell = try GruCellWeights(
        emit, recurrent: recurrents[d], bias: biases?[d], recurrentBias: recurrentBiases?[d], gru, "\(prefix)")
      var state = initial?[d] ?? zeros!
      for s in 0..<steps {
        let t = (d == 1 || backwardOnly) ? steps - 1 - s : s
        state = try emit.gruStep(projections(t), state, cell, gru, "\(prefix)t\(t)/")
        sequence[t].append(state)
      }
      finals.append(state)
    }
    var results = [try emit.stack(finals, [nd, batch, h], "hidden")]
    if options.returnSequence {
      results.append(try emit.stack(sequence.flatMap { $0 }, [steps, nd, batch, h], "sequence"))
    }
    return results
  }

  /// One GRU step: the next hidden state [batch, hiddenSize] from `input` [batch, inputSize]
  /// and `hiddenState` [batch, hiddenSize].
  public func gruCell(
    _ input: MLOperand, _ weight: MLOperand, _ recurrentWeight: MLOperand, hiddenState: MLOperand, hiddenSize: Int,
    options: MLGruCellOptions = .init()
  ) throws -> MLOperand {
    let check = try begin("gruCell", options.label)
    let type = try checkRecurrentInputs(
      input, weight, recurrentWeight, inputRank: 2, hiddenSize: hiddenSize, gates: 3, nd: nil, check)
    let h = hiddenSize
    try recurrentOperand(hiddenState, "hiddenState", [input.shape[0], h], type, check)
    try recurrentOperand(options.bias, "bias", [3 * h], type, check)
    try recurrentOperand(options.recurrentBias, "recurrentBias", [3 * h], type, check)
    let activations = try checkActivations(options.activations, default: [.sigmoid, .tanh], check)
    try checkRecurrentOutputs([.init(dataType: type, shape: [input.shape[0], h])], check)

    let emit = RecurrentEmitter(
      builder: self, type: type, hiddenSize: h, base: options.label.isEmpty ? "gruCell" : options.label)
    let gru = GruGates(
      layout: options.layout, resetAfter: options.resetAfter, gate: activations[0], new: activations[1])
    let projection = try emit.gemmT(input, weight, "x")
    let cell = try GruCellWeights(
      emit, recurrent: recurrentWeight, bias: options.bias, recurrentBias: options.recurrentBias, gru, "")
    return try emit.gruStep(projection, hiddenState, cell, gru, "")
  }

  /// A long short-term memory network over `steps` time steps of `input` [steps, batch, inputSize].
  ///
  /// Returns `[hidden, cell]` (each [nd, batch, hiddenSize]), plus the per-step hidden states
  /// [steps, nd, batch, hiddenSize] when `options.returnSequence` is set.
  public func lstm(
    _ input: MLOperand, _ weight: MLOperand, _ recurrentWeight: MLOperand, steps: Int, hiddenSize: Int,
    options: MLLstmOptions = .init()
  ) throws -> [MLOperand] {
    let check = try begin("lstm", options.label)
    let nd = options.direction == .both ? 2 : 1
    let type = try checkRecurrentInputs(
      input, weight, recurrentWeight, inputRank: 3, hiddenSize: hiddenSize, gates: 4, nd: nd, check)
    try check.require(steps > 0, "steps", "must be greater than 0, got \(steps)")
    try check.require(input.shape[0] == steps, "input", "dimension 0 (\(input.shape[0])) must equal steps (\(steps))")
    let batch = input.shape[1]
    let h = hiddenSize
    try recurrentOperand(options.bias, "bias", [nd, 4 * h], type, check)
    try recurrentOperand(options.recurrentBias, "recurrentBias", [nd, 4 * h], type, check)
    try recurrentOperand(options.peepholeWeight, "peepholeWeight", [nd, 3 * h], type, check)
    try recurrentOperand(options.initialHiddenState, "initialHiddenState", [nd, batch, h], type, check)
    try recurrentOperand(options.initialCellState, "initialCellState", [nd, batch, h], type, check)
    let activations = try checkActivations(options.activations, default: [.sigmoid, .tanh, .tanh], check)
    let state = MLOperandDescriptor(dataType: type, shape: [nd, batch, h])
    var outputs = [state, state]
    if options.returnSequence { outputs.append(.init(dataType: type, shape: [steps, nd, batch, h])) }
    try checkRecurrentOutputs(outputs, check)

    let emit = RecurrentEmitter(
      builder: self, type: type, hiddenSize: h, base: options.label.isEmpty ? "lstm" : options.label)
    let lstm = LstmGates(layout: options.layout, gate: activations[0], cell: activations[1], output: activations[2])
    let backwardOnly = options.direction == .backward
    let weights = try emit.perDirection(weight, nd, "weight", as: [4 * h, input.shape[2]])
    let recurrents = try emit.perDirection(recurrentWeight, nd, "recurrentWeight", as: [4 * h, h])
    let biases = try options.bias.map { try emit.perDirection($0, nd, "bias", as: nil) }
    let recurrentBiases = try options.recurrentBias.map { try emit.perDirection($0, nd, "recurrentBias", as: nil) }
    let peepholes = try options.peepholeWeight.map { try emit.perDirection($0, nd, "peepholeWeight", as: nil) }
    let initialHidden = try options.initialHiddenState.map {
      try emit.perDirection($0, nd, "initialHiddenState", as: [batch, h])
    }
    let initialCell = try options.initialCellState.map {
      try emit.perDirection($0, nd, "initialCellState", as: [batch, h])
    }
    let zeros = initialHidden == nil || initialCell == nil ? try emit.zeros([batch, h]) : nil

    var finalHidden: [MLOperand] = []
    var finalCell: [MLOperand] = []
    var sequence = [[MLOperand]](repeating: [], count: steps)
    for d in 0..<nd {
      let prefix = nd == 2 ? "d\(d)/" : ""
      let projections = try emit.inputProjections(input, weights[d], gates: 4, "\(prefix)x")
      let cellWeights = try LstmCellWeights(
        emit, recurrent: recurrents[d], bias: biases?[d], recurrentBias: recurrentBiases?[d], peephole: peepholes?[d],
        "\(prefix)")
      var hidden = initialHidden?[d] ?? zeros!
      var cell = initialCell?[d] ?? zeros!
      for s in 0..<steps {
        let t = (d == 1 || backwardOnly) ? steps - 1 - s : s
        (hidden, cell) = try emit.lstmStep(projections(t), hidden, cell, cellWeights, lstm, "\(prefix)t\(t)/")
        sequence[t].append(hidden)
      }
      finalHidden.append(hidden)
      finalCell.append(cell)
    }
    var results = [
      try emit.stack(finalHidden, [nd, batch, h], "hidden"), try emit.stack(finalCell, [nd, batch, h], "cell"),
    ]
    if options.returnSequence {
      results.append(try emit.stack(sequence.flatMap { $0 }, [steps, nd, batch, h], "sequence"))
    }
    return results
  }

  /// One LSTM step: `[hidden, cell]`, each [batch, hiddenSize].
  public func lstmCell(
    _ input: MLOperand, _ weight: MLOperand, _ recurrentWeight: MLOperand, hiddenState: MLOperand,
    cellState: MLOperand, hiddenSize: Int, options: MLLstmCellOptions = .init()
  ) throws -> [MLOperand] {
    let check = try begin("lstmCell", options.label)
    let type = try checkRecurrentInputs(
      input, weight, recurrentWeight, inputRank: 2, hiddenSize: hiddenSize, gates: 4, nd: nil, check)
    let h = hiddenSize
    let batch = input.shape[0]
    try recurrentOperand(hiddenState, "hiddenState", [batch, h], type, check)
    try recurrentOperand(cellState, "cellState", [batch, h], type, check)
    try recurrentOperand(options.bias, "bias", [4 * h], type, check)
    try recurrentOperand(options.recurrentBias, "recurrentBias", [4 * h], type, check)
    try recurrentOperand(options.peepholeWeight, "peepholeWeight", [3 * h], type, check)
    let activations = try checkActivations(options.activations, default: [.sigmoid, .tanh, .tanh], check)
    let state = MLOperandDescriptor(dataType: type, shape: [batch, h])
    try checkRecurrentOutputs([state, state], check)

    let emit = RecurrentEmitter(
      builder: self, type: type, hiddenSize: h, base: options.label.isEmpty ? "lstmCell" : options.label)
    let lstm = LstmGates(layout: options.layout, gate: activations[0], cell: activations[1], output: activations[2])
    let projection = try emit.gemmT(input, weight, "x")
    let cellWeights = try LstmCellWeights(
      emit, recurrent: recurrentWeight, bias: options.bias, recurrentBias: options.recurrentBias,
      peephole: options.peepholeWeight, "")
    let (hidden, cell) = try emit.lstmStep(projection, hiddenState, cellState, cellWeights, lstm, "")
    return [hidden, cell]
  }

  // MARK: Validation

  /// Checks input, weight and recurrentWeight and hiddenSize; returns the shared data type.
  /// `nd` is nil for the cell operators (no direction dimension).
  private func checkRecurrentInputs(
    _ input: MLOperand, _ weight: MLOperand, _ recurrentWeight: MLOperand, inputRank: Int, hiddenSize: Int,
    gates: Int, nd: Int?, _ check: OpCheck
  ) throws -> MLOperandDataType {
    try check.operand(input, "input")
    try check.operand(weight, "weight")
    try check.operand(recurrentWeight, "recurrentWeight")
    let type = input.dataType
    try check.sameType(weight, as: type, "weight")
    try check.sameType(recurrentWeight, as: type, "recurrentWeight")
    try check.rank(input, inputRank, "input")
    try check.require(hiddenSize > 0, "hiddenSize", "must be greater than 0, got \(hiddenSize)")
    let (widest, overflow) = hiddenSize.multipliedReportingOverflow(by: 2 * gates)
    try check.require(
      !overflow && Validation.isValidDimension(widest), "hiddenSize",
      "\(2 * gates) · hiddenSize must be a valid dimension (at most \(Int32.max)), hiddenSize is \(hiddenSize)")
    let leading = nd.map { [$0] } ?? []
    let inputSize = input.shape[inputRank - 1]
    try check.shape(weight, leading + [gates * hiddenSize, inputSize], "weight")
    try check.shape(recurrentWeight, leading + [gates * hiddenSize, hiddenSize], "recurrentWeight")
    return type
  }

  /// An optional (or required) operand of this builder with `type` and exactly `shape`.
  private func recurrentOperand(
    _ x: MLOperand?, _ name: String, _ shape: [Int], _ type: MLOperandDataType, _ check: OpCheck
  ) throws {
    guard let x else { return }
    try check.operand(x, name)
    try check.sameType(x, as: type, name)
    try check.shape(x, shape, name)
  }

  private func checkActivations(
    _ activations: [MLRecurrentNetworkActivation]?, default defaults: [MLRecurrentNetworkActivation], _ check: OpCheck
  ) throws -> [MLRecurrentNetworkActivation] {
    guard let activations else { return defaults }
    try check.require(
      activations.count == defaults.count, "activations",
      "expected \(defaults.count) activations, got \(activations.count)")
    return activations
  }

  private func checkRecurrentOutputs(_ outputs: [MLOperandDescriptor], _ check: OpCheck) throws {
    for (i, descriptor) in outputs.enumerated() {
      try checkTensorDescriptor(
        descriptor, call: check.name, argument: outputs.count == 1 ? "output" : "output\(i)",
        limits: ArgumentSpec(dataTypes: OperatorTable.floats, ranks: OperatorTable.anyRank))
    }
  }
}

// MARK: - Decomposition

private struct GruGates {
  let layout: MLGruWeightLayout
  let resetAfter: Bool
  /// The update and reset gate activation.
  let gate: MLRecurrentNetworkActivation
  /// The new gate activation.
  let new: MLRecurrentNetworkActivation
}

private struct LstmGates {
  let layout: MLLstmWeightLayout
  let gate: MLRecurrentNetworkActivation
  let cell: MLRecurrentNetworkActivation
  let output: MLRecurrentNetworkActivation
}

/// The per-direction GRU operands that stay the same across steps.
private struct GruCellWeights {
  /// Recurrent weights of the z and r gates [2h, h] (all three [3h, h] when resetAfter).
  let recurrentZR: MLOperand
  /// Recurrent weights of the n gate [h, h] (nil when resetAfter: recurrentZR holds them).
  let recurrentN: MLOperand?
  /// (bias + recurrentBias) of the z and r gates, [..., 2h].
  let biasZR: MLOperand?
  /// The n gate's bias (with recurrentBias added unless resetAfter).
  let biasN: MLOperand?
  /// The n gate's recurrent bias when resetAfter.
  let recurrentBiasN: MLOperand?
  /// The scalar 1 of 1 − z.
  let one: MLOperand

  init(
    _ emit: RecurrentEmitter, recurrent: MLOperand, bias: MLOperand?, recurrentBias: MLOperand?, _ gru: GruGates,
    _ prefix: String
  ) throws {
    let h = emit.hiddenSize
    one = try emit.b.constant(emit.type, 1)
    if gru.resetAfter {
      recurrentZR = recurrent
      recurrentN = nil
    } else {
      let parts = try emit.b.split(
        recurrent, splits: .sizes([2 * h, h]), options: .init(label: emit.label("\(prefix)R"), axis: 0))
      recurrentZR = parts[0]
      recurrentN = parts[1]
    }
    // Biases are [3h] or [1, 3h]; the gates lie along the last axis.
    func gateSplit(_ x: MLOperand, _ name: String) throws -> [MLOperand] {
      try emit.b.split(
        x, splits: .sizes([2 * h, h]), options: .init(label: emit.label(prefix + name), axis: x.rank - 1))
    }
    let b = try bias.map { try gateSplit($0, "bias") }
    let rb = try recurrentBias.map { try gateSplit($0, "recurrentBias") }
    biasZR = try emit.sum(b?[0], rb?[0], "\(prefix)biasZR")
    if gru.resetAfter {
      biasN = b?[1]
      recurrentBiasN = rb?[1]
    } else {
      biasN = try emit.sum(b?[1], rb?[1], "\(prefix)biasN")
      recurrentBiasN = nil
    }
  }
}

/// The per-direction LSTM operands that stay the same across steps.
private struct LstmCellWeights {
  let recurrent: MLOperand
  /// bias + recurrentBias, [..., 4h].
  let bias: MLOperand?
  /// The peephole weights of the i, o and f gates, each [..., h].
  let peephole: (i: MLOperand, o: MLOperand, f: MLOperand)?

  init(
    _ emit: RecurrentEmitter, recurrent: MLOperand, bias: MLOperand?, recurrentBias: MLOperand?, peephole: MLOperand?,
    _ prefix: String
  ) throws {
    self.recurrent = recurrent
    self.bias = try emit.sum(bias, recurrentBias, "\(prefix)bias")
    if let peephole {
      let p = try emit.b.split(
        peephole, splits: .count(3), options: .init(label: emit.label("\(prefix)peephole"), axis: peephole.rank - 1))
      self.peephole = (p[0], p[1], p[2])
    } else {
      self.peephole = nil
    }
  }
}

/// Emits builder calls for the recurrent operators; every node's label starts with `base`.
private struct RecurrentEmitter {
  let b: MLGraphBuilder
  let type: MLOperandDataType
  let hiddenSize: Int
  let base: String

  init(builder: MLGraphBuilder, type: MLOperandDataType, hiddenSize: Int, base: String) {
    self.b = builder
    self.type = type
    self.hiddenSize = hiddenSize
    self.base = base
  }

  func label(_ name: String) -> String { "\(base)/\(name)" }
  func l(_ name: String) -> MLOperatorLabel { MLOperatorLabel(label: label(name)) }

  /// x · wᵀ for 2-D x and w.
  func gemmT(_ x: MLOperand, _ w: MLOperand, _ name: String) throws -> MLOperand {
    try b.gemm(x, w, options: MLGemmOptions(label: label(name), bTranspose: true))
  }

  /// a + b, or whichever is present.
  func sum(_ x: MLOperand?, _ y: MLOperand?, _ name: String) throws -> MLOperand? {
    switch (x, y) {
    case (let x?, let y?): return try b.add(x, y, options: l(name))
    case (let x?, nil): return x
    case (nil, let y?): return y
    default: return nil
    }
  }

  func activate(_ a: MLRecurrentNetworkActivation, _ x: MLOperand, _ name: String) throws -> MLOperand {
    switch a {
    case .relu: try b.relu(x, options: l(name))
    case .sigmoid: try b.sigmoid(x, options: l(name))
    case .tanh: try b.tanh(x, options: l(name))
    }
  }

  func zeros(_ shape: [Int]) throws -> MLOperand {
    let descriptor = MLOperandDescriptor(dataType: type, shape: shape)
    return try b.constant(descriptor, bytes: [UInt8](repeating: 0, count: descriptor.byteLength))
  }

  /// The nd slices of `x` along axis 0, reshaped to `shape` (kept as [1, ...] when nil).
  func perDirection(_ x: MLOperand, _ nd: Int, _ name: String, as shape: [Int]?) throws -> [MLOperand] {
    let parts = nd == 1 ? [x] : try b.split(x, splits: .count(nd), options: .init(label: label(name), axis: 0))
    guard let shape else { return parts }
    return try parts.enumerated().map { d, part in
      try b.reshape(part, shape, options: l("\(name)\(nd == 1 ? "" : "\(d)")"))
    }
  }

  /// For each step t, x[t] · wᵀ as [batch, gates · h]: one gemm over all steps when the product
  /// fits a tensor, else one gemm per step.
  func inputProjections(_ input: MLOperand, _ w: MLOperand, gates: Int, _ name: String) throws -> (Int) throws ->
    MLOperand
  {
    let (steps, batch, inputSize) = (input.shape[0], input.shape[1], input.shape[2])
    let width = gates * hiddenSize
    let whole = MLOperandDescriptor(dataType: type, shape: [steps * batch, width])
    let fits =
      Validation.isValidDimension(steps * batch) && Validation.isValidDimension(whole.elementCount)
      && whole.byteLength <= b.context.backend.capabilities.maxTensorByteLength
    let flat = try b.reshape(input, [steps * batch, inputSize], options: l("\(name)/flat"))
    if fits {
      let all = try gemmT(flat, w, name)
      let perStep =
        steps == 1
        ? [all] : try b.split(all, splits: .count(steps), options: .init(label: label("\(name)/steps"), axis: 0))
      return { perStep[$0] }
    }
    let rows =
      steps == 1
      ? [flat] : try b.split(flat, splits: .count(steps), options: .init(label: label("\(name)/steps"), axis: 0))
    let products = try rows.enumerated().map { t, row in try gemmT(row, w, "\(name)\(t)") }
    return { products[$0] }
  }

  /// One GRU step from the input projection xw [batch, 3h] and the hidden state h [batch, h]:
  /// z, r = f(bz + rbz + (xWz + hRz)), n as `gru.resetAfter` says, h' = z·h + (1 − z)·n.
  func gruStep(_ xw: MLOperand, _ h: MLOperand, _ cell: GruCellWeights, _ gru: GruGates, _ p: String) throws
    -> MLOperand
  {
    let hs = hiddenSize
    let x = try b.split(xw, splits: .sizes([2 * hs, hs]), options: .init(label: label("\(p)xSplit"), axis: 1))
    let hr = try gemmT(h, cell.recurrentZR, "\(p)hR")
    let (hrZR, hrN): (MLOperand, MLOperand?)
    if gru.resetAfter {
      let parts = try b.split(hr, splits: .sizes([2 * hs, hs]), options: .init(label: label("\(p)hRSplit"), axis: 1))
      (hrZR, hrN) = (parts[0], parts[1])
    } else {
      (hrZR, hrN) = (hr, nil)
    }
    var zrIn = try b.add(x[0], hrZR, options: l("\(p)zrSum"))
    if let bias = cell.biasZR { zrIn = try b.add(bias, zrIn, options: l("\(p)zrBias")) }
    let zr = try activate(gru.gate, zrIn, "\(p)zr")
    let gates = try b.split(zr, splits: .count(2), options: .init(label: label("\(p)zrSplit"), axis: 1))
    let (z, r) = gru.layout == .zrn ? (gates[0], gates[1]) : (gates[1], gates[0])

    var nIn: MLOperand
    if let hrN {
      var recurrent = hrN
      if let rb = cell.recurrentBiasN { recurrent = try b.add(rb, recurrent, options: l("\(p)nRecurrentBias")) }
      nIn = try b.add(x[1], try b.mul(r, recurrent, options: l("\(p)nReset")), options: l("\(p)nSum"))
      if let bias = cell.biasN { nIn = try b.add(bias, nIn, options: l("\(p)nBias")) }
    } else {
      let reset = try b.mul(r, h, options: l("\(p)nReset"))
      nIn = try b.add(x[1], try gemmT(reset, cell.recurrentN!, "\(p)nR"), options: l("\(p)nSum"))
      if let bias = cell.biasN { nIn = try b.add(bias, nIn, options: l("\(p)nBias")) }
    }
    let n = try activate(gru.new, nIn, "\(p)n")
    let keep = try b.mul(z, h, options: l("\(p)keep"))
    let update = try b.mul(try b.sub(cell.one, z, options: l("\(p)oneMinusZ")), n, options: l("\(p)update"))
    return try b.add(keep, update, options: l("\(p)hidden"))
  }

  /// One LSTM step from the input projection xw [batch, 4h]: i, f use c in their peephole term,
  /// o uses the new cell state; c' = f·c + i·g, h' = o · act(c').
  func lstmStep(
    _ xw: MLOperand, _ h: MLOperand, _ c: MLOperand, _ cell: LstmCellWeights, _ lstm: LstmGates, _ p: String
  ) throws -> (MLOperand, MLOperand) {
    var pre = try b.add(xw, try gemmT(h, cell.recurrent, "\(p)hR"), options: l("\(p)sum"))
    if let bias = cell.bias { pre = try b.add(bias, pre, options: l("\(p)bias")) }
    let parts = try b.split(pre, splits: .count(4), options: .init(label: label("\(p)split"), axis: 1))
    let (iIn, oIn, fIn, gIn) =
      lstm.layout == .iofg ? (parts[0], parts[1], parts[2], parts[3]) : (parts[0], parts[3], parts[1], parts[2])
    func peep(_ x: MLOperand, _ weight: MLOperand?, _ state: MLOperand, _ name: String) throws -> MLOperand {
      guard let weight else { return x }
      return try b.add(try b.mul(state, weight, options: l("\(p)\(name)Peep")), x, options: l("\(p)\(name)PeepSum"))
    }
    let i = try activate(lstm.gate, try peep(iIn, cell.peephole?.i, c, "i"), "\(p)i")
    let f = try activate(lstm.gate, try peep(fIn, cell.peephole?.f, c, "f"), "\(p)f")
    let g = try activate(lstm.cell, gIn, "\(p)g")
    let next = try b.add(
      try b.mul(f, c, options: l("\(p)forget")), try b.mul(i, g, options: l("\(p)input")), options: l("\(p)cell"))
    let o = try activate(lstm.gate, try peep(oIn, cell.peephole?.o, next, "o"), "\(p)o")
    let hidden = try b.mul(o, try activate(lstm.output, next, "\(p)cellAct"), options: l("\(p)hidden"))
    return (hidden, next)
  }

  /// Joins [batch, h] states (in order) into `shape`.
  func stack(_ states: [MLOperand], _ shape: [Int], _ name: String) throws -> MLOperand {
    let joined = states.count == 1 ? states[0] : try b.concat(states, axis: 0, options: l("\(name)Concat"))
    return try b.reshape(joined, shape, options: l(name))
  }
}
