import Testing
import WebNN
import WebNNStress

/// Makes random operands and option values for one builder. Operands are constants of random
/// data (all ten data types), or, in the unbounded mode, also large operands that `expand`
/// makes without data, operands reused from earlier calls and operands of another builder.
final class BuilderFuzzer {
  var rng: SplitMix64
  let builder: MLGraphBuilder
  let foreign: MLGraphBuilder?
  /// Small shapes and constants only: for graphs that are built and dispatched.
  let small: Bool
  var pool: [MLOperand] = []

  init(seed: UInt64, builder: MLGraphBuilder, foreign: MLGraphBuilder?, small: Bool) {
    self.rng = SplitMix64(seed: seed)
    self.builder = builder
    self.foreign = foreign
    self.small = small
  }

  func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
  func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
  func bool() -> Bool { chance(0.5) }
  func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }

  static let hugeValues = [
    Int.max, Int.min, -1, Int(UInt32.max) + 1, Int(UInt32.max), Int(Int32.max), Int(Int32.max) + 1, 0, 1 << 40,
    -(1 << 40), Int(Int32.min),
  ]

  /// An integer option value: mostly small, sometimes extreme.
  func value() -> Int { chance(0.9) ? int(-3...10) : pick(Self.hugeValues) }
  /// A small non-negative value, sometimes extreme.
  func size() -> Int { chance(0.9) || small ? int(0...4) : pick(Self.hugeValues) }

  /// `count` values most of the time, otherwise a random length.
  func values(_ count: Int, _ element: () -> Int) -> [Int] {
    let n = chance(0.8) ? count : int(0...6)
    return (0..<n).map { _ in element() }
  }
  func values(_ count: Int) -> [Int] { values(count, value) }

  func double() -> Double {
    chance(0.85) ? Double(int(-20...20)) / 8 : pick([.nan, .infinity, -.infinity, 1e300, -1e300, 0, -0.0, 65504])
  }

  func number() -> MLNumber {
    switch int(0...3) {
    case 0: .int(Int64(value()))
    case 1: .uint(chance(0.5) ? UInt64(int(0...300)) : UInt64.max)
    default: .double(double())
    }
  }

  func dataType() -> MLOperandDataType {
    chance(0.5) ? .float32 : pick(MLOperandDataType.allCases)
  }

  func floatType() -> MLOperandDataType { chance(0.8) ? .float32 : dataType() }

  func dim() -> Int { chance(0.3) ? 1 : int(1...4) }

  func shape(rank: Int? = nil) -> [Int] {
    (0..<(rank ?? int(0...(small ? 4 : 6)))).map { _ in dim() }
  }

  /// A constant with random bytes; falls back to a scalar float32 when the descriptor is refused.
  func constant(_ dataType: MLOperandDataType, _ shape: [Int]) -> MLOperand {
    let descriptor = MLOperandDescriptor(dataType: dataType, shape: shape)
    let count = min(descriptor.byteLength, 1 << 16)
    let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    if let c = try? builder.constant(descriptor, bytes: bytes) { return c }
    return try! builder.constant(.float32, 1)
  }

  /// A large operand (a dimension up to Int32.max) made by `expand`, without data.
  func large(_ dataType: MLOperandDataType, rank: Int) -> MLOperand? {
    guard rank > 0 else { return nil }
    var shape = Array(repeating: 1, count: rank)
    shape[int(0...rank - 1)] = pick([Int(Int32.max), 1 << 20, 65536, Int(Int32.max) / 4])
    let one = constant(dataType, Array(repeating: 1, count: rank))
    return try? builder.expand(one, shape)
  }

  /// A random operand of the given data type and shape (random where nil).
  func operand(_ type: MLOperandDataType? = nil, _ shape: [Int]? = nil, rank: Int? = nil) -> MLOperand {
    let type = type ?? dataType()
    if !small {
      if chance(0.02), let foreign { return (try? foreign.constant(type, 1)) ?? constant(type, []) }
      if chance(0.1), !pool.isEmpty { return pick(pool) }
      if chance(0.04), let big = large(type, rank: shape?.count ?? rank ?? int(1...4)) { return big }
    }
    return constant(type, shape ?? self.shape(rank: rank))
  }

  /// An operand like `x`: mostly its data type and shape, sometimes broadcastable, sometimes anything.
  func like(_ x: MLOperand) -> MLOperand {
    switch int(0...9) {
    case 0...5: return operand(x.dataType, x.shape)
    case 6...7:
      let dropped = Array(x.shape.dropFirst(int(0...x.rank)))
      return operand(x.dataType, dropped.map { chance(0.5) ? 1 : $0 })
    case 8: return operand(dataType(), x.shape)
    default: return operand()
    }
  }

  /// An operand `x`-like with `shape` except when mutated.
  func maybe(_ type: MLOperandDataType, _ shape: [Int]) -> MLOperand {
    chance(0.85) ? operand(type, shape) : operand(chance(0.5) ? type : dataType(), self.shape())
  }

  func optional(_ make: () -> MLOperand) -> MLOperand? { chance(0.5) ? make() : nil }

  func axis(_ rank: Int) -> Int { chance(0.9) ? int(0...Swift.max(rank, 1) - 1) : value() }

  func axes(_ rank: Int) -> [Int]? {
    if chance(0.2) { return nil }
    if chance(0.8) {
      return Array((0..<rank).shuffled(using: &rng).prefix(int(0...rank)))
    }
    return values(int(0...rank))
  }

  func label() -> String { chance(0.5) ? "" : pick(["l", "fuzz label", "\u{1F600}", "x\ny"]) }
}

