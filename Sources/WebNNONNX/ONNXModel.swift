import Foundation
import SwiftProtobuf

/// One dimension of a graph input or output as the model declares it.
///
/// ```swift
/// for dim in model.inputs[0].shape ?? [] {
///   if case .symbolic(let name) = dim { print("needs a value for", name) }
/// }
/// ```
public enum ONNXDimension: Sendable, Hashable, CustomStringConvertible {
  /// A fixed size.
  case fixed(Int)
  /// A named size (`dim_param`), fixed at import through ``ONNXImportOptions/dimensions``.
  case symbolic(String)
  /// A size the model leaves open without a name.
  case unknown

  /// `3`, `batch` or `?`.
  public var description: String {
    switch self {
    case .fixed(let n): "\(n)"
    case .symbolic(let name): name
    case .unknown: "?"
    }
  }
}

/// A graph input or output: its name, element type and declared shape.
///
/// ```swift
/// let input = model.inputs[0]
/// print(input.name, input.elementType, input.shape ?? [])  // input_ids int64 [batch_size, sequence_length]
/// ```
public struct ONNXValueInfo: Sendable, Hashable {
  /// The ONNX name, kept as it is.
  public let name: String
  /// The element type, nil when the model does not declare a tensor type.
  public let elementType: ONNXElementType?
  /// The declared shape, nil when the model declares none (rank unknown).
  public let shape: [ONNXDimension]?
}

/// An ONNX model, parsed and ready to convert into a WebNN graph.
///
/// ```swift
/// let model = try ONNXModel(contentsOf: URL(fileURLWithPath: "model.onnx"))
/// let builder = MLGraphBuilder(context)
/// let imported = try model.build(into: builder, options: .init(dimensions: ["batch": 1]))
/// let graph = try await builder.build(imported.outputs)
/// ```
public struct ONNXModel: Sendable {
  let proto: Onnx_ModelProto
  /// The folder external tensor data is read from (the model file's folder).
  let directory: URL?

  /// The opset version of the default (`ai.onnx`) domain.
  public let opsetVersion: Int
  /// The graph inputs that are not initializers, in model order.
  public let inputs: [ONNXValueInfo]
  /// The graph outputs, in model order.
  public let outputs: [ONNXValueInfo]
  /// The model's producer (`pytorch`, `onnx`, ...), for messages.
  public var producer: String { proto.producerName }

  /// Reads a model file; tensors stored externally are read from beside it when the graph is built.
  ///
  /// ```swift
  /// let model = try ONNXModel(contentsOf: URL(fileURLWithPath: "resnet18.onnx"))
  /// ```
  public init(contentsOf url: URL) throws {
    let data: Data
    do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
      throw ONNXImportError(.io, "cannot read \(url.path): \(error.localizedDescription)")
    }
    try self.init(serialized: data, directory: url.deletingLastPathComponent())
  }

  /// Parses a serialized `ModelProto`; such a model cannot use external data.
  ///
  /// ```swift
  /// let model = try ONNXModel(serialized: try Data(contentsOf: url))
  /// ```
  public init(serialized data: Data) throws {
    try self.init(serialized: data, directory: nil)
  }

  init(serialized data: Data, directory: URL?) throws {
    let proto: Onnx_ModelProto
    do {
      var options = BinaryDecodingOptions()
      options.messageDepthLimit = 200
      proto = try Onnx_ModelProto(serializedBytes: data, extensions: nil, partial: true, options: options)
    } catch {
      throw ONNXImportError.invalid("not an ONNX model (protobuf decoding failed: \(error))")
    }
    guard proto.hasGraph else { throw ONNXImportError.invalid("the model has no graph") }
    self.proto = proto
    self.directory = directory
    let defaultDomain = proto.opsetImport.first { $0.domain.isEmpty || $0.domain == "ai.onnx" }
    // Models before IR version 3 have no opset import and mean opset 1.
    opsetVersion = Int(defaultDomain?.version ?? 1)
    let initializers = Set(proto.graph.initializer.map(\.name))
    inputs = proto.graph.input.filter { !initializers.contains($0.name) }.map(ONNXModel.info)
    outputs = proto.graph.output.map(ONNXModel.info)
  }

  static func info(_ value: Onnx_ValueInfoProto) -> ONNXValueInfo {
    guard case .tensorType(let tensor)? = value.type.value else {
      return ONNXValueInfo(name: value.name, elementType: nil, shape: nil)
    }
    let type = tensor.hasElemType ? ONNXElementType(rawValue: Int(tensor.elemType)) : nil
    let shape =
      tensor.hasShape
      ? tensor.shape.dim.map { dim -> ONNXDimension in
        switch dim.value {
        case .dimValue(let n)? where n >= 0: .fixed(Int(clamping: n))
        case .dimParam(let name)? where !name.isEmpty: .symbolic(name)
        default: .unknown
        }
      } : nil
    return ONNXValueInfo(name: value.name, elementType: type, shape: shape)
  }
}
