import Foundation
import Testing
import WebNN
import WebNNStress

/// Softmax and the normalizations over rows against references computed here in double
/// precision. Rows of a multiple of 4 elements, up to 512, are held in registers as vec4s (and
/// read as texels on CPU devices); others take the strided loop. `make test` runs the suite
/// with the GPU-type kernels and with storage loads only as well.
@Suite struct RowKernelTests {
  /// Random values in -2...2 from a fixed seed.
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float.random(in: -2...2, using: &rng) }
  }

  /// Builds `make`'s one-output graph over input `x` and runs it on `input`.
  static func compute(
    _ shape: [Int], _ input: [Float], outputShape: [Int]? = nil,
    _ make: (MLGraphBuilder, MLOperand) throws -> MLOperand
  ) async throws -> [Float] {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: shape))
    let y = try make(builder, x)
    let graph = try await builder.build(["y": y])
    let results = try await run(context, graph, inputs: ["x": (shape, input)], outputs: ["y": y.shape])
    expectNoValidationMessages()
    return results["y"]!
  }

  static func maxError(_ a: [Float], _ b: [Double]) -> Double {
    zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0
  }

  @Test func softmaxRowsAgree() async throws {
    for (index, size) in [4, 12, 128, 384, 516, 130].enumerated() {
      let rows = 15
      let x = Self.values(rows * size, seed: UInt64(40 + index))
      let y = try await Self.compute([3, 5, size], x) { b, x in try b.softmax(x, axis: 2) }
      var expected = [Double](repeating: 0, count: x.count)
      for row in 0..<rows {
        let slice = x[(row * size)..<((row + 1) * size)].map(Double.init)
        let largest = slice.max()!
        let exps = slice.map { Foundation.exp($0 - largest) }
        let sum = exps.reduce(0, +)
        for k in 0..<size { expected[row * size + k] = exps[k] / sum }
      }
      #expect(Self.maxError(y, expected) <= 1e-6, "softmax over rows of \(size)")
    }
  }

  /// Layer normalization over trailing axes, with a scale and bias along them or without.
  @Test func layerNormalizationRowsAgree() async throws {
    let cases: [(shape: [Int], axes: [Int], scale: Bool, bias: Bool)] = [
      ([6, 384], [1], true, true),
      ([2, 3, 8], [1, 2], true, true),
      ([4, 20], [1], false, true),
      ([4, 16], [1], true, false),
      ([4, 16], [1], false, false),
      ([2, 6, 130], [2], true, true),
      ([3, 516], [1], true, true),
    ]
    for (index, c) in cases.enumerated() {
      let count = c.axes.map { c.shape[$0] }.reduce(1, *)
      let rows = c.shape.reduce(1, *) / count
      let x = Self.values(rows * count, seed: UInt64(60 + index))
      let scale = c.scale ? Self.values(count, seed: UInt64(80 + index)) : nil
      let bias = c.bias ? Self.values(count, seed: UInt64(100 + index)) : nil
      let y = try await Self.compute(c.shape, x) { b, x in
        let scaleShape = c.axes.map { c.shape[$0] }
        let descriptor = MLOperandDescriptor(dataType: .float32, shape: scaleShape)
        return try b.layerNormalization(
          x,
          options: .init(
            scale: try scale.map { try b.constant(descriptor, $0) },
            bias: try bias.map { try b.constant(descriptor, $0) }, axes: c.axes, epsilon: 1e-5))
      }
      var expected = [Double](repeating: 0, count: x.count)
      for row in 0..<rows {
        let slice = x[(row * count)..<((row + 1) * count)].map(Double.init)
        let mean = slice.reduce(0, +) / Double(count)
        let variance = slice.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
        for k in 0..<count {
          var v = (slice[k] - mean) / (variance + 1e-5).squareRoot()
          if let scale { v *= Double(scale[k]) }
          if let bias { v += Double(bias[k]) }
          expected[row * count + k] = v
        }
      }
      #expect(Self.maxError(y, expected) <= 1e-5, "layerNormalization \(c.shape) over \(c.axes)")
    }
  }

  /// Instance normalization (NCHW): the rows are the H x W planes, the scale and bias per channel.
  @Test func instanceNormalizationRowsAgree() async throws {
    let (n, channels, h, w) = (2, 3, 4, 4)
    let plane = h * w
    let x = Self.values(n * channels * plane, seed: 120)
    let scale = Self.values(channels, seed: 121)
    let bias = Self.values(channels, seed: 122)
    let y = try await Self.compute([n, channels, h, w], x) { b, x in
      let descriptor = MLOperandDescriptor(dataType: .float32, shape: [channels])
      return try b.instanceNormalization(
        x, options: .init(scale: try b.constant(descriptor, scale), bias: try b.constant(descriptor, bias)))
    }
    var expected = [Double](repeating: 0, count: x.count)
    for row in 0..<(n * channels) {
      let slice = x[(row * plane)..<((row + 1) * plane)].map(Double.init)
      let mean = slice.reduce(0, +) / Double(plane)
      let variance = slice.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(plane)
      let c = row % channels
      for k in 0..<plane {
        expected[row * plane + k] =
          (slice[k] - mean) / (variance + 1e-5).squareRoot() * Double(scale[c]) + Double(bias[c])
      }
    }
    #expect(Self.maxError(y, expected) <= 1e-5)
  }

  /// Every reduce* operator over trailing rows (vec4 rows for multiples of 4, the scalar loop
  /// otherwise); products over short rows of values near 1, logSum over positive values.
  @Test func reductionRowsAgree() async throws {
    typealias Reduce = (MLGraphBuilder, MLOperand, MLReduceOptions) throws -> MLOperand
    let kinds: [(name: String, make: Reduce, reference: ([Double]) -> Double)] = [
      ("sum", { try $0.reduceSum($1, options: $2) }, { $0.reduce(0, +) }),
      ("mean", { try $0.reduceMean($1, options: $2) }, { $0.reduce(0, +) / Double($0.count) }),
      ("l1", { try $0.reduceL1($1, options: $2) }, { $0.map(abs).reduce(0, +) }),
      ("l2", { try $0.reduceL2($1, options: $2) }, { $0.map { $0 * $0 }.reduce(0, +).squareRoot() }),
      ("sumSquare", { try $0.reduceSumSquare($1, options: $2) }, { $0.map { $0 * $0 }.reduce(0, +) }),
      ("max", { try $0.reduceMax($1, options: $2) }, { $0.max()! }),
      ("min", { try $0.reduceMin($1, options: $2) }, { $0.min()! }),
      (
        "logSumExp", { try $0.reduceLogSumExp($1, options: $2) },
        { row in
          let m = row.max()!
          return m + Foundation.log(row.map { Foundation.exp($0 - m) }.reduce(0, +))
        }
      ),
      ("logSum", { try $0.reduceLogSum($1, options: $2) }, { Foundation.log($0.reduce(0, +)) }),
      ("product", { try $0.reduceProduct($1, options: $2) }, { $0.reduce(1, *) }),
    ]
    for (kindIndex, kind) in kinds.enumerated() {
      for (sizeIndex, size) in [4, 12, 4096, 130].enumerated() {
        let rows = 6
        var x = Self.values(rows * size, seed: UInt64(200 + 10 * kindIndex + sizeIndex))
        // Products stay finite (values near 1); logSum reduces positive values.
        if kind.name == "product" { x = x.map { 1 + $0 / 64 } }
        if kind.name == "logSum" { x = x.map { abs($0) + 1 / Float(size) } }
        let y = try await Self.compute([2, 3, size], x) { b, x in try kind.make(b, x, .init(axes: [2])) }
        let expected = (0..<rows).map { row in
          kind.reference(x[(row * size)..<((row + 1) * size)].map(Double.init))
        }
        let scale = max(expected.map(abs).max()!, 1)
        #expect(Self.maxError(y, expected) <= 1e-5 * scale, "reduce \(kind.name) over rows of \(size)")
      }
    }
  }
}
