/// The data types and ranks one operator argument accepts.
public struct MLTensorLimits: Sendable, Hashable {
  /// Accepted data types, in the spec's order.
  public var dataTypes: [MLOperandDataType]
  /// Accepted ranks.
  public var rankRange: ClosedRange<Int>
}

/// What a context supports, from ``MLContext/opSupportLimits()``: the same table the builder
/// validates against, narrowed to the device's data types.
///
/// ```swift
/// let limits = context.opSupportLimits()
/// limits["conv2d"]?["input"]?.dataTypes  // [.float32, .float16]
/// ```
public struct MLOpSupportLimits: Sendable {
  /// The layout the device prefers for image operands.
  public var preferredInputLayout: MLInputOperandLayout
  /// The largest tensor in bytes.
  public var maxTensorByteLength: Int
  /// Limits of graph inputs, constants and outputs.
  public var input, constant, output: MLTensorLimits
  /// Per operator, per argument name (`input`, `a`, `filter`, `output`, ...).
  public var operators: [String: [String: MLTensorLimits]]

  /// The limits of one operator, keyed by argument name.
  public subscript(op: String) -> [String: MLTensorLimits]? { operators[op] }

  init(capabilities: MLBackendCapabilities) {
    func narrow(_ spec: ArgumentSpec) -> MLTensorLimits {
      MLTensorLimits(
        dataTypes: MLOperandDataType.allCases.filter {
          spec.dataTypes.contains($0) && capabilities.dataTypes.contains($0)
        }, rankRange: spec.ranks)
    }
    preferredInputLayout = capabilities.preferredInputLayout
    maxTensorByteLength = capabilities.maxTensorByteLength
    input = narrow(OperatorTable.graphInput)
    constant = narrow(OperatorTable.graphConstant)
    output = narrow(OperatorTable.graphOutput)
    operators = OperatorTable.operators.mapValues { $0.mapValues(narrow) }
  }
}

/// Data types and ranks of one argument in the operator table.
struct ArgumentSpec: Sendable {
  var dataTypes: Set<MLOperandDataType>
  var ranks: ClosedRange<Int>
}

/// The single table of accepted data types and ranks: the builder validates against it and
/// `opSupportLimits()` reports it.
enum OperatorTable {
  /// The highest rank any kernel accepts.
  static let maxRank = 8

  static let all = Set(MLOperandDataType.specTypes)
  static let floats: Set<MLOperandDataType> = [.float32, .float16]
  static let signed: Set<MLOperandDataType> = [.float32, .float16, .int64, .int32, .int8]
  static let reducible: Set<MLOperandDataType> = [.float32, .float16, .int32, .uint32, .int64, .uint64]
  static let indices: Set<MLOperandDataType> = [.int32, .uint32, .int64]
  static let uint8: Set<MLOperandDataType> = [.uint8]
  /// Quantized integers, including the packed 4-bit types.
  static let quantized: Set<MLOperandDataType> = [.int32, .uint32, .int8, .uint8, .int4, .uint4]
  static let anyRank = 0...maxRank

  static let graphInput = ArgumentSpec(dataTypes: all, ranks: anyRank)
  static let graphConstant = ArgumentSpec(dataTypes: all.union([.int4, .uint4]), ranks: anyRank)
  /// Operator results, graph outputs included: quantizeLinear may produce 4-bit data.
  static let graphOutput = ArgumentSpec(dataTypes: all.union([.int4, .uint4]), ranks: anyRank)

  static func spec(_ types: Set<MLOperandDataType>, _ ranks: ClosedRange<Int> = anyRank) -> ArgumentSpec {
    ArgumentSpec(dataTypes: types, ranks: ranks)
  }

  static func unary(
    _ types: Set<MLOperandDataType>, out: Set<MLOperandDataType>? = nil, _ ranks: ClosedRange<Int> = anyRank
  )
    -> [String: ArgumentSpec]
  {
    ["input": spec(types, ranks), "output": spec(out ?? types, ranks)]
  }

  static func binary(_ types: Set<MLOperandDataType>, out: Set<MLOperandDataType>? = nil) -> [String: ArgumentSpec] {
    ["a": spec(types), "b": spec(types), "output": spec(out ?? types)]
  }

