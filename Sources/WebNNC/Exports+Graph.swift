import Foundation
import WebNN
import WebNNFormats
import WebNNONNX

// Graph files (load, save, in-memory JSON), graph descriptions and destruction.

/// The options object of `webnn_graph_load` and `webnn_graph_from_json`.
private struct LoadOptions {
  var weights: String?
  var dimensions: [String: Int] = [:]
  var inputShapes: [String: [Int]] = [:]

  init(_ pointer: UnsafePointer<CChar>?) throws {
    func integer(_ value: MLArgumentValue, _ what: String) throws -> Int {
      guard case .number(let number) = value, let integer = Int(exactly: number), integer >= 0 else {
        throw CallError.type("options_json: \(what): expected a non-negative integer, got \(value)")
      }
      return integer
    }
    /// A nested object, which the JSON reader hands over as `[name, value]` pairs.
    func members(_ value: MLArgumentValue, _ what: String) throws -> [(String, MLArgumentValue)] {
      guard case .array(let pairs) = value else { throw CallError.type("options_json: \(what): expected an object") }
      return try pairs.map { pair in
        guard case .array(let items) = pair, items.count == 2, case .string(let key) = items[0] else {
          throw CallError.type("options_json: \(what): expected an object")
        }
        return (key, items[1])
      }
    }
    for (key, value) in try jsonMembers(pointer, "options_json") {
      switch key {
      case "weights":
        guard case .string(let path) = value else { throw CallError.type("options_json: weights: expected a path") }
        weights = path
      case "dimensions":
        for (name, size) in try members(value, key) { dimensions[name] = try integer(size, "dimensions.\(name)") }
      case "inputShapes":
        for (name, shape) in try members(value, key) {
          guard case .array(let sizes) = shape else {
            throw CallError.type("options_json: inputShapes.\(name): expected a list of sizes")
          }
          inputShapes[name] = try sizes.map { try integer($0, "inputShapes.\(name)") }
        }
      default:
        throw CallError.type("options_json: unknown member \"\(key)\" (expected weights, dimensions, inputShapes)")
      }
    }
  }

  func graphWeights(besideGraph url: URL?) throws -> GraphWeights? {
    if let weights { return try GraphWeights(contentsOf: URL(fileURLWithPath: weights)) }
    return try url.flatMap(GraphWeights.locate(besideGraph:)).map { try GraphWeights(contentsOf: $0) }
  }
}

/// Replays `document` on a new builder of `context` and builds it.
private func buildDocument(
  _ document: GraphDocument, file: String, weights: GraphWeights?, options: LoadOptions, context: MLContext
) throws -> GraphBox {
  let builder = MLGraphBuilder(context)
  let loaded = try GraphLoader(file: file, dimensions: options.dimensions).load(
    document, weights: weights, into: builder)
  let ir = try? builder.graphIR(loaded.outputs)
  return GraphBox(graph: try builder.buildSync(loaded.outputs), ir: ir, keepAlive: [weights as Any])
}

/// `webnn_graph_load` of `include/webnn.h`, which documents it.
@_cdecl("webnn_graph_load")
public func webnnGraphLoad(
  _ context: OpaquePointer?, _ path: UnsafePointer<CChar>?, _ options: UnsafePointer<CChar>?,
  _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_graph_load") {
    let out = try outPointer(out, "out")
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let file = try string(path, "path")
    let url = URL(fileURLWithPath: file)
    let options = try LoadOptions(options)
    let box: GraphBox
    switch url.pathExtension.lowercased() {
    case "onnx":
      let model = try ONNXModel(contentsOf: url)
      let builder = MLGraphBuilder(object)
      let imported = try model.build(
        into: builder, options: ONNXImportOptions(inputShapes: options.inputShapes, dimensions: options.dimensions))
      let ir = try? builder.graphIR(imported.outputs)
      box = GraphBox(graph: try builder.buildSync(imported.outputs), ir: ir, keepAlive: [model])
    case "webnn", "json":
      let data: Data
      do { data = try Data(contentsOf: url) } catch {
        throw CallError(status: .operationError, message: "path: cannot read \(file): \(error.localizedDescription)")
      }
      let document: GraphDocument
      if url.pathExtension.lowercased() == "json" {
        document = try GraphDocument(json: data, file: file)
      } else {
        guard let text = String(data: data, encoding: .utf8) else {
          throw CallError(status: .operationError, message: "path: \(file) is not UTF-8 text")
        }
        document = try GraphDocument(text: text, file: file)
      }
      box = try buildDocument(
        document, file: file, weights: try options.graphWeights(besideGraph: url), options: options, context: object)
    default:
      throw CallError.type("path: unknown graph file kind .\(url.pathExtension) (expected .webnn, .json or .onnx)")
    }
    registerGraph(box, context: HandleTable.number(context), out: out)
  }
}

