/// Index of an operand inside one graph's IR.
public typealias OperandID = Int

/// An element-wise operator of one input (activations included).
public enum UnaryOperator: Sendable, Hashable {
  /// |x|.
  case abs
  /// −x.
  case neg
  /// −1, 0 or 1.
  case sign
  /// x.
  case identity
  /// Rounds up.
  case ceil
  /// Rounds down.
  case floor
  /// Cosine.
  case cos
  /// Sine.
  case sin
  /// Tangent.
  case tan
  /// The error function.
  case erf
  /// eˣ.
  case exp
  /// Natural logarithm.
  case log
  /// 1 / x.
  case reciprocal
  /// Rounds to nearest, halves to even.
  case roundEven
  /// Square root.
  case sqrt
  /// 1 where x is NaN, else 0; the output is uint8.
  case isNaN
  /// 1 where x is ±∞, else 0; the output is uint8.
  case isInfinite
  /// 1 where x is 0, else 0 (uint8).
  case logicalNot
  /// max(0, x).
  case relu
  /// 1 / (1 + e⁻ˣ).
  case sigmoid
  /// Hyperbolic tangent.
  case tanh
  /// x / (1 + |x|).
  case softsign
  /// ln(1 + eˣ).
  case softplus
  /// 0.5 · x · (1 + erf(x / √2)).
  case gelu
  /// x · max(0, min(6, x + 3)) / 6.
  case hardSwish
  /// max(0, x) + alpha · (e^min(0, x) − 1); `alpha` already cast to the input's type.
  case elu(alpha: Double)
  /// max(0, min(1, alpha · x + beta)).
  case hardSigmoid(alpha: Double, beta: Double)
  /// max(0, x) + alpha · min(0, x).
  case leakyRelu(alpha: Double)
  /// alpha · x + beta.
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
  /// a + b.
  case add
  /// a − b.
  case sub
  /// a · b.
  case mul
  /// a / b; integer division truncates toward zero.
  case div
  /// The larger of a and b.
  case max
  /// The smaller of a and b.
  case min
  /// a raised to b.
  case pow
  /// a == b, as uint8 0 or 1.
  case equal
  /// a != b, as uint8 0 or 1.
  case notEqual
  /// a > b, as uint8 0 or 1.
  case greater
  /// a >= b, as uint8 0 or 1.
  case greaterOrEqual
  /// a < b, as uint8 0 or 1.
  case lesser
  /// a <= b, as uint8 0 or 1.
  case lesserOrEqual
  /// Both nonzero, as uint8 0 or 1.
  case logicalAnd
  /// Either nonzero, as uint8 0 or 1.
  case logicalOr
  /// Exactly one nonzero, as uint8 0 or 1.
  case logicalXor
  /// a where a ≥ 0, else b · a (a is the input, b the slope).
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
  /// The mean of each window, padding left out of the count.
  case average = "averagePool2d"
  /// The maximum of each window.
  case max = "maxPool2d"
  /// The square root of the sum of squares of each window.
  case l2 = "l2Pool2d"
}

/// The reductions of the `reduce*` family.
public enum ReduceKind: String, Sendable, Hashable, CaseIterable {
  /// The sum of absolute values.
  case l1 = "reduceL1"
  /// The square root of the sum of squares.
  case l2 = "reduceL2"
  /// The natural logarithm of the sum.
  case logSum = "reduceLogSum"
  /// The natural logarithm of the sum of exponentials.
  case logSumExp = "reduceLogSumExp"
  /// The maximum.
  case max = "reduceMax"
  /// The arithmetic mean.
  case mean = "reduceMean"
  /// The minimum.
  case min = "reduceMin"
  /// The product.
  case product = "reduceProduct"
  /// The sum.
  case sum = "reduceSum"
  /// The sum of squares.
  case sumSquare = "reduceSumSquare"
}

/// 2-D window geometry shared by convolutions and pooling, fully resolved by the builder:
/// layout-independent `[top, bottom, left, right]` padding, `[h, w]` strides and dilations.
public struct Window2D: Sendable, Hashable {
  /// [top, bottom, left, right], in elements.
  public var padding: [Int]
  /// [height, width] steps between windows.
  public var strides: [Int]
  /// [height, width] steps between the elements of one window.
  public var dilations: [Int]
}

