import Foundation
import WebNN

/// ONNX Runtime's side of one benchmark, as `tools/onnxruntime/ort_bench.py` writes it to
/// `ort.json`.
struct ORTResult: Codable {
  /// One output tensor in `ort_outputs.bin`.
  struct Output: Codable {
    var name: String
    var dataType: String
    var shape: [Int]
    var offset: Int
    var byteLength: Int
  }

  var version: String?
  var timesMs: [Double]?
  var minMs: Double?
  var medianMs: Double?
  /// InferenceSession creation (model load and graph optimization).
  var sessionMs: Double?
  var outputs: [Output]?
  var error: String?
  /// GFLOP/s or GB/s from `minMs`, in the benchmark's unit; filled in by the Swift side.
  var rate: Double?
}

/// The ONNX Runtime comparison: each benchmark's recorded graph, weights and inputs go to a
/// folder of `DIR`; one run of `tools/onnxruntime/ort-bench.sh DIR` converts each to ONNX, times
/// it with the same warm-up and run counts and writes its timings and outputs back.
enum BenchORT {
  /// What `graph.json` holds.
  struct Description: Encodable {
    var name: String
    var warmup: Int
    var runs: Int
    var inputs: [BenchGraph.Tensor]
    var constants: [BenchGraph.Tensor]
    var nodes: [BenchGraph.Node]
    var outputs: [BenchGraph.Output]
  }

  static func folder(_ directory: URL, _ name: String) -> URL {
    directory.appendingPathComponent(name.replacingOccurrences(of: "/", with: "__"), isDirectory: true)
  }

  /// Writes `graph.json` and `data.bin` (constants and inputs) for one benchmark.
  static func write(_ graph: BenchGraph, name: String, to directory: URL, options: BenchOptions) throws {
    let folder = folder(directory, name)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let description = Description(
      name: name, warmup: options.warmup, runs: options.runs, inputs: graph.inputs, constants: graph.constants,
      nodes: graph.nodes, outputs: graph.outputs)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    try encoder.encode(description).write(to: folder.appendingPathComponent("graph.json"))
    try Data(graph.blob).write(to: folder.appendingPathComponent("data.bin"))
  }

  /// Runs the Python side over every benchmark folder of `directory`.
  static func run(_ directory: URL) throws {
    let script = try scriptPath()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script, directory.path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw MLError(.operationError, "bench: \(script) exited with status \(process.terminationStatus)")
    }
  }

  /// `tools/onnxruntime/ort-bench.sh` of the package this tool belongs to.
  static func scriptPath() throws -> String {
    let relative = "tools/onnxruntime/ort-bench.sh"
    guard let found = PackageFiles.path(relative) else {
      throw MLError(
        .notSupportedError, "bench: \(relative) not found beside the webnn executable or in the current folder")
    }
    return found
  }

  /// Reads ONNX Runtime's results for `result` and compares its outputs with ours.
  static func merge(_ result: inout BenchResult, _ benchmark: Benchmark, from directory: URL) throws {
    let folder = folder(directory, result.name)
    let jsonURL = folder.appendingPathComponent("ort.json")
    guard FileManager.default.fileExists(atPath: jsonURL.path) else {
      result.failures.append("ONNX Runtime wrote no result")
      return
    }
    var ort = try JSONDecoder().decode(ORTResult.self, from: Data(contentsOf: jsonURL))
    defer { result.ort = ort }
    if let error = ort.error {
      result.failures.append("ONNX Runtime: \(error)")
      return
    }
    if let minMs = ort.minMs {
      ort.rate = BenchRunner.rate(benchmark, flops: result.flops, ms: minMs).0
      result.ratioToORT = result.minMs / minMs
    }
    let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent("ort_outputs.bin")))
    var (maxAbs, maxRelative) = (0.0, 0.0)
    for output in ort.outputs ?? [] {
      guard let ours = result.outputs[output.name] else { continue }
      let theirs = BenchRunner.floats(
        Array(bytes[output.offset..<(output.offset + output.byteLength)]), BenchRunner.dataType(output.dataType))
      guard theirs.count == ours.count else {
        result.failures.append("\(output.name): ONNX Runtime returned \(theirs.count) elements, ours \(ours.count)")
        continue
      }
      let (difference, largest) = zip(ours, theirs).reduce((0.0, 0.0)) { partial, pair in
        (Swift.max(partial.0, Double(Swift.abs(pair.0 - pair.1))), Swift.max(partial.1, Double(Swift.abs(pair.1))))
      }
      maxAbs = Swift.max(maxAbs, difference.isNaN ? .infinity : difference)
      maxRelative = Swift.max(maxRelative, difference / Swift.max(largest, .leastNormalMagnitude))
    }
    result.maxAbsDifference = maxAbs
    result.maxRelativeDifference = maxRelative
    let tolerance = result.isFloat16 ? 1e-2 : 1e-4
    if !(maxRelative <= tolerance) {
      result.failures.append("differs from ONNX Runtime by \(maxRelative) (relative; > \(tolerance))")
    }
  }
}
