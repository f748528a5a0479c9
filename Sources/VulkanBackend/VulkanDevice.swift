import CVulkan
import Foundation
import WebNNCore

/// What a physical device offers, read once.
struct DeviceInfo {
  let physical: VkPhysicalDevice
  let properties: VkPhysicalDeviceProperties
  let name: String
  let type: VkPhysicalDeviceType
  let computeQueueFamily: UInt32?
  let features: VkPhysicalDeviceFeatures
  let vulkan11: VkPhysicalDeviceVulkan11Features
  let vulkan12: VkPhysicalDeviceVulkan12Features
  let maxMemoryAllocationSize: UInt64
  /// The device extensions it offers.
  let extensions: Set<String>

  init(_ physical: VkPhysicalDevice) {
    self.physical = physical
    var properties = VkPhysicalDeviceProperties()
    vkGetPhysicalDeviceProperties(physical, &properties)
    self.properties = properties
    name = stringFromTuple(properties.deviceName)
    type = properties.deviceType

    var familyCount: UInt32 = 0
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, nil)
    var families = [VkQueueFamilyProperties](repeating: .init(), count: Int(familyCount))
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &familyCount, &families)
    computeQueueFamily = families.firstIndex { $0.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }.map { UInt32($0) }

    var extensionCount: UInt32 = 0
    vkEnumerateDeviceExtensionProperties(physical, nil, &extensionCount, nil)
    var extensionList = [VkExtensionProperties](repeating: .init(), count: Int(extensionCount))
    vkEnumerateDeviceExtensionProperties(physical, nil, &extensionCount, &extensionList)
    extensions = Set(extensionList.map { stringFromTuple($0.extensionName) })

    var chain = FeatureChain()
    if properties.apiVersion >= vkMakeVersion(1, 2, 0) {
      chain.withChain { vkGetPhysicalDeviceFeatures2(physical, $0) }
    }
    features = chain.core
    vulkan11 = chain.vulkan11
    vulkan12 = chain.vulkan12

    var maintenance3 = VkPhysicalDeviceMaintenance3Properties()
    maintenance3.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES
    maxMemoryAllocationSize = withUnsafeMutablePointer(to: &maintenance3) { pointer in
      var properties2 = VkPhysicalDeviceProperties2()
      properties2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
      properties2.pNext = UnsafeMutableRawPointer(pointer)
      vkGetPhysicalDeviceProperties2(physical, &properties2)
      return pointer.pointee.maxMemoryAllocationSize
    }
  }

  /// Why the device cannot run WebNN graphs, or nil if it can.
  var unsuitability: String? {
    if properties.apiVersion < vkMakeVersion(1, 2, 0) { return "Vulkan 1.2 or later is required" }
    if computeQueueFamily == nil { return "no compute queue" }
    if vulkan12.bufferDeviceAddress == 0 { return "bufferDeviceAddress is required" }
    if vulkan11.storageBuffer16BitAccess == 0 { return "storageBuffer16BitAccess is required" }
    if vulkan12.storageBuffer8BitAccess == 0 { return "storageBuffer8BitAccess is required" }
    if features.shaderInt64 == 0 { return "shaderInt64 is required" }
    if !extensions.contains("VK_KHR_push_descriptor") { return "VK_KHR_push_descriptor is required" }
    return nil
  }

  var typeName: String {
    switch type {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: "discrete GPU"
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: "integrated GPU"
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: "virtual GPU"
    case VK_PHYSICAL_DEVICE_TYPE_CPU: "CPU"
    default: "other"
    }
  }
}

/// Picks a device for the context options. `WEBNN_VULKAN_DEVICE` (an index or a name
/// substring) overrides the preference.
func selectDevice(_ candidates: [DeviceInfo], options: MLContextOptions, override: String?) throws -> DeviceInfo {
  if candidates.isEmpty { throw MLError(.notSupportedError, noDeviceMessage) }
  if let override, !override.isEmpty {
    let chosen: DeviceInfo? =
      if let index = Int(override) { candidates.indices.contains(index) ? candidates[index] : nil } else {
        candidates.first { $0.name.localizedCaseInsensitiveContains(override) }
      }
    guard let chosen else {
      throw MLError(
        .notSupportedError,
        "WEBNN_VULKAN_DEVICE=\(override) matches none of: \(candidates.enumerated().map { "\($0.offset): \($0.element.name)" }.joined(separator: ", "))"
      )
    }
    if let reason = chosen.unsuitability { throw MLError(.notSupportedError, "\(chosen.name): \(reason)") }
    return chosen
  }
  let usable = candidates.filter { $0.unsuitability == nil }
  guard !usable.isEmpty else {
    let reasons = candidates.map { "\($0.name): \($0.unsuitability!)" }.joined(separator: "; ")
    throw MLError(.notSupportedError, "no usable Vulkan device (\(reasons))")
  }
  let order: [VkPhysicalDeviceType]
  switch (options.powerPreference, options.accelerated) {
  case (.highPerformance, _): order = [VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU]
  case (.lowPower, _): order = [VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU, VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU]
  case (.default, false): order = [VK_PHYSICAL_DEVICE_TYPE_CPU]
  case (.default, true): order = [VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU]
  }
  for type in order { if let match = usable.first(where: { $0.type == type }) { return match } }
  return usable[0]
}