/// One operation of the IR: the operator with its operands and resolved options. This enum is
/// the single source of truth a backend reads; output shapes live in the graph's operand table.
public enum Operation: Sendable, Hashable {
  /// An element-wise operator of one input; the output has the input's shape.
  case unary(UnaryOperator, input: OperandID)
  /// An element-wise operator of two inputs, broadcast bidirectionally.
  case binary(BinaryOperator, a: OperandID, b: OperandID)
  /// `where`: `condition ? trueValue : falseValue`, all three broadcast bidirectionally.
  case whereSelect(condition: OperandID, trueValue: OperandID, falseValue: OperandID)
  /// Matrix product over the last two dimensions, batch dimensions broadcast.
  case matmul(a: OperandID, b: OperandID)
  /// alpha · A · B + beta · C on 2-D operands; `alpha` and `beta` are cast to the data type.
  case gemm(
    a: OperandID, b: OperandID, c: OperandID?, alpha: Double, beta: Double,
    aTranspose: Bool, bTranspose: Bool)
  /// 2-D convolution with resolved padding, strides and dilations.
  case conv2d(
    input: OperandID, filter: OperandID, bias: OperandID?, window: Window2D, groups: Int,
    inputLayout: MLInputOperandLayout, filterLayout: MLConv2dFilterOperandLayout)
  /// 2-D transposed convolution; output padding and sizes are folded into `window.padding`.
  case convTranspose2d(
    input: OperandID, filter: OperandID, bias: OperandID?, window: Window2D,
    groups: Int, inputLayout: MLInputOperandLayout, filterLayout: MLConvTranspose2dFilterOperandLayout)
  /// Average, L2 or max pooling over [height, width] windows.
  case pool2d(
    PoolKind, input: OperandID, windowDimensions: [Int], window: Window2D,
    layout: MLInputOperandLayout)
  /// Normalized exponentials along `axis`.
  case softmax(input: OperandID, axis: Int)
  /// A reduction over `axes` (sorted); whether dimensions are kept is in the output's shape.
  case reduce(ReduceKind, input: OperandID, axes: [Int])
  /// The index of the first maximum (`isMax`) or minimum along `axis`.
  case argMinMax(isMax: Bool, input: OperandID, axis: Int)
  /// Normalizes with the given mean and variance per channel along `axis`.
  case batchNormalization(
    input: OperandID, mean: OperandID, variance: OperandID, scale: OperandID?,
    bias: OperandID?, axis: Int, epsilon: Double)
  /// Normalizes each channel of each sample over its height and width.
  case instanceNormalization(
    input: OperandID, scale: OperandID?, bias: OperandID?, epsilon: Double,
    layout: MLInputOperandLayout)
  /// Normalizes over `axes`.
  case layerNormalization(
    input: OperandID, scale: OperandID?, bias: OperandID?, axes: [Int],
    epsilon: Double)
  /// Reshape, identity-like views; the output shape is in the operand table.
  case reshape(input: OperandID)
  /// Permutes dimensions: output dimension i is input dimension `permutation[i]`.
  case transpose(input: OperandID, permutation: [Int])
  /// Joins the inputs along `axis`.
  case concat(inputs: [OperandID], axis: Int)
  /// A strided window starting at `starts`; its sizes are the output's shape.
  case slice(input: OperandID, starts: [Int], strides: [Int])
  /// Consecutive parts along `axis`; the node's output shapes give their sizes.
  case split(input: OperandID, axis: Int)
  /// Broadcasts the input to the output's shape.
  case expand(input: OperandID)
  /// Repeats the input `repetitions[i]` times along dimension i.
  case tile(input: OperandID, repetitions: [Int])
  /// Reverses the order of elements along `axes`.
  case reverse(input: OperandID, axes: [Int])
  /// Pads each dimension; `value` is already cast to the input's data type.
  case pad(input: OperandID, beginning: [Int], ending: [Int], mode: MLPaddingMode, value: MLNumber)
  /// Picks slices along `axis` by the index values.
  case gather(input: OperandID, indices: OperandID, axis: Int)
  /// out[..., i, ...] = input[..., indices[..., i, ...], ...] along `axis`; out shape = indices shape.
  case gatherElements(input: OperandID, indices: OperandID, axis: Int)
  /// Slices of the input addressed by the last dimension of `indices` (k coordinates each).
  case gatherND(input: OperandID, indices: OperandID)
  /// A copy of the input with `updates` written at `indices` along `axis`.
  case scatterElements(input: OperandID, indices: OperandID, updates: OperandID, axis: Int)
  /// A copy of the input with the slices of `updates` written at the k-coordinates in `indices`.
  case scatterND(input: OperandID, indices: OperandID, updates: OperandID)
  /// Keeps the upper or lower triangle of the last two dimensions relative to `diagonal`.
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
public struct Node: Sendable, Hashable {
  /// The operator with its operands and resolved options.
  public var operation: Operation
  /// The operands it produces, in order (several for `split`).
  public var outputs: [OperandID]
  /// The label from the operator's options; empty when none was given.
  public var label: String
}

/// Where an operand's value comes from.
public enum OperandSource: Sendable {
  /// A graph input, bound to a tensor at dispatch.
  case input(name: String)
  /// A constant with its little-endian bytes.
  case constant(bytes: MLConstantBytes)
  /// The output of the node at `index` in ``GraphIR/nodes``.
  case node(index: Int)
}

/// The typed graph IR a builder hands to a backend: every operand with its descriptor and
/// source, the nodes in a valid execution order, and the named outputs.
public struct GraphIR: Sendable {
  /// The data type and shape of every operand, indexed by ``OperandID``.
  public var operands: [MLOperandDescriptor] = []
  /// Where each operand comes from, indexed like ``operands``.
  public var sources: [OperandSource] = []
  /// The operations in an order in which every operand is computed before it is read.
  public var nodes: [Node] = []
  /// Named graph inputs, in creation order.
  public var inputs: [(name: String, operand: OperandID)] = []
  /// Named graph outputs, in the order given to `build`.
  public var outputs: [(name: String, operand: OperandID)] = []

  /// The constant bytes of `operand`, if it is a constant.
  public func constantBytes(_ operand: OperandID) -> MLConstantBytes? {
    if case .constant(let bytes) = sources[operand] { return bytes }
    return nil
  }
}
