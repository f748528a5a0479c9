import Foundation
import WebNNCore

/// Writes what a builder built as a graph file: every node through
/// ``WebNNCore/OperatorRegistry/describe(_:in:name:)`` (so that every option survives), small
/// constants inline and the rest into a weights file beside the graph.
///
/// ```swift
/// let ir = try builder.graphIR(["y": y])
/// try GraphSaver(name: "model").save(ir, to: URL(fileURLWithPath: "model.webnn"))  // + model.safetensors
/// ```
public struct GraphSaver {
  /// The graph's name in the header.
  public var name: String
  /// Constants up to this many bytes are written inline (`@bytes`), the rest as weights.
  public var inlineLimit: Int

  /// A saver.
  public init(name: String, inlineLimit: Int = 16) {
    self.name = name
    self.inlineLimit = inlineLimit
  }

  /// A weight tensor the document refers to.
  public typealias Weight = (key: String, descriptor: MLOperandDescriptor, bytes: MLConstantBytes)

  /// The document for `ir` and the weights its `@weights` constants refer to.
  public func document(_ ir: GraphIR) -> (GraphDocument, [Weight]) {
    var names = [String?](repeating: nil, count: ir.operands.count)
    var used: Set<String> = []
    func claim(_ wanted: String, fallback: String) -> String {
      var name = Self.identifier(wanted.isEmpty ? fallback : wanted)
      if used.contains(name) || ["true", "false", "null"].contains(name) {
        var suffix = 1
        while used.contains("\(name)_\(suffix)") { suffix += 1 }
        name = "\(name)_\(suffix)"
      }
      used.insert(name)
      return name
    }
    for (inputName, operand) in ir.inputs { names[operand] = claim(inputName, fallback: "input") }
    // An output's operand takes the output's name when nothing else has named it.
    // The text form reads outputs by identifiers, so an output name becomes one (`461` → `_461`).
    var outputNames: [String: String] = [:]
    for (outputName, operand) in ir.outputs {
      if names[operand] == nil {
        names[operand] = claim(outputName, fallback: "output")
        outputNames[outputName] = names[operand]
      } else {
        outputNames[outputName] = claim(outputName, fallback: "output")
      }
    }
    var document = GraphDocument(name: name)
    var weights: [Weight] = []
    document.inputs = ir.inputs.map { .init(name: names[$0.operand]!, type: Self.type(ir.operands[$0.operand])) }
    for (operand, source) in ir.sources.enumerated() {
      guard case .constant(let bytes) = source else { continue }
      let name = claim("", fallback: "c\(operand)")
      names[operand] = name
      let descriptor = ir.operands[operand]
      let initializer: GraphDocument.Initializer
      if bytes.count <= inlineLimit {
        initializer = .bytes(bytes.arrayCopy)
      } else {
        weights.append((name, descriptor, bytes))
        initializer = .weights(name)
      }
      document.constants.append(.init(name: name, type: Self.type(descriptor), initializer: initializer))
    }
    for (index, node) in ir.nodes.enumerated() {
      for output in node.outputs where names[output] == nil {
        names[output] = claim(node.outputs.count == 1 ? node.label : "", fallback: "t\(index)_\(output)")
      }
      let call = OperatorRegistry.describe(node, in: ir) { names[$0] ?? "t\($0)" }
      document.nodes.append(
        .init(
          op: call.op, positional: call.positional, named: call.named, outputs: node.outputs.map { names[$0]! },
          outputsAreList: node.outputs.count > 1 || Self.returnsList(call.op)))
    }
    document.outputs = ir.outputs.map { .init(name: outputNames[$0.name]!, operand: names[$0.operand]!) }
    return (document, weights)
  }

  /// Operators whose builder method returns a list even when it holds one operand.
  static func returnsList(_ op: String) -> Bool { ["split", "gru", "lstm", "gruCell", "lstmCell"].contains(op) }

  static func type(_ descriptor: MLOperandDescriptor) -> GraphDocument.TensorType {
    GraphDocument.TensorType(descriptor.dataType, descriptor.shape)
  }

  /// A name the text form's IDENT accepts: `::` becomes `__`, anything else outside it `_`.
  public static func identifier(_ name: String) -> String {
    var result = ""
    for c in name.replacingOccurrences(of: "::", with: "__") {
      result.append(c.isASCII && (c.isLetter || c.isNumber || "_./$".contains(c)) ? c : "_")
    }
    if let first = result.first, !(first.isLetter || first == "_" || first == "/" || first == "$") {
      result = "_" + result
    }
    return result.isEmpty ? "_" : result
  }

  /// Writes the graph to `url` (`.webnn` text, or JSON for `.json`) and its weights beside it:
  /// `<stem>.safetensors`, or `<stem>.weights` with `<stem>.manifest.json` when a weight has a
  /// 4-bit type (safetensors has none). Returns the weights file written, if any.
  @discardableResult
  public func save(_ ir: GraphIR, to url: URL) throws -> URL? {
    let (document, weights) = document(ir)
    return try save(document, weights: weights, to: url)
  }

  /// Writes `document` and `weights` as ``save(_:to:)`` does.
  @discardableResult
  public func save(_ document: GraphDocument, weights: [Weight], to url: URL) throws -> URL? {
    let folder = url.deletingLastPathComponent()
    let stem = url.deletingPathExtension().lastPathComponent
    var written: URL?
    if !weights.isEmpty {
      if weights.contains(where: { SafetensorsFile.dtype(of: $0.descriptor.dataType) == nil }) {
        let blob = folder.appendingPathComponent("\(stem).weights")
        try WeightsManifest.write(weights, manifest: folder.appendingPathComponent("\(stem).manifest.json"), blob: blob)
        written = blob
      } else {
        var writer = SafetensorsWriter()
        for weight in weights { try writer.add(weight.key, weight.descriptor, bytes: weight.bytes) }
        let file = folder.appendingPathComponent("\(stem).safetensors")
        try writer.write(to: file)
        written = file
      }
    }
    if url.pathExtension.lowercased() == "json" {
      try document.json().write(to: url, options: .atomic)
    } else {
      try Data(document.text.utf8).write(to: url, options: .atomic)
    }
    return written
  }
}
