import CVulkan
import Foundation
import WebNNCore

/// The Vulkan instance, optionally with the validation layer and its messenger, and optionally
/// with the layer's synchronization validation.
final class VulkanInstance: @unchecked Sendable {
  let handle: VkInstance
  private var messenger: VkDebugUtilsMessengerEXT?

  init(validation: Bool, synchronization: Bool = false) throws {
    var layerCount: UInt32 = 0
    vkEnumerateInstanceLayerProperties(&layerCount, nil)
    var layers = [VkLayerProperties](repeating: VkLayerProperties(), count: Int(layerCount))
    vkEnumerateInstanceLayerProperties(&layerCount, &layers)
    let layerNames = Set(layers.map { stringFromTuple($0.layerName) })
    if validation && !layerNames.contains("VK_LAYER_KHRONOS_validation") {
      throw MLError(
        .notSupportedError,
        "WEBNN_VALIDATION is set but VK_LAYER_KHRONOS_validation is not installed (apt-get install vulkan-validationlayers)"
      )
    }
    let enabledLayers = validation ? ["VK_LAYER_KHRONOS_validation"] : []
    let enabledExtensions =
      validation ? ["VK_EXT_debug_utils"] + (synchronization ? ["VK_EXT_validation_features"] : []) : []
    var enabledFeatures = [VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT]

    var instance: VkInstance?
    let result = withCStrings(enabledLayers) { layerPointers in
      withCStrings(enabledExtensions) { extensionPointers in
        "swift-webnn".withCString { appName in
          var app = VkApplicationInfo()
          app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
          app.pApplicationName = appName
          app.pEngineName = appName
          app.apiVersion = vkMakeVersion(1, 3, 0)
          return withUnsafePointer(to: &app) { appPointer in
            enabledFeatures.withUnsafeMutableBufferPointer { featurePointer in
              var features = VkValidationFeaturesEXT()
              features.sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT
              features.enabledValidationFeatureCount = UInt32(featurePointer.count)
              features.pEnabledValidationFeatures = UnsafePointer(featurePointer.baseAddress)
              return withUnsafePointer(to: &features) { featuresPointer in
                var info = VkInstanceCreateInfo()
                info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                info.pNext = validation && synchronization ? UnsafeRawPointer(featuresPointer) : nil
                info.pApplicationInfo = appPointer
                info.enabledLayerCount = UInt32(layerPointers.count)
                info.ppEnabledLayerNames = layerPointers.baseAddress
                info.enabledExtensionCount = UInt32(extensionPointers.count)
                info.ppEnabledExtensionNames = extensionPointers.baseAddress
                return vkCreateInstance(&info, nil, &instance)
              }
            }
          }
        }
      }
    }
    if result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED {
      throw MLError(.notSupportedError, noDeviceMessage)
    }
    try vkCheck(result, "vkCreateInstance")
    handle = instance!
    VulkanLibraryPinning.pinLoadedLibraries()
    if validation { try installMessenger() }
  }

  private func installMessenger() throws {
    guard let proc = vkGetInstanceProcAddr(handle, "vkCreateDebugUtilsMessengerEXT") else {
      throw MLError(.notSupportedError, "VK_EXT_debug_utils is not available")
    }
    let create = unsafeBitCast(proc, to: PFN_vkCreateDebugUtilsMessengerEXT.self)
    var info = VkDebugUtilsMessengerCreateInfoEXT()
    info.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT
    info.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT.rawValue | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT.rawValue
    info.messageType =
      VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT.rawValue | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT.rawValue
      | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT.rawValue
    info.pfnUserCallback = validationCallback
    var messenger: VkDebugUtilsMessengerEXT?
    try vkCheck(create(handle, &info, nil, &messenger), "vkCreateDebugUtilsMessengerEXT")
    self.messenger = messenger
  }

  func physicalDevices() -> [VkPhysicalDevice] {
    var count: UInt32 = 0
    vkEnumeratePhysicalDevices(handle, &count, nil)
    var devices = [VkPhysicalDevice?](repeating: nil, count: Int(count))
    vkEnumeratePhysicalDevices(handle, &count, &devices)
    return devices.compactMap { $0 }
  }

  deinit {
    if let messenger, let proc = vkGetInstanceProcAddr(handle, "vkDestroyDebugUtilsMessengerEXT") {
      unsafeBitCast(proc, to: PFN_vkDestroyDebugUtilsMessengerEXT.self)(handle, messenger, nil)
    }
    vkDestroyInstance(handle, nil)
  }
}

let noDeviceMessage =
  "no Vulkan device found: install a driver (on Debian: apt-get install mesa-vulkan-drivers libvulkan1 for the lavapipe CPU device)"

/// Calls `body` with a C array of C strings that lives for the duration of the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) throws -> R) rethrows
  -> R
{
  let owned = strings.map { strdup($0) }
  defer { for pointer in owned { free(pointer) } }
  let pointers = owned.map { UnsafePointer($0) }
  return try pointers.withUnsafeBufferPointer(body)
}
