import Foundation
import Testing
import WebNN
import WebNNFormats
import WebNNONNX

// Every file in tools/fuzz/regressions/<reader>/ goes through the reader and then the loader or
// importer, as the fuzz target of that reader feeds it, and must be refused with an error: the
// hand-made hostile files (tensors claiming 2^40 elements, lists nested 20000 deep; written by
// tools/fuzz/make_corpus.py) and every input a fuzzer ever crashed on.

private let regressions = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("tools/fuzz/regressions")

private func files(_ reader: String) throws -> [URL] {
  let folder = regressions.appendingPathComponent(reader)
  return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
    .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

/// Loads a parsed graph the way the fuzz targets do: dynamic dimensions 1, no weights.
private func load(_ document: GraphDocument, file: String) async throws {
  var dimensions: [String: Int] = [:]
  for input in document.inputs {
    for case .dynamic(let name, _) in input.type.shape { dimensions[name] = 1 }
  }
  let builder = MLGraphBuilder(try await sharedContext())
  _ = try GraphLoader(file: file, dimensions: dimensions).load(document, weights: nil, into: builder)
}

@Suite struct HostileFileTests {
  @Test func everyReaderHasRegressions() throws {
    for reader in ["webnn-text", "json-graph", "safetensors", "npy", "onnx"] {
      #expect(try !files(reader).isEmpty, "\(reader) has no hostile files")
    }
  }

  @Test func webnnTextIsRefused() async throws {
    for url in try files("webnn-text") {
      await #expect(throws: (any Error).self, "\(url.lastPathComponent)") {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        try await load(try GraphDocument(text: text, file: url.path), file: url.path)
      }
    }
  }

  @Test func jsonGraphIsRefused() async throws {
    for url in try files("json-graph") {
      await #expect(throws: (any Error).self, "\(url.lastPathComponent)") {
        try await load(try GraphDocument(json: try Data(contentsOf: url), file: url.path), file: url.path)
      }
    }
  }

  @Test func safetensorsIsRefused() throws {
    for url in try files("safetensors") {
      #expect(throws: FormatError.self, "\(url.lastPathComponent)") {
        let file = try SafetensorsFile(url)
        for name in file.names { _ = try file.constantBytes(name) }
      }
    }
  }

  @Test func npyIsRefused() throws {
    for url in try files("npy") {
      #expect(throws: FormatError.self, "\(url.lastPathComponent)") { try NumpyArray(contentsOf: url) }
    }
  }

  /// Imported the way the fuzz target does: every symbolic dimension fixed to 2, so that the
  /// importer reaches the nodes instead of stopping at the first unsized input.
  @Test func onnxIsRefused() async throws {
    let context = try await sharedContext()
    for url in try files("onnx") {
      #expect(throws: ONNXImportError.self, "\(url.lastPathComponent)") {
        let model = try ONNXModel(contentsOf: url)
        var dimensions: [String: Int] = [:]
        for input in model.inputs {
          for case .symbolic(let name) in input.shape ?? [] { dimensions[name] = 2 }
        }
        _ = try model.build(into: MLGraphBuilder(context), options: ONNXImportOptions(dimensions: dimensions))
      }
    }
  }

  /// The two ways a hostile graph file used to take the process down, spelled out.
  @Test func knownCrashesThrow() async throws {
    // An unpaired high surrogate followed by another \u escape underflowed UInt32.
    #expect(throws: GraphSyntaxError.self) { try GraphDocument(json: Data(#"{"name": "\ud800\u0041"}"#.utf8)) }
    // A scalar constant of 10^18 elements was filled element by element before the builder
    // could refuse it.
    let huge = "webnn_graph \"g\" v1 { consts { c: f32[1000000000, 1000000000] @scalar(1); } outputs { c; } }"
    await #expect(throws: GraphLoadError.self) { try await load(try GraphDocument(text: huge), file: "huge.webnn") }
  }
}
