import CVulkan
import Foundation
import WebNNCore

/// A compiled graph: its constants and intermediates, a parameter block for every dispatch, a
/// host-visible address table (one device address per tensor slot) and ONE command buffer
/// recorded at build time. `run` only rewrites the table entries of the bound inputs and
/// outputs and re-submits the same command buffer.
final class VulkanGraph: MLBackendGraph, @unchecked Sendable {
  let device: VulkanDevice
  private let inputSlots: [String: Int]
  private let outputSlots: [String: Int]
  private let table: VulkanBuffer
  private let parameters: VulkanBuffer
  private var ownedBuffers: [VulkanBuffer]
  private let commandBuffer: VkCommandBuffer
  private let fence: VkFence
  private let lock = NSLock()
  private var inFlight = false
  /// The tensors bound to the run in flight: they must outlive it even if the caller lets go.
  private var boundTensors: [VulkanTensor] = []
  private var destroyed = false

  init(device: VulkanDevice, ir: GraphIR) throws {
    self.device = device
    let plan = try GraphPlan(
      ir, hasFloat64: device.info.features.shaderFloat64 != 0,
      hasFloat16Arithmetic: device.info.vulkan12.shaderFloat16 != 0)
    inputSlots = plan.inputSlots
    outputSlots = plan.outputSlots

    // Constants and intermediates get their own buffers for the graph's lifetime.
    var addresses = [UInt64](repeating: 0, count: max(plan.slotCount, 1))
    ownedBuffers = []
    for (slot, size) in plan.ownedSlots.sorted(by: { $0.key < $1.key }) {
      let buffer = try VulkanBuffer(device: device, size: size)
      if let data = plan.constantData[slot] { try data.withUnsafeBytes { try buffer.write($0) } }
      ownedBuffers.append(buffer)
      addresses[slot] = buffer.address
    }
    let table = try VulkanBuffer(device: device, size: addresses.count * 8, placement: .hostVisible)
    try addresses.withUnsafeBytes { try table.write($0) }
    self.table = table

    // Parameter blocks, each starting on a 16-byte boundary.
    var words: [UInt32] = []
    var offsets: [Int] = []
    for dispatch in plan.dispatches {
      offsets.append(words.count * 4)
      words += dispatch.parameters.words
      while words.count % 4 != 0 { words.append(0) }
    }
    let parameters = try VulkanBuffer(device: device, size: max(words.count * 4, 16))
    try words.withUnsafeBytes { try parameters.write($0) }
    self.parameters = parameters

    var pipelines: [VkPipeline] = []
    for dispatch in plan.dispatches { pipelines.append(try device.pipelines.pipeline(dispatch.kernel)) }
    commandBuffer = try device.allocateCommandBuffer()
    fence = try device.makeFence()
    try device.recording { try record(plan.dispatches, pipelines: pipelines, offsets: offsets) }
  }

  private func record(_ dispatches: [KernelDispatch], pipelines: [VkPipeline], offsets: [Int]) throws {
    var begin = VkCommandBufferBeginInfo()
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
    try vkCheck(vkBeginCommandBuffer(commandBuffer, &begin), "vkBeginCommandBuffer")
    let layout = device.pipelines.sharedLayout
    var written = Set<Int>()
    var read = Set<Int>()
    for (index, dispatch) in dispatches.enumerated() {
      // A barrier only where this dispatch reads what an earlier one wrote, or overwrites
      // what an earlier one still reads or writes.
      if !written.isDisjoint(with: dispatch.reads) || !written.union(read).isDisjoint(with: dispatch.writes) {
        memoryBarrier(
          from: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
          to: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
          VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue)
        written.removeAll()
        read.removeAll()
      }
      written.formUnion(dispatch.writes)
      read.formUnion(dispatch.reads)
      vkCmdBindPipeline(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipelines[index])
      var push: (UInt64, UInt64) = (table.address, parameters.address + UInt64(offsets[index]))
      vkCmdPushConstants(
        commandBuffer, layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, PipelineCache.pushConstantSize, &push)
      let groups = (dispatch.invocations + 63) / 64
      let x = min(groups, 65535)
      let y = (groups + x - 1) / max(x, 1)
      vkCmdDispatch(commandBuffer, UInt32(max(x, 1)), UInt32(max(y, 1)), 1)
    }
    memoryBarrier(
      from: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
      to: VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT.rawValue)
    try vkCheck(vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer")
  }

  private func memoryBarrier(
    from sourceStage: VkPipelineStageFlagBits, _ sourceAccess: UInt32, to destinationStage: VkPipelineStageFlagBits,
    _ destinationAccess: UInt32
  ) {
    var barrier = VkMemoryBarrier()
    barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
    barrier.srcAccessMask = sourceAccess
    barrier.dstAccessMask = destinationAccess
    vkCmdPipelineBarrier(commandBuffer, sourceStage.rawValue, destinationStage.rawValue, 0, 1, &barrier, 0, nil, 0, nil)
  }

  /// Waits for the previous run, binds the tensors and submits the recorded command buffer.
  func run(inputs: [String: VulkanTensor], outputs: [String: VulkanTensor]) throws {
    try lock.withLock {
      guard !destroyed else { throw MLError(.invalidStateError, "dispatch: the graph was destroyed") }
      try waitLocked()
      guard let mapped = table.mapped else { throw MLError(.operationError, "the address table is not host-visible") }
      let entries = mapped.assumingMemoryBound(to: UInt64.self)
      for (name, slot) in inputSlots { entries[slot] = inputs[name]!.buffer.address }
      for (name, slot) in outputSlots { entries[slot] = outputs[name]!.buffer.address }
      vkResetFences(device.handle, 1, [fence])
      try device.submit(commandBuffer, fence: fence)
      inFlight = true
      boundTensors = Array(inputs.values) + Array(outputs.values)
    }
  }

  private func waitLocked() throws {
    if inFlight {
      try device.wait(fence)
      inFlight = false
      boundTensors = []
    }
  }

  /// Blocks until the last submitted run has finished.
  func wait() throws { try lock.withLock { try waitLocked() } }

  func destroy() {
    lock.withLock {
      guard !destroyed else { return }
      destroyed = true
      if inFlight { try? device.wait(fence) }
      inFlight = false
      boundTensors = []
      device.freeCommandBuffer(commandBuffer)
      vkDestroyFence(device.handle, fence, nil)
      for buffer in ownedBuffers { buffer.destroy() }
      ownedBuffers = []
      table.destroy()
      parameters.destroy()
    }
  }

  deinit { destroy() }
}

/// The device memory of an MLTensor.
final class VulkanTensor: MLBackendTensor, @unchecked Sendable {
  let buffer: VulkanBuffer
  let byteLength: Int
  /// Waits for queued work that may still use the memory.
  private let waitForUsers: @Sendable () -> Void

  init(buffer: VulkanBuffer, byteLength: Int, waitForUsers: @escaping @Sendable () -> Void) {
    self.buffer = buffer
    self.byteLength = byteLength
    self.waitForUsers = waitForUsers
  }

  /// Frees the memory once no queued dispatch can still read or write it.
  func destroy() {
    waitForUsers()
    buffer.destroy()
  }
}
