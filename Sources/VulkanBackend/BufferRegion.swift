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

  /// The bytes a descriptor covers: the tensor, rounded up to whole 32-bit words (which the
  /// kernels of 8- and 16-bit types load), and its guard region, so that a kernel writing past
  /// its tensor writes into the guard and is caught rather than silently clipped.
  let boundBytes: Int

  /// A whole buffer, its own guard region included.
  init(whole buffer: VulkanBuffer) {
    self.buffer = buffer
    self.offset = 0
    self.size = buffer.size
    self.guardBytes = buffer.guardBytes
    // The buffer ends at its size when it has no guard, which need not be a whole word.
    boundBytes = buffer.guardBytes > 0 ? buffer.guardStart + buffer.guardBytes : buffer.size
  }

  /// A range of a pool buffer that has room for the rounded size and the guard after it.
  init(_ buffer: VulkanBuffer, offset: Int, size: Int, guardBytes: Int) {
    self.buffer = buffer
    self.offset = offset
    self.size = size
    self.guardBytes = guardBytes
    boundBytes = ((size + 3) & ~3) + guardBytes
  }

  var address: UInt64 { buffer.address + UInt64(offset) }
  /// Where the guard region starts, relative to the buffer.
  var guardStart: Int { offset + ((size + 3) & ~3) }

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
