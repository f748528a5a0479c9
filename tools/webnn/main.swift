import Foundation
import WebNN

/// The `webnn` command: `demo`, `devices`, `wpt`, `wpt-validation`, `bench`.
let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
  usage: webnn demo                 run a small classifier graph on the default device
         webnn devices              list the Vulkan devices with the profile kernel selection sees
         webnn wpt [--json FILE] [--filter TEXT]
                                    run the WebNN conformance vectors (WEBNN_WPT_DIR, default ../shared/wpt)
         webnn wpt-validation [--json FILE] [--filter TEXT]
                                    replay the WPT validation vectors against the builder
                                    (WEBNN_WPT_VALIDATION_DIR, default ../shared/wpt-validation)
         webnn bench [--filter TEXT[,TEXT...]] [--json FILE] [--runs N] [--warmup N] [--onnxruntime]
                     [--check] [--reduced]
                                    time microbenchmarks and whole networks; --onnxruntime also runs them
                                    in ONNX Runtime (CPU) and compares outputs; --check exits 1 on a mismatch;
                                    --reduced runs the networks at 64x64 / 16 tokens
  """

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(1)
}

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
  switch arguments.first {
  case "demo": try await Demo.run()
  case "devices":
    let profiles = try VulkanBackendProvider.deviceProfiles()
    for (line, profile) in zip(try VulkanBackendProvider.deviceList(), profiles) {
      print(line)
      print(profile.summary.split(separator: "\n").dropFirst().map { "  " + $0 }.joined(separator: "\n"))
    }
  case "wpt": exit(try await ConformanceCommand.run(Array(arguments.dropFirst())))
  case "wpt-validation": exit(try await ValidationCommand.run(Array(arguments.dropFirst())))
  case "bench": exit(try await BenchCommand.run(Array(arguments.dropFirst())))
  default: fail(usage)
  }
} catch {
  fail("webnn: \(error)")
}
