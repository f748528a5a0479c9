import Testing
import WebNN
import WebNNStress

/// maxPool2d's register-blocked kernel (every float maxPool2d with a window of up to 49
/// elements and steps of up to 4) against a reference computed here: both layouts, strides,
/// dilations, asymmetric padding, ceil rounding and windows reaching past the input. `make test`
/// reruns the suite with the GPU-type kernels and with storage loads only.
@Suite struct MaxPoolKernelTests {
  struct Case {
    var n = 1, c = 3, h = 9, w = 11
    var window = [3, 3], stride = [1, 1], dilation = [1, 1], pad = [0, 0, 0, 0]
    var nhwc = false, ceil = false
  }

  /// The reference: the maximum over the window's elements inside the input, 0 where none is.
  static func reference(_ c: Case, _ x: [Float], outH: Int, outW: Int) -> [Float] {
    func at(_ n: Int, _ ch: Int, _ y: Int, _ xx: Int) -> Int {
      c.nhwc ? ((n * c.h + y) * c.w + xx) * c.c + ch : ((n * c.c + ch) * c.h + y) * c.w + xx
    }
    var out = [Float](repeating: 0, count: c.n * c.c * outH * outW)
    for n in 0..<c.n {
      for ch in 0..<c.c {
        for oy in 0..<outH {
          for ox in 0..<outW {
            var best: Float?
            for ky in 0..<c.window[0] {
              for kx in 0..<c.window[1] {
                let iy = oy * c.stride[0] + ky * c.dilation[0] - c.pad[0]
                let ix = ox * c.stride[1] + kx * c.dilation[1] - c.pad[2]
                guard iy >= 0, iy < c.h, ix >= 0, ix < c.w else { continue }
                best = max(best ?? -.infinity, x[at(n, ch, iy, ix)])
              }
            }
            let target =
              c.nhwc ? ((n * outH + oy) * outW + ox) * c.c + ch : ((n * c.c + ch) * outH + oy) * outW + ox
            out[target] = best ?? 0
          }
        }
      }
    }
    return out
  }

  @Test func maxPoolingAgreesWithTheReference() async throws {
    let cases: [Case] = [
      Case(),
      Case(n: 2, c: 4, h: 16, w: 20, stride: [2, 2], pad: [1, 1, 1, 1]),
      Case(h: 13, w: 10, window: [2, 3], stride: [2, 1], pad: [0, 1, 2, 0], ceil: true),
      Case(c: 5, h: 12, w: 12, stride: [1, 1], dilation: [2, 2], pad: [2, 2, 2, 2], nhwc: true),
      Case(h: 7, w: 7, window: [7, 7]),
      Case(h: 5, w: 6, window: [3, 3], stride: [3, 3], pad: [3, 3, 3, 3], ceil: true),
      Case(c: 2, h: 30, w: 70, window: [5, 5], stride: [4, 4], pad: [2, 1, 2, 1]),
      // Narrow planes: lanes stacked down the plane, over several workgroup rows.
      Case(c: 2, h: 150, w: 6, pad: [1, 1, 1, 1]),
      Case(h: 61, w: 14, stride: [2, 2], pad: [0, 1, 0, 1], nhwc: true),
    ]
    let context = try await sharedContext()
    for (index, c) in cases.enumerated() {
      var rng = SplitMix64(seed: UInt64(500 + index))
      let shape = c.nhwc ? [c.n, c.h, c.w, c.c] : [c.n, c.c, c.h, c.w]
      let x = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -2...2, using: &rng) }
      let builder = MLGraphBuilder(context)
      let input = try builder.input("x", .init(dataType: .float32, shape: shape))
      let y = try builder.maxPool2d(
        input,
        options: .init(
          windowDimensions: c.window, padding: c.pad, strides: c.stride, dilations: c.dilation,
          layout: c.nhwc ? .nhwc : .nchw, outputShapeRounding: c.ceil ? .ceil : .floor))
      let graph = try await builder.build(["y": y])
      let result = try await run(context, graph, inputs: ["x": (shape, x)], outputs: ["y": y.shape])["y"]!
      let (outH, outW) = c.nhwc ? (y.shape[1], y.shape[2]) : (y.shape[2], y.shape[3])
      #expect(result == Self.reference(c, x, outH: outH, outW: outW), "case \(index): \(c)")
      expectNoValidationMessages()
    }
  }
}
