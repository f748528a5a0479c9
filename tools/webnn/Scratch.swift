import Foundation
import WebNN

enum Scratch {
  static func time(
    _ context: MLContext, _ graph: MLGraph, _ inputs: [String: MLTensor], _ outputs: [String: MLTensor], runs: Int
  ) async throws -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
      let t = Date()
      try context.dispatch(graph, inputs: inputs, outputs: outputs)
      for (_, o) in outputs { _ = try await context.readTensor(o, as: Float.self) }
      best = min(best, Date().timeIntervalSince(t))
    }
    return best
  }
  static func run(_ args: [String]) async throws {
    let context = try await ML().createContext()
    let which = args.first ?? "all"
    func rnd(_ n: Int) -> [Float] { (0..<n).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 } }
    if which == "all" || which == "matmul" {
      for n in [256, 1024] {
        let b = MLGraphBuilder(context)
        let x = try b.input("a", .init(dataType: .float32, shape: [n, n]))
        let w = try b.constant(.init(dataType: .float32, shape: [n, n]), rnd(n * n))
        let g = try await b.build(["y": try b.matmul(x, w)])
        let a = try await context.createTensor(.init(dataType: .float32, shape: [n, n], writable: true))
        try context.writeTensor(a, rnd(n * n))
        let y = try await context.createTensor(.init(dataType: .float32, shape: [n, n], readable: true))
        let t = try await time(context, g, ["a": a], ["y": y], runs: n > 512 ? 2 : 5)
        print("matmul \(n): \(t * 1000) ms, \(2.0 * Double(n * n * n) / t / 1e9) GFLOP/s")
      }
    }
    if which == "all" || which == "conv" {
      let b = MLGraphBuilder(context)
      let x = try b.input("x", .init(dataType: .float32, shape: [1, 64, 56, 56]))
      let w = try b.constant(.init(dataType: .float32, shape: [64, 64, 3, 3]), rnd(64 * 64 * 9))
      let g = try await b.build(["y": try b.conv2d(x, w, options: .init(padding: [1, 1, 1, 1]))])
      let a = try await context.createTensor(.init(dataType: .float32, shape: [1, 64, 56, 56], writable: true))
      try context.writeTensor(a, rnd(64 * 56 * 56))
      let y = try await context.createTensor(.init(dataType: .float32, shape: [1, 64, 56, 56], readable: true))
      let t = try await time(context, g, ["x": a], ["y": y], runs: 3)
      print("conv3x3 64: \(t * 1000) ms, \(2.0 * 64 * 64 * 9 * 56 * 56 / t / 1e9) GFLOP/s")
    }
    if which == "all" || which == "add" {
      let n = 4 * 1024 * 1024
      let b = MLGraphBuilder(context)
      let x = try b.input("x", .init(dataType: .float32, shape: [n]))
      let z = try b.input("z", .init(dataType: .float32, shape: [n]))
      let g = try await b.build(["y": try b.add(x, z)])
      let a = try await context.createTensor(.init(dataType: .float32, shape: [n], writable: true))
      let c = try await context.createTensor(.init(dataType: .float32, shape: [n], writable: true))
      let y = try await context.createTensor(.init(dataType: .float32, shape: [n], readable: true))
      var best = Double.infinity
      for _ in 0..<5 {
        let t = Date()
        try context.dispatch(g, inputs: ["x": a, "z": c], outputs: ["y": y])
        _ = try await context.readTensor(y)
        best = min(best, Date().timeIntervalSince(t))
      }
      print("add 4M: \(best * 1000) ms, \(12.0 * Double(n) / best / 1e9) GB/s (incl. read)")
    }
  }
}
