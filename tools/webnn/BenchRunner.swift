import Foundation
import WebNN

/// What one benchmark measured, on this implementation and (with `--onnxruntime`) on ONNX
/// Runtime. Encoded as one entry of `--json FILE`.
struct BenchResult: Encodable {
  var name: String
  var kind: String
  var runs: Int
  var warmup: Int
  /// Dispatch + readTensor of every output, per run, in milliseconds.
  var timesMs: [Double]
  var minMs: Double
  var medianMs: Double
  /// In-process `MLGraphBuilder.build` time (kernel compilation included unless the SPIR-V disk
  /// cache already held them).
  var buildMs: Double
  /// Kernel launches per run and distinct kernel variants of the compiled graph.
  var dispatches: Int?
  var pipelines: Int?
  /// The graph's arena (intermediates placed by liveness) and what its intermediates would take
  /// with a buffer each.
  var arenaBytes: Int?
  var intermediateBytes: Int?
  /// With `--build-times`: cold, new-process and warm in-process build times.
  var buildTimes: BuildTimes?
  /// conv2d, matmul and gemm FLOPs per run (other operators are not counted).
  var flops: Double
  /// Bytes per run for memory-bound benchmarks.
  var bytes: Double?
  var bytesNote: String?
  /// GFLOP/s or GB/s from `minMs`.
  var rate: Double?
  var rateUnit: String?
  /// Peak device memory while the benchmark built and ran: its constants, intermediates,
  /// scratch, parameter blocks and input/output tensors (``DeviceMemory``).
  var memoryBytes: Int
  /// max |ours - reference| / max |reference| over sampled output elements of a CPU reference,
  /// where the benchmark has one.
  var referenceRelativeError: Double?
  var ort: ORTResult?
  /// Our min time / ONNX Runtime's min time.
  var ratioToORT: Double?
  /// max |ours - ORT| over all output elements.
  var maxAbsDifference: Double?
  /// max |ours - ORT| / max |ORT| over each output tensor (the largest over the outputs).
  var maxRelativeDifference: Double?
  /// Why the benchmark failed its checks; empty when it passed.
  var failures: [String] = []

  /// The last run's outputs as Float, by output name; not written to JSON.
  var outputs: [String: [Float]] = [:]
  var outputTypes: [String: MLOperandDataType] = [:]

  enum CodingKeys: String, CodingKey {
    case name, kind, runs, warmup, timesMs, minMs, medianMs, buildMs, buildTimes, dispatches, pipelines, flops, bytes,
      bytesNote, rate,
      rateUnit
    case memoryBytes, arenaBytes, intermediateBytes, referenceRelativeError, ort, ratioToORT, maxAbsDifference,
      maxRelativeDifference, failures
  }

  /// Whether any output is float16, which loosens the tolerances.
  var isFloat16: Bool { outputTypes.values.contains(.float16) }
}

