import ArgumentParser
import Foundation
import WebNN

/// The `webnn` command-line tool: one subcommand per job, each with its own `--help`.
@main
struct WebNNTool: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "webnn",
    abstract: "Build, run, convert and measure WebNN graphs on Vulkan devices.",
    discussion: """
      Environment: WEBNN_VALIDATION=1 turns the Khronos validation layer on (any message fails the \
      command), WEBNN_KERNELS=cpu|gpu picks a kernel family, WEBNN_SHADER_STATS=1 reports shader \
      compilations on exit, WEBNN_PROFILE=1 times every kernel.
      """,
    subcommands: [
      EmbedCommand.self, DemoCommand.self, DevicesCommand.self, InfoCommand.self, RunCommand.self, ConvertCommand.self,
      BenchCommandLine.self, ConformanceCommand.self, ValidationCommand.self, CompareCommand.self, StressCommand.self,
    ]
  )

  /// Installs the exit-time shader report before any subcommand runs.
  static func main() async {
    // WEBNN_SHADER_STATS=1 reports on standard error, however the command ends, how many kernels
    // were compiled and how many came from the SPIR-V cache.
    if ProcessInfo.processInfo.environment["WEBNN_SHADER_STATS"] == "1" {
      atexit {
        let stats = VulkanBackendProvider.shaderStatistics
        let line = "webnn: shaders: \(stats.compiled) compiled, \(stats.loadedFromCache) loaded from cache\n"
        FileHandle.standardError.write(Data(line.utf8))
      }
    }
    do {
      var command = try parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      exit(withError: error)
    }
  }
}

/// `webnn demo`.
struct DemoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Run a small classifier graph on the default device and check it against the CPU.")

  func run() async throws { try await Demo.run() }
}

/// `webnn devices`.
struct DevicesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "devices",
    abstract: "List the Vulkan devices: type, memory, features, kernel profile, and what each power preference picks.")

  func run() async throws { print(try VulkanBackendProvider.deviceReport()) }
}

/// `webnn bench`: the command-line face of ``BenchOptions``.
struct BenchCommandLine: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time microbenchmarks and whole networks, optionally side by side with ONNX Runtime.",
    discussion: "With a MODEL (.webnn, .json or .onnx), times that model on seeded random inputs instead.")

  @Argument(help: ArgumentHelp("A model file to time instead of the built-in benchmarks.", valueName: "model"))
  var model: String?
  @Option(
    name: .customLong("dim"), parsing: .singleValue,
    help: ArgumentHelp("With MODEL: fix a named dimension.", valueName: "name=size"))
  var dimensions: [String] = []
  @Option(
    name: .customLong("input-shape"), parsing: .singleValue,
    help: ArgumentHelp("With MODEL: fix an input's shape.", valueName: "name=d0,d1,..."))
  var inputShapes: [String] = []

  @Option(
    help: ArgumentHelp("Run the benchmarks whose name contains one of these comma-separated texts.", valueName: "text"))
  var filter: String?
  @Option(name: .customLong("json"), help: ArgumentHelp("Also write the report as JSON.", valueName: "file"))
  var jsonPath: String?
  @Option(help: "Timed runs per benchmark.") var runs = 10
  @Option(help: "Untimed runs before the timed ones.") var warmup = 2
  @Flag(help: "Also run every benchmark in ONNX Runtime (CPU) and compare outputs.") var onnxruntime = false
  @Flag(help: "Exit 1 when any output check fails.") var check = false
  @Flag(help: "Run the networks at reduced size (64x64 images, 16 tokens).") var reduced = false
  @Flag(help: "Print device time per kernel from Vulkan timestamp queries.") var profile = false
  @Flag(help: "Also measure build times: cold, in a new process, and warm.") var buildTimes = false
  @Flag(help: .hidden) var exact = false
  @Option(name: .customLong("keep-exchange"), help: .hidden) var exchangePath: String?

  func validate() throws {
    guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
    guard warmup >= 0 else { throw ValidationError("--warmup must be at least 0, got \(warmup)") }
  }

  func run() async throws {
    if let model {
      var modelOptions = try ModelOptions.parse([model])
      modelOptions.dimensions = dimensions
      modelOptions.inputShapes = inputShapes
      try await BenchModelFile.run(modelOptions, runs: runs, warmup: warmup, jsonPath: jsonPath)
      return
    }
    var options = BenchOptions()
    options.filter = filter
    options.jsonPath = jsonPath
    options.runs = runs
    options.warmup = warmup
    options.onnxruntime = onnxruntime
    options.check = check
    options.reduced = reduced
    options.profile = profile
    options.buildTimes = buildTimes
    options.exact = exact
    options.exchangePath = exchangePath
    let status = try await BenchCommand.run(options)
    if status != 0 { throw ExitCode(status) }
  }
}
