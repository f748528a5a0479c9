/// Index of an operand inside one graph's IR.
public typealias OperandID = Int

/// An element-wise operator of one input (activations included).
public enum UnaryOperator: Sendable, Hashable {
  case abs, neg, sign, identity, ceil, floor, cos, sin, tan, erf, exp, log, reciprocal
  case roundEven, sqrt, isNaN, isInfinite, logicalNot
  case relu, sigmoid, tanh, softsign, softplus, gelu, hardSwish
  case elu(alpha: Double)
  case hardSigmoid(alpha: Double, beta: Double)
  case leakyRelu(alpha: Double)
  case linear(alpha: Double, beta: Double)
  /// Bounds already cast to the input's data type.
  case clamp(min: MLNumber, max: MLNumber)
  /// Conversion to another data type.
  case cast(MLOperandDataType)

  /// The builder method's name.
  public var name: String {
    switch self {
    case .elu: "elu"
    case .hardSigmoid: "hardSigmoid"
    case .leakyRelu: "leakyRelu"
    case .linear: "linear"
    case .clamp: "clamp"
    case .cast: "cast"
    default: "\(self)"
    }
  }
}

/// An element-wise operator of two inputs with bidirectional broadcasting.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
  case add, sub, mul, div, max, min, pow
  case equal, notEqual, greater, greaterOrEqual, lesser, lesserOrEqual
  case logicalAnd, logicalOr, logicalXor
  case prelu

  /// Comparison and logical operators produce uint8.
  public var producesUInt8: Bool {
    switch self {
    case .add, .sub, .mul, .div, .max, .min, .pow, .prelu: false
    default: true
    }
  }
}

/// The pooling reductions of `averagePool2d`, `maxPool2d` and `l2Pool2d`.
public enum PoolKind: String, Sendable, Hashable {
  case average = "averagePool2d"
  case max = "maxPool2d"
  case l2 = "l2Pool2d"
}

/// The reductions of the `reduce*` family.
public enum ReduceKind: String, Sendable, Hashable, CaseIterable {
  case l1 = "reduceL1", l2 = "reduceL2", logSum = "reduceLogSum", logSumExp = "reduceLogSumExp"
  case max = "reduceMax", mean = "reduceMean", min = "reduceMin", product = "reduceProduct"
  case sum = "reduceSum", sumSquare = "reduceSumSquare"
}

/// 2-D window geometry shared by convolutions and pooling, fully resolved by the builder:
/// layout-independent `[top, bottom, left, right]` padding, `[h, w]` strides and dilations.
public struct Window2D: Sendable, Hashable {
  public var padding: [Int]
  public var strides: [Int]
  public var dilations: [Int]
}

/// One operation of the IR: the operator with its operands and resolved options. This enum is
/// the single source of truth a backend reads; output shapes live in the graph's operand table.
public enum Operation: Sendable {
  case unary(UnaryOperator, input: OperandID)
  case binary(BinaryOperator, a: OperandID, b: OperandID)
  case whereSelect(condition: OperandID, trueValue: OperandID, falseValue: OperandID)
  case matmul(a: OperandID, b: OperandID)
  case gemm(a: OperandID, b: OperandID, c: OperandID?, alpha: Double, beta: Double,
    aTranspose: Bool, bTranspose: Bool)
  case conv2d(input: OperandID, filter: OperandID, bias: OperandID?, window: Window2D, groups: Int,
    inputLayout: MLInputOperandLayout, filterLayout: MLConv2dFilterOperandLayout)
  case convTranspose2d(input: OperandID, filter: OperandID, bias: OperandID?, window: Window2D,
    groups: Int, inputLayout: MLInputOperandLayout, filterLayout: MLConvTranspose2dFilterOperandLayout)
  case pool2d(PoolKind, input: OperandID, windowDimensions: [Int], window: Window2D,
    layout: MLInputOperandLayout)
  case softmax(input: OperandID, axis: Int)
  case reduce(ReduceKind, input: OperandID, axes: [Int])
  case argMinMax(isMax: Bool, input: OperandID, axis: Int)
  case batchNormalization(input: OperandID, mean: OperandID, variance: OperandID, scale: OperandID?,
    bias: OperandID?, axis: Int, epsilon: Double)
  case instanceNormalization(input: OperandID, scale: OperandID?, bias: OperandID?, epsilon: Double,
    layout: MLInputOperandLayout)
  case layerNormalization(input: OperandID, scale: OperandID?, bias: OperandID?, axes: [Int],
    epsilon: Double)
  /// Reshape, identity-like views; the output shape is in the operand table.
  case reshape(input: OperandID)
  case transpose(input: OperandID, permutation: [Int])
  case concat(inputs: [OperandID], axis: Int)
  case slice(input: OperandID, starts: [Int], strides: [Int])
  case split(input: OperandID, axis: Int)
  case expand(input: OperandID)
  case tile(input: OperandID, repetitions: [Int])
  case reverse(input: OperandID, axes: [Int])
  case pad(input: OperandID, beginning: [Int], ending: [Int], mode: MLPaddingMode, value: MLNumber)
  case gather(input: OperandID, indices: OperandID, axis: Int)
  /// out[..., i, ...] = input[..., indices[..., i, ...], ...] along `axis`; out shape = indices shape.
  case gatherElements(input: OperandID, indices: OperandID, axis: Int)
  /// Slices of the input addressed by the last dimension of `indices` (k coordinates each).
  case gatherND(input: OperandID, indices: OperandID)
  /// A copy of the input with `updates` written at `indices` along `axis`.
  case scatterElements(input: OperandID, indices: OperandID, updates: OperandID, axis: Int)
  /// A copy of the input with the slices of `updates` written at the k-coordinates in `indices`.
  case scatterND(input: OperandID, indices: OperandID, updates: OperandID)
  case triangular(input: OperandID, upper: Bool, diagonal: Int)
  /// Running sums along `axis`.
  case cumulativeSum(input: OperandID, axis: Int, exclusive: Bool, reversed: Bool)
  /// Resizes dimensions `axes` (two of them) to the output operand's shape, half-pixel sampling.
  case resample2d(input: OperandID, mode: MLInterpolationMode, axes: [Int])
  /// clamp(roundEven(input / scale) + zeroPoint) in the zero point's type. `scale` and
  /// `zeroPoint` share a shape of rank ≤ the input's that, left-padded with 1s, repeats blockwise.
  case quantizeLinear(input: OperandID, scale: OperandID, zeroPoint: OperandID)
  /// (input − zeroPoint) · scale, with the same blockwise scale/zeroPoint as `quantizeLinear`.
  case dequantizeLinear(input: OperandID, scale: OperandID, zeroPoint: OperandID)

