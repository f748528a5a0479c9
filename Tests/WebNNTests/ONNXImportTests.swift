import Foundation
import Testing
import WebNN
import WebNNFormats
import WebNNONNX

/// Every one-node model of tools/onnxruntime/onnx_op_cases.py, imported and run on the default
/// device, matches ONNX Runtime within 1e-4 of the largest output magnitude (plus 1e-5).
@Test(.enabled(if: ONNXReference.pythonAvailable, "python3 is not installed: no ONNX Runtime reference"))
func onnxOperatorCasesMatchONNXRuntime() async throws {
  let directory = ONNXReference.cache.appendingPathComponent("op-cases")
  try ONNXReference.python("tools/onnxruntime/onnx_op_cases.py", [directory.path])
  let manifest = try JSONSerialization.jsonObject(
    with: Data(contentsOf: directory.appendingPathComponent("cases.json")))
  let cases = try #require(manifest as? [[String: Any]])
  #expect(cases.count > 200)
  var failures: [String] = []
  var worst = (name: "", relative: 0.0)
  for entry in cases {
    let name = entry["name"] as? String ?? "?"
    do {
      let inputs = try (entry["inputs"] as? [String: String] ?? [:]).mapValues {
        try NumpyArray(contentsOf: directory.appendingPathComponent($0))
      }
      let expected = try (entry["outputs"] as? [String: String] ?? [:]).mapValues {
        try NumpyArray(contentsOf: directory.appendingPathComponent($0))
      }
      let model = directory.appendingPathComponent(entry["model"] as? String ?? "")
      let comparison = try await ONNXComparison.run(model: model, inputs: inputs, expected: expected)
      for (output, difference) in comparison.differences {
        if difference.relativeError > worst.relative { worst = ("\(name)/\(output)", difference.relativeError) }
        if !difference.within(relative: 1e-4, absolute: 1e-5) { failures.append("\(name)/\(output): \(difference)") }
      }
    } catch {
      failures.append("\(name): \(error)")
    }
  }
  print("ONNX operator cases: \(cases.count - failures.count) of \(cases.count) match; largest relative error \(worst)")
  #expect(failures.isEmpty, "\(failures.count) cases differ:\n\(failures.joined(separator: "\n"))")
  expectNoValidationMessages()
}
