import CVulkan
import Foundation

/// A tensor's bytes inside a buffer: a caller's tensor is a whole buffer, a graph's constants
/// and intermediates are ranges of its weight buffers and arena (see ``GraphMemoryPlan``).
struct BufferRegion {
  let buffer: VulkanBuffer
  let offset: Int
  let size: Int
  /// Bytes after the region filled with ``VulkanBuffer/guardPattern`` (`WEBNN_GUARD=1`).
  let guardBytes: Int

  /// A whole buffer, its own guard region included.
  init(whole buffer: VulkanBuffer) {
    self.init(buffer, offset: 0, size: buffer.size, guardBytes: buffer.guardBytes)
  }

  init(_ buffer: VulkanBuffer, offset: Int, size: Int, guardBytes: Int) {
    self.buffer = buffer
    self.offset = offset
    self.size = size
    self.guardBytes = guardBytes
  }

  var address: UInt64 { buffer.address + UInt64(offset) }
  /// Where the guard region starts, relative to the buffer.
  var guardStart: Int { offset + ((size + 3) & ~3) }
  /// The bytes a descriptor covers: the tensor and its guard region, so that a kernel writing
  /// past its tensor writes into the guard and is caught rather than silently clipped.
  var boundBytes: Int { guardStart - offset + guardBytes }

  /// Whether two regions share a byte (for barriers: a write to one must be ordered against
  /// every earlier access to the other).
  func overlaps(_ other: BufferRegion) -> Bool {
    buffer === other.buffer && offset < other.offset + other.boundBytes && other.offset < offset + boundBytes
  }

  /// Fills the guard region with the pattern.
  func armGuard() throws {
    guard guardBytes > 0 else { return }
    try buffer.fill(offset: guardStart, count: guardBytes, byte: VulkanBuffer.guardPattern)
  }

  /// Whether the guard region still holds its pattern (the caller has waited for the work that
  /// used the region).
  func guardIntact() throws -> Bool {
    guard guardBytes > 0 else { return true }
    return try buffer.bytes(at: guardStart, count: guardBytes).allSatisfy { $0 == VulkanBuffer.guardPattern }
  }
}