/// The core, Vulkan 1.1 and Vulkan 1.2 feature structs, linked into one pNext chain while
/// `withChain` runs (for querying and for enabling features alike).
struct FeatureChain {
  var core = VkPhysicalDeviceFeatures()
  var vulkan11 = VkPhysicalDeviceVulkan11Features()
  var vulkan12 = VkPhysicalDeviceVulkan12Features()

  mutating func withChain<R>(_ body: (UnsafeMutablePointer<VkPhysicalDeviceFeatures2>) throws -> R) rethrows -> R {
    let v11 = UnsafeMutablePointer<VkPhysicalDeviceVulkan11Features>.allocate(capacity: 1)
    let v12 = UnsafeMutablePointer<VkPhysicalDeviceVulkan12Features>.allocate(capacity: 1)
    let features2 = UnsafeMutablePointer<VkPhysicalDeviceFeatures2>.allocate(capacity: 1)
    defer {
      v11.deallocate()
      v12.deallocate()
      features2.deallocate()
    }
    v12.initialize(to: vulkan12)
    v12.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES
    v12.pointee.pNext = nil
    v11.initialize(to: vulkan11)
    v11.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES
    v11.pointee.pNext = UnsafeMutableRawPointer(v12)
    features2.initialize(to: VkPhysicalDeviceFeatures2())
    features2.pointee.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
    features2.pointee.pNext = UnsafeMutableRawPointer(v11)
    features2.pointee.features = core
    let result = try body(features2)
    core = features2.pointee.features
    vulkan11 = v11.pointee
    vulkan12 = v12.pointee
    vulkan11.pNext = nil
    vulkan12.pNext = nil
    return result
  }
}

/// The logical device with its queue, command pool and memory types. Owns queue
/// synchronization: submissions go through `submit`.
final class VulkanDevice: @unchecked Sendable {
  let instance: VulkanInstance
  let info: DeviceInfo
  let handle: VkDevice
  let queue: VkQueue
  let queueFamily: UInt32
  private let commandPool: VkCommandPool
  let lock = NSLock()
  /// A memory type both device-local and host-visible, if the device has one.
  let unifiedMemoryType: UInt32?
  let deviceLocalMemoryType: UInt32
  let hostVisibleMemoryType: UInt32
  /// The heap of each memory type.
  let heapOfMemoryType: [Int]
  /// What the buffers may take of each heap, and what they hold.
  let memoryBudget: MemoryBudget
  let pipelines: PipelineCache
  /// What kernel selection knows about the device.
  let profile: DeviceProfile
  /// The kernel variants it gets (the profile, or `WEBNN_KERNELS`).
  let selection: KernelSelection
  /// vkCmdPushDescriptorSetKHR, loaded from the device.
  let pushDescriptorSet: PFN_vkCmdPushDescriptorSetKHR
  /// The largest range one storage-buffer descriptor may cover; larger tensors are reached by
  /// device address.
  var maxStorageBufferRange: Int { Int(info.properties.limits.maxStorageBufferRange) }
  /// Alignment of each dispatch's parameter block inside the graph's parameter buffer.
  /// The alignment of a storage buffer's offset in a descriptor.
  var storageAlignment: Int { Int(info.properties.limits.minStorageBufferOffsetAlignment) }
  /// The alignment of a texel buffer view's offset.
  var texelAlignment: Int { Int(info.properties.limits.minTexelBufferOffsetAlignment) }
  var parameterAlignment: Int { max(Int(info.properties.limits.minUniformBufferOffsetAlignment), 16) }

