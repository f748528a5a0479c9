import CVulkan
import Foundation
import WebNNCore

/// A compute pipeline for one shader variant. Every kernel shares one layout: one push-descriptor
/// set (binding 0 the dispatch's parameter block as a uniform buffer, bindings 1...8 its tensors
/// as storage buffers, bindings 9...16 the same tensors as uniform texel buffers for kernels
/// that read them with texelFetch) and push constants holding a device address per tensor
/// binding, for tensors too large for a descriptor.
struct Kernel: Hashable {
  let shader: String
  let defines: [String: String]

  /// The same kernel with one define added or replaced.
  func with(_ name: String, _ value: String) -> Kernel {
    var defines = defines
    defines[name] = value
    return Kernel(shader: shader, defines: defines)
  }

  /// The same kernel with tensor binding `binding` reached through its device address (the
  /// push constants) instead of a descriptor.
  func reachingByAddress(binding: Int) -> Kernel { with("TENSOR_\(binding)", "TENSOR_ADDRESSED") }

  /// Whether tensor binding `binding` is reached through its device address.
  func addresses(binding: Int) -> Bool { defines["TENSOR_\(binding)"] == "TENSOR_ADDRESSED" }

  /// The same kernel reading tensor binding `binding` as texels of `type` through its texel
  /// twin, binding `binding + maxBindings` (`TEXELS_<binding>`).
  func readingTexels(binding: Int, _ type: TexelType) -> Kernel { with("TEXELS_\(binding)", type.rawValue) }

  /// How tensor binding `binding` is read as texels, if it is.
  func texels(binding: Int) -> TexelType? { defines["TEXELS_\(binding)"].flatMap(TexelType.init(rawValue:)) }

  var key: String {
    shader + "|" + defines.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
  }
}

/// The texel formats kernels read tensors as: vec4 texels for a kernel that loads four
/// consecutive elements at once, one-element texels for gathers (texelFetch returns a vec4
/// either way; a one-element texel's value is its x). float16 data is converted on load;
/// ``word32Scalar`` texels are read with a usamplerBuffer (`UTEXELS`), bits unchanged.
enum TexelType: String, Sendable {
  case float32 = "rgba32f"
  case float16 = "rgba16f"
  case float32Scalar = "r32f"
  case float16Scalar = "r16f"
  /// 32-bit words as they are, for kernels that move data without computing with it.
  case word32Scalar = "r32ui"

  /// The texel type of a tensor of `type`, vec4 or one element per texel, if it has one.
  init?(_ type: MLOperandDataType, vector: Bool = true) {
    switch type {
    case .float32: self = vector ? .float32 : .float32Scalar
    case .float16: self = vector ? .float16 : .float16Scalar
    default: return nil
    }
  }

  var format: VkFormat {
    switch self {
    case .float32: VK_FORMAT_R32G32B32A32_SFLOAT
    case .float16: VK_FORMAT_R16G16B16A16_SFLOAT
    case .float32Scalar: VK_FORMAT_R32_SFLOAT
    case .float16Scalar: VK_FORMAT_R16_SFLOAT
    case .word32Scalar: VK_FORMAT_R32_UINT
    }
  }

  /// Bytes per texel.
  var bytes: Int {
    switch self {
    case .float32: 16
    case .float16: 8
    case .float32Scalar, .word32Scalar: 4
    case .float16Scalar: 2
    }
  }
}

/// A fault ``PipelineCache`` puts in place of the compiler's or the driver's answer, for tests of
/// what a build does when a kernel cannot be made.
enum InjectedPipelineFault: Sendable {
  /// The shader is compiled with a malformed define, so shaderc itself reports the error.
  case compileError
  /// vkCreateComputePipelines is not called and returns this instead.
  case pipelineCreation(VkResult)
}

/// The device's compute pipelines, shared by every graph built on it and counted by the graphs
/// that use them. A pipeline no live graph uses stays for the next graph that needs it, up to
/// ``idleLimit`` of them; past that, the least recently used idle one is destroyed, so a context
/// that builds thousands of distinct kernels over its life does not grow without bound.
final class PipelineCache: @unchecked Sendable {
  unowned(unsafe) var device: VulkanDevice!
  private let lock = NSLock()
  private var layout: VkPipelineLayout?
  private var setLayout: VkDescriptorSetLayout?
  private struct Entry {
    let pipeline: VkPipeline
    /// Graphs (counted once per dispatch) whose command buffers use the pipeline.
    var users: Int
    /// When it was last acquired or released, on the cache's own clock.
    var lastUse: UInt64
  }
  private var entries: [String: Entry] = [:]
  private var clock: UInt64 = 0
  /// The driver's pipeline cache, loaded from and saved to disk beside the SPIR-V cache.
  private var driverCache: VkPipelineCache?
  private var driverCacheLoaded = false
  /// Pipelines created since the driver cache was last saved.
  private var unsaved = 0
  /// How many pipelines this device created (each graph reuses the ones it shares with others).
  private(set) var createdCount = 0
  /// How many idle pipelines were destroyed to stay within ``idleLimit``.
  private(set) var evictedCount = 0
  /// Idle pipelines kept for reuse (`WEBNN_IDLE_PIPELINES`, default 256).
  var idleLimit: Int
  /// Faults to inject by shader name (tests only).
  var injectedFaults: [String: InjectedPipelineFault] {
    get { lock.withLock { faults } }
    set { lock.withLock { faults = newValue } }
  }
  private var faults: [String: InjectedPipelineFault] = [:]

