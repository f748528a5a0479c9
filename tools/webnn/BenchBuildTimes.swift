import Foundation
import WebNN

/// `webnn bench --build-times`: how long `build` takes for each benchmark with empty kernel
/// caches, in a new process whose caches are warm, and a second time in the same process.
/// The first two run this tool again, one child process per benchmark and case, so that no
/// other benchmark warms the caches first.
struct BuildTimes: Encodable {
  /// A new process, empty SPIR-V and pipeline caches.
  var coldMs: Double?
  /// A new process, caches filled by the cold run.
  var newProcessMs: Double?
  /// The same graph built again in the process that built it first.
  var warmInProcessMs: Double?
}

enum BenchBuildTimes {
  /// Builds `benchmark` a second time in this process and returns the build time.
  static func warmInProcess(_ benchmark: Benchmark, context: MLContext) async throws -> Double {
    let graph = BenchGraph(context, seed: BenchCommand.seed(benchmark.name))
    try benchmark.make(graph)
    let start = ContinuousClock.now
    let built = try await graph.builder.build(graph.outputOperands)
    let elapsed = BenchRunner.milliseconds(ContinuousClock.now - start)
    built.destroy()
    return elapsed
  }

  /// The cold and new-process build times of `name`, from two child processes sharing a fresh
  /// cache folder.
  static func inNewProcesses(_ name: String, options: BenchOptions) throws -> (cold: Double?, warm: Double?) {
    let cache = FileManager.default.temporaryDirectory.appendingPathComponent(
      "webnn-build-times-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
    try? FileManager.default.removeItem(at: cache)
    defer { try? FileManager.default.removeItem(at: cache) }
    let cold = try child(name, cache: cache, options: options)
    let warm = try child(name, cache: cache, options: options)
    return (cold, warm)
  }

  /// Runs `webnn bench` on one benchmark (its exact name) with one run and returns its build time.
  private static func child(_ name: String, cache: URL, options: BenchOptions) throws -> Double? {
    let json = cache.deletingLastPathComponent().appendingPathComponent(
      "webnn-build-times-\(ProcessInfo.processInfo.processIdentifier).json")
    defer { try? FileManager.default.removeItem(at: json) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    process.arguments =
      ["bench", "--filter", name, "--exact", "--runs", "1", "--warmup", "0", "--json", json.path]
      + (options.reduced ? ["--reduced"] : [])
    var environment = ProcessInfo.processInfo.environment
    environment["WEBNN_SHADER_CACHE"] = cache.appendingPathComponent("spirv").path
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0, let data = try? Data(contentsOf: json),
      let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let results = document["results"] as? [[String: Any]],
      let result = results.first(where: { $0["name"] as? String == name })
    else { return nil }
    return result["buildMs"] as? Double
  }
}
