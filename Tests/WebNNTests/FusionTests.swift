import Foundation
import Testing
import WebNN
import WebNNStress

/// The graph passes and the backend's fusion: random element-wise chains and random matrix
/// products and convolutions with random epilogues are built with fusion on and off, and both
/// results must agree with each other and with the CPU evaluator's reference.
@Suite struct FusionTests {
  /// Evaluates a graph's IR node by node on the CPU (CPUEvaluator, float32).
  static func reference(_ ir: GraphIR, inputs: [String: [Float]]) throws -> [String: [Float]] {
    var values: [OperandID: CPUTensor] = [:]
    for (name, operand) in ir.inputs { values[operand] = CPUTensor(ir.operands[operand], floats: inputs[name]!) }
    func value(_ operand: OperandID) -> CPUTensor {
      if let known = values[operand] { return known }
      return CPUTensor(ir.operands[operand], bytes: ir.constantBytes(operand)!.arrayCopy)
    }
    for node in ir.nodes {
      let output = ir.operands[node.outputs[0]]
      guard let result = CPUEvaluator.evaluate(node.operation, node.operation.inputs.map(value), output: output) else {
        throw MLError(.notSupportedError, "no CPU reference for \(node.operation.name)")
      }
      values[node.outputs[0]] = result
    }
    return Dictionary(uniqueKeysWithValues: ir.outputs.map { ($0.name, value($0.operand).floats) })
  }

  /// max |a - b| / max |b|, over one output.
  static func relativeDifference(_ a: [Float], _ b: [Float]) -> Float {
    let scale = max(b.map(abs).max() ?? 0, 1e-6)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
  }

