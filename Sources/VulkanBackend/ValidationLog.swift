import CVulkan
import Foundation
import WebNNCore

/// Messages from the Khronos validation layer (enabled by `WEBNN_VALIDATION=1`; `sync` adds its
/// synchronization validation). Every message is printed to standard error and kept here, so
/// tests and tools can fail on any.
///
/// ```swift
/// let messages = VulkanValidation.drainMessages()
/// precondition(messages.isEmpty, messages.joined(separator: "\n"))
/// ```
public enum VulkanValidation {
  static let log = Locked<[String]>([])

  /// Whether `WEBNN_VALIDATION` asks for the validation layer.
  public static var isRequested: Bool {
    let value = ProcessInfo.processInfo.environment["WEBNN_VALIDATION"] ?? ""
    return !value.isEmpty && value != "0"
  }

  /// Whether `WEBNN_VALIDATION=sync` also asks for synchronization validation: the layer then
  /// reports every read or write that a barrier or submission order does not separate from an
  /// earlier access to the same memory, within a command buffer and across submissions.
  public static var isSynchronizationRequested: Bool {
    ProcessInfo.processInfo.environment["WEBNN_VALIDATION"] == "sync"
  }

  /// Every message collected so far, without clearing them.
  public static var messages: [String] { log.withLock { $0 } }

  /// Returns and clears the collected messages.
  public static func drainMessages() -> [String] {
    log.withLock { messages in
      defer { messages = [] }
      return messages
    }
  }

  static func record(_ message: String) {
    FileHandle.standardError.write(Data("[vulkan validation] \(message)\n".utf8))
    log.withLock { $0.append(message) }
  }
}

/// The debug-utils callback: captures nothing, as a C function pointer must.
let validationCallback: PFN_vkDebugUtilsMessengerCallbackEXT = { severity, _, data, _ in
  let text = data?.pointee.pMessage.map { String(cString: $0) } ?? "(no message)"
  VulkanValidation.record(text)
  return VkBool32(VK_FALSE)
}