  init(idleLimit: Int) { self.idleLimit = idleLimit }

  /// The idle-pipeline limit from `WEBNN_IDLE_PIPELINES`, or 256.
  static func idleLimit(from environment: [String: String]) throws -> Int {
    guard let text = environment["WEBNN_IDLE_PIPELINES"] else { return 256 }
    guard let value = Int(text), value >= 0 else {
      throw MLError(
        .notSupportedError, "WEBNN_IDLE_PIPELINES=\(text): expected a count of pipelines, 0 or more")
    }
    return value
  }

  /// Live pipelines, and how many of them no graph uses.
  var counts: (live: Int, idle: Int) {
    lock.withLock { (entries.count, entries.values.filter { $0.users == 0 }.count) }
  }

  /// One 64-bit address per binding 0...maxBindings (entry 0 unused).
  static let pushConstantSize = UInt32(8 * (GraphPlan.maxBindings + 1))
  /// The bytes of binding 0 the shaders may read (common.glsl's ParameterBlock).
  static let parameterBlockSize = 1024

  private func pipelineLayout() throws -> VkPipelineLayout {
    if let layout { return layout }
    var bindings = [VkDescriptorSetLayoutBinding]()
    for binding in 0...(2 * GraphPlan.maxBindings) {
      var entry = VkDescriptorSetLayoutBinding()
      entry.binding = UInt32(binding)
      entry.descriptorType =
        binding == 0
        ? VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER
        : binding <= GraphPlan.maxBindings ? VK_DESCRIPTOR_TYPE_STORAGE_BUFFER : VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
      entry.descriptorCount = 1
      entry.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
      bindings.append(entry)
    }
    var createdSet: VkDescriptorSetLayout?
    try bindings.withUnsafeBufferPointer { pointer in
      var info = VkDescriptorSetLayoutCreateInfo()
      info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
      info.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR.rawValue
      info.bindingCount = UInt32(pointer.count)
      info.pBindings = pointer.baseAddress
      try vkCheck(vkCreateDescriptorSetLayout(device.handle, &info, nil, &createdSet), "vkCreateDescriptorSetLayout")
    }
    setLayout = createdSet
    var range = VkPushConstantRange(
      stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0, size: Self.pushConstantSize)
    var info = VkPipelineLayoutCreateInfo()
    info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
    var created: VkPipelineLayout?
    var setLayouts: [VkDescriptorSetLayout?] = [createdSet]
    try withUnsafePointer(to: &range) { rangePointer in
      try setLayouts.withUnsafeMutableBufferPointer { setPointer in
        info.setLayoutCount = 1
        info.pSetLayouts = UnsafePointer(setPointer.baseAddress)
        info.pushConstantRangeCount = 1
        info.pPushConstantRanges = rangePointer
        try vkCheck(vkCreatePipelineLayout(device.handle, &info, nil, &created), "vkCreatePipelineLayout")
      }
    }
    layout = created
    return created!
  }

  var sharedLayout: VkPipelineLayout { lock.withLock { layout! } }

  /// Lets go of pipelines ``acquire(_:)`` returned (one release per acquire), then trims the idle ones to ``idleLimit``.
  func release(_ kernels: [Kernel]) {
    lock.withLock {
      for kernel in kernels {
        let key = kernel.key
        guard var entry = entries[key] else { continue }
        entry.users -= 1
        clock += 1
        entry.lastUse = clock
        entries[key] = entry
      }
      evictIdleLocked()
    }
  }

  private func evictIdleLocked() {
    let idle = entries.filter { $0.value.users == 0 }
    guard idle.count > idleLimit else { return }
    let oldestFirst = idle.sorted { $0.value.lastUse < $1.value.lastUse }
    for (key, entry) in oldestFirst.prefix(idle.count - idleLimit) {
      vkDestroyPipeline(device.handle, entry.pipeline, nil)
      entries[key] = nil
      evictedCount += 1
    }
  }

