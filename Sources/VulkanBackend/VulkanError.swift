import CVulkan
import WebNNCore

extension VkResult {
  var name: String {
    switch self {
    case VK_SUCCESS: "VK_SUCCESS"
    case VK_NOT_READY: "VK_NOT_READY"
    case VK_TIMEOUT: "VK_TIMEOUT"
    case VK_ERROR_OUT_OF_HOST_MEMORY: "VK_ERROR_OUT_OF_HOST_MEMORY"
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: "VK_ERROR_OUT_OF_DEVICE_MEMORY"
    case VK_ERROR_INITIALIZATION_FAILED: "VK_ERROR_INITIALIZATION_FAILED"
    case VK_ERROR_DEVICE_LOST: "VK_ERROR_DEVICE_LOST"
    case VK_ERROR_LAYER_NOT_PRESENT: "VK_ERROR_LAYER_NOT_PRESENT"
    case VK_ERROR_EXTENSION_NOT_PRESENT: "VK_ERROR_EXTENSION_NOT_PRESENT"
    case VK_ERROR_FEATURE_NOT_PRESENT: "VK_ERROR_FEATURE_NOT_PRESENT"
    case VK_ERROR_INCOMPATIBLE_DRIVER: "VK_ERROR_INCOMPATIBLE_DRIVER"
    default: "VkResult(\(rawValue))"
    }
  }
}

/// Maps every failing VkResult to an MLError once: memory exhaustion is UnknownError (as the
/// spec says for allocation failures), a lost device loses the context (``MLBackendDeviceLost``),
/// the rest OperationError.
func vkCheck(_ result: VkResult, _ what: @autoclosure () -> String) throws {
  guard result != VK_SUCCESS else { return }
  switch result {
  case VK_ERROR_OUT_OF_HOST_MEMORY, VK_ERROR_OUT_OF_DEVICE_MEMORY:
    throw MLError(.unknownError, "\(what()): out of memory (\(result.name))")
  case VK_ERROR_DEVICE_LOST:
    throw MLBackendDeviceLost(message: "\(what()): the Vulkan device was lost (VK_ERROR_DEVICE_LOST)")
  default:
    throw MLError(.operationError, "\(what()) failed: \(result.name)")
  }
}

/// `VK_MAKE_API_VERSION`, which Swift does not import.
func vkMakeVersion(_ major: UInt32, _ minor: UInt32, _ patch: UInt32) -> UInt32 {
  (major << 22) | (minor << 12) | patch
}

/// Reads a fixed-size C char array (imported as a tuple) as a String.
func stringFromTuple<T>(_ tuple: T) -> String {
  withUnsafeBytes(of: tuple) { raw in
    let bytes = raw.prefix { $0 != 0 }
    return String(decoding: bytes, as: UTF8.self)
  }
}
