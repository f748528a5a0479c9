import Testing
import WebNN

/// Kernel selection looks only at a device profile: these profiles stand for devices CI never
/// has, and the test pins what each gets (and that WEBNN_KERNELS overrides it).
@Suite struct KernelSelectionTests {
  static func profile(
    _ name: String, _ type: DeviceProfile.DeviceType, vendor: UInt32, subgroup: Int, arithmetic: Bool = true,
    sharedMemory: Int = 48 * 1024, cooperativeMatrix: DeviceProfile.CooperativeMatrix = .none
  ) -> DeviceProfile {
    DeviceProfile(
      name: name, type: type, vendorID: vendor, subgroupSize: subgroup, subgroupArithmetic: arithmetic,
      maxSharedMemoryBytes: sharedMemory, maxWorkgroupInvocations: 1024, float16Arithmetic: true,
      int8Arithmetic: true, cooperativeMatrix: cooperativeMatrix, maxStorageBufferRange: 1 << 30)
  }

  static let nvidia = profile(
    "NVIDIA GeForce RTX 4070", .discreteGPU, vendor: 0x10DE, subgroup: 32, cooperativeMatrix: .khr)
  static let amd = profile("AMD Radeon RX 7800 XT", .discreteGPU, vendor: 0x1002, subgroup: 64, sharedMemory: 64 * 1024)
  static let intel = profile("Intel(R) UHD Graphics 770", .integratedGPU, vendor: 0x8086, subgroup: 32)
  static let lavapipe = profile(
    "llvmpipe (LLVM 15.0.6, 256 bits)", .cpu, vendor: 0x10005, subgroup: 8, sharedMemory: 32 * 1024)

  @Test func gpusGetSharedMemoryTilesAndWorkgroupRows() {
    for gpu in [Self.nvidia, Self.amd, Self.intel] {
      let selection = KernelSelection(gpu, environment: [:])
      #expect(selection.matrixProduct == .sharedMemoryTiled, "\(gpu.name)")
      #expect(selection.rowLanes == max(64, gpu.subgroupSize), "\(gpu.name)")
    }
  }

  @Test func cpuDevicesGetRegisterTilesAndOneSubgroupPerRow() {
    let selection = KernelSelection(Self.lavapipe, environment: [:])
    #expect(selection.matrixProduct == .registerTiled)
    #expect(selection.rowLanes == 8)
  }

  @Test func environmentForcesEitherFamily() {
    #expect(KernelSelection(Self.lavapipe, environment: ["WEBNN_KERNELS": "gpu"]).matrixProduct == .sharedMemoryTiled)
    #expect(KernelSelection(Self.lavapipe, environment: ["WEBNN_KERNELS": "gpu"]).rowLanes == 64)
    #expect(KernelSelection(Self.nvidia, environment: ["WEBNN_KERNELS": "CPU"]).matrixProduct == .registerTiled)
    #expect(KernelSelection(Self.nvidia, environment: ["WEBNN_KERNELS": "cpu"]).rowLanes == 32)
    // Anything else leaves the profile's choice.
    #expect(KernelSelection(Self.amd, environment: ["WEBNN_KERNELS": "fast"]).matrixProduct == .sharedMemoryTiled)
  }

  @Test func noSubgroupArithmeticMeansOneInvocationPerRow() {
    let old = Self.profile("Old GPU", .integratedGPU, vendor: 0x8086, subgroup: 16, arithmetic: false)
    #expect(KernelSelection(old, environment: [:]).rowLanes == nil)
  }

  @Test func theDeviceHereHasAProfileThatSelectionAccepts() throws {
    let profiles = try VulkanBackendProvider.deviceProfiles()
    #expect(!profiles.isEmpty)
    for profile in profiles {
      #expect(profile.subgroupSize >= 1)
      #expect(profile.summary.contains("kernels: "))
    }
  }
}