/// Builds and times one benchmark.
enum BenchRunner {
  static func run(_ benchmark: Benchmark, _ graph: BenchGraph, context: MLContext, options: BenchOptions)
    async throws -> BenchResult
  {
    DeviceMemory.resetPeak()
    let memoryBefore = DeviceMemory.currentBytes
    let buildStart = ContinuousClock.now
    // The overhead graphs measure what one dispatch costs, so they are built without the graph
    // passes, which would fuse the 200 chained adds into one kernel.
    let passes: Bool? = benchmark.kind == .overhead ? false : nil
    let built = try await GraphPasses.$override.withValue(passes) {
      try await graph.builder.build(graph.outputOperands)
    }
    let buildMs = milliseconds(ContinuousClock.now - buildStart)
    defer { built.destroy() }

    var inputs: [String: MLTensor] = [:]
    for input in graph.inputs {
      let tensor = try await context.createTensor(
        .init(dataType: dataType(input.dataType), shape: input.shape, writable: true))
      try context.writeTensor(tensor, graph.data[input.name]!)
      inputs[input.name] = tensor
    }
    var outputs: [String: MLTensor] = [:]
    for output in graph.outputs {
      outputs[output.name] = try await context.createTensor(
        .init(dataType: dataType(output.dataType), shape: output.shape, readable: true))
    }
    defer { for tensor in Array(inputs.values) + Array(outputs.values) { tensor.destroy() } }

    var last: [String: [UInt8]] = [:]
    func once() async throws {
      try context.dispatch(built, inputs: inputs, outputs: outputs)
      for (name, tensor) in outputs { last[name] = try await context.readTensor(tensor) }
    }
    for _ in 0..<options.warmup { try await once() }
    // A profile covers the timed runs only: a driver that compiles a kernel at its first
    // dispatch (lavapipe with a cold shader cache) would otherwise charge that to the kernel.
    KernelProfile.reset()
    var times: [Double] = []
    for _ in 0..<options.runs {
      let start = ContinuousClock.now
      try await once()
      times.append(milliseconds(ContinuousClock.now - start))
    }

    var result = BenchResult(
      name: benchmark.name, kind: benchmark.kind.rawValue, runs: options.runs, warmup: options.warmup, timesMs: times,
      minMs: times.min()!, medianMs: median(times), buildMs: buildMs, flops: graph.flops, bytes: benchmark.bytes,
      bytesNote: benchmark.bytesNote, memoryBytes: DeviceMemory.peakBytes - memoryBefore)
    (result.rate, result.rateUnit) = rate(benchmark, flops: graph.flops, ms: result.minMs)
    result.dispatches = built.backendStatistics["dispatches"]
    result.pipelines = built.backendStatistics["pipelines"]
    result.arenaBytes = built.backendStatistics["arenaBytes"]
    result.intermediateBytes = built.backendStatistics["intermediateBytes"]
    for output in graph.outputs {
      let type = dataType(output.dataType)
      result.outputs[output.name] = floats(last[output.name]!, type)
      result.outputTypes[output.name] = type
    }
    check(&result, graph)
    return result
  }

  /// Finite outputs, and a sampled CPU reference where one applies.
  static func check(_ result: inout BenchResult, _ graph: BenchGraph) {
    for output in graph.outputs {
      let values = result.outputs[output.name]!
      if let bad = values.firstIndex(where: { !$0.isFinite }) {
        result.failures.append("\(output.name)[\(bad)] is \(values[bad])")
      }
      guard let error = BenchReference.sampledError(graph, output, values) else { continue }
      result.referenceRelativeError = Swift.max(result.referenceRelativeError ?? 0, error)
      let tolerance = output.dataType == "float16" ? 1e-2 : 1e-3
      if !(error <= tolerance) {
        result.failures.append("\(output.name) differs from the CPU reference by \(error) (relative; > \(tolerance))")
      }
    }
  }

  static func rate(_ benchmark: Benchmark, flops: Double, ms: Double) -> (Double?, String?) {
    switch benchmark.kind {
    case .memory: return (benchmark.bytes.map { $0 / (ms * 1e6) }, "GB/s")
    case .compute, .model: return flops > 0 ? (flops / (ms * 1e6), "GFLOP/s") : (nil, nil)
    case .overhead: return (nil, nil)
    }
  }

  static func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  static func dataType(_ name: String) -> MLOperandDataType {
    guard let type = MLOperandDataType(rawValue: name) else { preconditionFailure("unknown data type \(name)") }
    return type
  }

  static func byteLength(_ output: BenchGraph.Output) -> Int {
    dataType(output.dataType).byteLength(elementCount: output.shape.reduce(1, *))
  }

  /// Little-endian float32 or float16 bytes as Float.
  static func floats(_ bytes: [UInt8], _ type: MLOperandDataType) -> [Float] {
    bytes.withUnsafeBytes { raw in
      switch type {
      case .float16: return raw.bindMemory(to: Float16.self).map { Float($0) }
      default: return Array(raw.bindMemory(to: Float.self))
      }
    }
  }
}
