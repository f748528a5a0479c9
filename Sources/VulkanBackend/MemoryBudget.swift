import CVulkan
import Foundation
import WebNNCore

/// How much device memory a device's buffers may take, per memory heap, and how much they hold.
///
/// The budget of a heap is its size, or what `VK_EXT_memory_budget` says this process may use
/// when the driver offers it, capped by `WEBNN_DEVICE_MEMORY_LIMIT` (bytes, or with a K, M or G
/// suffix) for a process that shares the device. An allocation past it is refused with an
/// `UnknownError` that names the sizes before the driver is asked, so a graph too large for the
/// device fails cleanly instead of paging the host to death (lavapipe's heap is host memory).
///
/// ```swift
/// let budget = MemoryBudget(heapSizes: [8 << 30], limit: nil)
/// try budget.reserve(1 << 20, heap: 0, for: "createTensor")
/// budget.release(1 << 20, heap: 0)
/// ```
final class MemoryBudget: Sendable {
  /// Bytes each heap may hold.
  let budgets: [Int]
  private let used: Locked<[Int]>

  init(heapSizes: [Int], limit: Int?) {
    budgets = heapSizes.map { min($0, limit ?? Int.max) }
    used = Locked([Int](repeating: 0, count: heapSizes.count))
  }

  /// Counts `bytes` against `heap`, or throws when they do not fit.
  func reserve(_ bytes: Int, heap: Int, for what: @autoclosure () -> String) throws {
    try used.withLock { used in
      guard used[heap] + bytes <= budgets[heap] else {
        throw MLError(
          .unknownError,
          "\(what()): \(bytes) bytes do not fit in the device memory budget: heap \(heap) allows \(budgets[heap]) bytes and \(used[heap]) are in use"
        )
      }
      used[heap] += bytes
    }
  }

  func release(_ bytes: Int, heap: Int) { used.withLock { $0[heap] -= bytes } }

  /// Bytes in use on `heap`.
  func inUse(heap: Int) -> Int { used.withLock { $0[heap] } }

  /// `WEBNN_DEVICE_MEMORY_LIMIT` in bytes (nil when unset); a value that does not parse is an
  /// error, not silently no limit.
  static func environmentLimit() throws -> Int? {
    guard let text = ProcessInfo.processInfo.environment["WEBNN_DEVICE_MEMORY_LIMIT"], !text.isEmpty else {
      return nil
    }
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    let upper = text.uppercased()
    let scale = upper.last.flatMap { units[$0] } ?? 1
    let digits = scale == 1 ? upper : String(upper.dropLast())
    guard let value = Int(digits), value > 0, value <= Int.max / scale else {
      throw MLError(
        .notSupportedError, "WEBNN_DEVICE_MEMORY_LIMIT=\(text): expected a byte count such as 536870912, 512M or 2G")
    }
    return value * scale
  }

  /// The heaps' sizes, or the `VK_EXT_memory_budget` budgets where the device has the extension.
  static func heapBudgets(_ info: DeviceInfo) -> [Int] {
    var budget = VkPhysicalDeviceMemoryBudgetPropertiesEXT()
    budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT
    let hasBudget = info.extensions.contains("VK_EXT_memory_budget")
    let memory = withUnsafeMutablePointer(to: &budget) { budgetPointer in
      var properties = VkPhysicalDeviceMemoryProperties2()
      properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2
      properties.pNext = hasBudget ? UnsafeMutableRawPointer(budgetPointer) : nil
      vkGetPhysicalDeviceMemoryProperties2(info.physical, &properties)
      return properties.memoryProperties
    }
    let count = Int(memory.memoryHeapCount)
    let sizes = withUnsafeBytes(of: memory.memoryHeaps) { Array($0.bindMemory(to: VkMemoryHeap.self).prefix(count)) }
      .map { Int(clamping: $0.size) }
    guard hasBudget else { return sizes }
    let budgets = withUnsafeBytes(of: budget.heapBudget) { Array($0.bindMemory(to: VkDeviceSize.self).prefix(count)) }
    return zip(sizes, budgets).map { size, budget in budget > 0 ? min(size, Int(clamping: budget)) : size }
  }
}
