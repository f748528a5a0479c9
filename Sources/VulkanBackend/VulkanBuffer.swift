import CVulkan
import Foundation
import Synchronization
import WebNNCore

/// Source of ``VulkanBuffer/id``.
private let nextBufferID = Atomic<UInt64>(1)

/// One VkBuffer with its own memory, bound to kernels as a storage buffer (or, past the
/// device's maxStorageBufferRange, reached by its device address), and read as a uniform texel
/// buffer through views it keeps (``texelView(offset:bytes:format:)``).
/// Memory is device-local and host-visible where the device has such a type (lavapipe,
/// integrated GPUs); otherwise device-local, and host access goes through a staging buffer.
final class VulkanBuffer: @unchecked Sendable {
  let device: VulkanDevice
  let buffer: VkBuffer
  let memory: VkDeviceMemory
  let size: Int
  /// The host pointer of host-visible memory.
  let mapped: UnsafeMutableRawPointer?
  let address: UInt64
  /// The bytes of device memory behind the buffer (what ``DeviceMemory`` counts).
  let allocationSize: Int
  /// The memory heap they come from (counted in the device's ``MemoryBudget``).
  private let heap: Int
  /// Bytes past `size` filled with ``guardPattern`` when `WEBNN_GUARD=1` (0 otherwise): a kernel
  /// that writes past the end of its tensor changes them, which ``guardIntact()`` detects.
  let guardBytes: Int
  /// Where the guard region starts: the size rounded up to 4 bytes (vkCmdFillBuffer's unit).
  var guardStart: Int { (size + 3) & ~3 }
  /// Unique for the process's lifetime (unlike the VkBuffer handle, which the driver may reuse):
  /// a graph re-records its command buffer when the buffers bound to it change identity.
  let id = nextBufferID.add(1, ordering: .relaxed).oldValue
  private var destroyed = false
  /// Texel views of ranges of the buffer, made on first use and destroyed with it.
  private let views = Mutex<[TexelViewKey: VkBufferView]>([:])

  enum Placement { case deviceLocal, hostVisible }

  /// Whether `WEBNN_GUARD` asks for guard regions after every buffer.
  static let guardRegions: Bool = {
    let value = ProcessInfo.processInfo.environment["WEBNN_GUARD"] ?? ""
    return !value.isEmpty && value != "0"
  }()
  static let guardPattern: UInt8 = 0xA5

  init(device: VulkanDevice, size requested: Int, placement: Placement = .deviceLocal, guardBytes: Int? = nil) throws {
    self.device = device
    let size = max(requested, 16)
    self.size = size
    self.guardBytes = guardBytes ?? (Self.guardRegions ? 256 : 0)
    var info = VkBufferCreateInfo()
    info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
    info.size = VkDeviceSize(self.guardBytes > 0 ? (size + 3) & ~3 + self.guardBytes : size)
    info.usage =
      VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue
      | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT.rawValue
      | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT.rawValue | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT.rawValue
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE
    var buffer: VkBuffer?
    try vkCheck(vkCreateBuffer(device.handle, &info, nil, &buffer), "vkCreateBuffer(\(size) bytes)")
    self.buffer = buffer!

    var requirements = VkMemoryRequirements()
    vkGetBufferMemoryRequirements(device.handle, buffer, &requirements)
    let allocated: (memory: VkDeviceMemory, type: UInt32)
    do {
      allocated = try Self.allocate(device, requirements, placement: placement, size: size)
    } catch {
      vkDestroyBuffer(device.handle, buffer, nil)
      throw error
    }
    let memoryType = allocated.type
    let memory = allocated.memory
    self.memory = memory
    heap = device.heapOfMemoryType[Int(memoryType)]
    allocationSize = Int(requirements.size)
    DeviceMemory.allocated(allocationSize)
    vkBindBufferMemory(device.handle, buffer, memory, 0)

    let hostVisible = memoryType == device.unifiedMemoryType || memoryType == device.hostVisibleMemoryType
    if hostVisible {
      var pointer: UnsafeMutableRawPointer?
      let result = vkMapMemory(device.handle, memory, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &pointer)
      if result != VK_SUCCESS {
        DeviceMemory.freed(allocationSize)
        device.memoryBudget.release(allocationSize, heap: heap)
        vkDestroyBuffer(device.handle, buffer, nil)
        vkFreeMemory(device.handle, memory, nil)
        try vkCheck(result, "vkMapMemory(\(size) bytes)")
      }
      mapped = pointer
    } else {
      mapped = nil
    }
    var addressInfo = VkBufferDeviceAddressInfo()
    addressInfo.sType = VK_STRUCTURE_TYPE_BUFFER_DEVICE_ADDRESS_INFO
    addressInfo.buffer = buffer
    address = vkGetBufferDeviceAddress(device.handle, &addressInfo)
    let guardWord = UInt32(Self.guardPattern) * 0x0101_0101
    if let mapped {
      memset(mapped, 0, size)
      memset(mapped + guardStart, Int32(Self.guardPattern), self.guardBytes)
    } else {
      try device.runOnce {
        vkCmdFillBuffer(
          $0, self.buffer, 0, self.guardBytes > 0 ? VkDeviceSize(self.guardStart) : VkDeviceSize(VK_WHOLE_SIZE), 0)
        if self.guardBytes > 0 {
          vkCmdFillBuffer(
            $0, self.buffer, VkDeviceSize(self.guardStart), VkDeviceSize(self.guardBytes), guardWord)
        }
      }
    }
  }