/// `webnn_graph_from_json` of `include/webnn.h`, which documents it.
@_cdecl("webnn_graph_from_json")
public func webnnGraphFromJson(
  _ context: OpaquePointer?, _ json: UnsafePointer<CChar>?, _ weightsPath: UnsafePointer<CChar>?,
  _ options: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_graph_from_json") {
    let out = try outPointer(out, "out")
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let text = try string(json, "json")
    var options = try LoadOptions(options)
    if let weightsPath { options.weights = String(cString: weightsPath) }
    let document: GraphDocument
    do { document = try GraphDocument(json: Data(text.utf8), file: "json") } catch let error as GraphSyntaxError {
      throw CallError.type("json: \(error.description)")
    }
    let box = try buildDocument(
      document, file: "json", weights: try options.graphWeights(besideGraph: nil), options: options, context: object)
    registerGraph(box, context: HandleTable.number(context), out: out)
  }
}

/// `webnn_graph_save` of `include/webnn.h`, which documents it.
@_cdecl("webnn_graph_save")
public func webnnGraphSave(_ graph: OpaquePointer?, _ path: UnsafePointer<CChar>?) -> Int32 {
  guarded("webnn_graph_save") {
    let box = try HandleTable.shared.lookup(graph, .graph, as: GraphBox.self, argument: "graph")
    let file = try string(path, "path")
    guard let ir = box.ir else { throw MLError(.notSupportedError, "graph: this graph has no IR to save") }
    let url = URL(fileURLWithPath: file)
    do {
      try GraphSaver(name: url.deletingPathExtension().lastPathComponent).save(ir, to: url)
    } catch let error as CocoaError {
      throw CallError(status: .operationError, message: "path: cannot write \(file): \(error.localizedDescription)")
    }
  }
}

/// `webnn_graph_json` of `include/webnn.h`, which documents it.
@_cdecl("webnn_graph_json")
public func webnnGraphJson(_ graph: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
  -> Int32
{
  guarded("webnn_graph_json") {
    let box = try HandleTable.shared.lookup(graph, .graph, as: GraphBox.self, argument: "graph")
    func named(_ descriptors: [String: MLOperandDescriptor]) -> JSONText {
      .object(descriptors.sorted { $0.key < $1.key }.map { ($0.key, JSONText.descriptor($0.value)) })
    }
    let statistics = box.graph.backendStatistics.sorted { $0.key < $1.key }.map { ($0.key, JSONText.int($0.value)) }
    let description = JSONText.object([
      ("inputs", named(box.graph.inputDescriptors)), ("outputs", named(box.graph.outputDescriptors)),
      ("statistics", .object(statistics)), ("destroyed", .bool(box.graph.isDestroyed)),
    ])
    try writeString(description.text, to: out)
  }
}

/// `webnn_graph_destroy` of `include/webnn.h`, which documents it.
@_cdecl("webnn_graph_destroy")
public func webnnGraphDestroy(_ graph: OpaquePointer?) -> Int32 {
  guarded("webnn_graph_destroy") {
    let removed = try HandleTable.shared.remove(graph, .graph, argument: "graph")
    guard let box = removed.first?.object as? GraphBox else { return }
    box.computeTensors.withLock { tensors in
      for tensor in (tensors?.inputs.values.map { $0 } ?? []) + (tensors?.outputs.values.map { $0 } ?? []) {
        tensor.destroy()
      }
      tensors = nil
    }
    box.graph.destroy()
  }
}