  /// The builder method that made this operation.
  public var name: String {
    switch self {
    case .unary(let op, _): op.name
    case .binary(let op, _, _): op.rawValue
    case .whereSelect: "where"
    case .matmul: "matmul"
    case .gemm: "gemm"
    case .conv2d: "conv2d"
    case .convTranspose2d: "convTranspose2d"
    case .pool2d(let kind, _, _, _, _): kind.rawValue
    case .softmax: "softmax"
    case .reduce(let kind, _, _): kind.rawValue
    case .argMinMax(let isMax, _, _): isMax ? "argMax" : "argMin"
    case .batchNormalization: "batchNormalization"
    case .instanceNormalization: "instanceNormalization"
    case .layerNormalization: "layerNormalization"
    case .reshape: "reshape"
    case .transpose: "transpose"
    case .concat: "concat"
    case .slice: "slice"
    case .split: "split"
    case .expand: "expand"
    case .tile: "tile"
    case .reverse: "reverse"
    case .pad: "pad"
    case .gather: "gather"
    case .gatherElements: "gatherElements"
    case .gatherND: "gatherND"
    case .scatterElements: "scatterElements"
    case .scatterND: "scatterND"
    case .triangular: "triangular"
    case .cumulativeSum: "cumulativeSum"
    case .resample2d: "resample2d"
    case .quantizeLinear: "quantizeLinear"
    case .dequantizeLinear: "dequantizeLinear"
    }
  }

  /// Every operand the operation reads, in argument order.
  public var inputs: [OperandID] {
    switch self {
    case .unary(_, let x), .softmax(let x, _), .reduce(_, let x, _), .argMinMax(_, let x, _),
      .reshape(let x), .transpose(let x, _), .slice(let x, _, _), .split(let x, _), .expand(let x),
      .tile(let x, _), .reverse(let x, _), .pad(let x, _, _, _, _), .triangular(let x, _, _),
      .pool2d(_, let x, _, _, _):
      [x]
    case .binary(_, let a, let b), .matmul(let a, let b), .gather(let a, let b, _), .gatherElements(let a, let b, _),
      .gatherND(let a, let b):
      [a, b]
    case .scatterElements(let x, let i, let u, _), .scatterND(let x, let i, let u): [x, i, u]
    case .whereSelect(let c, let t, let f): [c, t, f]
    case .gemm(let a, let b, let c, _, _, _, _): [a, b] + (c.map { [$0] } ?? [])
    case .conv2d(let x, let w, let b, _, _, _, _), .convTranspose2d(let x, let w, let b, _, _, _, _):
      [x, w] + (b.map { [$0] } ?? [])
    case .batchNormalization(let x, let m, let v, let s, let b, _, _):
      [x, m, v] + [s, b].compactMap { $0 }
    case .instanceNormalization(let x, let s, let b, _, _), .layerNormalization(let x, let s, let b, _, _):
      [x] + [s, b].compactMap { $0 }
    case .concat(let xs, _): xs
    case .cumulativeSum(let x, _, _, _), .resample2d(let x, _, _): [x]
    case .quantizeLinear(let x, let s, let z), .dequantizeLinear(let x, let s, let z): [x, s, z]
    }
  }
}

/// One node of the graph: an operation, the operands it produces and the caller's label.
public struct Node: Sendable {
  public var operation: Operation
  public var outputs: [OperandID]
  public var label: String
}

/// Where an operand's value comes from.
public enum OperandSource: Sendable {
  case input(name: String)
  case constant(bytes: [UInt8])
  case node(index: Int)
}

/// The typed graph IR a builder hands to a backend: every operand with its descriptor and
/// source, the nodes in a valid execution order, and the named outputs.
public struct GraphIR: Sendable {
  public var operands: [MLOperandDescriptor] = []
  public var sources: [OperandSource] = []
  public var nodes: [Node] = []
  /// Named graph inputs, in creation order.
  public var inputs: [(name: String, operand: OperandID)] = []
  /// Named graph outputs, in the order given to `build`.
  public var outputs: [(name: String, operand: OperandID)] = []

  /// The constant bytes of `operand`, if it is a constant.
  public func constantBytes(_ operand: OperandID) -> [UInt8]? {
    if case .constant(let bytes) = sources[operand] { return bytes }
    return nil
  }
}
