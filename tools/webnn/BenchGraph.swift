import Foundation
import WebNN

/// A graph under construction for `webnn bench`: every method builds the operator with
/// ``MLGraphBuilder`` and also records it as a ``BenchGraph/Node``, so that the same graph, with
/// the same weights and inputs, can be replayed elsewhere (the ONNX Runtime comparison) and
/// checked against a CPU reference.
///
/// Weights and inputs come from a seeded generator, so two runs build identical graphs. The
/// bytes of every constant and input go into one little-endian blob; the description names
/// their offsets in it.
final class BenchGraph {
  /// One recorded operator: the WebNN operator name, its operand names, its output and the
  /// options that differ from the defaults the converter assumes.
  struct Node: Encodable {
    var op: String
    var inputs: [String]
    var output: String
    var dataType: String
    var shape: [Int]
    var attributes: [String: Attribute]
  }

  /// An option value of a ``Node``, encoded as the plain JSON value.
  enum Attribute: Encodable, Equatable {
    case int(Int)
    case double(Double)
    case ints([Int])
    case string(String)
    case bool(Bool)

    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .int(let value): try container.encode(value)
      case .double(let value): try container.encode(value)
      case .ints(let value): try container.encode(value)
      case .string(let value): try container.encode(value)
      case .bool(let value): try container.encode(value)
      }
    }
  }

  /// A constant or input: where its bytes are in the blob.
  struct Tensor: Encodable {
    var name: String
    var dataType: String
    var shape: [Int]
    var offset: Int
    var byteLength: Int
  }

  /// A named graph output.
  struct Output: Encodable {
    var name: String
    var operand: String
    var dataType: String
    var shape: [Int]
  }

  let builder: MLGraphBuilder
  private(set) var nodes: [Node] = []
  private(set) var constants: [Tensor] = []
  private(set) var inputs: [Tensor] = []
  private(set) var outputs: [Output] = []
  /// The bytes of each constant and input, by name: the graph's own arrays. The builder's
  /// constants share them (an array is not copied when passed on), so the host holds a model's
  /// weights once, as an application that builds from its own arrays does.
  private(set) var data: [String: [UInt8]] = [:]
  /// Where the next tensor starts in ``blob``.
  private var blobLength = 0
  /// Values decoded from ``data`` by ``floatValues(_:)``.
  private var decoded: [String: [Float]] = [:]
  /// Multiply-add work of conv2d, matmul and gemm, counted as 2 FLOPs each; the other
  /// operators are not counted.
  private(set) var flops: Double = 0
  private var random: Demo.Seeded
  private var names: [ObjectIdentifier: String] = [:]
  private var nodeOfName: [String: Int] = [:]
  /// Also keeps every operand alive, so that no `ObjectIdentifier` in `names` is reused.
  private var operandOfName: [String: MLOperand] = [:]

  init(_ context: MLContext, seed: UInt64 = 1) {
    builder = MLGraphBuilder(context)
    random = Demo.Seeded(state: seed)
  }

  /// The name under which `operand` was recorded.
  func name(_ operand: MLOperand) -> String {
    guard let name = names[ObjectIdentifier(operand)] else {
      preconditionFailure("operand \(operand) was not made through this BenchGraph")
    }
    return name
  }

  /// The recorded node that produced `name`, if an operator did.
  func node(named name: String) -> Node? { nodeOfName[name].map { nodes[$0] } }

  /// The shape of a recorded operand.
  func shape(of name: String) -> [Int] { operandOfName[name]!.shape }

  /// `count` seeded values uniform in [-scale, scale].
  func randomValues(_ count: Int, scale: Float) -> [Float] { random.values(count, scale: scale) }

  /// A graph input of seeded values uniform in [-scale, scale].
  func input(_ name: String, _ shape: [Int], _ dataType: MLOperandDataType = .float32, scale: Float = 1) throws
    -> MLOperand
  {
    let values = randomValues(shape.reduce(1, *), scale: scale)
    let operand = try builder.input(name, .init(dataType: dataType, shape: shape))
    inputs.append(store(name, dataType, shape, values))
    return register(operand, name)
  }

  /// A constant of the given values, stored as `dataType`.
  func constant(_ shape: [Int], _ values: [Float], _ dataType: MLOperandDataType = .float32) throws -> MLOperand {
    let name = "c\(constants.count)"
    let tensor = store(name, dataType, shape, values)
    let operand = try builder.constant(.init(dataType: dataType, shape: shape), bytes: data[name]!)
    constants.append(tensor)
    return register(operand, name)
  }

  /// A constant of seeded values uniform in [-scale, scale].
  func constant(_ shape: [Int], scale: Float, _ dataType: MLOperandDataType = .float32) throws -> MLOperand {
    try constant(shape, randomValues(shape.reduce(1, *), scale: scale), dataType)
  }

  /// Marks `operand` as the graph output `name`.
  func output(_ name: String, _ operand: MLOperand) {
    outputs.append(
      .init(name: name, operand: self.name(operand), dataType: operand.dataType.rawValue, shape: operand.shape))
  }

  /// The outputs as ``MLGraphBuilder/build(_:)`` takes them.
  var outputOperands: [String: MLOperand] {
    Dictionary(uniqueKeysWithValues: outputs.map { ($0.name, operandOfName[$0.operand]!) })
  }

  /// Records the operator that made `operand` from `inputs`.
  @discardableResult
  func record(
    _ op: String, _ inputs: [MLOperand], _ operand: MLOperand, _ attributes: [String: Attribute] = [:],
    flops: Double = 0
  ) -> MLOperand {
    let name = "t\(nodes.count)"
    nodeOfName[name] = nodes.count
    nodes.append(
      Node(
        op: op, inputs: inputs.map(self.name), output: name, dataType: operand.dataType.rawValue, shape: operand.shape,
        attributes: attributes))
    self.flops += flops
    return register(operand, name)
  }

  private func register(_ operand: MLOperand, _ name: String) -> MLOperand {
    names[ObjectIdentifier(operand)] = name
    operandOfName[name] = operand
    return operand
  }

  /// Keeps `values` as the bytes of `dataType`, placed in ``blob`` at the next multiple of 64.
  private func store(_ name: String, _ dataType: MLOperandDataType, _ shape: [Int], _ values: [Float]) -> Tensor {
    let offset = (blobLength + 63) / 64 * 64
    let bytes: [UInt8]
    switch dataType {
    case .float16: bytes = values.map { Float16($0) }.withUnsafeBytes { Array($0) }
    default:
      precondition(dataType == .float32, "bench graphs hold float32 or float16 data")
      bytes = values.withUnsafeBytes { Array($0) }
    }
    data[name] = bytes
    blobLength = offset + bytes.count
    return Tensor(name: name, dataType: dataType.rawValue, shape: shape, offset: offset, byteLength: bytes.count)
  }

  /// Constant and input bytes one after another, each tensor at its offset (a multiple of 64):
  /// the file ONNX Runtime reads. Assembled on each call.
  var blob: [UInt8] {
    var blob = [UInt8](repeating: 0, count: blobLength)
    for tensor in constants + inputs {
      blob.replaceSubrange(tensor.offset..<(tensor.offset + tensor.byteLength), with: data[tensor.name]!)
    }
    return blob
  }

  /// The values of a constant or input as `Float` (after rounding to its data type), for the
  /// CPU reference; nil for any other operand.
  func floatValues(_ name: String) -> [Float]? {
    if let known = decoded[name] { return known }
    guard let bytes = data[name], let tensor = (constants + inputs).first(where: { $0.name == name }) else {
      return nil
    }
    let values: [Float] = bytes.withUnsafeBytes { raw in
      tensor.dataType == MLOperandDataType.float16.rawValue
        ? raw.bindMemory(to: Float16.self).map { Float($0) } : Array(raw.bindMemory(to: Float.self))
    }
    decoded[name] = values
    return values
  }
}
