import CVulkan
import Foundation
import WebNNCore

/// A compiled graph: its constants and intermediates, one parameter block per dispatch (in one
/// buffer), and two run states, each with one command buffer for the whole graph. A state's
/// command buffer is recorded at its first use and re-recorded only when the caller binds
/// different tensors: descriptors are pushed into the command buffer (lavapipe has no
/// update-after-bind), so bound buffers are part of the recording. With two states, a dispatch
/// made while the previous run is still executing records and submits into the other state
/// instead of waiting for it; the device orders the two runs (every command buffer begins with a
/// barrier against all earlier work), so the intermediates they share and a tensor one writes
/// and the other reads are safe.
final class VulkanGraph: MLBackendGraph, @unchecked Sendable {
  let device: VulkanDevice
  private let inputSlots: [String: Int]
  private let outputSlots: [String: Int]
  private let dispatches: [KernelDispatch]
  private let pipelines: [VkPipeline]
  private let parameterOffsets: [Int]
  private let parameters: VulkanBuffer
  /// Where the constants, intermediates and scratch space are, by slot.
  private var ownedRegions: [Int: BufferRegion]
  /// The buffers behind them: weights, the arena, and separate ones past the largest allocation.
  private var ownedBuffers: [VulkanBuffer]
  /// The plan behind ``ownedRegions``, for statistics.
  private let memory: GraphMemoryPlan
  /// The per-run state: ``runStateCount`` recordings, each with its fence.
  private let runStates: [RunState]
  /// How many runs were submitted; orders the states' runs, oldest first.
  private var submissions: UInt64 = 0
  /// How often a dispatch found every run state busy and waited for the oldest run.
  private var hostWaits = 0
  private let lock = NSLock()
  private var destroyed = false
  /// Set by a destroy that found a run in flight: the graph keeps itself until the run ends,
  /// then frees its device objects (``finishRunLocked()``), so destroy never waits for the device.
  private var keepAlive: VulkanGraph?
  /// How often a command buffer was recorded (each state's first use and each change of tensors).
  private(set) var recordCount = 0
  /// Run states per graph: two let a dispatch be recorded and submitted while the previous run
  /// executes; more would only queue more work behind the same device.
  static let runStateCount = 2
  /// Distinct pipelines (shader and defines) the graph's dispatches use.
  let pipelineVariants: Int
  /// The shader of each dispatch, in order.
  var shaders: [String] { dispatches.map(\.kernel.shader) }