  /// Whether the guard region still holds its pattern (always true without guard regions). The
  /// caller has waited for the work that used the buffer.
  func guardIntact() throws -> Bool {
    guard !destroyed else { return true }
    return try BufferRegion(whole: self).guardIntact()
  }

  /// `count` bytes from `offset` (the caller has waited for GPU work writing them).
  func bytes(at offset: Int, count: Int) throws -> [UInt8] {
    if let mapped { return [UInt8](UnsafeRawBufferPointer(start: mapped + offset, count: count)) }
    return Array(try read(count: offset + count).dropFirst(offset))
  }

  /// Sets `count` bytes from `offset` (a multiple of 4, as vkCmdFillBuffer needs) to `byte`.
  func fill(offset: Int, count: Int, byte: UInt8) throws {
    precondition(offset % 4 == 0 && offset + count <= guardStart + guardBytes)
    if let mapped {
      memset(mapped + offset, Int32(byte), count)
      return
    }
    try device.runOnce {
      vkCmdFillBuffer(
        $0, self.buffer, VkDeviceSize(offset), VkDeviceSize((count + 3) & ~3), UInt32(byte) * 0x0101_0101)
    }
  }

  /// Copies host bytes in (the caller has made sure no GPU work uses the buffer).
  func write(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) throws {
    precondition(offset + bytes.count <= size)
    guard bytes.count > 0 else { return }
    if let mapped {
      (mapped + offset).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
      return
    }
    let staging = try VulkanBuffer(device: device, size: bytes.count, placement: .hostVisible)
    defer { staging.destroy() }
    try staging.write(bytes)
    try device.runOnce { commandBuffer in
      var region = VkBufferCopy(srcOffset: 0, dstOffset: VkDeviceSize(offset), size: VkDeviceSize(bytes.count))
      vkCmdCopyBuffer(commandBuffer, staging.buffer, self.buffer, 1, &region)
    }
  }

  /// Copies `count` bytes out (the caller has waited for GPU work writing the buffer).
  func read(count: Int) throws -> [UInt8] {
    precondition(count <= guardStart + guardBytes)
    if let mapped {
      return [UInt8](UnsafeRawBufferPointer(start: mapped, count: count))
    }
    let staging = try VulkanBuffer(device: device, size: count, placement: .hostVisible)
    defer { staging.destroy() }
    try device.runOnce { commandBuffer in
      var region = VkBufferCopy(srcOffset: 0, dstOffset: 0, size: VkDeviceSize(count))
      vkCmdCopyBuffer(commandBuffer, self.buffer, staging.buffer, 1, &region)
      // Make the copy visible to the host before the fence wait returns.
      var barrier = VkMemoryBarrier()
      barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
      barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
      barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT.rawValue
      vkCmdPipelineBarrier(
        commandBuffer, VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue, VK_PIPELINE_STAGE_HOST_BIT.rawValue, 0, 1, &barrier, 0,
        nil, 0, nil)
    }
    return try staging.read(count: count)
  }

