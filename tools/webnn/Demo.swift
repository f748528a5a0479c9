import Foundation
import WebNN

/// `webnn demo`: a small image classifier head (conv2d + bias, relu, maxPool2d, gemm,
/// softmax) with seeded weights, run on the default device and checked against a plain CPU
/// computation of the same graph.
enum Demo {
  struct Seeded {
    var state: UInt64
    mutating func next() -> Float {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 1000
    }
    mutating func values(_ count: Int, scale: Float) -> [Float] { (0..<count).map { _ in next() * scale } }
  }

  static let (channels, size, filters, classes) = (3, 16, 8, 10)

  static func run() async throws {
    var random = Seeded(state: 42)
    let image = random.values(channels * size * size, scale: 1)
    let filter = random.values(filters * channels * 3 * 3, scale: 0.5)
    let bias = random.values(filters, scale: 0.1)
    let pooled = filters * (size / 2) * (size / 2)
    let weights = random.values(pooled * classes, scale: 0.05)
    let classBias = random.values(classes, scale: 0.1)

    let start = Date()
    let context = try await ML().createContext()
    print("device: \(context.deviceName)\(context.accelerated ? "" : " (CPU implementation)")")
    let builder = MLGraphBuilder(context)
    let x = try builder.input("image", .init(dataType: .float32, shape: [1, channels, size, size]))
    let w = try builder.constant(.init(dataType: .float32, shape: [filters, channels, 3, 3]), filter)
    let b = try builder.constant(.init(dataType: .float32, shape: [filters]), bias)
    let conv = try builder.conv2d(x, w, options: .init(label: "stem", padding: [1, 1, 1, 1], bias: b))
    let pool = try builder.maxPool2d(
      try builder.relu(conv), options: .init(windowDimensions: [2, 2], strides: [2, 2]))
    let flat = try builder.reshape(pool, [1, pooled])
    let fc = try builder.gemm(
      flat, try builder.constant(.init(dataType: .float32, shape: [pooled, classes]), weights),
      options: .init(c: try builder.constant(.init(dataType: .float32, shape: [classes]), classBias)))
    let probabilities = try builder.softmax(fc, axis: 1)
    let graph = try await builder.build(["probabilities": probabilities])
    let buildTime = Date().timeIntervalSince(start)

    let input = try await context.createTensor(
      .init(dataType: .float32, shape: [1, channels, size, size], writable: true))
    let output = try await context.createTensor(.init(dataType: .float32, shape: [1, classes], readable: true))
    try context.writeTensor(input, image)
    var result: [Float] = []
    let runs = 20
    let runStart = Date()
    for _ in 0..<runs {
      try context.dispatch(graph, inputs: ["image": input], outputs: ["probabilities": output])
      result = try await context.readTensor(output, as: Float.self)
    }
    let runTime = Date().timeIntervalSince(runStart) / Double(runs)

    let reference = cpuReference(image, filter, bias, weights, classBias)
    let difference = zip(result, reference).map { Swift.abs($0 - $1) }.max() ?? .infinity
    print("probabilities:", result.map { String(format: "%.5f", $0) }.joined(separator: " "))
    print(
      "top class: \(result.indices.max { result[$0] < result[$1] }!), sum \(String(format: "%.6f", result.reduce(0, +)))"
    )
    print("max difference from the CPU reference: \(difference)")
    print(
      String(
        format: "context + build: %.1f ms, dispatch + read: %.3f ms (mean of %d)", buildTime * 1000, runTime * 1000,
        runs))
    context.destroy()
    let messages = VulkanValidation.drainMessages()
    guard difference < 1e-5, messages.isEmpty else {
      throw DemoError(message: "demo failed: difference \(difference), \(messages.count) validation messages")
    }
  }

  struct DemoError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }

  /// The same graph in plain Swift loops.
  static func cpuReference(
    _ image: [Float], _ filter: [Float], _ bias: [Float], _ weights: [Float], _ classBias: [Float]
  )
    -> [Float]
  {
    var activation = [Float](repeating: 0, count: filters * size * size)
    for o in 0..<filters {
      for y in 0..<size {
        for x in 0..<size {
          var sum: Float = 0
          for c in 0..<channels {
            for ky in 0..<3 {
              for kx in 0..<3 {
                let (iy, ix) = (y + ky - 1, x + kx - 1)
                guard iy >= 0, iy < size, ix >= 0, ix < size else { continue }
                sum += image[(c * size + iy) * size + ix] * filter[((o * channels + c) * 3 + ky) * 3 + kx]
              }
            }
          }
          activation[(o * size + y) * size + x] = Swift.max(0, sum + bias[o])
        }
      }
    }
    let half = size / 2
    var pooled = [Float](repeating: 0, count: filters * half * half)
    for o in 0..<filters {
      for y in 0..<half {
        for x in 0..<half {
          var best = -Float.infinity
          for dy in 0..<2 {
            for dx in 0..<2 { best = Swift.max(best, activation[(o * size + 2 * y + dy) * size + 2 * x + dx]) }
          }
          pooled[(o * half + y) * half + x] = best
        }
      }
    }
    var logits = classBias
    for k in 0..<classes { for i in pooled.indices { logits[k] += pooled[i] * weights[i * classes + k] } }
    let largest = logits.max()!
    let exps = logits.map { Foundation.exp($0 - largest) }
    let total = exps.reduce(0, +)
    return exps.map { $0 / total }
  }
}
