import Foundation
import Testing
import WebNN
import WebNNCore

/// Many callers at once on one context: Swift tasks sharing one graph, and OS threads each with
/// graphs of their own, every result checked. ThreadSanitizer runs these with ``LifetimeTests``
/// (RELIABILITY.md).
@Suite struct ConcurrencyTests {
  /// y = x * scale + 1, with scale a constant.
  static func affine(_ context: MLContext, scale: Float, count: Int) throws -> MLGraph {
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [count]))
    let s = try builder.constant(.init(dataType: .float32, shape: [1]), [scale])
    let one = try builder.constant(.init(dataType: .float32, shape: [1]), [Float(1)])
    return try builder.buildSync(["y": try builder.add(try builder.mul(x, s), one)])
  }

  /// Runs `graph` on x = [seed, seed + 1, ...] with tensors of its own and checks y.
  static func runAndCheck(_ context: MLContext, _ graph: MLGraph, scale: Float, count: Int, seed: Int) async throws {
    let input = try await context.createTensor(.init(dataType: .float32, shape: [count], writable: true))
    let output = try await context.createTensor(.init(dataType: .float32, shape: [count], readable: true))
    defer {
      input.destroy()
      output.destroy()
    }
    let x = (0..<count).map { Float(seed + $0) }
    try context.writeTensor(input, x)
    try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
    let y = try await context.readTensor(output, as: Float.self)
    #expect(y == x.map { $0 * scale + 1 }, "seed \(seed)")
  }

  @Test func thirtyTwoTasksShareOneGraph() async throws {
    let context = try await ML().createContext()
    defer { context.destroy() }
    let count = 4096
    let graph = try Self.affine(context, scale: 3, count: count)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for task in 0..<32 {
        group.addTask {
          for round in 0..<8 {
            try await Self.runAndCheck(context, graph, scale: 3, count: count, seed: task * 100 + round)
          }
        }
      }
      try await group.waitForAll()
    }
    expectNoValidationMessages()
  }

  @Test func eightThreadsBuildAndRunTheirOwnGraphs() throws {
    let context = try ML().createContextSync()
    defer { context.destroy() }
    let count = 1000
    let failures = Locked<[String]>([])
    let done = DispatchGroup()
    for thread in 0..<8 {
      done.enter()
      Thread.detachNewThread {
        defer { done.leave() }
        do {
          for round in 0..<6 {
            let scale = Float(thread * 10 + round)
            let graph = try Self.affine(context, scale: scale, count: count)
            defer { graph.destroy() }
            let input = try context.createTensorSync(.init(dataType: .float32, shape: [count], writable: true))
            let output = try context.createTensorSync(.init(dataType: .float32, shape: [count], readable: true))
            defer {
              input.destroy()
              output.destroy()
            }
            let x = (0..<count).map { Float($0 - thread) }
            try context.writeTensor(input, x)
            try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
            let y = try context.readTensorSync(output, as: Float.self)
            if y != x.map({ $0 * scale + 1 }) {
              failures.withLock { $0.append("thread \(thread) round \(round): wrong result") }
            }
          }
        } catch {
          failures.withLock { $0.append("thread \(thread): \(error)") }
        }
      }
    }
    #expect(done.wait(timeout: .now() + 120) == .success, "the threads finished")
    #expect(failures.withLock { $0 } == [])
    expectNoValidationMessages()
  }
}