  /// Builds the graph `make` describes twice (fusion on and off), runs both on `inputs`, and
  /// checks both against the CPU reference; returns the dispatch counts (fused, unfused).
  static func check(
    seed: UInt64, inputs: [String: [Int]], tolerance: Float = 1e-4, withReference: Bool = true,
    _ make: (MLGraphBuilder, inout SplitMix64, [String: MLOperand]) throws -> MLOperand
  ) async throws -> (fused: Int, unfused: Int) {
    let context = try await sharedContext()
    var values: [String: (shape: [Int], values: [Float])] = [:]
    var rng = SplitMix64(seed: seed)
    for (name, shape) in inputs.sorted(by: { $0.key < $1.key }) {
      values[name] = (shape, (0..<shape.reduce(1, *)).map { _ in Float.random(in: -2...2, using: &rng) })
    }
    var counts: [Int] = []
    var results: [[Float]] = []
    var ir: GraphIR?
    for fused in [true, false] {
      let builder = MLGraphBuilder(context)
      var operands: [String: MLOperand] = [:]
      for (name, shape) in inputs { operands[name] = try builder.input(name, .init(dataType: .float32, shape: shape)) }
      var graphRNG = SplitMix64(seed: seed &+ 1)
      let y = try make(builder, &graphRNG, operands)
      ir = try builder.graphIR(["y": y])
      let graph = try await GraphPasses.$override.withValue(fused) { try await builder.build(["y": y]) }
      counts.append(graph.backendStatistics["dispatches"] ?? 0)
      results.append(try await run(context, graph, inputs: values, outputs: ["y": y.shape])["y"]!)
    }
    #expect(
      relativeDifference(results[0], results[1]) <= (withReference ? 1e-5 : tolerance),
      "seed \(seed): fused and unfused differ")
    guard withReference else { return (counts[0], counts[1]) }
    let expected = try reference(ir!, inputs: values.mapValues(\.values))["y"]!
    #expect(relativeDifference(results[0], expected) <= tolerance, "seed \(seed): fused differs from the reference")
    #expect(relativeDifference(results[1], expected) <= tolerance, "seed \(seed): unfused differs from the reference")
    expectNoValidationMessages()
    return (counts[0], counts[1])
  }

  static func constant(_ b: MLGraphBuilder, _ shape: [Int], _ rng: inout SplitMix64, range: Float = 1) throws
    -> MLOperand
  {
    try b.constant(
      .init(dataType: .float32, shape: shape),
      (0..<shape.reduce(1, *)).map { _ in Float.random(in: -range...range, using: &rng) })
  }

  /// One random activation.
  static func activation(_ b: MLGraphBuilder, _ x: MLOperand, _ rng: inout SplitMix64) throws -> MLOperand {
    switch Int.random(in: 0..<11, using: &rng) {
    case 0: return try b.relu(x)
    case 1: return try b.clamp(x, options: .init(minValue: .double(-0.5), maxValue: .double(1.5)))
    case 2: return try b.sigmoid(x)
    case 3: return try b.tanh(x)
    case 4: return try b.gelu(x)
    case 5: return try b.hardSwish(x)
    case 6: return try b.leakyRelu(x, options: .init(alpha: 0.2))
    case 7: return try b.elu(x, options: .init(alpha: 0.7))
    case 8: return try b.linear(x, options: .init(alpha: 0.5, beta: 0.25))
    case 9: return try b.abs(x)
    default: return try b.neg(x)
    }
  }

  /// A random binary operator with an operand of the same shape, a last-axis vector or a scalar.
  static func binary(
    _ b: MLGraphBuilder, _ x: MLOperand, _ rng: inout SplitMix64, residual: MLOperand? = nil
  ) throws -> MLOperand {
    let other: MLOperand
    switch Int.random(in: 0..<3, using: &rng) {
    case 0: other = try residual ?? constant(b, x.shape, &rng)
    case 1: other = try constant(b, [x.shape.last!], &rng)
    default: other = try constant(b, [], &rng)
    }
    let swapped = Bool.random(using: &rng)
    let (left, right) = swapped ? (other, x) : (x, other)
    switch Int.random(in: 0..<5, using: &rng) {
    case 0: return try b.add(left, right)
    case 1: return try b.sub(left, right)
    case 2: return try b.mul(left, right)
    case 3: return try b.max(left, right)
    default: return try b.min(left, right)
    }
  }

  @Test func randomElementwiseChainsAgree() async throws {
    for seed in UInt64(1)...12 {
      let shape = [[2, 3, 8], [5, 7], [4, 16], [1, 3, 5, 4]][Int(seed % 4)]
      let counts = try await Self.check(seed: seed, inputs: ["x": shape, "z": shape]) { b, rng, inputs in
        var y = inputs["x"]!
        for _ in 0..<Int.random(in: 2...6, using: &rng) {
          switch Int.random(in: 0..<3, using: &rng) {
          case 0: y = try Self.activation(b, y, &rng)
          case 1: y = try Self.binary(b, y, &rng, residual: inputs["z"])
          default:
            let condition = try b.constant(
              .init(dataType: .uint8, shape: [shape.last!]),
              (0..<shape.last!).map { _ in UInt8.random(in: 0...1, using: &rng) })
            y = try b.where(condition, y, inputs["z"]!)
          }
        }
        return y
      }
      #expect(counts.fused == 1, "seed \(seed): a chain of element-wise nodes is one dispatch")
      #expect(counts.unfused > 1)
    }
  }

  /// matmul (batched for odd seeds), then random activations and binaries (a residual input
  /// among them).
  @Test func randomMatrixProductEpiloguesAgree() async throws {
    for seed in UInt64(100)...109 {
      let (m, k, n) = (Int(seed % 5) + 3, 17, [8, 12, 33, 64][Int(seed % 4)])
      let batch = seed % 2 == 0 ? [] : [2]
      let counts = try await Self.check(seed: seed, inputs: ["x": batch + [m, k], "r": batch + [m, n]]) {
        b, rng, inputs in
        let w = try Self.constant(b, [k, n], &rng, range: 0.3)
        var y = try b.matmul(inputs["x"]!, w)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
          y =
            Bool.random(using: &rng)
            ? try Self.activation(b, y, &rng) : try Self.binary(b, y, &rng, residual: inputs["r"])
        }
        return y
      }
      #expect(counts.fused == 1, "seed \(seed): the epilogue runs in the product's store")
    }
  }

  /// conv2d of every kernel path (depthwise, direct, unfolded, 1x1), bias, then an epilogue.
  /// The unfolded ones include 7 x 7 outputs (49 pixels), whose last unfolded vector of each
  /// row is part padding.
  @Test func randomConvolutionEpiloguesAgree() async throws {
    let cases: [(channels: Int, out: Int, kernel: Int, stride: Int, groups: Int)] = [
      (8, 8, 3, 1, 8), (4, 8, 3, 1, 1), (4, 6, 3, 2, 1), (6, 4, 1, 1, 1), (4, 4, 5, 2, 2), (5, 4, 3, 3, 1),
    ]
    for (index, c) in cases.enumerated() {
      let seed = UInt64(200 + index)
      let size = 20
      let outSize = (size + 2 * (c.kernel / 2) - c.kernel) / c.stride + 1
      _ = try await Self.check(
        seed: seed, inputs: ["x": [1, c.channels, size, size], "r": [1, c.out, outSize, outSize]]
      ) { b, rng, inputs in
        let filter = try Self.constant(b, [c.out, c.channels / c.groups, c.kernel, c.kernel], &rng, range: 0.4)
        let pad = c.kernel / 2
        var y = try b.conv2d(
          inputs["x"]!, filter,
          options: .init(
            padding: [pad, pad, pad, pad], strides: [c.stride, c.stride], groups: c.groups,
            bias: try Self.constant(b, [c.out], &rng)))
        y = try b.add(y, inputs["r"]!)
        for _ in 0..<Int.random(in: 1...3, using: &rng) { y = try Self.activation(b, y, &rng) }
        return y
      }
    }
  }

  /// conv2d 3x3 at stride 1 with 128 to 256 channels runs as Winograd F(2x2, 3x3) (three
  /// dispatches: input transform, batched product, output transform with the epilogue): both
  /// layouts, filter layouts, ragged output tiles, asymmetric padding, batches, with and
  /// without bias, checked against the CPU reference.
  @Test func winogradConvolutionsAgree() async throws {
    let cases:
      [(
        n: Int, c: Int, o: Int, h: Int, w: Int, pad: [Int], nhwc: Bool, filter: MLConv2dFilterOperandLayout, bias: Bool
      )] =
        [
          (1, 128, 128, 16, 16, [1, 1, 1, 1], false, .oihw, true),
          (2, 128, 136, 15, 17, [1, 1, 1, 1], false, .ohwi, false),
          (1, 132, 128, 15, 15, [0, 1, 2, 0], true, .hwio, true),
          (1, 128, 144, 18, 16, [0, 0, 0, 0], true, .ihwo, true),
        ]
    for (index, c) in cases.enumerated() {
      let seed = UInt64(250 + index)
      let (oh, ow) = (c.h + c.pad[0] + c.pad[1] - 2, c.w + c.pad[2] + c.pad[3] - 2)
      let image = { (channels: Int, h: Int, w: Int) in c.nhwc ? [c.n, h, w, channels] : [c.n, channels, h, w] }
      let filterShape: [Int] =
        switch c.filter {
        case .oihw: [c.o, c.c, 3, 3]
        case .hwio: [3, 3, c.c, c.o]
        case .ohwi: [c.o, 3, 3, c.c]
        case .ihwo: [c.c, 3, 3, c.o]
        }
      let counts = try await Self.check(
        seed: seed, inputs: ["x": image(c.c, c.h, c.w), "r": image(c.o, oh, ow)]
      ) { b, rng, inputs in
        var y = try b.conv2d(
          inputs["x"]!, try Self.constant(b, filterShape, &rng, range: 0.2),
          options: .init(
            padding: c.pad, inputLayout: c.nhwc ? .nhwc : .nchw, filterLayout: c.filter,
            bias: c.bias ? try Self.constant(b, [c.o], &rng) : nil))
        y = try b.add(y, inputs["r"]!)
        return try b.relu(y)
      }
      #expect(counts.fused == 3, "case \(index): Winograd's three dispatches, the epilogue in the last")
    }
  }

  /// Depthwise convolutions over NCHW rows of a multiple of 4 columns read each patch row as
  /// aligned vec4 texels on CPU devices, with the padding setting where the patch starts in its
  /// first vec4; every padding phase, strides, dilations, a channel multiplier and a 5x5 window
  /// are checked against the CPU reference (and, with `WEBNN_TEXEL_LOADS=0` in `make test`, the
  /// storage-buffer path too). Narrow planes run several lanes down the plane.
  @Test func depthwiseConvolutionsAgree() async throws {
    let cases: [(c: Int, multiplier: Int, h: Int, w: Int, k: Int, pad: [Int], stride: Int, dilation: Int)] = [
      (8, 1, 9, 16, 3, [1, 1, 1, 1], 1, 1),
      (8, 1, 10, 20, 3, [0, 0, 0, 0], 1, 1),
      (6, 2, 8, 12, 3, [2, 1, 2, 3], 1, 1),
      (4, 1, 11, 24, 3, [0, 1, 3, 0], 2, 1),
      (4, 1, 12, 16, 3, [2, 2, 2, 2], 1, 2),
      (5, 1, 13, 28, 5, [2, 2, 2, 2], 1, 1),
      (8, 1, 7, 14, 3, [1, 1, 1, 1], 1, 1),
      // Planes narrower than a subgroup's tiles stack lanes down the plane (MobileNetV2's 14
      // and 7 columns), over several workgroup rows where the plane is tall.
      (3, 1, 150, 14, 3, [1, 1, 1, 1], 1, 1),
      (3, 1, 7, 7, 3, [1, 1, 1, 1], 1, 1),
      (2, 2, 97, 6, 3, [1, 0, 1, 2], 2, 1),
    ]
    for (index, c) in cases.enumerated() {
      _ = try await Self.check(seed: UInt64(270 + index), inputs: ["x": [1, c.c, c.h, c.w]]) { b, rng, inputs in
        let y = try b.conv2d(
          inputs["x"]!, try Self.constant(b, [c.c * c.multiplier, 1, c.k, c.k], &rng),
          options: .init(
            padding: c.pad, strides: [c.stride, c.stride], dilations: [c.dilation, c.dilation], groups: c.c,
            bias: try Self.constant(b, [c.c * c.multiplier], &rng)))
        return try b.clamp(y, options: .init(minValue: 0, maxValue: 6))
      }
    }
  }

  @Test func batchNormalizationFoldsIntoTheConvolution() async throws {
    let counts = try await Self.check(seed: 300, inputs: ["x": [1, 3, 9, 9]]) { b, rng, inputs in
      let conv = try b.conv2d(
        inputs["x"]!, try Self.constant(b, [4, 3, 3, 3], &rng),
        options: .init(padding: [1, 1, 1, 1], bias: try Self.constant(b, [4], &rng)))
      let positive = try b.constant(.init(dataType: .float32, shape: [4]), [0.5, 1, 2, 0.1] as [Float])
      return try b.batchNormalization(
        conv, mean: try Self.constant(b, [4], &rng), variance: positive,
        options: .init(scale: try Self.constant(b, [4], &rng), bias: try Self.constant(b, [4], &rng)))
    }
    // Unfolded into a scratch matrix, the convolution is two dispatches; batch normalization
    // would be a third.
    #expect(counts.fused == counts.unfused - 1)
  }

  /// Transposes that only matmuls read cost no dispatch: the product reads their input through
  /// permuted strides (batch dimensions moved too, as attention's head split does).
  @Test func transposesFeedingMatmulsAreReadInPlace() async throws {
    let counts = try await Self.check(seed: 500, inputs: ["q": [1, 6, 3, 4], "k": [1, 6, 3, 4], "w": [4, 3, 6]]) {
      b, rng, inputs in
      // q: [1, 6, 3, 4] -> [1, 3, 6, 4]; k: -> [1, 3, 4, 6]; scores [1, 3, 6, 6].
      let scores = try b.matmul(
        try b.transpose(inputs["q"]!, options: .init(permutation: [0, 2, 1, 3])),
        try b.transpose(inputs["k"]!, options: .init(permutation: [0, 2, 3, 1])))
      // One that moves a batch dimension ([4, 3, 6] -> [3, 6, 4]) and one of the last two
      // dimensions of that: [3, 6, 4] x [3, 4, 6], broadcast onto the scores.
      let w = try b.transpose(inputs["w"]!, options: .init(permutation: [1, 2, 0]))
      let product = try b.matmul(w, try b.transpose(w, options: .init(permutation: [0, 2, 1])))
      return try b.add(scores, product)
    }
    // Unfused, the three transposes that only matmuls read are copies; the fourth (of w, read
    // by a matmul and by a transpose) is a copy either way.
    #expect(counts.fused == counts.unfused - 3)
  }

  /// Keys transposed in place ([1, tokens, heads, size] -> [1, heads, size, tokens]) are read
  /// along k, four steps at a time: several tiles of columns, a ragged last one (N = 37), and
  /// K = 12 over three steps.
  @Test func transposedKeysAreReadAlongK() async throws {
    let counts = try await Self.check(seed: 510, inputs: ["q": [1, 37, 2, 12], "k": [1, 37, 2, 12]]) { b, _, inputs in
      try b.matmul(
        try b.transpose(inputs["q"]!, options: .init(permutation: [0, 2, 1, 3])),
        try b.transpose(inputs["k"]!, options: .init(permutation: [0, 2, 3, 1])))
    }
    #expect(counts.fused == 1)
  }

  /// A matrix product's store takes the bias add but not gelu, whose code is too long to unroll
  /// over the register tile: gelu runs as a kernel of its own, fused or not.
  @Test func geluStaysOutOfTheMatrixProductsEpilogue() async throws {
    let counts = try await Self.check(seed: 400, inputs: ["x": [16, 32]]) { b, rng, inputs in
      let product = try b.matmul(inputs["x"]!, try Self.constant(b, [32, 24], &rng))
      return try b.gelu(try b.add(product, try Self.constant(b, [24], &rng)))
    }
    #expect(counts.fused == 2)
    #expect(counts.unfused == 3)
  }
}

