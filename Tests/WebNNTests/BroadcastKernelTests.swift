import Testing
import WebNN
import WebNNStress

@testable import VulkanBackend
@testable import WebNNCore

/// Binary operators whose inputs broadcast, against the CPU evaluator's broadcasting. Shapes that
/// collapse to [rows, columns] with each input whole, a row, a column or a scalar take the
/// elementwise kernel's ROWS path (vec4 or scalar, texels or storage loads); the others take
/// its strided path. `make test` reruns the suite with storage loads only.
@Suite struct BroadcastKernelTests {
  struct Case {
    var a: [Int]
    var b: [Int]
  }

  @Test func broadcastingBinaryOperatorsAgreeWithTheReference() async throws {
    let cases: [Case] = [
      Case(a: [37, 384], b: [384]),  // a bias: whole and one value per column (vec4)
      Case(a: [384], b: [37, 384]),
      Case(a: [300, 64], b: [300, 1]),  // one value per row
      Case(a: [300, 1], b: [1, 64]),  // an outer sum: one per row and one per column
      Case(a: [2, 12, 16, 16], b: [2, 1, 1, 16]),  // an attention mask, batch 2
      Case(a: [1, 12, 16, 16], b: [1, 1, 1, 16]),
      Case(a: [41, 7], b: [7]),  // columns not a multiple of 4: scalar path
      Case(a: [41, 1], b: [41, 7]),
      Case(a: [41, 7], b: []),  // a scalar, flat
      Case(a: [2, 3, 8], b: [3, 1]),  // rank 3 after collapsing: the strided path
    ]
    let context = try await sharedContext()
    for (index, c) in cases.enumerated() {
      var rng = SplitMix64(seed: UInt64(700 + index))
      let a = (0..<c.a.reduce(1, *)).map { _ in Float.random(in: 0.5...2, using: &rng) }
      let b = (0..<c.b.reduce(1, *)).map { _ in Float.random(in: 0.5...2, using: &rng) }
      let builder = MLGraphBuilder(context)
      let x = try builder.input("a", .init(dataType: .float32, shape: c.a))
      let y = try builder.input("b", .init(dataType: .float32, shape: c.b))
      // sub and div are not commutative, so that a swapped pair of inputs shows.
      let outputs = ["sub": try builder.sub(x, y), "div": try builder.div(x, y), "max": try builder.max(x, y)]
      let graph = try await builder.build(outputs)
      // The CPU evaluator's broadcasting (constant folding uses it) maps each output element to
      // the input elements it reads.
      let shape = outputs["sub"]!.shape
      let aAt = CPUEvaluator.broadcastIndexer(c.a, to: shape)
      let bAt = CPUEvaluator.broadcastIndexer(c.b, to: shape)
      let results = try await run(
        context, graph, inputs: ["a": (c.a, a), "b": (c.b, b)], outputs: outputs.mapValues { $0.shape })
      let references: [String: (Float, Float) -> Float] = ["sub": (-), "div": (/), "max": { Swift.max($0, $1) }]
      for (name, reference) in references {
        let expected = (0..<shape.reduce(1, *)).map { reference(a[aAt($0)], b[bAt($0)]) }
        #expect(results[name] == expected, "case \(index) \(name): \(c.a) with \(c.b)")
      }
      expectNoValidationMessages()
    }
  }

  /// The defines and texel types of the one binary kernel of `a - b`, with texel loads on.
  static func kernel(_ a: [Int], _ b: [Int]) throws -> Kernel {
    var selection = try GuardRegionTests.device().selection
    selection.texelLoads = true
    let builder = MLGraphBuilder(try ML().createContextSync())
    let x = try builder.input("a", .init(dataType: .float32, shape: a))
    let y = try builder.input("b", .init(dataType: .float32, shape: b))
    let ir = try builder.graphIR(["z": try builder.sub(x, y)])
    let plan = try GraphPlan(ir, hasFloat16Arithmetic: false, selection: selection)
    let kernels = plan.dispatches.map(\.kernel).filter { $0.shader == "elementwise_binary.comp" }
    try #require(kernels.count == 1, "one binary kernel: \(plan.dispatches.map(\.kernel.shader))")
    return kernels[0]
  }

  @Test func rowsAndColumnsAreIndexedFromAConstant() throws {
    let bias = try Self.kernel([37, 384], [384])
    #expect(bias.defines["ROWS"] == "1" && bias.defines["INNER"] == "96" && bias.defines["VECTORIZED"] == "1")
    #expect(bias.defines["A_MODE"] == "1" && bias.defines["B_MODE"] == "3")
    #expect(bias.texels(binding: 1) == .float32 && bias.texels(binding: 2) == .float32)
    let perRow = try Self.kernel([300, 64], [300, 1])
    #expect(perRow.defines["ROWS"] == "1" && perRow.defines["B_MODE"] == "4")
    #expect(perRow.texels(binding: 2) == .float32Scalar)
    let scalarPath = try Self.kernel([41, 7], [7])
    #expect(scalarPath.defines["ROWS"] == "1" && scalarPath.defines["INNER"] == "7")
    #expect(scalarPath.defines["VECTORIZED"] == nil && scalarPath.texels(binding: 1) == nil)
    let flatScalar = try Self.kernel([41, 8], [])
    #expect(flatScalar.defines["FLAT"] == "1" && flatScalar.defines["B_MODE"] == "2")
    #expect(flatScalar.texels(binding: 2) == .float32Scalar)
    #expect(try Self.kernel([2, 3, 8], [3, 1]).defines["ROWS"] == nil)
  }
}
