import CVulkan
import Foundation
import WebNNCore

/// Opens Vulkan devices for contexts. `ML()` uses it.
///
/// ```swift
/// let context = try await ML(provider: VulkanBackendProvider()).createContext()
/// ```
public struct VulkanBackendProvider: MLBackendProvider {
  /// A provider; it holds no state, and each context opens its own Vulkan instance and device.
  public init() {}

  /// Synchronization validation for every context, whatever `WEBNN_VALIDATION` says (tests).
  private var forcesSynchronizationValidation = false

  init(synchronizationValidation: Bool) { forcesSynchronizationValidation = synchronizationValidation }

  /// Opens the Vulkan device that fits `options` (or the one `WEBNN_VULKAN_DEVICE` names).
  ///
  /// - Throws: ``MLError`` with kind `NotSupportedError` when there is no Vulkan loader, no
  ///   device, or no device with what the backend needs.
  public func makeBackend(options: MLContextOptions) throws -> any MLBackend {
    let synchronization = forcesSynchronizationValidation || VulkanValidation.isSynchronizationRequested
    let instance = try VulkanInstance(
      validation: VulkanValidation.isRequested || synchronization, synchronization: synchronization)
    let candidates = instance.physicalDevices().map(DeviceInfo.init)
    let override = ProcessInfo.processInfo.environment["WEBNN_VULKAN_DEVICE"]
    let info = try selectDevice(candidates, options: options, override: override)
    return VulkanMLBackend(device: try VulkanDevice(instance: instance, info: info))
  }

  /// How many kernels this process has compiled from GLSL, and how many it loaded from the
  /// on-disk SPIR-V cache (`WEBNN_SHADER_CACHE`) instead, for diagnostics: a process started after
  /// another ran the same graphs compiles nothing.
  public static var shaderStatistics: (compiled: Int, loadedFromCache: Int) {
    (ShaderCompiler.compileCount.load(ordering: .relaxed), ShaderCompiler.cacheLoadCount.load(ordering: .relaxed))
  }

  /// The names and types of every Vulkan device, for diagnostics.
  public static func deviceList() throws -> [String] {
    let instance = try VulkanInstance(validation: false)
    let devices = withExtendedLifetime(instance) { instance.physicalDevices().map(DeviceInfo.init) }
    return devices.enumerated().map { index, info in
      "\(index): \(info.name) (\(info.typeName))" + (info.unsuitability.map { " - unusable: \($0)" } ?? "")
    }
  }

  /// A report on every Vulkan device for `webnn devices`: type, memory heaps, the profile kernel
  /// selection sees, int64 support, and which device each context option picks.
  ///
  /// ```swift
  /// print(try VulkanBackendProvider.deviceReport())
  /// ```
  public static func deviceReport() throws -> String {
    let instance = try VulkanInstance(validation: false)
    return withExtendedLifetime(instance) {
      let devices = instance.physicalDevices().map(DeviceInfo.init)
      var lines: [String] = []
      for (index, info) in devices.enumerated() {
        lines.append(
          "\(index): \(info.name) (\(info.typeName))" + (info.unsuitability.map { " - unusable: \($0)" } ?? ""))
        var memory = VkPhysicalDeviceMemoryProperties()
        vkGetPhysicalDeviceMemoryProperties(info.physical, &memory)
        let heaps = withUnsafeBytes(of: memory.memoryHeaps) { raw in
          (0..<Int(memory.memoryHeapCount)).map {
            raw.load(fromByteOffset: $0 * MemoryLayout<VkMemoryHeap>.stride, as: VkMemoryHeap.self)
          }
        }
        for (heapIndex, heap) in heaps.enumerated() {
          let local = heap.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT.rawValue != 0
          lines.append(
            "    memory heap \(heapIndex): \(String(format: "%.1f", Double(heap.size) / Double(1 << 30))) GiB\(local ? ", device-local" : "")"
          )
        }
        lines.append("    int64 \(info.features.shaderInt64 != 0 ? "yes" : "no")")
        lines += DeviceProfile(info).summary.split(separator: "\n").dropFirst().map { "  " + $0 }
      }
      let preferences: [(String, MLContextOptions)] = [
        ("default", .init()), ("highPerformance", .init(powerPreference: .highPerformance)),
        ("lowPower", .init(powerPreference: .lowPower)), ("accelerated: false", .init(accelerated: false)),
      ]
      lines.append("context options pick:")
      for (label, options) in preferences {
        let pick: String
        do {
          let chosen = try selectDevice(devices, options: options, override: nil)
          pick = devices.firstIndex { $0.physical == chosen.physical }.map { "\($0): \(chosen.name)" } ?? chosen.name
        } catch {
          pick = "none (\(error))"
        }
        lines.append("  \(label): \(pick)")
      }
      if let override = ProcessInfo.processInfo.environment["WEBNN_VULKAN_DEVICE"], !override.isEmpty {
        lines.append("  (WEBNN_VULKAN_DEVICE=\(override) overrides every preference)")
      }
      return lines.joined(separator: "\n")
    }
  }

  /// The ``DeviceProfile`` of every Vulkan device, in device order: what kernel selection sees.
  ///
  /// ```swift
  /// for profile in try VulkanBackendProvider.deviceProfiles() { print(profile.summary) }
  /// ```
  public static func deviceProfiles() throws -> [DeviceProfile] {
    let instance = try VulkanInstance(validation: false)
    // Physical devices are only valid while their instance lives.
    return withExtendedLifetime(instance) { instance.physicalDevices().map { DeviceProfile(DeviceInfo($0)) } }
  }
}

