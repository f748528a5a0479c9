/// The bytes of a graph constant: an array the builder owns, or memory that something else owns
/// (a memory-mapped weights file), borrowed without a copy for as long as the graph needs it.
///
/// ```swift
/// let bytes = MLConstantBytes([0, 0, 128, 63])  // one float32 1.0
/// let one = try builder.constant(.init(dataType: .float32, shape: [1]), bytes: bytes)
/// ```
public final class MLConstantBytes: @unchecked Sendable {
  // Immutable after init; `owner` keeps a borrowed region mapped, so sharing across threads is safe.
  private let array: [UInt8]?
  private let region: UnsafeRawBufferPointer?
  private let owner: AnyObject?

  /// Bytes the constant owns.
  ///
  /// ```swift
  /// let bytes = MLConstantBytes([1, 2, 3, 4])
  /// ```
  public init(_ bytes: [UInt8]) {
    array = bytes
    region = nil
    owner = nil
  }

  /// `pattern` repeated until `count` bytes are filled (the last copy cut short if it must): a
  /// tensor filled with one value. The fill doubles what is written with each copy, so a large
  /// constant costs a few memory copies, not one append per element.
  ///
  /// ```swift
  /// let ones = MLConstantBytes(repeating: [0, 0, 128, 63], count: 4 * 1024)  // 1024 float32 1.0
  /// ```
  public init(repeating pattern: [UInt8], count: Int) {
    var filled = [UInt8](repeating: pattern.count == 1 ? pattern[0] : 0, count: max(0, count))
    if pattern.count > 1 && count > 0 {
      filled.withUnsafeMutableBytes { buffer in
        let base = buffer.baseAddress!
        var written = min(pattern.count, count)
        pattern.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: written) }
        while written < count {
          let chunk = min(written, count - written)
          (base + written).copyMemory(from: base, byteCount: chunk)
          written += chunk
        }
      }
    }
    array = filled
    region = nil
    owner = nil
  }

  /// Bytes that `owner` keeps valid (and unchanged) for as long as it lives; nothing is copied.
  ///
  /// ```swift
  /// let view = MLConstantBytes(borrowing: file.bytes(of: tensor), owner: file)
  /// ```
  public init(borrowing region: UnsafeRawBufferPointer, owner: AnyObject) {
    array = nil
    self.region = region
    self.owner = owner
  }

  /// The number of bytes.
  public var count: Int { array?.count ?? region?.count ?? 0 }

  /// Calls `body` with the bytes.
  ///
  /// ```swift
  /// let first = bytes.withUnsafeBytes { $0.first }
  /// ```
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    if let array { return try array.withUnsafeBytes(body) }
    return try body(region ?? UnsafeRawBufferPointer(start: nil, count: 0))
  }

  /// A copy of the bytes as an array.
  ///
  /// ```swift
  /// let copy: [UInt8] = bytes.arrayCopy
  /// ```
  public var arrayCopy: [UInt8] { array ?? withUnsafeBytes { Array($0) } }
}
