import Foundation
import XCTest

@testable import VulkanBackend
@testable import WebNNCore

/// Ordering between submissions: one graph writes a tensor that the next reads, and host writes
/// come between runs, checked by the validation layer's synchronization validation (which
/// reports any access that no barrier or submission order separates from an earlier one to the
/// same memory) as well as by the results. XCTest, so that the validation messages collected are
/// this test's alone.
final class GraphOrderingTests: XCTestCase {
  func testGraphsChainedThroughOneTensorAreOrderedUnderSynchronizationValidation() throws {
    _ = VulkanValidation.drainMessages()
    let context = try ML(provider: VulkanBackendProvider(synchronizationValidation: true)).createContextSync()
    defer { context.destroy() }
    let count = 1 << 16
    let shape = [count]
    func graph(_ body: (MLGraphBuilder, MLOperand) throws -> MLOperand) throws -> MLGraph {
      let builder = MLGraphBuilder(context)
      let x = try builder.input("x", .init(dataType: .float32, shape: shape))
      return try builder.buildSync(["y": try body(builder, x)])
    }
    // first: y = x + 1; second: y = x * 2.
    let first = try graph { builder, x in
      try builder.add(x, try builder.constant(.init(dataType: .float32, shape: [1]), [Float(1)]))
    }
    let second = try graph { builder, x in
      try builder.mul(x, try builder.constant(.init(dataType: .float32, shape: [1]), [Float(2)]))
    }
    let input = try context.createTensorSync(.init(dataType: .float32, shape: shape, writable: true))
    let middle = try context.createTensorSync(.init(dataType: .float32, shape: shape, writable: true))
    let output = try context.createTensorSync(.init(dataType: .float32, shape: shape, readable: true))
    for round in 0..<16 {
      let x = (0..<count).map { Float(($0 + round) % 1000) }
      try context.writeTensor(input, x)
      try context.dispatch(first, inputs: ["x": input], outputs: ["y": middle])
      try context.dispatch(second, inputs: ["x": middle], outputs: ["y": output])
      // The second graph again on the output of the first, then on a host write to the same
      // tensor: each run reads what came just before it.
      try context.dispatch(first, inputs: ["x": output], outputs: ["y": middle])
      try context.dispatch(second, inputs: ["x": middle], outputs: ["y": output])
      let y = try context.readTensorSync(output, as: Float.self)
      XCTAssertEqual(y, x.map { (($0 + 1) * 2 + 1) * 2 }, "round \(round)")
      let w = (0..<count).map { Float($0 % 7) }
      try context.writeTensor(middle, w)
      try context.dispatch(second, inputs: ["x": middle], outputs: ["y": output])
      XCTAssertEqual(try context.readTensorSync(output, as: Float.self), w.map { $0 * 2 }, "round \(round)")
    }
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }

  /// Two run states per graph: a second dispatch with other tensors, made while the first run is
  /// executing, is recorded and submitted without waiting for it, and a run that reads the
  /// tensor the run before it is still writing sees that run's result.
  func testADispatchWhileTheLastRunExecutesDoesNotWaitAndStaysOrdered() throws {
    _ = VulkanValidation.drainMessages()
    let context = try ML(provider: VulkanBackendProvider(synchronizationValidation: true)).createContextSync()
    defer { context.destroy() }
    let n = 256
    let shape = [n, n]
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: shape))
    // y = (x @ w) * 0.5 + 1 with w = 2 * identity: y == x + 1, after a matrix product long
    // enough (milliseconds on lavapipe) for the next dispatch to come while it runs.
    var identity = [Float](repeating: 0, count: n * n)
    for i in 0..<n { identity[i * n + i] = 2 }
    let w = try builder.constant(.init(dataType: .float32, shape: shape), identity)
    let half = try builder.constant(.init(dataType: .float32, shape: [1]), [Float(0.5)])
    let one = try builder.constant(.init(dataType: .float32, shape: [1]), [Float(1)])
    let graph = try builder.buildSync(["y": try builder.add(try builder.mul(try builder.matmul(x, w), half), one)])
    func tensor() throws -> MLTensor {
      try context.createTensorSync(.init(dataType: .float32, shape: shape, readable: true, writable: true))
    }
    let (a, b, c, d) = (try tensor(), try tensor(), try tensor(), try tensor())
    let values = (0..<(n * n)).map { Float($0 % 251) - 125 }
    try context.writeTensor(a, values)
    try context.writeTensor(b, values.map { -$0 })
    try context.dispatch(graph, inputs: ["x": a], outputs: ["y": c])
    try context.dispatch(graph, inputs: ["x": b], outputs: ["y": d])
    XCTAssertEqual(graph.backendStatistics["hostWaits"], 0, "the second dispatch waited for the first run")
    XCTAssertEqual(try context.readTensorSync(c, as: Float.self), values.map { $0 + 1 })
    XCTAssertEqual(try context.readTensorSync(d, as: Float.self), values.map { 1 - $0 })
    // Chained through one graph: each run reads what the run submitted just before it writes.
    try context.writeTensor(a, values)
    for _ in 0..<4 {
      try context.dispatch(graph, inputs: ["x": a], outputs: ["y": c])
      try context.dispatch(graph, inputs: ["x": c], outputs: ["y": a])
    }
    XCTAssertEqual(try context.readTensorSync(a, as: Float.self), values.map { $0 + 8 })
    // a -> c, b -> d, then c -> a into the state that held b -> d.
    XCTAssertEqual(graph.backendStatistics["recordings"], 3)
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }
}
