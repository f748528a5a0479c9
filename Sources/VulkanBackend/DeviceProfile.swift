import CVulkan
import Foundation

/// What kernel selection knows about a device, read once when the device opens. Kernel
/// selection looks at nothing else, so a profile built by hand with the memberwise initializer
/// shows what any device would get.
///
/// ```swift
/// for line in try VulkanBackendProvider.deviceProfiles() { print(line.summary) }
/// ```
public struct DeviceProfile: Sendable, Equatable {
  /// The kind of device, which decides how kernels divide work.
  public enum DeviceType: String, Sendable {
    case cpu = "CPU"
    case integratedGPU = "integrated GPU"
    case discreteGPU = "discrete GPU"
    case virtualGPU = "virtual GPU"
    case other
  }

  /// Cooperative-matrix extensions the device offers (none of the kernels uses them yet).
  public enum CooperativeMatrix: String, Sendable {
    case none
    case khr = "VK_KHR_cooperative_matrix"
    case nv = "VK_NV_cooperative_matrix"
  }

  /// The device's name as the driver reports it.
  public var name: String
  /// CPU, integrated, discrete or virtual GPU.
  public var type: DeviceType
  /// The PCI vendor ID (0x10DE NVIDIA, 0x1002 AMD, 0x8086 Intel, 0x10005 Mesa's CPU driver).
  public var vendorID: UInt32
  /// The default subgroup size of compute shaders.
  public var subgroupSize: Int
  /// Whether compute shaders have subgroup arithmetic (subgroupAdd, subgroupMax, ...).
  public var subgroupArithmetic: Bool
  /// Shared memory per workgroup, in bytes.
  public var maxSharedMemoryBytes: Int
  /// Invocations per workgroup.
  public var maxWorkgroupInvocations: Int
  /// Whether shaders may compute in float16 (shaderFloat16).
  public var float16Arithmetic: Bool
  /// Whether shaders may compute in 8-bit integers (shaderInt8).
  public var int8Arithmetic: Bool
  /// Cooperative-matrix support.
  public var cooperativeMatrix: CooperativeMatrix
  /// The largest range one storage-buffer descriptor covers; larger tensors use device addresses.
  public var maxStorageBufferRange: Int
  /// The most texels one uniform texel buffer may hold; larger tensors are read as storage buffers.
  public var maxTexelBufferElements: Int

  /// A profile with the given properties, for tests and for reasoning about other devices.
  public init(
    name: String, type: DeviceType, vendorID: UInt32, subgroupSize: Int, subgroupArithmetic: Bool,
    maxSharedMemoryBytes: Int, maxWorkgroupInvocations: Int, float16Arithmetic: Bool, int8Arithmetic: Bool,
    cooperativeMatrix: CooperativeMatrix, maxStorageBufferRange: Int, maxTexelBufferElements: Int = 65536
  ) {
    self.name = name
    self.type = type
    self.vendorID = vendorID
    self.subgroupSize = subgroupSize
    self.subgroupArithmetic = subgroupArithmetic
    self.maxSharedMemoryBytes = maxSharedMemoryBytes
    self.maxWorkgroupInvocations = maxWorkgroupInvocations
    self.float16Arithmetic = float16Arithmetic
    self.int8Arithmetic = int8Arithmetic
    self.cooperativeMatrix = cooperativeMatrix
    self.maxStorageBufferRange = maxStorageBufferRange
    self.maxTexelBufferElements = maxTexelBufferElements
  }

  /// One line per property, for `webnn devices`.
  public var summary: String {
    """
    \(name) (\(type.rawValue), vendor 0x\(String(vendorID, radix: 16)))
      subgroup size \(subgroupSize), subgroup arithmetic \(subgroupArithmetic ? "yes" : "no")
      shared memory \(maxSharedMemoryBytes / 1024) KiB, workgroup invocations \(maxWorkgroupInvocations)
      float16 arithmetic \(float16Arithmetic ? "yes" : "no"), int8 arithmetic \(int8Arithmetic ? "yes" : "no")
      cooperative matrix \(cooperativeMatrix.rawValue), maxStorageBufferRange \(maxStorageBufferRange / (1024 * 1024)) MiB
      maxTexelBufferElements \(maxTexelBufferElements)
      kernels: \(KernelSelection(self).description)
    """
  }
}

extension DeviceProfile {
  init(_ info: DeviceInfo) {
    var subgroup = VkPhysicalDeviceSubgroupProperties()
    subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
    withUnsafeMutablePointer(to: &subgroup) { pointer in
      var properties2 = VkPhysicalDeviceProperties2()
      properties2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
      properties2.pNext = UnsafeMutableRawPointer(pointer)
      vkGetPhysicalDeviceProperties2(info.physical, &properties2)
    }
    let limits = info.properties.limits
    let type: DeviceType =
      switch info.type {
      case VK_PHYSICAL_DEVICE_TYPE_CPU: .cpu
      case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: .integratedGPU
      case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: .discreteGPU
      case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: .virtualGPU
      default: .other
      }
    let computeArithmetic =
      subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT.rawValue != 0
      && subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT.rawValue != 0
    self.init(
      name: info.name, type: type, vendorID: info.properties.vendorID, subgroupSize: Int(subgroup.subgroupSize),
      subgroupArithmetic: computeArithmetic, maxSharedMemoryBytes: Int(limits.maxComputeSharedMemorySize),
      maxWorkgroupInvocations: Int(limits.maxComputeWorkGroupInvocations),
      float16Arithmetic: info.vulkan12.shaderFloat16 != 0, int8Arithmetic: info.vulkan12.shaderInt8 != 0,
      cooperativeMatrix: info.extensions.contains("VK_KHR_cooperative_matrix")
        ? .khr : info.extensions.contains("VK_NV_cooperative_matrix") ? .nv : .none,
      maxStorageBufferRange: Int(limits.maxStorageBufferRange),
      maxTexelBufferElements: Int(limits.maxTexelBufferElements))
  }
}

