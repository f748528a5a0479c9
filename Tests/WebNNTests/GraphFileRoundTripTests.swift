import Foundation
import Testing
import WebNN
import WebNNFormats

@testable import WebNNCore

/// Graph files, both ways, for every operator: a small random call of each operator (the
/// fuzzer's) is saved with ``GraphSaver`` as `.webnn` text and as JSON, each with its weights
/// file, loaded back through the registry onto a fresh builder, and run; every form must
/// compute the same bytes as the graph the builder built. The text form must also read back to
/// the document it was written from.
@Suite struct GraphFileRoundTripTests {
  static let folder: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "webnn-graph-files-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }()

  static func reload(_ url: URL, on builder: MLGraphBuilder) throws -> [String: MLOperand] {
    let data = try Data(contentsOf: url)
    let document =
      url.pathExtension == "json"
      ? try GraphDocument(json: data, file: url.path)
      : try GraphDocument(text: String(decoding: data, as: UTF8.self), file: url.path)
    let weights = try GraphWeights.locate(besideGraph: url).map { try GraphWeights(contentsOf: $0) }
    return try GraphLoader(file: url.path).load(document, weights: weights, into: builder).outputs
  }

  @Test(arguments: FuzzOp.all) func savedFilesComputeTheSame(_ fuzzed: FuzzOp) async throws {
    // The fuzzer rarely makes a valid convTranspose2d; the registry tests have a generator that does.
    let op = OperatorRoundTripTests.wellFormed[fuzzed.name] ?? fuzzed
    let context = try await sharedContext()
    for attempt in 0..<300 {
      let builder = MLGraphBuilder(context)
      let f = BuilderFuzzer(
        seed: BuilderFuzzTests.seed(op.name) &+ UInt64(attempt) &+ 1000, builder: builder, foreign: nil, small: true)
      guard let outputs = BuilderFuzzTests.attempt(op, f), !outputs.isEmpty,
        outputs.allSatisfy({ $0.descriptor.elementCount <= 4096 })
      else { continue }
      var named: [String: MLOperand] = [:]
      for (i, output) in outputs.enumerated() { named["out\(i)"] = output }
      let ir = try builder.graphIR(named)
      // A low inline limit sends most constants through the weights file.
      let saver = GraphSaver(name: op.name, inlineLimit: 4)
      let stem = GraphSaver.identifier(op.name)
      let text = Self.folder.appendingPathComponent("\(stem).webnn")
      let json = Self.folder.appendingPathComponent("\(stem)-json.json")
      try saver.save(ir, to: text)
      try saver.save(ir, to: json)
      let (document, _) = saver.document(ir)
      #expect(try GraphDocument(text: document.text) == document, "\(op.name): the text form reads back differently")

      let original = try await OperatorRoundTripTests.bytes(context, try await builder.build(named))
      for url in [text, json] {
        let fresh = MLGraphBuilder(context)
        let loaded = try Self.reload(url, on: fresh)
        #expect(
          Set(loaded.keys) == Set(named.keys), "\(op.name): \(url.lastPathComponent) outputs \(loaded.keys.sorted())")
        let copy = try await OperatorRoundTripTests.bytes(context, try await fresh.build(loaded))
        #expect(original == copy, "\(op.name): \(url.lastPathComponent) computes other bytes")
      }
      expectNoValidationMessages()
      return
    }
    Issue.record("\(op.name): no small call succeeded to save and load")
  }
}
