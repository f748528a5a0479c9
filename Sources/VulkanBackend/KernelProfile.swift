import Foundation
import Synchronization
import WebNNCore

/// Per-kernel GPU time from Vulkan timestamp queries, collected while `WEBNN_PROFILE=1` (or
/// ``isEnabled``) was set when a graph was built: each dispatch of such a graph is bracketed by
/// two timestamps, and every finished run adds its durations here, by kernel.
///
/// ```swift
/// KernelProfile.isEnabled = true   // before building the graphs to profile
/// // ... build, dispatch, readTensor ...
/// for entry in KernelProfile.entries() { print(entry.kernel, entry.milliseconds) }
/// ```
public enum KernelProfile {
  /// One kernel's share: how many dispatches ran and their summed device time.
  public struct Entry: Sendable {
    /// The shader and its main defines, e.g. "gemm_register_tiled.comp TM=8 TNV=4".
    public var kernel: String
    /// Dispatches recorded.
    public var dispatches: Int
    /// Their summed device time.
    public var milliseconds: Double
  }

  private static let enabled = Atomic<Bool>(
    !(ProcessInfo.processInfo.environment["WEBNN_PROFILE"] ?? "").isEmpty
      && ProcessInfo.processInfo.environment["WEBNN_PROFILE"] != "0")
  private static let totals = Locked<[String: (dispatches: Int, nanoseconds: Double)]>([:])
  private static let runCount = Atomic<Int>(0)

  /// Graph runs collected since the last reset.
  public static var runs: Int { runCount.load(ordering: .relaxed) }

  /// Whether graphs built from now on record timestamps.
  public static var isEnabled: Bool {
    get { enabled.load(ordering: .relaxed) }
    set { enabled.store(newValue, ordering: .relaxed) }
  }

  /// Everything collected since the last reset, the most expensive kernel first.
  public static func entries() -> [Entry] {
    totals.withLock { map in
      map.map { Entry(kernel: $0.key, dispatches: $0.value.dispatches, milliseconds: $0.value.nanoseconds / 1e6) }
    }.sorted { $0.milliseconds > $1.milliseconds }
  }

  /// Forgets what was collected.
  public static func reset() {
    totals.withLock { $0 = [:] }
    runCount.store(0, ordering: .relaxed)
  }

  static func addRun() { runCount.add(1, ordering: .relaxed) }

  static func add(_ kernel: String, nanoseconds: Double) {
    totals.withLock { map in
      let old = map[kernel] ?? (0, 0)
      map[kernel] = (old.dispatches + 1, old.nanoseconds + nanoseconds)
    }
  }
}

extension Kernel {
  /// The shader and the defines that distinguish its variants, for profiles.
  var profileName: String {
    let shown = defines.filter {
      ["TM", "TNV", "VEC_A", "VEC_B", "VEC_BT", "GRID3D", "VECTORIZED", "WG_X"].contains($0.key)
    }
    .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    // Fused kernels are marked, without their generated GLSL.
    let fused = defines["EPILOGUE_BODY"] != nil ? ["+epilogue"] : []
    return ([shader] + shown + fused).joined(separator: " ")
  }
}
