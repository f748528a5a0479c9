import WebNNCore

/// Device memory held by this process's Vulkan buffers (tensors, constants, intermediates,
/// scratch and parameter blocks, over every device), and its peak.
///
/// ```swift
/// DeviceMemory.resetPeak()
/// // ... build and run a graph ...
/// print(DeviceMemory.peakBytes)
/// ```
public enum DeviceMemory {
  private static let state = Locked<(current: Int, peak: Int)>((0, 0))

  /// Bytes allocated now.
  public static var currentBytes: Int { state.withLock { $0.current } }
  /// The most bytes allocated at once since the last ``resetPeak()``.
  public static var peakBytes: Int { state.withLock { $0.peak } }

  /// Starts a new peak from what is allocated now.
  public static func resetPeak() { state.withLock { $0.peak = $0.current } }

  static func allocated(_ bytes: Int) {
    state.withLock {
      $0.current += bytes
      $0.peak = max($0.peak, $0.current)
    }
  }

  static func freed(_ bytes: Int) { state.withLock { $0.current -= bytes } }
}
