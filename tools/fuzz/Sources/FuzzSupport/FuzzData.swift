/// The fuzzer's input read as a stream of decisions: each call takes the next bytes, and an
/// exhausted input answers zeros, so every input (the empty one included) is a valid program.
/// Small changes to the bytes make small changes to the choices, which is what lets libFuzzer's
/// coverage feedback steer them.
public struct FuzzData {
  let bytes: [UInt8]
  var index = 0

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// Whether any bytes are left.
  public var isEmpty: Bool { index >= bytes.count }

  public mutating func byte() -> UInt8 {
    defer { index += 1 }
    return index < bytes.count ? bytes[index] : 0
  }

  /// An integer in `range`, from one byte (two for ranges wider than 256).
  public mutating func int(_ range: ClosedRange<Int>) -> Int {
    let width = UInt64(range.upperBound - range.lowerBound) + 1
    let raw = width > 256 ? UInt64(byte()) << 8 | UInt64(byte()) : UInt64(byte())
    return range.lowerBound + Int(raw % width)
  }

  public mutating func bool() -> Bool { byte() & 1 == 1 }

  /// True for about `percent` in 100 inputs.
  public mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }

  public mutating func pick<T>(_ values: [T]) -> T { values[int(0...values.count - 1)] }

  /// `count` bytes (fewer when the input runs out).
  public mutating func take(_ count: Int) -> [UInt8] {
    let end = min(bytes.count, index + max(0, count))
    defer { index = max(index, end) }
    return index < end ? Array(bytes[index..<end]) : []
  }
}
