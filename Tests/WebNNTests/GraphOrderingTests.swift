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
}