  init(device: VulkanDevice, ir: GraphIR) throws {
    self.device = device
    var plan = try GraphPlan(
      ir, hasFloat16Arithmetic: device.info.vulkan12.shaderFloat16 != 0, selection: device.selection)
    inputSlots = plan.inputSlots
    outputSlots = plan.outputSlots

    // A tensor larger than one descriptor may cover is reached by device address instead.
    var dispatches = plan.dispatches
    for index in dispatches.indices {
      var kernel = dispatches[index].kernel
      for (binding, slot) in dispatches[index].parameters.bindings.enumerated()
      where plan.byteLength(ofSlot: slot) > device.maxStorageBufferRange {
        kernel = kernel.reachingByAddress(binding: binding + 1)
      }
      dispatches[index].kernel = kernel
    }
    self.dispatches = dispatches

    let guardBytes = VulkanBuffer.guardRegions ? 256 : 0
    let memory = GraphMemoryPlan(
      plan, alignment: max(device.storageAlignment, device.texelAlignment, 64), gap: guardBytes, reuse: guardBytes == 0,
      maxBuffer: device.maxBufferSize)
    self.memory = memory
    var buffers: [VulkanBuffer] = []
    var weightBuffers: [VulkanBuffer] = []
    for size in memory.weightBufferSizes {
      weightBuffers.append(try VulkanBuffer(device: device, size: size, guardBytes: 0))
    }
    buffers += weightBuffers
    let arena = memory.arenaBytes > 0 ? try VulkanBuffer(device: device, size: memory.arenaBytes, guardBytes: 0) : nil
    if let arena { buffers.append(arena) }
    var regions: [Int: BufferRegion] = [:]
    for (slot, placement) in memory.placements.sorted(by: { $0.key < $1.key }) {
      let buffer: VulkanBuffer
      switch placement.pool {
      case .weights(let index): buffer = weightBuffers[index]
      case .arena: buffer = arena!
      case .separate:
        buffer = try VulkanBuffer(device: device, size: ((placement.size + 3) & ~3) + guardBytes, guardBytes: 0)
        buffers.append(buffer)
      }
      let region = BufferRegion(buffer, offset: placement.offset, size: placement.size, guardBytes: guardBytes)
      try region.armGuard()
      regions[slot] = region
    }
    ownedRegions = regions
    ownedBuffers = buffers
    for (index, buffer) in weightBuffers.enumerated() {
      try Self.upload(
        plan.constantData.compactMap { slot, bytes in
          memory.placements[slot].flatMap { $0.pool == .weights(index) ? ($0.offset, bytes) : nil }
        }, into: buffer)
    }
    // The device holds the constants now; weights the plan made on the host (Winograd's
    // transformed filters) go with it.
    let madeWeights = plan.hostMadeConstantBytes > 0
    plan.constantData = [:]

    // Parameter blocks at the device's uniform-buffer offset alignment; the last block is
    // followed by a whole block's worth of bytes, as the shaders declare one.
    var words: [UInt32] = []
    var offsets: [Int] = []
    let alignmentWords = device.parameterAlignment / 4
    for dispatch in dispatches {
      offsets.append(words.count * 4)
      words += dispatch.parameters.words
      while words.count % alignmentWords != 0 { words.append(0) }
    }
    parameterOffsets = offsets
    let parameters = try VulkanBuffer(device: device, size: words.count * 4 + PipelineCache.parameterBlockSize)
    try words.withUnsafeBytes { try parameters.write($0) }
    self.parameters = parameters

    var acquired: [VkPipeline] = []
    for dispatch in dispatches {
      do {
        acquired.append(try device.pipelines.acquire(dispatch.kernel))
      } catch {
        device.pipelines.release(dispatches.prefix(acquired.count).map(\.kernel))
        guard let error = error as? MLError else { throw error }
        throw MLError(error.kind, "\(dispatch.origin): \(error.message)")
      }
    }
    pipelines = acquired
    device.pipelines.saveDriverCache()
    ShaderCompiler.returnFreedMemory(force: madeWeights)
    pipelineVariants = Set(dispatches.map(\.kernel.key)).count
    // A failure past this point gives the pipelines back and frees what was made; a throwing
    // initializer runs no deinit (the buffers above free themselves).
    var states: [RunState] = []
    do {
      let profiled = KernelProfile.isEnabled && device.info.properties.limits.timestampComputeAndGraphics != 0
      for _ in 0..<Self.runStateCount {
        states.append(try RunState(device: device, timestamps: profiled ? 2 * dispatches.count : 0))
      }
    } catch {
      for state in states { state.free(device) }
      device.pipelines.release(dispatches.map(\.kernel))
      throw error
    }
    runStates = states
  }

  /// Writes constants into a weight buffer: directly where it is host-visible, otherwise
  /// through one staging buffer and one copy for all of them.
  private static func upload(_ constants: [(offset: Int, bytes: MLConstantBytes)], into buffer: VulkanBuffer) throws {
    if buffer.mapped != nil {
      for (offset, bytes) in constants { try bytes.withUnsafeBytes { try buffer.write($0, offset: offset) } }
      return
    }
    let staging = try VulkanBuffer(device: buffer.device, size: buffer.size, placement: .hostVisible, guardBytes: 0)
    defer { staging.destroy() }
    for (offset, bytes) in constants { try bytes.withUnsafeBytes { try staging.write($0, offset: offset) } }
    try buffer.device.runOnce { commandBuffer in
      var region = VkBufferCopy(srcOffset: 0, dstOffset: 0, size: VkDeviceSize(buffer.size))
      vkCmdCopyBuffer(commandBuffer, staging.buffer, buffer.buffer, 1, &region)
    }
  }

