/// SplitMix64: a small seeded generator that gives the same sequence for a seed on every
/// machine, so that the lifetime races, the randomized tests and `webnn compare` repeat from run
/// to run.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let delay = Int.random(in: 0..<300, using: &random)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
  /// The generator's whole state: the next value follows from it alone.
  public var state: UInt64

  /// A generator that starts from `seed`.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