  /// Memory for `requirements` from the first memory type that the buffer allows, fits the
  /// budget and the driver grants: the placement's preferred type, then (for device-local
  /// memory the device has run out of) host-visible memory, which kernels read more slowly but
  /// read all the same. Each type is counted in the budget of its heap.
  private static func allocate(
    _ device: VulkanDevice, _ requirements: VkMemoryRequirements, placement: Placement, size: Int
  ) throws -> (memory: VkDeviceMemory, type: UInt32) {
    let preferred: [UInt32?] =
      switch placement {
      case .deviceLocal: [device.unifiedMemoryType, device.deviceLocalMemoryType, device.hostVisibleMemoryType]
      case .hostVisible: [device.unifiedMemoryType, device.hostVisibleMemoryType]
      }
    var candidates: [UInt32] = []
    for case let type? in preferred where requirements.memoryTypeBits & (1 << type) != 0 && !candidates.contains(type) {
      candidates.append(type)
    }
    guard !candidates.isEmpty else {
      throw MLError(
        .unknownError,
        "a \(size)-byte buffer: no memory type the device offers for it (memoryTypeBits \(requirements.memoryTypeBits))"
      )
    }
    var lastError: any Error = MLError(.unknownError, "a \(size)-byte buffer: no memory")
    for type in candidates {
      let heap = device.heapOfMemoryType[Int(type)]
      do {
        try device.memoryBudget.reserve(Int(requirements.size), heap: heap, for: "a \(size)-byte buffer")
      } catch {
        lastError = error
        continue
      }
      var flags = VkMemoryAllocateFlagsInfo()
      flags.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_FLAGS_INFO
      flags.flags = VK_MEMORY_ALLOCATE_DEVICE_ADDRESS_BIT.rawValue
      var memory: VkDeviceMemory?
      let result = withUnsafePointer(to: &flags) { flagsPointer in
        var allocate = VkMemoryAllocateInfo()
        allocate.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocate.pNext = UnsafeRawPointer(flagsPointer)
        allocate.allocationSize = requirements.size
        allocate.memoryTypeIndex = type
        return vkAllocateMemory(device.handle, &allocate, nil, &memory)
      }
      if result == VK_SUCCESS, let memory { return (memory, type) }
      device.memoryBudget.release(Int(requirements.size), heap: heap)
      do { try vkCheck(result, "vkAllocateMemory(\(size) bytes, memory type \(type))") } catch { lastError = error }
      // Only running out of memory is worth another type.
      guard result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY else { break }
    }
    throw lastError
  }

  /// A view of `bytes` bytes at `offset` as texels of `format` (`texelBytes` each), for kernels
  /// that read a tensor with texelFetch: on CPU devices a texel fetch is a gather without the
  /// per-lane loop a storage-buffer load becomes. The range is rounded down to whole texels.
  func texelView(offset: Int, bytes: Int, format: VkFormat, texelBytes: Int) throws -> VkBufferView {
    let key = TexelViewKey(offset: offset, texels: bytes / texelBytes, format: format.rawValue)
    return try views.withLock { views in
      if let view = views[key] { return view }
      var info = VkBufferViewCreateInfo()
      info.sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO
      info.buffer = buffer
      info.format = format
      info.offset = VkDeviceSize(offset)
      info.range = VkDeviceSize(key.texels * texelBytes)
      var view: VkBufferView?
      try vkCheck(vkCreateBufferView(device.handle, &info, nil, &view), "vkCreateBufferView(\(key.texels) texels)")
      views[key] = view!
      return view!
    }
  }

  private struct TexelViewKey: Hashable {
    let offset: Int
    let texels: Int
    let format: UInt32
  }

  func destroy() {
    guard !destroyed else { return }
    destroyed = true
    views.withLock { views in
      for view in views.values { vkDestroyBufferView(device.handle, view, nil) }
      views = [:]
    }
    DeviceMemory.freed(allocationSize)
    device.memoryBudget.release(allocationSize, heap: heap)
    if mapped != nil { vkUnmapMemory(device.handle, memory) }
    vkDestroyBuffer(device.handle, buffer, nil)
    vkFreeMemory(device.handle, memory, nil)
  }

  deinit { destroy() }
}
