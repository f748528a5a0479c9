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
struct ArgumentSpec: Sendable, Hashable {
  var dataTypes: Set<MLOperandDataType>
  var ranks: ClosedRange<Int>
}

/// The type sets and rank bounds the operator declarations use, and the limits of graph inputs,
/// constants and outputs. Per-operator limits come from ``OperatorRegistry``.
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

  /// Per operator, per argument: derived from the declarations in ``OperatorRegistry``.
  static var operators: [String: [String: ArgumentSpec]] { OperatorRegistry.supportLimits }
}
