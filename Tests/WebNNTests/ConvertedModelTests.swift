import Foundation
import Testing
import WebNN
import WebNNFormats
import WebNNONNX

/// What `webnn convert` does, checked end to end: the three ONNX test models are imported,
/// saved as `.webnn` with `.safetensors` weights, loaded back through the registry from the
/// mapped files, run, and compared with ONNX Runtime within 1e-4 of each output's largest
/// magnitude. Output names become identifiers in the text form (`461` → `_461`).
@Test(.enabled(if: ONNXReference.pythonAvailable, "python3 is not installed: no ONNX Runtime reference"))
func convertedModelsMatchONNXRuntime() async throws {
  let directory = ONNXReference.cache.appendingPathComponent("models")
  try ONNXReference.python("tools/onnxruntime/onnx_model_refs.py", [directory.path])
  let manifest = try JSONSerialization.jsonObject(
    with: Data(contentsOf: directory.appendingPathComponent("models.json")))
  let models = try #require(manifest as? [[String: Any]])
  #expect(models.count == 3)
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
    "webnn-converted-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  let context = try await sharedContext()
  for entry in models {
    let name = try #require(entry["name"] as? String)
    let importer = MLGraphBuilder(context)
    let imported = try ONNXModel(contentsOf: URL(fileURLWithPath: try #require(entry["model"] as? String))).build(
      into: importer, options: ONNXImportOptions(dimensions: entry["dimensions"] as? [String: Int] ?? [:]))
    let file = folder.appendingPathComponent("\(name).webnn")
    let weights = try GraphSaver(name: name).save(try importer.graphIR(imported.outputs), to: file)
    #expect(weights?.lastPathComponent == "\(name).safetensors")

    let builder = MLGraphBuilder(context)
    let document = try GraphDocument(text: String(decoding: try Data(contentsOf: file), as: UTF8.self), file: file.path)
    let loaded = try GraphLoader(file: file.path).load(
      document, weights: try GraphWeights(contentsOf: try #require(GraphWeights.locate(besideGraph: file))),
      into: builder)
    let graph = try await builder.build(loaded.outputs)
    var inputs: [String: MLTensor] = [:]
    for (inputName, fileName) in entry["inputs"] as? [String: String] ?? [:] {
      let array = try NumpyArray(contentsOf: directory.appendingPathComponent(fileName))
      let tensor = try await context.createTensor(.init(dataType: array.dataType, shape: array.shape, writable: true))
      try context.writeTensor(tensor, array.bytes)
      inputs[GraphSaver.identifier(inputName)] = tensor
    }
    let expected = entry["outputs"] as? [String: String] ?? [:]
    var outputs: [String: MLTensor] = [:]
    for (outputName, descriptor) in graph.outputDescriptors {
      outputs[outputName] = try await context.createTensor(
        .init(dataType: descriptor.dataType, shape: descriptor.shape, readable: true))
    }
    #expect(
      Set(outputs.keys) == Set(expected.keys.map(GraphSaver.identifier)), "\(name): outputs \(outputs.keys.sorted())")
    try context.dispatch(graph, inputs: inputs, outputs: outputs)
    for (outputName, fileName) in expected.sorted(by: { $0.key < $1.key }) {
      let reference = try NumpyArray(contentsOf: directory.appendingPathComponent(fileName))
      let tensor = try #require(outputs[GraphSaver.identifier(outputName)])
      let actual = try NumpyArray(
        dataType: tensor.dataType, shape: tensor.shape, bytes: try await context.readTensor(tensor))
      #expect(actual.shape == reference.shape, "\(name)/\(outputName)")
      let difference = OutputDifference(
        actual: actual.floats().map(Double.init), expected: reference.floats().map(Double.init))
      print("converted \(name).webnn output \(outputName): \(difference)")
      #expect(difference.within(relative: 1e-4, absolute: 0), "\(name)/\(outputName): \(difference)")
    }
  }
  expectNoValidationMessages()
}