  /// Adds the dispatch times of the run that just finished in `state` to ``KernelProfile``.
  private func collectProfile(_ state: RunState) {
    guard let queryPool = state.queryPool, !dispatches.isEmpty else { return }
    var stamps = [UInt64](repeating: 0, count: 2 * dispatches.count)
    let result = stamps.withUnsafeMutableBytes {
      vkGetQueryPoolResults(
        device.handle, queryPool, 0, UInt32($0.count / 8), $0.count, $0.baseAddress, 8,
        VK_QUERY_RESULT_64_BIT.rawValue | VK_QUERY_RESULT_WAIT_BIT.rawValue)
    }
    guard result == VK_SUCCESS else { return }
    let period = Double(device.info.properties.limits.timestampPeriod)
    KernelProfile.addRun()
    for (index, dispatch) in dispatches.enumerated() {
      let (start, end) = (stamps[2 * index], stamps[2 * index + 1])
      KernelProfile.add(
        dispatch.kernel.profileName + (dispatch.detail.isEmpty ? "" : " " + dispatch.detail),
        nanoseconds: Double(end &- start) * period)
    }
  }

  /// Records every dispatch into `state`'s command buffer, with the given buffers for the input
  /// and output slots.
  private func record(_ state: RunState, bound: [Int: BufferRegion]) throws {
    let (commandBuffer, queryPool) = (state.commandBuffer, state.queryPool)
    try vkCheck(vkResetCommandBuffer(commandBuffer, 0), "vkResetCommandBuffer")
    var begin = VkCommandBufferBeginInfo()
    begin.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
    try vkCheck(vkBeginCommandBuffer(commandBuffer, &begin), "vkBeginCommandBuffer")
    // Earlier submissions (other graphs, tensor writes) and host writes come first.
    memoryBarrier(
      commandBuffer, from: VK_PIPELINE_STAGE_ALL_COMMANDS_BIT.rawValue | VK_PIPELINE_STAGE_HOST_BIT.rawValue,
      VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue | VK_ACCESS_HOST_WRITE_BIT.rawValue,
      to: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue,
      VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue)
    if let queryPool { vkCmdResetQueryPool(commandBuffer, queryPool, 0, UInt32(2 * dispatches.count)) }
    let layout = device.pipelines.sharedLayout
    let bufferInfos = UnsafeMutablePointer<VkDescriptorBufferInfo>.allocate(capacity: 2 * GraphPlan.maxBindings + 1)
    let texelViews = UnsafeMutablePointer<VkBufferView?>.allocate(capacity: 2 * GraphPlan.maxBindings + 1)
    let writes = UnsafeMutablePointer<VkWriteDescriptorSet>.allocate(capacity: 2 * GraphPlan.maxBindings + 1)
    defer {
      bufferInfos.deallocate()
      texelViews.deallocate()
      writes.deallocate()
    }
    // Barriers follow bytes, not slots: arena slots that are never alive together share memory.
    func regions(_ slots: [Int]) -> [BufferRegion] { slots.compactMap { ownedRegions[$0] ?? bound[$0] } }
    var written: [BufferRegion] = []
    var read: [BufferRegion] = []
    for (index, dispatch) in dispatches.enumerated() {
      // A barrier only where this dispatch reads what an earlier one wrote, or overwrites
      // what an earlier one still reads or writes.
      // Every bound slot counts as read: arena slots share bytes, so a binding missing from a
      // kernel's declared reads must still order a later write to the same bytes.
      let (readRegions, writeRegions) = (
        regions(dispatch.reads + dispatch.parameters.bindings), regions(dispatch.writes)
      )
      let hazard =
        readRegions.contains { r in written.contains { $0.overlaps(r) } }
        || writeRegions.contains { w in written.contains { $0.overlaps(w) } || read.contains { $0.overlaps(w) } }
      if hazard {
        memoryBarrier(
          commandBuffer, from: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
          to: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue,
          VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue)
        written.removeAll()
        read.removeAll()
      }
      written += writeRegions
      read += readRegions
      vkCmdBindPipeline(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipelines[index])

      var count = 0
      // One descriptor write of a buffer range, or of a texel view where `view` is given.
      func addWrite(
        binding: Int, type: VkDescriptorType, _ info: VkDescriptorBufferInfo = .init(), view: VkBufferView? = nil
      ) {
        var write = VkWriteDescriptorSet()
        write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
        write.dstBinding = UInt32(binding)
        write.descriptorCount = 1
        write.descriptorType = type
        if let view {
          texelViews[count] = view
          write.pTexelBufferView = UnsafePointer(texelViews + count)
        } else {
          bufferInfos[count] = info
          write.pBufferInfo = UnsafePointer(bufferInfos + count)
        }
        writes[count] = write
        count += 1
      }
      addWrite(
        binding: 0, type: VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER,
        VkDescriptorBufferInfo(
          buffer: parameters.buffer, offset: VkDeviceSize(parameterOffsets[index]),
          range: VkDeviceSize(PipelineCache.parameterBlockSize)))
      var addresses = [UInt64](repeating: 0, count: GraphPlan.maxBindings + 1)
      for (position, slot) in dispatch.parameters.bindings.enumerated() {
        guard let region = ownedRegions[slot] ?? bound[slot] else {
          throw MLError(.operationError, "dispatch \(index) (\(dispatch.kernel.shader)): slot \(slot) has no buffer")
        }
        addresses[position + 1] = region.address
        // A binding read as texels gets its texel twin instead (the plan checked the size).
        if let texels = dispatch.kernel.texels(binding: position + 1) {
          let view = try region.buffer.texelView(
            offset: region.offset, bytes: region.boundBytes, format: texels.format, texelBytes: texels.bytes)
          addWrite(
            binding: position + 1 + GraphPlan.maxBindings, type: VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, view: view)
          continue
        }
        // A binding the kernel reaches by address (decided in init) gets no descriptor; any other
        // covers the region, its guard included, up to the device's limit.
        if !dispatch.kernel.addresses(binding: position + 1) {
          addWrite(
            binding: position + 1, type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            VkDescriptorBufferInfo(
              buffer: region.buffer.buffer, offset: VkDeviceSize(region.offset),
              range: VkDeviceSize(min(region.boundBytes, device.maxStorageBufferRange))))
        }
      }
      device.pushDescriptorSet(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, UInt32(count), writes)
      addresses.withUnsafeBytes {
        vkCmdPushConstants(
          commandBuffer, layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0, PipelineCache.pushConstantSize,
          $0.baseAddress)
      }
      let grid = dispatch.grid
      if let queryPool {
        vkCmdWriteTimestamp(commandBuffer, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, queryPool, UInt32(2 * index))
      }
      vkCmdDispatch(commandBuffer, UInt32(grid.x), UInt32(grid.y), UInt32(grid.z))
      if let queryPool {
        vkCmdWriteTimestamp(commandBuffer, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queryPool, UInt32(2 * index + 1))
      }
    }
    memoryBarrier(
      commandBuffer, from: VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue, VK_ACCESS_SHADER_WRITE_BIT.rawValue,
      to: VK_PIPELINE_STAGE_HOST_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue
        | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue,
      VK_ACCESS_HOST_READ_BIT.rawValue | VK_ACCESS_TRANSFER_READ_BIT.rawValue | VK_ACCESS_SHADER_READ_BIT.rawValue)
    try vkCheck(vkEndCommandBuffer(commandBuffer), "vkEndCommandBuffer")
    recordCount += 1
  }

