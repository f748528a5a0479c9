import CVulkan
import Foundation
import WebNNCore

/// A compute pipeline for one shader variant. Every kernel shares one layout: no descriptor
/// sets, and 16 bytes of push constants holding two device addresses (the graph's tensor
/// address table and the dispatch's parameter block).
struct Kernel: Hashable {
  let shader: String
  let defines: [String: String]

  var key: String {
    shader + "|" + defines.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
  }
}

final class PipelineCache: @unchecked Sendable {
  unowned(unsafe) var device: VulkanDevice!
  private let lock = NSLock()
  private var layout: VkPipelineLayout?
  private var pipelines: [String: VkPipeline] = [:]

  static let pushConstantSize: UInt32 = 16

  private func pipelineLayout() throws -> VkPipelineLayout {
    if let layout { return layout }
    var range = VkPushConstantRange(
      stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0, size: Self.pushConstantSize)
    var info = VkPipelineLayoutCreateInfo()
    info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
    var created: VkPipelineLayout?
    try withUnsafePointer(to: &range) { rangePointer in
      info.pushConstantRangeCount = 1
      info.pPushConstantRanges = rangePointer
      try vkCheck(vkCreatePipelineLayout(device.handle, &info, nil, &created), "vkCreatePipelineLayout")
    }
    layout = created
    return created!
  }

  var sharedLayout: VkPipelineLayout { lock.withLock { layout! } }

  /// The pipeline for `kernel`, compiling it on first use.
  func pipeline(_ kernel: Kernel) throws -> VkPipeline {
    let key = kernel.key
    if let cached = lock.withLock({ pipelines[key] }) { return cached }
    let deviceKey = "\(device.info.name)|\(device.info.properties.driverVersion)"
    let words = try ShaderCompiler.spirv(kernel.shader, defines: kernel.defines, deviceKey: deviceKey)
    return try lock.withLock {
      if let cached = pipelines[key] { return cached }
      let layout = try pipelineLayout()
      var moduleInfo = VkShaderModuleCreateInfo()
      moduleInfo.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
      moduleInfo.codeSize = words.count * 4
      var module: VkShaderModule?
      try words.withUnsafeBufferPointer { pointer in
        moduleInfo.pCode = pointer.baseAddress
        try vkCheck(
          vkCreateShaderModule(device.handle, &moduleInfo, nil, &module), "vkCreateShaderModule(\(kernel.shader))")
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
        try vkCheck(
          vkCreateComputePipelines(device.handle, nil, 1, &info, nil, &pipeline),
          "vkCreateComputePipelines(\(kernel.shader))")
      }
      pipelines[key] = pipeline
      return pipeline!
    }
  }

  func destroyAll() {
    lock.withLock {
      for pipeline in pipelines.values { vkDestroyPipeline(device.handle, pipeline, nil) }
      pipelines = [:]
      if let layout { vkDestroyPipelineLayout(device.handle, layout, nil) }
      layout = nil
    }
  }
}