/// The IR passes without a device.
@Suite struct GraphPassTests {
  @Test func constantSubgraphsFoldAndDeadNodesGo() async throws {
    let context = try await sharedContext()
    let b = MLGraphBuilder(context)
    let x = try b.input("x", .init(dataType: .float32, shape: [2, 3]))
    let c = try b.constant(.init(dataType: .float32, shape: [3, 2]), [1, -2, 3, -4, 5, -6] as [Float])
    // transpose, add and relu of constants only: folded into one constant.
    let folded = try b.relu(
      try b.add(try b.transpose(c), try b.constant(.init(dataType: .float32, shape: []), [1] as [Float])))
    let y = try b.mul(x, folded)
    let ir = try b.graphIR(["y": y])
    #expect(ir.nodes.count == 4)
    let optimized = try GraphPasses.$override.withValue(true) { try GraphPasses.optimize(ir) }
    try GraphVerifier.verify(optimized)
    #expect(optimized.nodes.count == 1)
    guard case .binary(.mul, _, let b2) = optimized.nodes[0].operation, let bytes = optimized.constantBytes(b2) else {
      Issue.record("the mul should read a folded constant")
      return
    }
    #expect(CPUTensor(optimized.operands[b2], bytes: bytes.arrayCopy).floats == [2, 4, 6, 0, 0, 0])
    // With the passes off the graph is unchanged.
    let unchanged = try GraphPasses.$override.withValue(false) { try GraphPasses.optimize(ir) }
    #expect(unchanged.nodes.count == 4)
  }