  private func memoryBarrier(
    _ commandBuffer: VkCommandBuffer, from sourceStage: UInt32, _ sourceAccess: UInt32, to destinationStage: UInt32,
    _ destinationAccess: UInt32
  ) {
    var barrier = VkMemoryBarrier()
    barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
    barrier.srcAccessMask = sourceAccess
    barrier.dstAccessMask = destinationAccess
    vkCmdPipelineBarrier(commandBuffer, sourceStage, destinationStage, 0, 1, &barrier, 0, nil, 0, nil)
  }

  /// Records (if the caller's tensors changed) and submits a run. It waits only when every run
  /// state is busy, for the oldest run; the device orders this run after the earlier ones.
  func run(inputs: [String: VulkanTensor], outputs: [String: VulkanTensor]) throws {
    try lock.withLock {
      guard !destroyed else { throw MLError(.invalidStateError, "dispatch: the graph was destroyed") }
      var bound: [Int: BufferRegion] = [:]
      for (name, slot) in inputSlots { bound[slot] = BufferRegion(whole: inputs[name]!.buffer) }
      for (name, slot) in outputSlots { bound[slot] = BufferRegion(whole: outputs[name]!.buffer) }
      let identity = bound.mapValues(\.buffer.id)
      try finishSignalledRunsLocked()
      let state = try idleStateLocked(recordedWith: identity)
      if state.recordedWith != identity {
        state.recordedWith = nil
        try device.recording { try record(state, bound: bound) }
        state.recordedWith = identity
      }
      vkResetFences(device.handle, 1, [state.fence])
      try device.submit(state.commandBuffer, fence: state.fence)
      submissions += 1
      state.submission = submissions
      state.inFlight = true
      state.boundTensors = Array(inputs.values) + Array(outputs.values)
      for tensor in state.boundTensors { tensor.runQueued() }
      state.boundBuffers = bound
    }
  }

