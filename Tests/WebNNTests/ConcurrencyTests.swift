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

  /// A hundred reads pending on a long run hold no thread each: the context's waiter thread
  /// waits for the device, and each read resumes once the run has finished. Reads that each
  /// blocked a Dispatch thread in vkWaitForFences would take every thread Dispatch has (on
  /// Linux it adds none for blocked ones), so other work queued meanwhile, such as a graph
  /// build, would wait for the run; here it runs while the run is still going.
  @Test func pendingReadsHoldNoThreads() async throws {
    let context = try await ML().createContext()
    defer { context.destroy() }
    let n = 512
    let builder = MLGraphBuilder(context)
    var y = try builder.input("x", .init(dataType: .float32, shape: [n, n]))
    // 64 chained products with 1/n, x of ones staying ones: about a second on lavapipe, so the
    // run outlasts the ~100 ms that Dispatch's pool can take to add a thread when tests running
    // alongside block its workers. Far less on a GPU, where the check below still holds.
    let w = try builder.constant(
      .init(dataType: .float32, shape: [n, n]), [Float](repeating: 1 / Float(n), count: n * n))
    for _ in 0..<64 { y = try builder.matmul(y, w) }
    let graph = try builder.buildSync(["y": y])
    let input = try context.createTensorSync(.init(dataType: .float32, shape: [n, n], writable: true))
    let output = try context.createTensorSync(.init(dataType: .float32, shape: [n, n], readable: true))
    try context.writeTensor(input, [Float](repeating: 1, count: n * n))
    _ = try await context.readTensor(output)
    let clock = ContinuousClock()
    let firstRead = Locked<ContinuousClock.Instant?>(nil)
    try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
    let probe: ContinuousClock.Instant = try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<100 {
        group.addTask {
          let values = try await context.readTensor(output, as: Float.self)
          firstRead.withLock { $0 = $0 ?? clock.now }
          #expect(values.allSatisfy { abs($0 - 1) < 1e-4 })
        }
      }
      try await Task.sleep(for: .milliseconds(20))
      // Work for a Dispatch thread, queued while the reads are pending.
      let probe = await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: clock.now) }
      }
      try await group.waitForAll()
      return probe
    }
    let read = try #require(firstRead.withLock { $0 })
    #expect(probe < read, "work queued on Dispatch waited for the run the reads were waiting for")
    expectNoValidationMessages()
  }
}