/// One operator under fuzz: its name (the prefix of its errors) and a random call.
struct FuzzOp: CustomTestStringConvertible, Sendable {
  let name: String
  let call: @Sendable (BuilderFuzzer) throws -> [MLOperand]
  var testDescription: String { name }

  init(_ name: String, _ call: @escaping @Sendable (BuilderFuzzer) throws -> [MLOperand]) {
    self.name = name
    self.call = call
  }
  init(_ name: String, one call: @escaping @Sendable (BuilderFuzzer) throws -> MLOperand) {
    self.init(name) { [try call($0)] }
  }
}

extension FuzzOp {
  typealias Binary = @Sendable (MLGraphBuilder) -> (MLOperand, MLOperand, MLOperatorLabel) throws -> MLOperand
  typealias Unary = @Sendable (MLGraphBuilder) -> (MLOperand, MLOperatorLabel) throws -> MLOperand

  static func binary(_ name: String, _ method: @escaping Binary) -> FuzzOp {
    FuzzOp(
      name,
      one: { f in
        let a = f.operand()
        return try method(f.builder)(a, f.like(a), .init(label: f.label()))
      })
  }

  static func unary(_ name: String, _ method: @escaping Unary) -> FuzzOp {
    FuzzOp(name, one: { f in try method(f.builder)(f.operand(), .init(label: f.label())) })
  }

  static func reduce(
    _ name: String, _ method: @escaping @Sendable (MLGraphBuilder) -> (MLOperand, MLReduceOptions) throws -> MLOperand
  ) -> FuzzOp {
    FuzzOp(
      name,
      one: { f in
        let x = f.operand()
        return try method(f.builder)(
          x, .init(label: f.label(), axes: f.axes(x.rank), keepDimensions: f.bool()))
      })
  }

  static func pool(
    _ name: String, _ method: @escaping @Sendable (MLGraphBuilder) -> (MLOperand, MLPool2dOptions) throws -> MLOperand
  ) -> FuzzOp {
    FuzzOp(
      name,
      one: { f in
        let x = f.operand(f.floatType(), rank: f.chance(0.9) ? 4 : nil)
        let options = MLPool2dOptions(
          label: f.label(), windowDimensions: f.chance(0.3) ? nil : f.values(2, f.size),
          padding: f.values(4, f.size), strides: f.values(2) { f.int(1...3) }, dilations: f.values(2) { f.int(1...2) },
          layout: f.pick(MLInputOperandLayout.allCases), outputShapeRounding: f.pick([.floor, .ceil]),
          outputSizes: f.chance(0.7) ? nil : f.values(2, f.size))
        return try method(f.builder)(x, options)
      })
  }

  static let all: [FuzzOp] = elementwise + activations + convolutions + normalizations + recurrent + reductions + shapes

