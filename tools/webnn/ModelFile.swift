import Foundation
import WebNN
import WebNNFormats

/// A model file of any supported kind, loaded onto a builder: `.webnn` text, its `.json`
/// twin (weights beside it), or `.onnx`.
struct ModelFile {
  /// The inputs with their fixed descriptors, in the model's order.
  var inputs: [(name: String, descriptor: MLOperandDescriptor)]
  /// The outputs by name.
  var outputs: [String: MLOperand]
  /// What the constants borrow from, kept alive as long as the graph needs it.
  var keepAlive: [Any] = []

  enum Kind { case text, json, onnx }

  static func kind(of url: URL) throws -> Kind {
    switch url.pathExtension.lowercased() {
    case "webnn": return .text
    case "json": return .json
    case "onnx": return .onnx
    default:
      throw FormatError(file: url.path, "unknown model kind .\(url.pathExtension) (expected .webnn, .json or .onnx)")
    }
  }

  /// Parses a graph file (text or JSON) into a document.
  static func document(_ url: URL) throws -> GraphDocument {
    switch try kind(of: url) {
    case .text:
      guard let text = String(data: try Data(contentsOf: url), encoding: .utf8) else {
        throw FormatError(file: url.path, "not UTF-8 text")
      }
      return try GraphDocument(text: text, file: url.path)
    case .json: return try GraphDocument(json: try Data(contentsOf: url), file: url.path)
    case .onnx: throw FormatError(file: url.path, "an ONNX model is not a WebNN graph file")
    }
  }

  /// Loads `options.model` onto `builder`; `inputShapes` from the caller (say, the shapes of the
  /// .npy files given) fill dynamic dimensions the options leave open.
  static func load(
    _ options: ModelOptions, into builder: MLGraphBuilder, inputShapes: [String: [Int]] = [:]
  ) throws -> ModelFile {
    let url = options.url
    var shapes = inputShapes
    for (name, shape) in try options.shapesByInput() { shapes[name] = shape }
    switch try kind(of: url) {
    case .text, .json:
      let document = try document(url)
      var dimensions = try options.dimensionSizes()
      // An input given whole (--input-shape or an .npy file) fixes its dynamic dimensions.
      for input in document.inputs {
        guard let shape = shapes[input.name], shape.count == input.type.shape.count else { continue }
        for (dimension, size) in zip(input.type.shape, shape) {
          if case .dynamic(let name, _) = dimension, dimensions[name] == nil { dimensions[name] = size }
        }
      }
      let weights = try GraphWeights.locate(besideGraph: url).map { try GraphWeights(contentsOf: $0) }
      let loaded = try GraphLoader(file: url.path, dimensions: dimensions).load(
        document, weights: weights, into: builder, call: GraphLoader.registryCall)
      return ModelFile(inputs: loaded.inputs, outputs: loaded.outputs, keepAlive: [weights as Any])
    case .onnx:
      return try ONNXModelFile.load(url, options: options, shapes: shapes, into: builder)
    }
  }
}
