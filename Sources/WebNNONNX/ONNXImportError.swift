import WebNNCore

/// Why an ONNX model could not be read or converted.
///
/// Errors about one node name it (its name and index in the graph), its operator type and what
/// is missing, so that a message alone says where to look:
///
/// ```swift
/// do {
///   _ = try model.build(into: builder, options: options)
/// } catch let error as ONNXImportError {
///   print(error)  // NotSupported: node 12 "Conv_3" (Conv): 3-D convolution (kernel_shape [3, 3, 3])
/// }
/// ```
public struct ONNXImportError: Error, CustomStringConvertible, Sendable {
  /// The kind of failure.
  public enum Kind: String, Sendable {
    /// The model is well formed but uses an operator, attribute value or opset this importer lacks.
    case notSupported = "NotSupported"
    /// The model contradicts the ONNX specification (bad protobuf, data lengths, missing inputs).
    case invalidModel = "InvalidModel"
    /// A graph input has a dimension that neither the model nor the options fix.
    case unknownDimension = "UnknownDimension"
    /// The WebNN builder rejected an operation the node was converted into.
    case builder = "Builder"
    /// Reading the model or its external data failed.
    case io = "IO"
  }

  /// The kind of failure.
  public let kind: Kind
  /// What went wrong, without the node prefix.
  public let message: String
  /// The node's name (may be empty in the model), when a node is at fault.
  public let nodeName: String?
  /// The node's position in its graph, when a node is at fault.
  public let nodeIndex: Int?
  /// The node's operator type, when a node is at fault.
  public let opType: String?
  /// The builder's error, when ``Kind-swift.enum/builder``.
  public let underlying: MLError?

  /// Creates an error; importer code adds the node with ``ONNXImportError/at(node:index:opType:)``.
  ///
  /// ```swift
  /// throw ONNXImportError(.notSupported, "sparse initializers")
  /// ```
  public init(_ kind: Kind, _ message: String, underlying: MLError? = nil) {
    self.kind = kind
    self.message = message
    self.nodeName = nil
    self.nodeIndex = nil
    self.opType = nil
    self.underlying = underlying
  }

  private init(copying other: ONNXImportError, node: String, index: Int, opType: String) {
    kind = other.kind
    message = other.message
    nodeName = node
    nodeIndex = index
    self.opType = opType
    underlying = other.underlying
  }

  /// The same error, attributed to a node (kept when already attributed, so that errors in an
  /// inlined subgraph keep the inner node).
  ///
  /// ```swift
  /// let located = error.at(node: "Conv_3", index: 12, opType: "Conv")
  /// ```
  public func at(node: String, index: Int, opType: String) -> ONNXImportError {
    nodeIndex == nil ? ONNXImportError(copying: self, node: node, index: index, opType: opType) : self
  }

  /// `Kind: node I "name" (OpType): message`.
  public var description: String {
    var text = "\(kind.rawValue): "
    if let nodeIndex, let opType {
      text += "node \(nodeIndex) \"\(nodeName ?? "")\" (\(opType)): "
    }
    return text + message
  }
}

extension ONNXImportError {
  static func notSupported(_ message: String) -> ONNXImportError { ONNXImportError(.notSupported, message) }
  static func invalid(_ message: String) -> ONNXImportError { ONNXImportError(.invalidModel, message) }
}