  static let elementwise: [FuzzOp] = [
    binary("add", { $0.add }), binary("sub", { $0.sub }), binary("mul", { $0.mul }), binary("div", { $0.div }),
    binary("max", { $0.max }), binary("min", { $0.min }), binary("pow", { $0.pow }), binary("equal", { $0.equal }),
    binary("notEqual", { $0.notEqual }), binary("greater", { $0.greater }),
    binary("greaterOrEqual", { $0.greaterOrEqual }), binary("lesser", { $0.lesser }),
    binary("lesserOrEqual", { $0.lesserOrEqual }), binary("logicalAnd", { $0.logicalAnd }),
    binary("logicalOr", { $0.logicalOr }), binary("logicalXor", { $0.logicalXor }), binary("prelu", { $0.prelu }),
    unary("abs", { $0.abs }), unary("neg", { $0.neg }), unary("sign", { $0.sign }),
    unary("identity", { $0.identity }), unary("ceil", { $0.ceil }), unary("floor", { $0.floor }),
    unary("cos", { $0.cos }), unary("sin", { $0.sin }), unary("tan", { $0.tan }), unary("erf", { $0.erf }),
    unary("exp", { $0.exp }), unary("log", { $0.log }), unary("reciprocal", { $0.reciprocal }),
    unary("roundEven", { $0.roundEven }), unary("sqrt", { $0.sqrt }), unary("isNaN", { $0.isNaN }),
    unary("isInfinite", { $0.isInfinite }), unary("logicalNot", { $0.logicalNot }), unary("relu", { $0.relu }),
    unary("sigmoid", { $0.sigmoid }), unary("tanh", { $0.tanh }), unary("softsign", { $0.softsign }),
    unary("softplus", { $0.softplus }), unary("gelu", { $0.gelu }), unary("hardSwish", { $0.hardSwish }),
    FuzzOp("cast", one: { f in try f.builder.cast(f.operand(), f.dataType(), options: .init(label: f.label())) }),
    FuzzOp(
      "where",
      one: { f in
        let c = f.operand(f.chance(0.8) ? .uint8 : f.dataType())
        let t = f.like(c)
        return try f.builder.where(c, t, f.like(t), options: .init(label: f.label()))
      }),
  ]

  static let activations: [FuzzOp] = [
    FuzzOp(
      "clamp",
      one: { f in
        try f.builder.clamp(
          f.operand(),
          options: .init(
            label: f.label(), minValue: f.chance(0.5) ? f.number() : nil, maxValue: f.chance(0.5) ? f.number() : nil))
      }),
    FuzzOp("elu", one: { f in try f.builder.elu(f.operand(), options: .init(label: f.label(), alpha: f.double())) }),
    FuzzOp(
      "leakyRelu",
      one: { f in
        try f.builder.leakyRelu(f.operand(), options: .init(label: f.label(), alpha: f.double()))
      }),
    FuzzOp(
      "hardSigmoid",
      one: { f in
        try f.builder.hardSigmoid(f.operand(), options: .init(label: f.label(), alpha: f.double(), beta: f.double()))
      }),
    FuzzOp(
      "linear",
      one: { f in
        try f.builder.linear(f.operand(), options: .init(label: f.label(), alpha: f.double(), beta: f.double()))
      }),
    FuzzOp(
      "softmax",
      one: { f in
        let x = f.operand()
        return try f.builder.softmax(x, axis: f.axis(x.rank), options: .init(label: f.label()))
      }),
  ]