  init(instance: VulkanInstance, info: DeviceInfo) throws {
    // Everything that may throw comes before vkCreateDevice, or destroys the device before it
    // throws: a throwing initializer runs no deinit.
    let memoryLimit = try MemoryBudget.environmentLimit()
    self.instance = instance
    self.info = info
    profile = DeviceProfile(info)
    selection = KernelSelection(profile)
    queueFamily = info.computeQueueFamily!

    // Enable what the kernels need, plus the optional features they use where present.
    var chain = FeatureChain()
    chain.vulkan11.storageBuffer16BitAccess = 1
    chain.vulkan12.bufferDeviceAddress = 1
    chain.vulkan12.storageBuffer8BitAccess = 1
    chain.vulkan12.shaderInt8 = info.vulkan12.shaderInt8
    chain.vulkan12.shaderFloat16 = info.vulkan12.shaderFloat16
    chain.vulkan12.scalarBlockLayout = info.vulkan12.scalarBlockLayout
    chain.vulkan12.timelineSemaphore = info.vulkan12.timelineSemaphore
    chain.core.shaderInt64 = 1
    chain.core.shaderInt16 = info.features.shaderInt16

    var memory = VkPhysicalDeviceMemoryProperties()
    vkGetPhysicalDeviceMemoryProperties(info.physical, &memory)
    let types = withUnsafeBytes(of: memory.memoryTypes) {
      Array($0.bindMemory(to: VkMemoryType.self).prefix(Int(memory.memoryTypeCount)))
    }
    func find(_ flags: UInt32) -> UInt32? {
      types.firstIndex { $0.propertyFlags & flags == flags }.map { UInt32($0) }
    }
    let local = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue
    let visible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
    unifiedMemoryType = find(local | visible)
    guard let host = find(visible), let deviceLocal = find(local) ?? find(0) else {
      throw MLError(.notSupportedError, "\(info.name): no host-visible coherent memory")
    }
    hostVisibleMemoryType = host
    deviceLocalMemoryType = deviceLocal
    heapOfMemoryType = types.map { Int($0.heapIndex) }
    memoryBudget = MemoryBudget(heapSizes: MemoryBudget.heapBudgets(info), limit: memoryLimit)
    pipelines = PipelineCache(idleLimit: try PipelineCache.idleLimit(from: ProcessInfo.processInfo.environment))

    var priority: Float = 1
    var device: VkDevice?
    let family = queueFamily
    try withUnsafePointer(to: &priority) { priorityPointer in
      var queueInfo = VkDeviceQueueCreateInfo()
      queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
      queueInfo.queueFamilyIndex = family
      queueInfo.queueCount = 1
      queueInfo.pQueuePriorities = priorityPointer
      try withUnsafePointer(to: &queueInfo) { queuePointer in
        try chain.withChain { featuresPointer in
          var create = VkDeviceCreateInfo()
          create.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
          create.pNext = UnsafeRawPointer(featuresPointer)
          create.queueCreateInfoCount = 1
          create.pQueueCreateInfos = queuePointer
          try withCStrings(["VK_KHR_push_descriptor"]) { names in
            create.enabledExtensionCount = UInt32(names.count)
            create.ppEnabledExtensionNames = names.baseAddress
            try vkCheck(vkCreateDevice(info.physical, &create, nil, &device), "vkCreateDevice")
          }
        }
      }
    }
    handle = device!
    var queue: VkQueue?
    vkGetDeviceQueue(handle, queueFamily, 0, &queue)
    self.queue = queue!
    guard let push = vkGetDeviceProcAddr(handle, "vkCmdPushDescriptorSetKHR") else {
      vkDestroyDevice(handle, nil)
      throw MLError(.notSupportedError, "\(info.name): vkCmdPushDescriptorSetKHR is missing")
    }
    pushDescriptorSet = unsafeBitCast(push, to: PFN_vkCmdPushDescriptorSetKHR.self)

    var poolInfo = VkCommandPoolCreateInfo()
    poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
    poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
    poolInfo.queueFamilyIndex = queueFamily
    var pool: VkCommandPool?
    do {
      try vkCheck(vkCreateCommandPool(handle, &poolInfo, nil, &pool), "vkCreateCommandPool")
    } catch {
      vkDestroyDevice(handle, nil)
      throw error
    }
    commandPool = pool!
    progress = info.vulkan12.timelineSemaphore != 0 ? Self.makeTimelineSemaphore(handle) : nil

    pipelines.device = self
  }

  /// A timeline semaphore that every submission advances by one, or nil where the device has
  /// none (or could not make one: then waits go through fences alone).
  private static func makeTimelineSemaphore(_ device: VkDevice) -> VkSemaphore? {
    var type = VkSemaphoreTypeCreateInfo()
    type.sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO
    type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE
    type.initialValue = 0
    return withUnsafePointer(to: &type) { typePointer in
      var info = VkSemaphoreCreateInfo()
      info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO
      info.pNext = UnsafeRawPointer(typePointer)
      var semaphore: VkSemaphore?
      return vkCreateSemaphore(device, &info, nil, &semaphore) == VK_SUCCESS ? semaphore : nil
    }
  }

  /// The device's progress: every submission signals the next value when it completes, so
  /// "everything submitted so far has finished" is one value to wait for (``ProgressWaiter``).
  let progress: VkSemaphore?
  /// The value the last submission signals (guarded by ``lock``).
  private var submittedValue: UInt64 = 0

  /// The value that marks everything submitted so far as finished.
  var lastSubmittedValue: UInt64 { lock.withLock { submittedValue } }