  /// The pipeline for `kernel`, compiling it on first use, counted as used until
  /// ``release(_:)`` is given the kernel.
  func acquire(_ kernel: Kernel) throws -> VkPipeline {
    let key = kernel.key
    if let pipeline = lock.withLock({ use(key) }) { return pipeline }
    var source = kernel
    if case .compileError = injectedFaults[kernel.shader] {
      // A define name may not start with a digit: the preprocessor rejects it.
      source = kernel.with("0INJECTED_FAULT", "1")
    }
    let deviceKey = "\(device.info.name)|\(device.info.properties.driverVersion)"
    let words = try ShaderCompiler.spirv(source.shader, defines: source.defines, deviceKey: deviceKey)
    return try lock.withLock {
      if let pipeline = use(key) { return pipeline }
      let pipeline = try createPipeline(kernel.shader, words)
      clock += 1
      entries[key] = Entry(pipeline: pipeline, users: 1, lastUse: clock)
      createdCount += 1
      unsaved += 1
      return pipeline
    }
  }

  /// Counts one more user of the pipeline under `key`, if it exists (with the lock held).
  private func use(_ key: String) -> VkPipeline? {
    guard var entry = entries[key] else { return nil }
    entry.users += 1
    clock += 1
    entry.lastUse = clock
    entries[key] = entry
    return entry.pipeline
  }

  private func createPipeline(_ shader: String, _ words: [UInt32]) throws -> VkPipeline {
    let layout = try pipelineLayout()
    var moduleInfo = VkShaderModuleCreateInfo()
    moduleInfo.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
    moduleInfo.codeSize = words.count * 4
    var module: VkShaderModule?
    try words.withUnsafeBufferPointer { pointer in
      moduleInfo.pCode = pointer.baseAddress
      try vkCheck(vkCreateShaderModule(device.handle, &moduleInfo, nil, &module), "vkCreateShaderModule(\(shader))")
    }
    defer { vkDestroyShaderModule(device.handle, module, nil) }
    var pipeline: VkPipeline?
    try "main".withCString { entry in
      var stage = VkPipelineShaderStageCreateInfo()
      stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
      stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
      stage.module = module
      stage.pName = entry
      var info = VkComputePipelineCreateInfo()
      info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
      info.stage = stage
      info.layout = layout
      let result: VkResult
      if case .pipelineCreation(let injected) = faults[shader] {
        result = injected
      } else {
        result = vkCreateComputePipelines(device.handle, loadedDriverCache(), 1, &info, nil, &pipeline)
      }
      try vkCheck(result, "vkCreateComputePipelines(\(shader))")
    }
    return pipeline!
  }

  /// The file the driver's pipeline cache persists in: one per device and driver version.
  private var driverCacheFile: URL? {
    guard let directory = ShaderCompiler.cacheDirectory else { return nil }
    let key =
      "\(device.info.name)|\(device.info.properties.vendorID)|\(device.info.properties.deviceID)|"
      + "\(device.info.properties.driverVersion)"
    return directory.deletingLastPathComponent().appending(path: "pipelines/\(ShaderCompiler.fnv1a(key)).bin")
  }

  /// Creates the driver cache on first use, seeded from disk when a saved one exists (the driver
  /// checks the header and ignores data from another device or version).
  private func loadedDriverCache() -> VkPipelineCache? {
    if driverCacheLoaded { return driverCache }
    driverCacheLoaded = true
    let data = driverCacheFile.flatMap { try? Data(contentsOf: $0) } ?? Data()
    var created: VkPipelineCache?
    data.withUnsafeBytes { bytes in
      var info = VkPipelineCacheCreateInfo()
      info.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO
      info.initialDataSize = bytes.count
      info.pInitialData = bytes.baseAddress
      if vkCreatePipelineCache(device.handle, &info, nil, &created) != VK_SUCCESS { created = nil }
    }
    driverCache = created
    return created
  }

  /// Writes the driver cache to disk if pipelines were created since the last save (written to
  /// a temporary file, then renamed, so readers never see half a file).
  func saveDriverCache() {
    lock.withLock {
      guard unsaved > 0, let cache = driverCache, let file = driverCacheFile else { return }
      unsaved = 0
      var size = 0
      guard vkGetPipelineCacheData(device.handle, cache, &size, nil) == VK_SUCCESS, size > 0 else { return }
      var bytes = [UInt8](repeating: 0, count: size)
      guard vkGetPipelineCacheData(device.handle, cache, &size, &bytes) == VK_SUCCESS else { return }
      let directory = file.deletingLastPathComponent()
      try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      let temporary = directory.appending(path: ".\(file.lastPathComponent).\(getpid()).tmp")
      guard (try? Data(bytes.prefix(size)).write(to: temporary)) != nil else { return }
      if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }
  }

  func destroyAll() {
    lock.withLock {
      for entry in entries.values { vkDestroyPipeline(device.handle, entry.pipeline, nil) }
      entries = [:]
      if let layout { vkDestroyPipelineLayout(device.handle, layout, nil) }
      if let setLayout { vkDestroyDescriptorSetLayout(device.handle, setLayout, nil) }
      if let driverCache { vkDestroyPipelineCache(device.handle, driverCache, nil) }
      driverCache = nil
      layout = nil
      setLayout = nil
    }
  }
}