  static let convolutions: [FuzzOp] = [
    FuzzOp(
      "conv2d",
      one: { f in
        let x = f.operand(f.floatType(), rank: f.chance(0.9) ? 4 : nil)
        let w = f.maybe(x.dataType, f.shape(rank: 4))
        let options = MLConv2dOptions(
          label: f.label(), padding: f.values(4, f.size), strides: f.values(2) { f.int(1...3) },
          dilations: f.values(2) { f.int(1...2) }, groups: f.chance(0.8) ? f.int(1...2) : f.value(),
          inputLayout: f.pick(MLInputOperandLayout.allCases),
          filterLayout: f.pick(MLConv2dFilterOperandLayout.allCases),
          bias: f.optional { f.maybe(x.dataType, [f.dim()]) })
        return try f.builder.conv2d(x, w, options: options)
      }),
    FuzzOp(
      "convTranspose2d",
      one: { f in
        let x = f.operand(f.floatType(), rank: f.chance(0.9) ? 4 : nil)
        let w = f.maybe(x.dataType, f.shape(rank: 4))
        let options = MLConvTranspose2dOptions(
          label: f.label(), padding: f.values(4, f.size), strides: f.values(2) { f.int(1...3) },
          dilations: f.values(2) { f.int(1...2) }, outputPadding: f.values(2, f.size),
          outputSizes: f.chance(0.7) ? nil : f.values(2, f.size), groups: f.chance(0.8) ? f.int(1...2) : f.value(),
          inputLayout: f.pick(MLInputOperandLayout.allCases),
          filterLayout: f.pick(MLConvTranspose2dFilterOperandLayout.allCases),
          bias: f.optional { f.maybe(x.dataType, [f.dim()]) })
        return try f.builder.convTranspose2d(x, w, options: options)
      }),
    pool("averagePool2d", { $0.averagePool2d }), pool("l2Pool2d", { $0.l2Pool2d }),
    pool("maxPool2d", { $0.maxPool2d }),
    FuzzOp(
      "resample2d",
      one: { f in
        let x = f.operand(f.floatType(), rank: f.chance(0.9) ? 4 : nil)
        let scales: [Float]? =
          f.chance(0.5) ? nil : f.values(2) { 0 }.map { _ in f.chance(0.9) ? Float(f.int(1...8)) / 2 : .nan }
        let options = MLResample2dOptions(
          label: f.label(), mode: f.pick(MLInterpolationMode.allCases), scales: scales,
          sizes: f.chance(0.6) ? nil : f.values(2, f.size), axes: f.chance(0.5) ? nil : f.values(2) { f.int(0...4) })
        return try f.builder.resample2d(x, options: options)
      }),
    FuzzOp(
      "matmul",
      one: { f in
        let a = f.operand(f.floatType(), rank: f.int(1...4))
        var shape = a.shape
        if shape.count >= 2 { shape.swapAt(shape.count - 1, shape.count - 2) }
        return try f.builder.matmul(a, f.maybe(a.dataType, shape), options: .init(label: f.label()))
      }),
    FuzzOp(
      "gemm",
      one: { f in
        let a = f.operand(f.floatType(), rank: f.chance(0.9) ? 2 : nil)
        let b = f.maybe(a.dataType, a.shape.reversed())
        let options = MLGemmOptions(
          label: f.label(), c: f.optional { f.maybe(a.dataType, f.shape(rank: f.int(0...2))) }, alpha: f.double(),
          beta: f.double(), aTranspose: f.bool(), bTranspose: f.bool())
        return try f.builder.gemm(a, b, options: options)
      }),
    FuzzOp(
      "quantizeLinear",
      one: { f in
        let x = f.operand(f.floatType())
        let blocks = x.shape.map { f.chance(0.7) ? 1 : $0 }
        let scale = f.maybe(x.dataType, blocks)
        let zeroPoint = f.maybe(f.pick([.int8, .uint8, .int4, .uint4, .int32]), blocks)
        return try f.builder.quantizeLinear(x, scale: scale, zeroPoint: zeroPoint, options: .init(label: f.label()))
      }),
    FuzzOp(
      "dequantizeLinear",
      one: { f in
        let x = f.operand(f.pick([.int8, .uint8, .int4, .uint4, .int32]))
        let blocks = x.shape.map { f.chance(0.7) ? 1 : $0 }
        let scale = f.maybe(f.floatType(), blocks)
        let zeroPoint = f.maybe(x.dataType, blocks)
        return try f.builder.dequantizeLinear(x, scale: scale, zeroPoint: zeroPoint, options: .init(label: f.label()))
      }),
  ]