extension ML {
  /// An `ML` whose contexts run on Vulkan devices.
  ///
  /// ```swift
  /// let context = try await ML().createContext(.init(powerPreference: .lowPower))
  /// ```
  public init() {
    self.init(provider: VulkanBackendProvider())
  }
}

/// The Vulkan implementation of ``MLBackend``.
final class VulkanMLBackend: MLBackend, @unchecked Sendable {
  let device: VulkanDevice
  let capabilities: MLBackendCapabilities
  private let graphs = Locked<[ObjectIdentifier: WeakGraph]>([:])
  private let destroyed = Locked(false)
  /// Waits for the device for async reads (``whenQueuedWorkFinishes(_:)``).
  private let waiter: ProgressWaiter

  struct WeakGraph { weak var graph: VulkanGraph? }

  init(device: VulkanDevice) {
    self.device = device
    waiter = ProgressWaiter(device: device)
    // int4/uint4 (packed) are constants and (de)quantization operands only; the operator table
    // keeps them away from every other operator.
    var types: Set<MLOperandDataType> = [
      .float32, .int32, .uint32, .int8, .uint8, .float16, .int64, .uint64, .int4, .uint4,
    ]
    if device.info.vulkan11.storageBuffer16BitAccess == 0 { types.remove(.float16) }
    capabilities = MLBackendCapabilities(
      deviceName: device.info.name,
      accelerated: device.info.type != VK_PHYSICAL_DEVICE_TYPE_CPU,
      maxTensorByteLength: min(device.maxBufferSize, Int(Int32.max)),
      dataTypes: types)
  }

  private func checkAlive(_ call: String) throws {
    if destroyed.withLock({ $0 }) { throw MLError(.invalidStateError, "\(call): the context was destroyed") }
  }

  private var liveGraphs: [VulkanGraph] { graphs.withLock { $0.values.compactMap(\.graph) } }

  /// Waits for every submitted graph run: reads and writes must see (and not disturb) them.
  private func waitForGraphs() throws {
    for graph in liveGraphs { try graph.wait() }
  }

  /// Finishes the runs whose fences have signalled, without waiting: memory that a destroy left
  /// to a run is freed on the next call after the run ends.
  private func reapFinishedRuns() {
    for graph in liveGraphs { graph.poll() }
  }

  func createTensor(_ descriptor: MLOperandDescriptor) throws -> any MLBackendTensor {
    try checkAlive("createTensor")
    reapFinishedRuns()
    return try naming("createTensor: tensor \(descriptor)") {
      VulkanTensor(
        buffer: try VulkanBuffer(device: device, size: descriptor.byteLength), byteLength: descriptor.byteLength)
    }
  }

  /// Puts `what` in front of an allocation failure's message, so that it names the tensor or
  /// graph that needed the memory, not only the buffer.
  private func naming<T>(_ what: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as MLError where error.kind == .unknownError {
      throw MLError(.unknownError, "\(what()): \(error.message)")
    }
  }

  func writeTensor(_ tensor: any MLBackendTensor, _ bytes: UnsafeRawBufferPointer) throws {
    try checkAlive("writeTensor")
    try waitForGraphs()
    try (tensor as! VulkanTensor).buffer.write(bytes)
  }

  func readTensor(_ tensor: any MLBackendTensor) throws -> [UInt8] {
    try checkAlive("readTensor")
    try waitForGraphs()
    let tensor = tensor as! VulkanTensor
    return try tensor.buffer.read(count: tensor.byteLength)
  }

  func compile(_ graph: GraphIR) throws -> any MLBackendGraph {
    try checkAlive("build")
    reapFinishedRuns()
    let optimized = try GraphPasses.optimize(graph)
    // The constants are summed only for the message of a failed allocation.
    let compiled = try naming(
      "build: graph of \(optimized.nodes.count) operations with "
        + "\(optimized.operands.indices.compactMap { optimized.constantBytes($0)?.count }.reduce(0, +)) bytes of constants"
    ) { try VulkanGraph(device: device, ir: optimized) }
    graphs.withLock { map in
      map = map.filter { $0.value.graph != nil }
      map[ObjectIdentifier(compiled)] = WeakGraph(graph: compiled)
    }
    return compiled
  }

  func dispatch(
    _ graph: any MLBackendGraph, inputs: [String: any MLBackendTensor], outputs: [String: any MLBackendTensor]
  ) throws {
    try checkAlive("dispatch")
    reapFinishedRuns()
    try (graph as! VulkanGraph).run(
      inputs: inputs.mapValues { $0 as! VulkanTensor }, outputs: outputs.mapValues { $0 as! VulkanTensor })
  }

  /// Runs `body` on the context's waiter thread once every submission made so far has
  /// finished (at once, on a Dispatch thread, without a timeline semaphore).
  func whenQueuedWorkFinishes(_ body: @escaping @Sendable () -> Void) {
    waiter.notify(after: device.lastSubmittedValue, body)
  }

  /// Refuses later calls and returns without waiting: the runs still in flight are waited for
  /// on a thread of their own, which frees what the context's destroy left to them.
  func destroy() {
    destroyed.withLock { $0 = true }
    waiter.stop()
    let running = liveGraphs.filter { $0.poll() }
    guard !running.isEmpty else { return }
    Thread.detachNewThread {
      for graph in running { try? graph.wait() }
    }
  }

  deinit {
    waiter.stop()
  }
}
