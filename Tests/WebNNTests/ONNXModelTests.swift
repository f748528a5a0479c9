import Foundation
import Testing
import WebNN
import WebNNFormats
import WebNNONNX
import WebNNStress

/// ResNet-18 and MobileNetV2 test models (tools/models/make_test_models.py) and the real
/// paraphrase-MiniLM-L3-v2 (batch 1, sequence 16) imported, run and compared with ONNX Runtime:
/// within 1e-4 of each output's largest magnitude.
@Test(.enabled(if: ONNXReference.pythonAvailable, "python3 is not installed: no ONNX Runtime reference"))
func onnxModelsMatchONNXRuntime() async throws {
  let directory = ONNXReference.cache.appendingPathComponent("models")
  try ONNXReference.python("tools/onnxruntime/onnx_model_refs.py", [directory.path])
  let manifest = try JSONSerialization.jsonObject(
    with: Data(contentsOf: directory.appendingPathComponent("models.json")))
  let models = try #require(manifest as? [[String: Any]])
  #expect(models.map { $0["name"] as? String } == ["resnet18", "mobilenetv2", "minilm"])
  for entry in models {
    let name = entry["name"] as? String ?? "?"
    let inputs = try (entry["inputs"] as? [String: String] ?? [:]).mapValues {
      try NumpyArray(contentsOf: directory.appendingPathComponent($0))
    }
    let expected = try (entry["outputs"] as? [String: String] ?? [:]).mapValues {
      try NumpyArray(contentsOf: directory.appendingPathComponent($0))
    }
    let options = ONNXImportOptions(dimensions: entry["dimensions"] as? [String: Int] ?? [:])
    let comparison = try await ONNXComparison.run(
      model: URL(fileURLWithPath: entry["model"] as? String ?? ""), inputs: inputs, expected: expected,
      options: options)
    #expect(comparison.differences.count == expected.count)
    for (output, difference) in comparison.differences.sorted(by: { $0.key < $1.key }) {
      print("ONNX model \(name) output \(output): \(difference) (run \(String(format: "%.3f", comparison.seconds)) s)")
      #expect(difference.within(relative: 1e-4, absolute: 0), "\(name)/\(output): \(difference)")
    }
  }
  expectNoValidationMessages()
}

/// A Conv followed by a BatchNormalization with known parameters becomes one conv2d; the
/// importer counts it as one emitted node.
@Test func onnxBatchNormalizationFoldsIntoConv() async throws {
  let model = try ONNXModel(serialized: ONNXTestModels.convBatchNorm(sharedOutput: false))
  let imported = try model.build(into: MLGraphBuilder(try await sharedContext()))
  #expect(imported.emittedNodes == 1)
  let shared = try ONNXModel(serialized: ONNXTestModels.convBatchNorm(sharedOutput: true))
  let separate = try shared.build(into: MLGraphBuilder(try await sharedContext()))
  #expect(separate.emittedNodes == 2)
}

/// Errors name the input and dimension left open, and the node of an unsupported operator.
@Test func onnxImportErrorsNameWhatIsMissing() async throws {
  let context = try await sharedContext()
  let model = try ONNXModel(serialized: ONNXTestModels.symbolicRelu(op: "Relu"))
  #expect(model.inputs.first?.shape == [.symbolic("batch"), .fixed(4)])
  do {
    _ = try model.build(into: MLGraphBuilder(context))
    Issue.record("a free dimension was accepted")
  } catch let error as ONNXImportError {
    #expect(error.kind == .unknownDimension)
    #expect(error.description.contains("\"x\"") && error.description.contains("\"batch\""), "\(error)")
  }
  let fixed = try model.build(into: MLGraphBuilder(context), options: .init(dimensions: ["batch": 3]))
  #expect(fixed.inputs.first?.descriptor.shape == [3, 4])

  let unknown = try ONNXModel(serialized: ONNXTestModels.symbolicRelu(op: "NoSuchOp"))
  do {
    _ = try unknown.build(into: MLGraphBuilder(context), options: .init(dimensions: ["batch": 1]))
    Issue.record("an unknown operator was accepted")
  } catch let error as ONNXImportError {
    #expect(error.kind == .notSupported)
    #expect(error.nodeIndex == 0 && error.opType == "NoSuchOp" && error.nodeName == "the_node", "\(error)")
  }
  #expect(throws: ONNXImportError.self) { try ONNXModel(serialized: Data([0xFF, 0xFF, 0x01])) }
}

/// Raw data whose length disagrees with the shape is an error, never a read out of bounds.
@Test func onnxMalformedTensorDataThrows() async throws {
  let context = try await sharedContext()
  let good = try ONNXModel(serialized: ONNXTestModels.addConstant(rawBytes: 8))
  _ = try good.build(into: MLGraphBuilder(context))
  let model = try ONNXModel(serialized: ONNXTestModels.addConstant(rawBytes: 7))
  #expect(throws: ONNXImportError.self) { _ = try model.build(into: MLGraphBuilder(context)) }
}

/// Corrupted models (bytes overwritten, truncated) throw or import; none crashes the process.
@Test func onnxCorruptedModelsNeverCrash() async throws {
  let context = try await sharedContext()
  let original = [UInt8](ONNXTestModels.convBatchNorm(sharedOutput: false))
  var generator = SplitMix64(seed: 42)
  var rejected = 0
  for trial in 0..<2000 {
    var bytes = original
    if trial % 3 == 0 {
      bytes = Array(bytes[..<Int.random(in: 0..<bytes.count, using: &generator)])
    } else {
      for _ in 0..<(1 + trial % 4) {
        bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
      }
    }
    do {
      let model = try ONNXModel(serialized: Data(bytes))
      _ = try model.build(into: MLGraphBuilder(context), options: .init(dimensions: [:]))
    } catch is ONNXImportError {
      rejected += 1
    }
  }
  #expect(rejected > 0)
}