  static let normalizations: [FuzzOp] = [
    FuzzOp(
      "batchNormalization",
      one: { f in
        let x = f.operand(f.floatType())
        let axis = f.axis(x.rank)
        let channels = [x.shape.indices.contains(axis) ? x.shape[axis] : f.dim()]
        let options = MLBatchNormalizationOptions(
          label: f.label(), scale: f.optional { f.maybe(x.dataType, channels) },
          bias: f.optional { f.maybe(x.dataType, channels) }, axis: axis, epsilon: f.double())
        return try f.builder.batchNormalization(
          x, mean: f.maybe(x.dataType, channels), variance: f.maybe(x.dataType, channels), options: options)
      }),
    FuzzOp(
      "instanceNormalization",
      one: { f in
        let x = f.operand(f.floatType(), rank: f.chance(0.9) ? 4 : nil)
        let layout = f.pick(MLInputOperandLayout.allCases)
        let channels = [x.rank == 4 ? x.shape[layout == .nchw ? 1 : 3] : f.dim()]
        let options = MLInstanceNormalizationOptions(
          label: f.label(), scale: f.optional { f.maybe(x.dataType, channels) },
          bias: f.optional { f.maybe(x.dataType, channels) }, epsilon: f.double(), layout: layout)
        return try f.builder.instanceNormalization(x, options: options)
      }),
    FuzzOp(
      "layerNormalization",
      one: { f in
        let x = f.operand(f.floatType())
        let axes = f.axes(x.rank)
        let scaleShape = (axes ?? Array(1..<Swift.max(x.rank, 1))).map {
          x.shape.indices.contains($0) ? x.shape[$0] : 1
        }
        let options = MLLayerNormalizationOptions(
          label: f.label(), scale: f.optional { f.maybe(x.dataType, scaleShape) },
          bias: f.optional { f.maybe(x.dataType, scaleShape) }, axes: axes, epsilon: f.double())
        return try f.builder.layerNormalization(x, options: options)
      }),
    FuzzOp(
      "cumulativeSum",
      one: { f in
        let x = f.operand()
        return try f.builder.cumulativeSum(
          x, axis: f.axis(x.rank), options: .init(label: f.label(), exclusive: f.bool(), reversed: f.bool()))
      }),
  ]

  /// Random recurrent operands: mostly consistent shapes for `gates` gates.
  struct Recurrent {
    let type: MLOperandDataType
    let steps, batch, inputSize, hidden, h, nd: Int
    let input, weight, recurrentWeight: MLOperand

    init(_ f: BuilderFuzzer, gates: Int, sequence: Bool) {
      type = f.floatType()
      steps = f.int(1...3)
      batch = f.int(1...3)
      inputSize = f.int(1...3)
      hidden = f.chance(0.9) ? f.int(1...3) : f.value()
      nd = sequence ? f.int(1...2) : 0
      let h = hidden > 0 && hidden < 100 ? hidden : 1
      self.h = h
      let lead = sequence ? [nd] : []
      input = f.maybe(type, (sequence ? [steps] : []) + [batch, inputSize])
      weight = f.maybe(type, lead + [gates * h, inputSize])
      recurrentWeight = f.maybe(type, lead + [gates * h, h])
    }

    var direction: MLRecurrentNetworkDirection { nd == 2 ? .both : .forward }
    func activations(_ f: BuilderFuzzer, _ count: Int) -> [MLRecurrentNetworkActivation]? {
      f.chance(0.5) ? nil : (0..<(f.chance(0.8) ? count : f.int(0...4))).map { _ in f.pick([.relu, .sigmoid, .tanh]) }
    }
    func state(_ f: BuilderFuzzer, _ shape: [Int]) -> MLOperand? { f.optional { f.maybe(type, shape) } }
  }