/// Which kernel variants a device gets: decided from its ``DeviceProfile`` alone, and forcible
/// with `WEBNN_KERNELS=cpu` or `WEBNN_KERNELS=gpu` (so tests run both families on lavapipe).
///
/// ```swift
/// let choice = KernelSelection(profile)
/// print(choice.matrixProduct)  // .registerTiled on lavapipe, .sharedMemoryTiled on a GPU
/// ```
public struct KernelSelection: Sendable, Equatable, CustomStringConvertible {
  /// How matrix products (matmul, gemm, convolutions lowered to them) are tiled.
  public enum MatrixProduct: String, Sendable {
    /// Big register tiles, vec4 rows, no shared memory: for CPU devices, whose barriers are
    /// coroutine switches and whose non-uniform loads are per-lane loops.
    case registerTiled = "register-tiled"
    /// 64 x 64 tiles staged through shared memory by 256 invocations: for GPUs.
    case sharedMemoryTiled = "shared-memory-tiled"
  }

  /// When conv2d 3x3 at stride 1 runs as Winograd F(2x2, 3x3) (`WEBNN_WINOGRAD`).
  public enum Winograd: String, Sendable {
    /// On layers where it measured faster (``GraphPlan/winogradPays``): the default.
    case wherePays = "where it pays"
    /// Never (`WEBNN_WINOGRAD=0`).
    case off
    /// On every eligible conv2d (constant float32 3x3 filter, stride and dilation 1, one
    /// group), whatever its size (`WEBNN_WINOGRAD=always`): for tests.
    case always
  }

  /// The matrix-product kernel.
  public var matrixProduct: MatrixProduct
  /// Where Winograd convolutions are used.
  public var winograd: Winograd
  /// Whether kernels read the operands they stream as texels: the register-tiled matrix
  /// product's A, B and C, fused epilogues' operands, the direct convolution's filter, the
  /// input of the convolutions, im2col, max pooling and the Winograd transforms, element-wise
  /// inputs of the output's shape, and the rows of softmax, normalizations and reductions
  /// (`WEBNN_TEXEL_LOADS=0|1`; on by default on CPU devices). On lavapipe a storage-buffer
  /// load is a loop over the lanes with a bounds check and a branch per element, even where
  /// every lane reads the same address, while texelFetch is a branch-free gather: matmul
  /// 1024^3 ran 1.5-2x faster reading B as texels, and about 20% faster again reading A (whose
  /// loads are the same for every lane) as texels too.
  public var texelLoads: Bool
  /// The device's maxTexelBufferElements: a tensor with more texels is read as a storage buffer.
  public var maxTexelBufferElements: Int
  /// Lanes per workgroup of the one-row-per-workgroup kernels (softmax, normalizations,
  /// reductions), or nil where the device lacks subgroup arithmetic (one invocation per row).
  public var rowLanes: Int?

  /// The selection for `profile`; `environment` supplies `WEBNN_KERNELS`.
  public init(_ profile: DeviceProfile, environment: [String: String] = ProcessInfo.processInfo.environment) {
    let cpu: Bool =
      switch environment["WEBNN_KERNELS"]?.lowercased() {
      case "cpu": true
      case "gpu": false
      default: profile.type == .cpu
      }
    matrixProduct = cpu ? .registerTiled : .sharedMemoryTiled
    texelLoads =
      switch environment["WEBNN_TEXEL_LOADS"]?.lowercased() {
      case "0", "off": false
      case "1", "on": true
      default: profile.type == .cpu
      }
    maxTexelBufferElements = profile.maxTexelBufferElements
    winograd =
      switch environment["WEBNN_WINOGRAD"]?.lowercased() {
      case "0", "off": .off
      case "always": .always
      default: .wherePays
      }
    if profile.subgroupArithmetic {
      // A CPU device runs a workgroup on one thread, so one subgroup per row is all it can use;
      // a GPU gets several subgroups per row, combined through shared memory.
      rowLanes =
        cpu ? max(profile.subgroupSize, 1) : min(max(64, profile.subgroupSize), profile.maxWorkgroupInvocations)
    } else {
      rowLanes = nil
    }
  }

  /// For example "matrix products register-tiled, rows 8 lanes".
  public var description: String {
    "matrix products \(matrixProduct.rawValue), rows \(rowLanes.map { "\($0) lanes" } ?? "one invocation each"), "
      + "winograd \(winograd.rawValue)" + (texelLoads ? ", texel loads" : "")
  }
}