  /// Waits up to `timeout` nanoseconds for ``progress`` to reach `value`; answers the value it
  /// has reached, or throws (a lost device).
  func waitForProgress(_ value: UInt64, timeout: UInt64) throws -> UInt64 {
    guard let progress else { return value }
    var semaphore: VkSemaphore? = progress
    var target = value
    let result = withUnsafePointer(to: &semaphore) { semaphores in
      withUnsafePointer(to: &target) { values in
        var info = VkSemaphoreWaitInfo()
        info.sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO
        info.semaphoreCount = 1
        info.pSemaphores = semaphores
        info.pValues = values
        return vkWaitSemaphores(handle, &info, timeout)
      }
    }
    if result != VK_TIMEOUT { try vkCheck(result, "vkWaitSemaphores") }
    var reached: UInt64 = 0
    try vkCheck(vkGetSemaphoreCounterValue(handle, progress, &reached), "vkGetSemaphoreCounterValue")
    return reached
  }

  /// The largest buffer a tensor may use.
  var maxBufferSize: Int { Int(min(info.maxMemoryAllocationSize, UInt64(Int.max))) }

  func allocateCommandBuffer() throws -> VkCommandBuffer {
    var info = VkCommandBufferAllocateInfo()
    info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
    info.commandPool = commandPool
    info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
    info.commandBufferCount = 1
    var buffer: VkCommandBuffer?
    try lock.withLock { try vkCheck(vkAllocateCommandBuffers(handle, &info, &buffer), "vkAllocateCommandBuffers") }
    return buffer!
  }

  func freeCommandBuffer(_ buffer: VkCommandBuffer) {
    var buffer: VkCommandBuffer? = buffer
    lock.withLock { vkFreeCommandBuffers(handle, commandPool, 1, &buffer) }
  }

  /// Runs `body`, which records into a command buffer of the shared pool, under the device lock:
  /// Vulkan requires the pool (so every buffer allocated from it) to be used by one thread at a
  /// time, and graphs are built and tensors copied from many.
  func recording<T>(_ body: () throws -> T) rethrows -> T {
    try lock.withLock { try body() }
  }

  func makeFence() throws -> VkFence {
    var info = VkFenceCreateInfo()
    info.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
    var fence: VkFence?
    try vkCheck(vkCreateFence(handle, &info, nil, &fence), "vkCreateFence")
    return fence!
  }

  /// Submits one command buffer, signalling `fence`.
  /// Submits one command buffer, signalling `fence` and the next value of ``progress``.
  func submit(_ commandBuffer: VkCommandBuffer, fence: VkFence) throws {
    var buffer: VkCommandBuffer? = commandBuffer
    var semaphore: VkSemaphore? = progress
    try lock.withLock {
      var value = submittedValue + 1
      try withUnsafePointer(to: &buffer) { buffers in
        try withUnsafePointer(to: &semaphore) { semaphores in
          try withUnsafePointer(to: &value) { values in
            var timeline = VkTimelineSemaphoreSubmitInfo()
            timeline.sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO
            timeline.signalSemaphoreValueCount = 1
            timeline.pSignalSemaphoreValues = values
            try withUnsafePointer(to: &timeline) { timelinePointer in
              var submit = VkSubmitInfo()
              submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
              submit.commandBufferCount = 1
              submit.pCommandBuffers = buffers
              if progress != nil {
                submit.pNext = UnsafeRawPointer(timelinePointer)
                submit.signalSemaphoreCount = 1
                submit.pSignalSemaphores = semaphores
              }
              try vkCheck(vkQueueSubmit(queue, 1, &submit, fence), "vkQueueSubmit")
            }
          }
        }
      }
      if progress != nil { submittedValue = value }
    }
  }

  func wait(_ fence: VkFence) throws {
    var fence: VkFence? = fence
    try vkCheck(vkWaitForFences(handle, 1, &fence, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
  }

  /// Records with `body`, submits and waits: for uploads and copies outside graphs.
  func runOnce(_ body: (VkCommandBuffer) -> Void) throws {
    let commandBuffer = try allocateCommandBuffer()
    defer { freeCommandBuffer(commandBuffer) }
    try recording {
      var begin = VkCommandBufferBeginInfo()
      begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
      begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
      try vkCheck(vkBeginCommandBuffer(commandBuffer, &begin), "vkBeginCommandBuffer")
      body(commandBuffer)
      try vkCheck(vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer")
    }
    let fence = try makeFence()
    defer { vkDestroyFence(handle, fence, nil) }
    try submit(commandBuffer, fence: fence)
    try wait(fence)
  }

  deinit {
    vkDeviceWaitIdle(handle)
    if let progress { vkDestroySemaphore(handle, progress, nil) }
    pipelines.destroyAll()
    vkDestroyCommandPool(handle, commandPool, nil)
    vkDestroyDevice(handle, nil)
  }
}