  static let recurrent: [FuzzOp] = [
    FuzzOp("gru") { f in
      let r = Recurrent(f, gates: 3, sequence: true)
      let h = r.h
      let options = MLGruOptions(
        label: f.label(), bias: r.state(f, [r.nd, 3 * h]), recurrentBias: r.state(f, [r.nd, 3 * h]),
        initialHiddenState: r.state(f, [r.nd, r.batch, h]), resetAfter: f.bool(), returnSequence: f.bool(),
        direction: f.chance(0.8) ? r.direction : f.pick(MLRecurrentNetworkDirection.allCases),
        layout: f.pick(MLGruWeightLayout.allCases), activations: r.activations(f, 2))
      return try f.builder.gru(
        r.input, r.weight, r.recurrentWeight, steps: f.chance(0.9) ? r.steps : f.value(), hiddenSize: r.hidden,
        options: options)
    },
    FuzzOp(
      "gruCell",
      one: { f in
        let r = Recurrent(f, gates: 3, sequence: false)
        let h = r.h
        let options = MLGruCellOptions(
          label: f.label(), bias: r.state(f, [3 * h]), recurrentBias: r.state(f, [3 * h]), resetAfter: f.bool(),
          layout: f.pick(MLGruWeightLayout.allCases), activations: r.activations(f, 2))
        return try f.builder.gruCell(
          r.input, r.weight, r.recurrentWeight, hiddenState: f.maybe(r.type, [r.batch, h]), hiddenSize: r.hidden,
          options: options)
      }),
    FuzzOp("lstm") { f in
      let r = Recurrent(f, gates: 4, sequence: true)
      let h = r.h
      let options = MLLstmOptions(
        label: f.label(), bias: r.state(f, [r.nd, 4 * h]), recurrentBias: r.state(f, [r.nd, 4 * h]),
        peepholeWeight: r.state(f, [r.nd, 3 * h]), initialHiddenState: r.state(f, [r.nd, r.batch, h]),
        initialCellState: r.state(f, [r.nd, r.batch, h]), returnSequence: f.bool(),
        direction: f.chance(0.8) ? r.direction : f.pick(MLRecurrentNetworkDirection.allCases),
        layout: f.pick(MLLstmWeightLayout.allCases), activations: r.activations(f, 3))
      return try f.builder.lstm(
        r.input, r.weight, r.recurrentWeight, steps: f.chance(0.9) ? r.steps : f.value(), hiddenSize: r.hidden,
        options: options)
    },
    FuzzOp("lstmCell") { f in
      let r = Recurrent(f, gates: 4, sequence: false)
      let h = r.h
      let options = MLLstmCellOptions(
        label: f.label(), bias: r.state(f, [4 * h]), recurrentBias: r.state(f, [4 * h]),
        peepholeWeight: r.state(f, [3 * h]), layout: f.pick(MLLstmWeightLayout.allCases),
        activations: r.activations(f, 3))
      return try f.builder.lstmCell(
        r.input, r.weight, r.recurrentWeight, hiddenState: f.maybe(r.type, [r.batch, h]),
        cellState: f.maybe(r.type, [r.batch, h]), hiddenSize: r.hidden, options: options)
    },
  ]

  static let reductions: [FuzzOp] = [
    reduce("reduceL1", { $0.reduceL1 }), reduce("reduceL2", { $0.reduceL2 }),
    reduce("reduceLogSum", { $0.reduceLogSum }), reduce("reduceLogSumExp", { $0.reduceLogSumExp }),
    reduce("reduceMax", { $0.reduceMax }), reduce("reduceMean", { $0.reduceMean }),
    reduce("reduceMin", { $0.reduceMin }), reduce("reduceProduct", { $0.reduceProduct }),
    reduce("reduceSum", { $0.reduceSum }), reduce("reduceSumSquare", { $0.reduceSumSquare }),
    FuzzOp(
      "argMax",
      one: { f in
        let x = f.operand()
        return try f.builder.argMax(
          x, axis: f.axis(x.rank),
          options: .init(
            label: f.label(), keepDimensions: f.bool(), outputDataType: f.pick([.int32, .int64, .float32])))
      }),
    FuzzOp(
      "argMin",
      one: { f in
        let x = f.operand()
        return try f.builder.argMin(
          x, axis: f.axis(x.rank),
          options: .init(label: f.label(), keepDimensions: f.bool(), outputDataType: f.pick([.int32, .int64, .uint8])))
      }),
  ]