  @Test func theVerifierRejectsAnOperandReadBeforeItIsComputed() async throws {
    let context = try await sharedContext()
    let b = MLGraphBuilder(context)
    let x = try b.input("x", .init(dataType: .float32, shape: [4]))
    let y = try b.exp(try b.relu(x))
    var ir = try b.graphIR(["y": y])
    try GraphVerifier.verify(ir)
    ir.nodes.reverse()
    #expect(throws: MLError.self) { try GraphVerifier.verify(ir) }
  }

  /// gelu and layer normalization as ONNX exports write them.
  static func decomposedGelu(_ b: MLGraphBuilder, _ x: MLOperand) throws -> MLOperand {
    func scalar(_ value: Float) throws -> MLOperand { try b.constant(.init(dataType: .float32, shape: []), [value]) }
    let erf = try b.erf(try b.div(x, try scalar(Float(2).squareRoot())))
    return try b.mul(try b.mul(x, try b.add(erf, try scalar(1))), try scalar(0.5))
  }

  static func decomposedLayerNormalization(_ b: MLGraphBuilder, _ x: MLOperand, _ gamma: MLOperand, _ beta: MLOperand)
    throws -> MLOperand
  {
    let axes = MLReduceOptions(axes: [x.rank - 1], keepDimensions: true)
    let centered = try b.sub(x, try b.reduceMean(x, options: axes))
    let two = try b.constant(.init(dataType: .float32, shape: []), [2] as [Float])
    let variance = try b.reduceMean(try b.pow(centered, two), options: axes)
    let epsilon = try b.constant(.init(dataType: .float32, shape: []), [1e-5] as [Float])
    let normalized = try b.div(centered, try b.sqrt(try b.add(variance, epsilon)))
    return try b.add(try b.mul(normalized, gamma), beta)
  }

