import Foundation
import Testing
import WebNN

/// erf and gelu run in float32 only (Shaders/math.glsl); these sweeps hold them to a few ULP of
/// the double-precision functions over the whole float range, tails and special values included.
@Suite struct ErfAccuracyTests {
  /// The most ULP either operator may be off, against the double-precision value rounded to float.
  static let maxULP = 4

  /// A dense sweep of [-10, 10], gelu's underflow range down to -16, both sides of every
  /// boundary between the approximations (for gelu, at x = t * sqrt 2), and special values.
  static let inputs: [Float] = {
    var values = (0...20_000).map { Float(-10 + Double($0) * 0.001) }
    values += (0...6_000).map { Float(-16 + Double($0) * 0.001) }
    for boundary: Float in [0.25, 0.5, 0.84375, 1.25, 1 / 0.35, 4, 6, 10.1] {
      for edge in [boundary, boundary * Float(2.0.squareRoot())] {
        var up = edge
        var down = edge
        for _ in 0..<4 {
          values += [up, down, -up, -down]
          up = up.nextUp
          down = down.nextDown
        }
      }
    }
    values += [
      0, -0.0, .infinity, -.infinity, .nan, 1e-30, -1e-30, 3.7e-9, -3.7e-9, .leastNormalMagnitude,
      -.leastNormalMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude / 1024, 1e30,
      -1e30,
      .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
    ]
    return values
  }()

  /// erf(x) in double, rounded once to float.
  static func erfReference(_ x: Float) -> Float { Float(Foundation.erf(Double(x))) }

  /// gelu(x) in double, rounded once to float. 1 + erf(t) is written erfc(-t), which does not
  /// cancel for negative x; gelu(-inf) is its limit, -0 (the formula itself gives -inf * 0).
  static func geluReference(_ x: Float) -> Float {
    if x == -.infinity { return -0.0 }
    let d = Double(x)
    return Float(0.5 * d * Foundation.erfc(-d / 2.0.squareRoot()))
  }

  /// How many floats lie between a and b (0 for +0 and -0).
  static func ulpDistance(_ a: Float, _ b: Float) -> Int {
    func ordinal(_ f: Float) -> Int {
      let bits = Int(f.bitPattern & 0x7fff_ffff)
      return f.sign == .minus ? -bits : bits
    }
    return Swift.abs(ordinal(a) - ordinal(b))
  }

  @Test func erfAndGeluAreWithinFourULPOfDouble() async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let n = Self.inputs.count
    let x = try builder.input("x", .init(dataType: .float32, shape: [n]))
    let graph = try await builder.build(["erf": try builder.erf(x), "gelu": try builder.gelu(x)])
    let out = try await run(context, graph, inputs: ["x": ([n], Self.inputs)], outputs: ["erf": [n], "gelu": [n]])
    let checks: [(String, (Float) -> Float)] = [("erf", Self.erfReference), ("gelu", Self.geluReference)]
    for (name, reference) in checks {
      let results = try #require(out[name])
      var worst = (ulp: 0, x: Float(0))
      // Collected rather than expected one by one, so that a broken kernel reports a few lines.
      var failures: [String] = []
      for (x, got) in zip(Self.inputs, results) {
        let expected = reference(x)
        let ok: Bool
        if expected.isNaN {
          ok = got.isNaN
        } else if expected.magnitude < .leastNormalMagnitude {
          // Devices may flush subnormal results (and intermediates) to zero, so below the normal
          // range only an absolute error up to the smallest normal float is asked for.
          ok = (got - expected).magnitude <= .leastNormalMagnitude
        } else {
          let ulp = Self.ulpDistance(got, expected)
          if ulp > worst.ulp { worst = (ulp, x) }
          ok = ulp <= Self.maxULP
        }
        if !ok { failures.append("\(name)(\(x)) = \(got), expected \(expected)") }
      }
      print("\(name): max \(worst.ulp) ULP (at x = \(worst.x)) over \(n) inputs")
      #expect(
        failures.isEmpty,
        "\(failures.count) of \(n) values off by more than \(Self.maxULP) ULP: \(failures.prefix(8).joined(separator: "; "))"
      )
    }
    // Signed zeros: erf and gelu keep the sign of 0, and gelu of a large negative number is -0.
    let zeroIndex = try #require(Self.inputs.firstIndex { $0 == 0 && $0.sign == .minus })
    #expect(out["erf"]?[zeroIndex].bitPattern == Float(-0.0).bitPattern)
    #expect(out["gelu"]?[zeroIndex].bitPattern == Float(-0.0).bitPattern)
    let hugeIndex = try #require(Self.inputs.firstIndex(of: -.greatestFiniteMagnitude))
    #expect(out["gelu"]?[hugeIndex].bitPattern == Float(-0.0).bitPattern)
    expectNoValidationMessages()
  }
}
