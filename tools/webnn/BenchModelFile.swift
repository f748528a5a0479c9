import Foundation
import WebNN
import WebNNFormats

/// `webnn bench MODEL`: times one model file (build, then dispatch + read of every output over
/// the runs after warm-up) on seeded random inputs.
enum BenchModelFile {
  static func run(_ model: ModelOptions, runs: Int, warmup: Int, jsonPath: String?) async throws {
    let context = try await ML().createContext()
    defer { context.destroy() }
    let start = Date()
    let builder = MLGraphBuilder(context)
    let file = try ModelFile.load(model, into: builder)
    let graph = try await builder.build(file.outputs)
    let buildMs = Date().timeIntervalSince(start) * 1000
    var random = Demo.Seeded(state: 1)
    var inputs: [String: MLTensor] = [:]
    for input in file.inputs {
      let tensor = try await context.createTensor(
        .init(dataType: input.descriptor.dataType, shape: input.descriptor.shape, writable: true))
      try context.writeTensor(tensor, try RunCommand.randomArray(input.descriptor, &random).bytes)
      inputs[input.name] = tensor
    }
    var outputs: [String: MLTensor] = [:]
    for (name, descriptor) in graph.outputDescriptors {
      outputs[name] = try await context.createTensor(
        .init(dataType: descriptor.dataType, shape: descriptor.shape, readable: true))
    }
    var times: [Double] = []
    for run in 0..<(warmup + runs) {
      let runStart = Date()
      try context.dispatch(graph, inputs: inputs, outputs: outputs)
      for tensor in outputs.values { _ = try await context.readTensor(tensor) }
      if run >= warmup { times.append(Date().timeIntervalSince(runStart) * 1000) }
    }
    times.sort()
    let median = times[times.count / 2]
    print("device: \(context.deviceName); \(runs) runs after \(warmup) warm-up")
    print(
      String(
        format: "%@: build %.1f ms, min %.3f ms, median %.3f ms, max %.3f ms", model.model, buildMs, times[0], median,
        times.last!))
    if let jsonPath {
      let report: JSONValueReport = .init(
        model: model.model, device: context.deviceName, buildMs: buildMs, runsMs: times)
      try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: jsonPath))
    }
  }

  struct JSONValueReport: Encodable {
    var model: String
    var device: String
    var buildMs: Double
    var runsMs: [Double]
  }
}