  @Test func decomposedPatternsBecomeTheFusedOperators() async throws {
    let context = try await sharedContext()
    let b = MLGraphBuilder(context)
    let x = try b.input("x", .init(dataType: .float32, shape: [2, 5, 16]))
    var rng = SplitMix64(seed: 7)
    let y = try Self.decomposedLayerNormalization(
      b, try Self.decomposedGelu(b, x), try FusionTests.constant(b, [16], &rng), try FusionTests.constant(b, [16], &rng)
    )
    let optimized = try GraphPasses.$override.withValue(true) { try GraphPasses.optimize(try b.graphIR(["y": y])) }
    #expect(optimized.nodes.map { $0.operation.name } == ["gelu", "layerNormalization"])

    let counts = try await FusionTests.check(seed: 400, inputs: ["x": [2, 5, 16]], withReference: false) {
      b, rng, inputs in
      try Self.decomposedLayerNormalization(
        b, try Self.decomposedGelu(b, inputs["x"]!), try FusionTests.constant(b, [16], &rng),
        try FusionTests.constant(b, [16], &rng))
    }
    #expect(counts.fused == 2)
    // The gelu alone against the CPU reference (erf and gelu both have one).
    _ = try await FusionTests.check(seed: 401, inputs: ["x": [3, 8]]) { b, _, inputs in
      try Self.decomposedGelu(b, inputs["x"]!)
    }
  }
}