  /// An idle run state, preferring one already recorded with `identity`, then the one used
  /// least recently; with none idle, waits for the oldest run in flight.
  private func idleStateLocked(recordedWith identity: [Int: UInt64]) throws -> RunState {
    let idle = runStates.filter { !$0.inFlight }
    if let state = idle.first(where: { $0.recordedWith == identity }) ?? idle.min(by: { $0.submission < $1.submission })
    {
      return state
    }
    let oldest = runStates.min { $0.submission < $1.submission }!
    hostWaits += 1
    try device.wait(oldest.fence)
    try finishRunLocked(oldest)
    return oldest
  }

  /// The runs in flight, oldest first.
  private var runsInFlight: [RunState] {
    runStates.filter(\.inFlight).sorted { $0.submission < $1.submission }
  }

  /// Finishes, without waiting, every run whose fence has signalled.
  private func finishSignalledRunsLocked() throws {
    for state in runsInFlight where vkGetFenceStatus(device.handle, state.fence) == VK_SUCCESS {
      try finishRunLocked(state)
    }
  }

  private func waitLocked() throws {
    for state in runsInFlight {
      try device.wait(state.fence)
      try finishRunLocked(state)
    }
  }

  /// After `state`'s fence has signalled: checks the guards, lets go of the tensors its run
  /// bound (freeing those destroyed meanwhile), and frees the graph if it was destroyed and
  /// nothing else is in flight.
  private func finishRunLocked(_ state: RunState) throws {
    state.inFlight = false
    let bound = state.boundBuffers
    defer {
      for tensor in state.boundTensors { tensor.runFinished() }
      state.boundTensors = []
      state.boundBuffers = [:]
      if destroyed && !runStates.contains(where: \.inFlight) { freeLocked() }
    }
    if VulkanBuffer.guardRegions { try checkGuards(bound: bound) }
    collectProfile(state)
  }

  /// Finishes the runs whose fences have signalled, without waiting; answers whether a run is
  /// still in flight. The backend calls it on its way through every call, so that memory a
  /// destroy left to a run is freed soon after the run ends.
  @discardableResult
  func poll() -> Bool {
    lock.withLock {
      try? finishSignalledRunsLocked()
      return runStates.contains(where: \.inFlight)
    }
  }

  /// With `WEBNN_GUARD=1`: reports every buffer of the finished run whose guard region was
  /// written, naming the kernels that write that slot, as a validation message (which fails the
  /// tests and tools like any other).
  private func checkGuards(bound: [Int: BufferRegion]) throws {
    let regions = ownedRegions.merging(bound) { owned, _ in owned }
    for (slot, region) in regions.sorted(by: { $0.key < $1.key }) where try !region.guardIntact() {
      let writers = Set(dispatches.filter { $0.writes.contains(slot) }.map(\.kernel.profileName)).sorted()
      VulkanValidation.record(
        "guard: a kernel wrote past the end of slot \(slot) (\(region.size) bytes); written by: "
          + writers.joined(separator: "; "))
      // Restore the pattern, so that one overflow is reported once.
      try region.armGuard()
    }
  }

  var statistics: [String: Int] {
    lock.withLock {
      [
        "dispatches": dispatches.count, "pipelines": pipelineVariants, "recordings": recordCount,
        "hostWaits": hostWaits,
        "arenaBytes": memory.arenaBytes, "intermediateBytes": memory.intermediateBytes,
        "weightBytes": memory.weightBufferSizes.reduce(0, +),
      ]
    }
  }

  /// Blocks until the last submitted run has finished.
  func wait() throws { try lock.withLock { try waitLocked() } }