  static let shapes: [FuzzOp] = [
    FuzzOp(
      "reshape",
      one: { f in
        let x = f.operand()
        let shape = f.chance(0.5) ? [x.shape.reduce(1, *)] : f.values(f.int(0...6), f.size)
        return try f.builder.reshape(x, shape, options: .init(label: f.label()))
      }),
    FuzzOp(
      "transpose",
      one: { f in
        let x = f.operand()
        let permutation =
          f.chance(0.3) ? nil : f.chance(0.7) ? Array((0..<x.rank).shuffled(using: &f.rng)) : f.values(x.rank)
        return try f.builder.transpose(x, options: .init(label: f.label(), permutation: permutation))
      }),
    FuzzOp(
      "concat",
      one: { f in
        let x = f.operand()
        let axis = f.axis(x.rank)
        let inputs =
          [x]
          + (0..<f.int(0...3)).map { _ in
            var shape = x.shape
            if shape.indices.contains(axis) { shape[axis] = f.dim() }
            return f.maybe(x.dataType, shape)
          }
        return try f.builder.concat(f.chance(0.05) ? [] : inputs, axis: axis, options: .init(label: f.label()))
      }),
    FuzzOp(
      "slice",
      one: { f in
        let x = f.operand()
        let starts = f.values(x.rank, f.size)
        let sizes = f.values(x.rank) { f.chance(0.9) ? f.int(1...2) : f.value() }
        let strides = f.chance(0.5) ? nil : f.values(x.rank) { f.chance(0.9) ? f.int(1...3) : f.value() }
        return try f.builder.slice(x, starts: starts, sizes: sizes, options: .init(label: f.label(), strides: strides))
      }),
    FuzzOp("split") { f in
      let x = f.operand()
      let splits: MLSplits = f.bool() ? .count(f.value()) : .sizes(f.values(f.int(0...4), f.size))
      return try f.builder.split(x, splits: splits, options: .init(label: f.label(), axis: f.axis(x.rank)))
    },
    FuzzOp(
      "expand",
      one: { f in
        let x = f.operand()
        let shape = f.chance(0.5) ? x.shape.map { $0 == 1 ? f.int(1...3) : $0 } : f.values(f.int(0...6), f.size)
        return try f.builder.expand(x, shape, options: .init(label: f.label()))
      }),
    FuzzOp(
      "tile",
      one: { f in
        let x = f.operand()
        return try f.builder.tile(x, f.values(x.rank, f.size), options: .init(label: f.label()))
      }),
    FuzzOp(
      "reverse",
      one: { f in
        let x = f.operand()
        return try f.builder.reverse(x, options: .init(label: f.label(), axes: f.axes(x.rank)))
      }),
    FuzzOp(
      "pad",
      one: { f in
        let x = f.operand()
        return try f.builder.pad(
          x, beginningPadding: f.values(x.rank, f.size), endingPadding: f.values(x.rank, f.size),
          options: .init(label: f.label(), mode: f.pick([.constant, .edge, .reflection]), value: f.number()))
      }),
    FuzzOp(
      "gather",
      one: { f in
        let x = f.operand()
        let indices = f.operand(f.pick([.int32, .int64, .uint32, .float32]))
        return try f.builder.gather(x, indices, options: .init(label: f.label(), axis: f.axis(x.rank)))
      }),
    FuzzOp(
      "gatherElements",
      one: { f in
        let x = f.operand()
        let indices = f.maybe(f.pick([.int32, .int64, .uint32]), x.shape.map { f.chance(0.7) ? $0 : f.dim() })
        return try f.builder.gatherElements(x, indices, options: .init(label: f.label(), axis: f.axis(x.rank)))
      }),
    FuzzOp(
      "gatherND",
      one: { f in
        let x = f.operand()
        let indices = f.maybe(f.pick([.int32, .int64, .uint32]), f.shape(rank: f.int(1...3)) + [f.int(1...x.rank + 1)])
        return try f.builder.gatherND(x, indices, options: .init(label: f.label()))
      }),
    FuzzOp(
      "scatterElements",
      one: { f in
        let x = f.operand()
        let shape = x.shape.map { f.chance(0.7) ? $0 : f.dim() }
        let indices = f.maybe(f.pick([.int32, .int64, .uint32]), shape)
        return try f.builder.scatterElements(
          x, indices, f.maybe(x.dataType, shape), options: .init(label: f.label(), axis: f.axis(x.rank)))
      }),
    FuzzOp(
      "scatterND",
      one: { f in
        let x = f.operand()
        let k = f.int(1...Swift.max(x.rank, 1))
        let lead = f.shape(rank: f.int(1...2))
        let indices = f.maybe(f.pick([.int32, .int64, .uint32]), lead + [k])
        let updates = f.maybe(x.dataType, lead + Array(x.shape.dropFirst(k)))
        return try f.builder.scatterND(x, indices, updates, options: .init(label: f.label()))
      }),
    FuzzOp(
      "triangular",
      one: { f in
        try f.builder.triangular(f.operand(), options: .init(label: f.label(), upper: f.bool(), diagonal: f.value()))
      }),
  ]
}

@Suite(.serialized) struct BuilderFuzzTests {
  static let callsPerOperator = 300