  static let operators: [String: [String: ArgumentSpec]] = {
    var t: [String: [String: ArgumentSpec]] = [:]
    for op in ["add", "sub", "mul", "div", "max", "min", "pow"] { t[op] = binary(all) }
    for op in ["equal", "notEqual", "greater", "greaterOrEqual", "lesser", "lesserOrEqual"] {
      t[op] = binary(all, out: uint8)
    }
    for op in ["logicalAnd", "logicalOr", "logicalXor"] { t[op] = binary(uint8) }
    t["logicalNot"] = unary(uint8)
    t["isNaN"] = unary(floats, out: uint8)
    t["isInfinite"] = unary(floats, out: uint8)
    for op in ["abs", "neg", "sign"] { t[op] = unary(signed) }
    t["identity"] = unary(all)
    for op in [
      "ceil", "cos", "erf", "exp", "floor", "log", "reciprocal", "roundEven", "sin", "sqrt", "tan",
      "elu", "gelu", "hardSigmoid", "hardSwish", "leakyRelu", "linear", "sigmoid", "tanh",
      "softplus", "softsign",
    ] {
      t[op] = unary(floats)
    }
    t["relu"] = unary(signed)
    t["clamp"] = unary(all)
    t["cast"] = unary(all)
    t["prelu"] = ["input": spec(signed), "slope": spec(signed), "output": spec(signed)]
    t["softmax"] = unary(floats, 1...maxRank)
    t["matmul"] = ["a": spec(floats, 2...maxRank), "b": spec(floats, 2...maxRank), "output": spec(floats, 2...maxRank)]
    t["gemm"] = [
      "a": spec(floats, 2...2), "b": spec(floats, 2...2), "c": spec(floats, 0...2), "output": spec(floats, 2...2),
    ]
    // Recurrent operators (decomposed in the builder); output0 is the hidden state.
    func ranked(_ ranks: [String: Int]) -> [String: ArgumentSpec] { ranks.mapValues { spec(floats, $0...$0) } }
    t["gru"] = ranked([
      "input": 3, "weight": 3, "recurrentWeight": 3, "bias": 2, "recurrentBias": 2, "initialHiddenState": 3,
      "output0": 3, "output1": 4,
    ])
    t["gruCell"] = ranked([
      "input": 2, "weight": 2, "recurrentWeight": 2, "hiddenState": 2, "bias": 1, "recurrentBias": 1, "output": 2,
    ])
    t["lstm"] = ranked([
      "input": 3, "weight": 3, "recurrentWeight": 3, "bias": 2, "recurrentBias": 2, "peepholeWeight": 2,
      "initialHiddenState": 3, "initialCellState": 3, "output0": 3, "output1": 3, "output2": 4,
    ])
    t["lstmCell"] = ranked([
      "input": 2, "weight": 2, "recurrentWeight": 2, "hiddenState": 2, "cellState": 2, "bias": 1, "recurrentBias": 1,
      "peepholeWeight": 1, "output0": 2, "output1": 2,
    ])
    for op in ["conv2d", "convTranspose2d"] {
      t[op] = [
        "input": spec(floats, 4...4), "filter": spec(floats, 4...4), "bias": spec(floats, 1...1),
        "output": spec(floats, 4...4),
      ]
    }
    t["averagePool2d"] = unary(floats, 4...4)
    t["l2Pool2d"] = unary(floats, 4...4)
    t["maxPool2d"] = unary(all, 4...4)
    for kind in ReduceKind.allCases {
      switch kind {
      case .l1, .sum, .sumSquare, .product: t[kind.rawValue] = unary(reducible)
      case .max, .min: t[kind.rawValue] = unary(all)
      default: t[kind.rawValue] = unary(floats)
      }
    }
    for op in ["argMin", "argMax"] {
      t[op] = ["input": spec(all, 1...maxRank), "output": spec([.int32, .int64])]
    }
    t["batchNormalization"] = [
      "input": spec(floats, 1...maxRank), "mean": spec(floats, 1...1), "variance": spec(floats, 1...1),
      "scale": spec(floats, 1...1), "bias": spec(floats, 1...1), "output": spec(floats, 1...maxRank),
    ]
    t["instanceNormalization"] = [
      "input": spec(floats, 4...4), "scale": spec(floats, 1...1), "bias": spec(floats, 1...1),
      "output": spec(floats, 4...4),
    ]
    t["layerNormalization"] = [
      "input": spec(floats), "scale": spec(floats), "bias": spec(floats), "output": spec(floats),
    ]
    for op in ["reshape", "transpose", "expand", "tile", "reverse", "slice", "pad"] { t[op] = unary(all) }
    t["concat"] = ["inputs": spec(all, 1...maxRank), "output": spec(all, 1...maxRank)]
    t["split"] = ["input": spec(all, 1...maxRank), "outputs": spec(all, 1...maxRank)]
    t["triangular"] = unary(all, 2...maxRank)
    t["cumulativeSum"] = unary(reducible, 1...maxRank)
    t["resample2d"] = unary([.float32, .float16, .uint8, .int8], 4...4)
    t["quantizeLinear"] = [
      "input": spec(floats), "scale": spec(floats), "zeroPoint": spec(quantized), "output": spec(quantized),
    ]
    t["dequantizeLinear"] = [
      "input": spec(quantized), "scale": spec(floats), "zeroPoint": spec(quantized), "output": spec(floats),
    ]
    t["where"] = [
      "condition": spec(uint8), "trueValue": spec(all), "falseValue": spec(all), "output": spec(all),
    ]
    t["gather"] = ["input": spec(all, 1...maxRank), "indices": spec(indices), "output": spec(all)]
    t["gatherElements"] = [
      "input": spec(all, 1...maxRank), "indices": spec(indices, 1...maxRank), "output": spec(all, 1...maxRank),
    ]
    t["gatherND"] = ["input": spec(all, 1...maxRank), "indices": spec(indices, 1...maxRank), "output": spec(all)]
    t["scatterElements"] = [
      "input": spec(all, 1...maxRank), "indices": spec(indices, 1...maxRank), "updates": spec(all, 1...maxRank),
      "output": spec(all, 1...maxRank),
    ]
    t["scatterND"] = [
      "input": spec(all, 1...maxRank), "indices": spec(indices, 1...maxRank), "updates": spec(all),
      "output": spec(all, 1...maxRank),
    ]
    return t
  }()
}
