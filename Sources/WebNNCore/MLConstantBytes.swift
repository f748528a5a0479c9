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
