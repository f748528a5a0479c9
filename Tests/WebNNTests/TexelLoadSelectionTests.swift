import Testing
import WebNN

@testable import VulkanBackend
@testable import WebNNCore

/// Matrix products read B as vec4 texels only where the selection asks for it, B's element type
/// has a texel format, and B fits one texel buffer; otherwise B stays a storage buffer. The
/// results of both paths are compared with the CPU reference by the conformance suite, run
/// with texel loads on (the default on lavapipe) and off (`WEBNN_TEXEL_LOADS=0`) by `make test`.
@Suite struct TexelLoadSelectionTests {
  @Test func cpuDevicesReadTexelsAndGPUsDoNot() {
    #expect(KernelSelection(KernelSelectionTests.lavapipe, environment: [:]).texelLoads)
    for gpu in [KernelSelectionTests.nvidia, KernelSelectionTests.amd, KernelSelectionTests.intel] {
      #expect(!KernelSelection(gpu, environment: [:]).texelLoads, "\(gpu.name)")
    }
    #expect(!KernelSelection(KernelSelectionTests.lavapipe, environment: ["WEBNN_TEXEL_LOADS": "0"]).texelLoads)
    #expect(KernelSelection(KernelSelectionTests.amd, environment: ["WEBNN_TEXEL_LOADS": "on"]).texelLoads)
    #expect(KernelSelection(KernelSelectionTests.lavapipe, environment: [:]).maxTexelBufferElements == 65536)
  }

  /// The texel type the matrix product of a 64x128 by 128x256 `type` product reads B with.
  static func texelsOfB(_ type: MLOperandDataType, texelLoads: Bool, maxTexels: Int) throws -> TexelType? {
    let device = try GuardRegionTests.device()
    var selection = device.selection
    selection.matrixProduct = .registerTiled
    selection.texelLoads = texelLoads
    selection.maxTexelBufferElements = maxTexels
    let b = MLGraphBuilder(try ML().createContextSync())
    let x = try b.input("x", .init(dataType: type, shape: [64, 128]))
    let w = try b.input("w", .init(dataType: type, shape: [128, 256]))
    let ir = try b.graphIR(["y": try b.matmul(x, w)])
    let plan = try GraphPlan(ir, hasFloat16Arithmetic: false, selection: selection)
    let products = plan.dispatches.filter { $0.kernel.shader.hasPrefix("gemm") }
    try #require(products.count == 1, "one matrix-product dispatch: \(plan.dispatches.map(\.kernel.shader))")
    return products[0].kernel.texels(binding: 2)
  }

  @Test func bIsReadAsTexelsWhenItFitsOneTexelBuffer() throws {
    // B holds 128 x 256 = 32768 elements: 8192 vec4 texels.
    #expect(try Self.texelsOfB(.float32, texelLoads: true, maxTexels: 8192) == .float32)
    #expect(try Self.texelsOfB(.float16, texelLoads: true, maxTexels: 8192) == .float16)
    #expect(try Self.texelsOfB(.float32, texelLoads: true, maxTexels: 8191) == nil)
    #expect(try Self.texelsOfB(.float32, texelLoads: false, maxTexels: 1 << 27) == nil)
  }
}