  /// Refuses later runs and frees the device objects now, or, with a run in flight, once it has
  /// finished (the graph keeps itself alive until then): it never waits for the device.
  func destroy() {
    lock.withLock {
      guard !destroyed else { return }
      destroyed = true
      if runStates.contains(where: \.inFlight) {
        keepAlive = self
      } else {
        freeLocked()
      }
    }
  }

  private var freed = false

  private func freeLocked() {
    guard !freed else { return }
    freed = true
    keepAlive = nil
    for state in runStates { state.free(device) }
    for buffer in ownedBuffers { buffer.destroy() }
    ownedBuffers = []
    ownedRegions = [:]
    parameters.destroy()
    device.pipelines.release(dispatches.map(\.kernel))
  }

  deinit {
    // Nothing else holds the graph, so nothing else waits on its fence: a run still in flight
    // (its caller let go of graph and context without destroying them) is waited for here.
    destroyed = true
    try? waitLocked()
    freeLocked()
  }
}

/// The device memory of an MLTensor.
final class VulkanTensor: MLBackendTensor, @unchecked Sendable {
  let buffer: VulkanBuffer
  let byteLength: Int
  private struct State {
    /// Queued or running graph runs that bind the tensor.
    var runs = 0
    var destroyRequested = false
    var freed = false
  }
  private let state = Locked(State())

  init(buffer: VulkanBuffer, byteLength: Int) {
    self.buffer = buffer
    self.byteLength = byteLength
  }

  /// A run binding the tensor was submitted: the memory stays until ``runFinished()``.
  func runQueued() { state.withLock { $0.runs += 1 } }

  /// A run binding the tensor has finished; frees the memory if a destroy was waiting for it.
  func runFinished() {
    let free = state.withLock { s in
      s.runs -= 1
      return takeFree(&s)
    }
    if free { buffer.destroy() }
  }

  /// Frees the memory now, or when the last run that binds it finishes: never waits.
  func destroy() {
    let free = state.withLock { s in
      s.destroyRequested = true
      return takeFree(&s)
    }
    if free { buffer.destroy() }
  }

  private func takeFree(_ s: inout State) -> Bool {
    guard s.destroyRequested, s.runs == 0, !s.freed else { return false }
    s.freed = true
    return true
  }
}

/// One of a graph's run states: a command buffer recorded for one set of bound tensors, the
/// fence of its last submission, and what that run holds on to until it finishes. Used under
/// the graph's lock.
private final class RunState {
  let commandBuffer: VkCommandBuffer
  let fence: VkFence
  /// Two timestamps per dispatch when the graph was built with profiling on.
  let queryPool: VkQueryPool?
  var inFlight = false
  /// The graph's submission count when this state was last submitted (0: never).
  var submission: UInt64 = 0
  /// Buffer ids of the input and output slots the command buffer was recorded with.
  var recordedWith: [Int: UInt64]?
  /// The tensors bound to the run in flight: they must outlive it even if the caller lets go.
  var boundTensors: [VulkanTensor] = []
  /// Their buffers by slot, for the guard-region check.
  var boundBuffers: [Int: BufferRegion] = [:]

  /// `timestamps` > 0 adds a query pool of that many timestamps.
  init(device: VulkanDevice, timestamps: Int) throws {
    commandBuffer = try device.allocateCommandBuffer()
    do {
      fence = try device.makeFence()
    } catch {
      device.freeCommandBuffer(commandBuffer)
      throw error
    }
    guard timestamps > 0 else {
      queryPool = nil
      return
    }
    var info = VkQueryPoolCreateInfo()
    info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO
    info.queryType = VK_QUERY_TYPE_TIMESTAMP
    info.queryCount = UInt32(timestamps)
    var pool: VkQueryPool?
    do {
      try vkCheck(vkCreateQueryPool(device.handle, &info, nil, &pool), "vkCreateQueryPool")
    } catch {
      vkDestroyFence(device.handle, fence, nil)
      device.freeCommandBuffer(commandBuffer)
      throw error
    }
    queryPool = pool
  }

  func free(_ device: VulkanDevice) {
    device.freeCommandBuffer(commandBuffer)
    vkDestroyFence(device.handle, fence, nil)
    if let queryPool { vkDestroyQueryPool(device.handle, queryPool, nil) }
  }
}
