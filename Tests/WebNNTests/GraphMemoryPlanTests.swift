import Foundation
import Testing
import WebNNStress

@testable import VulkanBackend
@testable import WebNNCore

/// The memory plan of a graph's own slots: intermediates that are alive at the same time never
/// share a byte, the arena is smaller than a buffer per intermediate, and constants are packed.
@Suite struct GraphMemoryPlanTests {
  /// A small residual network: convolutions, activations, adds that reach back two layers, and a
  /// classifier, so that lifetimes overlap in more than one way.
  static func residualPlan(_ device: VulkanDevice) throws -> GraphPlan {
    let context = try ML().createContextSync()
    let b = MLGraphBuilder(context)
    var rng = SplitMix64(seed: 11)
    func constant(_ shape: [Int]) throws -> MLOperand {
      let count = shape.reduce(1, *)
      return try b.constant(
        .init(dataType: .float32, shape: shape), (0..<count).map { _ in Float.random(in: -0.2...0.2, using: &rng) })
    }
    var x = try b.input("x", .init(dataType: .float32, shape: [1, 8, 16, 16]))
    var skip = x
    for layer in 0..<6 {
      let conv = try b.conv2d(x, try constant([8, 8, 3, 3]), options: .init(padding: [1, 1, 1, 1]))
      x = try b.relu(layer % 2 == 1 ? try b.add(conv, skip) : conv)
      if layer % 2 == 1 { skip = x }
    }
    let pooled = try b.averagePool2d(x)
    let logits = try b.gemm(try b.reshape(pooled, [1, 8]), try constant([8, 4]))
    let ir = try GraphPasses.$override.withValue(false) { try b.graphIR(["y": try b.softmax(logits, axis: 1)]) }
    return try GraphPasses.$override.withValue(false) {
      try GraphPlan(ir, hasFloat16Arithmetic: false, selection: device.selection)
    }
  }

  /// First and last dispatch binding each slot, computed independently of the plan.
  static func lifetimes(_ plan: GraphPlan) -> [Int: ClosedRange<Int>] {
    var result: [Int: ClosedRange<Int>] = [:]
    for (index, dispatch) in plan.dispatches.enumerated() {
      for slot in dispatch.parameters.bindings {
        result[slot] = result[slot].map { $0.lowerBound...index } ?? index...index
      }
    }
    return result
  }

  @Test func liveIntermediatesNeverShareBytes() throws {
    let device = try GuardRegionTests.device()
    let plan = try Self.residualPlan(device)
    let memory = GraphMemoryPlan(plan, alignment: 64, gap: 0, reuse: true, maxBuffer: Int.max)
    let lifetimes = Self.lifetimes(plan)
    let arena = memory.placements.filter { $0.value.pool == .arena }
    #expect(arena.count >= 10, "the network has intermediates: \(arena.count)")
    for (a, first) in arena {
      #expect(first.offset % 64 == 0)
      #expect(first.offset + first.size <= memory.arenaBytes)
      for (b, second) in arena where a < b && lifetimes[a]!.overlaps(lifetimes[b]!) {
        let disjoint = first.offset + first.size <= second.offset || second.offset + second.size <= first.offset
        #expect(disjoint, "slots \(a) and \(b) are alive together and overlap")
      }
    }
    #expect(memory.arenaBytes * 2 <= memory.intermediateBytes, "\(memory.arenaBytes) of \(memory.intermediateBytes)")
  }

  @Test func withoutReuseEverySlotHasItsOwnBytesAndItsGap() throws {
    let device = try GuardRegionTests.device()
    let plan = try Self.residualPlan(device)
    let memory = GraphMemoryPlan(plan, alignment: 64, gap: 256, reuse: false, maxBuffer: Int.max)
    let arena = memory.placements.values.filter { $0.pool == .arena }.sorted { $0.offset < $1.offset }
    for (first, second) in zip(arena, arena.dropFirst()) {
      #expect(first.offset + first.size + 256 <= second.offset)
    }
    #expect(memory.arenaBytes >= memory.intermediateBytes)
  }

  @Test func constantsArePackedAndSplitAtTheLargestAllocation() throws {
    let device = try GuardRegionTests.device()
    let plan = try Self.residualPlan(device)
    let packed = GraphMemoryPlan(plan, alignment: 64, gap: 0, reuse: true, maxBuffer: Int.max)
    #expect(packed.weightBufferSizes.count == 1)
    let constants = plan.constantData.count
    #expect(packed.placements.values.filter { $0.pool == .weights(0) }.count == constants)

    // One 3x3 8->8 filter is 2304 bytes: a 4096-byte limit holds one per buffer, and the arena
    // no longer fits, so its slots get buffers of their own.
    let split = GraphMemoryPlan(plan, alignment: 64, gap: 0, reuse: true, maxBuffer: 4096)
    #expect(split.weightBufferSizes.count > 1)
    #expect(split.weightBufferSizes.allSatisfy { $0 <= 4096 })
    #expect(split.arenaBytes == 0)
    #expect(split.placements.values.contains { if case .separate = $0.pool { true } else { false } })
  }
}