  @Test func coversEveryOperator() {
    #expect(Set(FuzzOp.all.map(\.name)).count == FuzzOp.all.count)
    let names = Set(FuzzOp.all.map(\.name))
    #expect(
      names == Set(OperatorRegistry.names),
      "fuzzed but not registered: \(names.subtracting(OperatorRegistry.names)); registered but not fuzzed: \(Set(OperatorRegistry.names).subtracting(names))"
    )
  }

  /// Runs one random call; returns its outputs, or nil when it threw the expected TypeError.
  static func attempt(_ op: FuzzOp, _ f: BuilderFuzzer) -> [MLOperand]? {
    do {
      let outputs = try op.call(f)
      for output in outputs {
        let sane =
          output.rank <= 8 && output.shape.allSatisfy { $0 > 0 && $0 <= Int(Int32.max) }
          && output.descriptor.elementCount <= Int(Int32.max)
        if !sane { Issue.record("\(op.name): output \(output) is not sane") }
      }
      return outputs
    } catch let error as MLError {
      if error.kind != .typeError || !error.message.hasPrefix(op.name) {
        Issue.record("\(op.name): unexpected error \(error)")
      }
    } catch {
      Issue.record("\(op.name): not an MLError: \(error)")
    }
    return nil
  }

  /// Random calls of every operator on one builder each; the builder then still builds and runs
  /// a small graph with the right result.
  @Test(arguments: FuzzOp.all) func randomCalls(_ op: FuzzOp) async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let f = BuilderFuzzer(
      seed: Self.seed(op.name), builder: builder,
      foreign: MLGraphBuilder(context), small: false)
    for _ in 0..<Self.callsPerOperator {
      if let outputs = Self.attempt(op, f) { f.pool.append(contentsOf: outputs.prefix(2)) }
    }
    let c = try builder.constant(.init(dataType: .float32, shape: [4]), [1, 2, -3, 4] as [Float])
    let sum = try builder.add(c, c)
    let graph = try await builder.build(["sum": sum])
    let out = try await context.createTensor(.init(dataType: .float32, shape: [4], readable: true))
    try context.dispatch(graph, inputs: [:], outputs: ["sum": out])
    #expect(try await context.readTensor(out, as: Float.self) == [2, 4, -6, 8])
    expectNoValidationMessages()
  }

  /// Diagonals beyond the int32 range keep everything or nothing, not a wrapped-around triangle.
  @Test func triangularHugeDiagonals() async throws {
    let context = try await sharedContext()
    for (diagonal, upper, kept) in [(Int.max, true, false), (Int.min, true, true), (1 << 32, false, true)] {
      let builder = MLGraphBuilder(context)
      let x = try builder.constant(.init(dataType: .float32, shape: [2, 2]), [1, 2, 3, 4] as [Float])
      let y = try builder.triangular(x, options: .init(upper: upper, diagonal: diagonal))
      let graph = try await builder.build(["y": y])
      let result = try await run(context, graph, inputs: [:], outputs: ["y": [2, 2]])
      #expect(result["y"] == (kept ? [1, 2, 3, 4] : [0, 0, 0, 0]), "diagonal \(diagonal)")
    }
    expectNoValidationMessages()
  }

  /// A stable seed per operator name (String.hashValue is randomized per process).
  static func seed(_ name: String) -> UInt64 {
    name.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
  }

  /// A sample of the random calls that succeed on small constants are built and dispatched.
  @Test(arguments: FuzzOp.all) func randomGraphsRun(_ op: FuzzOp) async throws {
    let context = try await sharedContext()
    var ran = 0
    for attempt in 0..<40 where ran < 2 {
      let builder = MLGraphBuilder(context)
      let f = BuilderFuzzer(seed: Self.seed(op.name) &+ UInt64(attempt), builder: builder, foreign: nil, small: true)
      guard let outputs = Self.attempt(op, f), !outputs.isEmpty,
        outputs.allSatisfy({ $0.descriptor.elementCount <= 4096 })
      else { continue }
      var named: [String: MLOperand] = [:]
      for (i, output) in outputs.enumerated() { named["out\(i)"] = output }
      let graph = try await builder.build(named)
      var tensors: [String: MLTensor] = [:]
      for (name, descriptor) in graph.outputDescriptors {
        tensors[name] = try await context.createTensor(
          .init(dataType: descriptor.dataType, shape: descriptor.shape, readable: true))
      }
      try context.dispatch(graph, inputs: [:], outputs: tensors)
      for (name, tensor) in tensors {
        let bytes = try await context.readTensor(tensor)
        #expect(bytes.count == graph.outputDescriptors[name]?.byteLength)
      }
      graph.destroy()
      ran += 1
    }
    expectNoValidationMessages()
  }
}
