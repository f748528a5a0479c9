import WebNNCore

/// The element comparison of WPT's `utils.js` (see shared/wpt/README.md, "Tolerance semantics").
public enum WPTComparison {
  /// The error of one element in the metric's unit; 0 for an exact match, `+infinity` when only
  /// one side is NaN. A case passes when every element's error is at most the tolerance value.
  ///
  /// - ULP float32: |s(actual) − s(expected)| with s(x) = sign(x) · bits(|x|), `expected`
  ///   rounded to float32 first.
  /// - ULP float16: |bits16(actual) − bits16(expected)| as raw uint16 values; ±0 vs ±0 is 0.
  ///   `expectedFloat16Bits` (the file's `float16Bits`) wins over rounding `expected`.
  /// - ULP integers: |actual − expected|, exactly.
  /// - ATOL: |actual − expected| in Double.
  /// - NaN vs NaN is a match (any payload), for every float type and metric.
  public static func error(
    actual: WPTScalar, expected: Double, expectedFloat16Bits: UInt16? = nil, metric: WPTMetric
  ) -> Double {
    let expectedIsNaN: Bool
    if case .float16 = actual, let bits = expectedFloat16Bits {
      expectedIsNaN = Float16(bitPattern: bits).isNaN
    } else {
      expectedIsNaN = expected.isNaN
    }
    if actual.isNaN || expectedIsNaN { return actual.isNaN && expectedIsNaN ? 0 : .infinity }

    switch actual {
    case .float32(let bits):
      let e = Float(expected)
      if Float(bitPattern: bits) == e { return 0 }
      if metric == .atol { return Swift.abs(Double(Float(bitPattern: bits)) - expected) }
      return Double(Swift.abs(signMagnitude(bits) - signMagnitude(e.bitPattern)))
    case .float16(let bits):
      let eBits = expectedFloat16Bits ?? Float16(Float(expected)).bitPattern
      if Float16(bitPattern: bits) == Float16(bitPattern: eBits) { return 0 }  // also ±0 vs ±0
      if metric == .atol { return Swift.abs(actual.doubleValue - expected) }
      return Double(Swift.abs(Int(bits) - Int(eBits)))
    case .signed(let a):
      return integerDistance(
        negative: a < 0, magnitude: a.magnitude, expected: expected, approx: Double(a))
    case .unsigned(let a):
      return integerDistance(negative: false, magnitude: a, expected: expected, approx: Double(a))
    }
  }

  /// s(x) = sign(x) · bits(|x|) for float32 bits.
  static func signMagnitude(_ bits: UInt32) -> Int64 {
    let magnitude = Int64(bits & 0x7FFF_FFFF)
    return bits & 0x8000_0000 != 0 ? -magnitude : magnitude
  }

  /// |a − e| for an integer `a` (given as sign and magnitude) computed without rounding when
  /// `e` is an integer in range.
  static func integerDistance(negative: Bool, magnitude: UInt64, expected: Double, approx: Double)
    -> Double
  {
    guard expected == expected.rounded(), Swift.abs(expected) < 1.8446744073709552e19 else {
      return Swift.abs(approx - expected)
    }
    let eNegative = expected < 0
    let eMagnitude = UInt64(Swift.abs(expected))
    if magnitude == 0 && eMagnitude == 0 { return 0 }
    if negative == eNegative {
      return Double(magnitude > eMagnitude ? magnitude - eMagnitude : eMagnitude - magnitude)
    }
    let (sum, overflow) = magnitude.addingReportingOverflow(eMagnitude)
    return overflow ? Double(magnitude) + Double(eMagnitude) : Double(sum)
  }

  /// Whether an element error is within the tolerance (`nil` tolerance: WPT does not check).
  public static func passes(_ error: Double, tolerance: Double?) -> Bool {
    guard let tolerance else { return true }
    return error <= tolerance
  }
}
