import Foundation
import WebNN
import WebNNFormats
import WebNNONNX

/// The ONNX Runtime side of the ONNX import tests: tools/onnxruntime/ort-python.sh runs a
/// script in .build/ort-venv (created on first use); generated models and reference outputs
/// are cached under .build.
enum ONNXReference {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let cache = root.appendingPathComponent(".build/onnx-tests")

  /// Whether python3 exists; without it the ONNX Runtime comparisons cannot run at all.
  static let pythonAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "--version"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
      process.waitUntilExit()
      return process.terminationStatus == 0
    } catch {
      return false
    }
  }()

  /// Runs `script` (relative to the repository root) with `arguments` in the venv; throws with
  /// its output when it fails.
  static func python(_ script: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = root.appendingPathComponent("tools/onnxruntime/ort-python.sh")
    process.arguments = [root.appendingPathComponent(script).path] + arguments
    process.currentDirectoryURL = root
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ONNXImportError(.io, "\(script) failed (\(process.terminationStatus)):\n\(output)")
    }
    if !output.isEmpty { print(output, terminator: "") }
  }
}

/// One imported model run on the shared context against reference outputs.
struct ONNXComparison {
  var differences: [String: OutputDifference] = [:]
  var seconds: Double = 0

  static func run(
    model url: URL, inputs: [String: NumpyArray], expected: [String: NumpyArray],
    options: ONNXImportOptions = .init()
  ) async throws -> ONNXComparison {
    let context = try await sharedContext()
    let model = try ONNXModel(contentsOf: url)
    let builder = MLGraphBuilder(context)
    let imported = try model.build(into: builder, options: options)
    let graph = try await builder.build(imported.outputs)
    let start = Date()
    let results = try await imported.run(graph, in: context, inputs: inputs.mapValues(\.bytes))
    var comparison = ONNXComparison(seconds: Date().timeIntervalSince(start))
    for (name, reference) in expected {
      guard let bytes = results[name], let operand = imported.outputs[name] else {
        throw ONNXImportError(.invalidModel, "no output \(name)")
      }
      let actual = try NumpyArray(dataType: operand.dataType, shape: operand.shape, bytes: bytes)
      guard actual.shape == reference.shape else {
        throw ONNXImportError(
          .invalidModel, "output \(name) has shape \(actual.shape), ONNX Runtime \(reference.shape)")
      }
      comparison.differences[name] = OutputDifference(
        actual: actual.floats().map(Double.init), expected: reference.floats().map(Double.init))
    }
    return comparison
  }
}
