import Foundation
import WebNN

/// The options of `webnn bench`.
struct BenchOptions {
  var filter: String?
  var jsonPath: String?
  var runs = 10
  var warmup = 2
  var onnxruntime = false
  var check = false
  /// Whole networks at reduced size (64x64 images, 16 tokens), for slow devices and smoke tests.
  var reduced = false
  /// Print each benchmark's device time per kernel, from Vulkan timestamp queries.
  var profile = false
  /// Also measure build times with empty caches, in a new process, and warm in-process.
  var buildTimes = false
  /// Hidden: `--filter` names one benchmark exactly (the child processes of `--build-times`).
  var exact = false
  /// Hidden: keep the ONNX Runtime exchange files in this folder instead of a temporary one.
  var exchangePath: String?

  /// Whether the benchmark's name contains one of the comma-separated parts of `--filter`.
  func selects(_ benchmark: Benchmark) -> Bool {
    guard let filter else { return true }
    if exact { return benchmark.name == filter }
    return filter.split(separator: ",").contains { benchmark.name.contains($0) }
  }
}

/// `webnn bench`: builds each selected benchmark graph, times dispatch + readTensor over the
/// runs after warm-up, checks the outputs, optionally runs the same graphs in ONNX Runtime, and
/// prints the table (and writes `--json`). Exits 1 when a benchmark cannot run, on Vulkan
/// validation messages, and with `--check` when any check fails.
enum BenchCommand {
  /// Device time per kernel over every run of one benchmark, per run, the largest first.
  static func printProfile(_ name: String, runs: Int) {
    let entries = KernelProfile.entries()
    let total = entries.map(\.milliseconds).reduce(0, +)
    print("profile \(name): \(BenchReport.number(total / Double(runs))) ms of device time per run")
    for entry in entries.prefix(12) {
      let share = total > 0 ? 100 * entry.milliseconds / total : 0
      print(
        "  \(BenchReport.number(entry.milliseconds / Double(runs))) ms  \(String(format: "%4.1f", share))%  "
          + "\((entry.dispatches + runs - 1) / runs) x \(entry.kernel)")
    }
  }

  static func run(_ options: BenchOptions) async throws -> Int32 {
    let selected = BenchSuite.all(reduced: options.reduced).filter(options.selects)
    guard !selected.isEmpty else {
      print("bench: no benchmark name contains \(options.filter ?? "")")
      return 1
    }
    if options.profile { KernelProfile.isEnabled = true }
    let context = try await ML().createContext()
    let device = "\(context.deviceName)\(context.accelerated ? "" : " (CPU implementation)")"
    print("device: \(device); \(options.runs) runs after \(options.warmup) warm-up")
    let exchange = options.onnxruntime ? try exchangeDirectory(options) : nil
    var results: [BenchResult] = []
    var errors: [BenchReport.Failure] = []
    for benchmark in selected {
      do {
        let graph = BenchGraph(context, seed: seed(benchmark.name))
        try benchmark.make(graph)
        KernelProfile.reset()
        var result = try await BenchRunner.run(benchmark, graph, context: context, options: options)
        if options.profile { printProfile(benchmark.name, runs: max(KernelProfile.runs, 1)) }
        if options.buildTimes {
          let (cold, newProcess) = try BenchBuildTimes.inNewProcesses(benchmark.name, options: options)
          result.buildTimes = BuildTimes(
            coldMs: cold, newProcessMs: newProcess,
            warmInProcessMs: try await BenchBuildTimes.warmInProcess(benchmark, context: context))
        }
        if let exchange { try BenchORT.write(graph, name: benchmark.name, to: exchange, options: options) }
        progress("\(benchmark.name): min \(BenchReport.number(result.minMs)) ms, build \(Int(result.buildMs)) ms")
        results.append(result)
      } catch {
        progress("\(benchmark.name): \(error)")
        errors.append(.init(name: benchmark.name, message: "\(error)"))
      }
    }
    if let exchange {
      progress("running ONNX Runtime (tools/onnxruntime/ort-bench.sh \(exchange.path))")
      do { try BenchORT.run(exchange) } catch {
        // The timings of this side still print; each benchmark then fails for want of a result.
        progress("\(error)")
        errors.append(.init(name: "onnxruntime", message: "\(error)"))
      }
      for index in results.indices {
        let benchmark = selected.first { $0.name == results[index].name }!
        try BenchORT.merge(&results[index], benchmark, from: exchange)
      }
      if options.exchangePath == nil { try? FileManager.default.removeItem(at: exchange) }
    }

    let report = BenchReport(device: device, options: options, results: results, errors: errors)
    print(report.table())
    if let path = options.jsonPath { try report.json().write(to: URL(fileURLWithPath: path)) }
    let clean = ReportOptions.finish(context)
    let failures = report.failures
    if options.check {
      for failure in failures { print("check failed: \(failure.name): \(failure.message)") }
      let failed = Set(failures.map(\.name))
      print("check: \(results.filter { !failed.contains($0.name) }.count) passed, \(failed.count) failed")
      return failures.isEmpty && clean ? 0 : 1
    }
    return errors.isEmpty && clean ? 0 : 1
  }

  static func exchangeDirectory(_ options: BenchOptions) throws -> URL {
    let url =
      options.exchangePath.map { URL(fileURLWithPath: $0, isDirectory: true) }
      ?? FileManager.default.temporaryDirectory.appendingPathComponent(
        "webnn-bench-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  /// FNV-1a of the name: each benchmark gets its own weights, the same in every run.
  static func seed(_ name: String) -> UInt64 {
    name.utf8.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
  }

  /// Progress goes to stderr, so that stdout is the table alone.
  static func progress(_ line: String) {
    FileHandle.standardError.write(Data(("bench: " + line + "\n").utf8))
  }
}
