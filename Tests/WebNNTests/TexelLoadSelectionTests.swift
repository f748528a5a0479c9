import Testing
import WebNN

@testable import VulkanBackend
@testable import WebNNCore

/// Matrix products read A and B as texels only where the selection asks for it, B's element type
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

  /// The texel types the matrix product of a 64 x `k` by `k` x 256 `type` product reads A
  /// (binding 1) and B (binding 2) with.
  static func texels(
    _ type: MLOperandDataType, k: Int = 128, texelLoads: Bool, maxTexels: Int
  ) throws -> (a: TexelType?, b: TexelType?) {
    let device = try GuardRegionTests.device()
    var selection = device.selection
    selection.matrixProduct = .registerTiled
    selection.texelLoads = texelLoads
    selection.maxTexelBufferElements = maxTexels
    let b = MLGraphBuilder(try ML().createContextSync())
    let x = try b.input("x", .init(dataType: type, shape: [64, k]))
    let w = try b.input("w", .init(dataType: type, shape: [k, 256]))
    let ir = try b.graphIR(["y": try b.matmul(x, w)])
    let plan = try GraphPlan(ir, hasFloat16Arithmetic: false, selection: selection)
    let products = plan.dispatches.filter { $0.kernel.shader.hasPrefix("gemm") }
    try #require(products.count == 1, "one matrix-product dispatch: \(plan.dispatches.map(\.kernel.shader))")
    return (products[0].kernel.texels(binding: 1), products[0].kernel.texels(binding: 2))
  }

  @Test func bIsReadAsTexelsWhenItFitsOneTexelBuffer() throws {
    // B holds 128 x 256 = 32768 elements: 8192 vec4 texels.
    #expect(try Self.texels(.float32, texelLoads: true, maxTexels: 8192).b == .float32)
    #expect(try Self.texels(.float16, texelLoads: true, maxTexels: 8192).b == .float16)
    #expect(try Self.texels(.float32, texelLoads: true, maxTexels: 8191).b == nil)
    #expect(try Self.texels(.float32, texelLoads: false, maxTexels: 1 << 27).b == nil)
  }

  /// A's loads are the same for every lane, but on lavapipe a storage-buffer load loops over
  /// the lanes regardless, so A is read as texels too: vec4s where its rows are, single
  /// elements where they are not (k = 127), storage where it does not fit or texels are off.
  @Test func aIsReadAsTexelsToo() throws {
    // A holds 64 x 128 = 8192 elements: 2048 vec4 texels.
    #expect(try Self.texels(.float32, texelLoads: true, maxTexels: 8192).a == .float32)
    #expect(try Self.texels(.float16, texelLoads: true, maxTexels: 8192).a == .float16)
    #expect(try Self.texels(.float32, k: 127, texelLoads: true, maxTexels: 1 << 20).a == .float32Scalar)
    #expect(try Self.texels(.float32, texelLoads: true, maxTexels: 2047).a == nil)
    #expect(try Self.texels(.float32, texelLoads: false, maxTexels: 1 << 27).a == nil)
  }
}

/// What a matrix product reads besides A and B also comes as one-element texels on CPU devices:
/// gemm's C (binding 3) and the operands of a fused epilogue (bindings 5-8), here a residual.
@Suite struct ProductOperandTexelLoadTests {
  @Test func cAndEpilogueOperandsAreTexels() throws {
    let device = try GuardRegionTests.device()
    var selection = device.selection
    selection.matrixProduct = .registerTiled
    selection.texelLoads = true
    selection.maxTexelBufferElements = 1 << 20
    let b = MLGraphBuilder(try ML().createContextSync())
    let x = try b.input("x", .init(dataType: .float32, shape: [16, 32]))
    let w = try b.input("w", .init(dataType: .float32, shape: [32, 64]))
    let c = try b.input("c", .init(dataType: .float32, shape: [16, 64]))
    let residual = try b.input("r", .init(dataType: .float32, shape: [16, 64]))
    let y = try b.add(try b.gemm(x, w, options: .init(c: c)), residual)
    let plan = try GraphPasses.$override.withValue(true) {
      try GraphPlan(try b.graphIR(["y": y]), hasFloat16Arithmetic: false, selection: selection)
    }
    try #require(plan.dispatches.count == 1, "\(plan.dispatches.map(\.kernel.shader))")
    let kernel = plan.dispatches[0].kernel
    #expect(kernel.defines["EPILOGUE_OPERANDS"] == "1")
    #expect(kernel.texels(binding: 3) == .float32Scalar)
    #expect(kernel.texels(binding: 5) == .float32Scalar)
  }
}

/// Element-wise kernels read a float32 input of the output's shape as vec4 texels, a broadcast
/// one that a binary kernel indexes by row or column (BroadcastKernelTests) or a broadcast
/// scalar as texels of its own kind, and every other input (integer, or a shape that does not
/// vectorize) as storage.
@Suite struct ElementwiseTexelLoadTests {
  /// The element-wise dispatches of `y`, planned with texel loads on, with the passes `fused`.
  static func dispatches(fused: Bool, _ make: (MLGraphBuilder) throws -> MLOperand) throws -> [KernelDispatch] {
    let device = try GuardRegionTests.device()
    var selection = device.selection
    selection.texelLoads = true
    selection.maxTexelBufferElements = 1 << 20
    let b = MLGraphBuilder(try ML().createContextSync())
    let ir = try b.graphIR(["y": try make(b)])
    let plan = try GraphPasses.$override.withValue(fused) {
      try GraphPlan(ir, hasFloat16Arithmetic: false, selection: selection)
    }
    return plan.dispatches.filter { $0.kernel.shader.hasPrefix("elementwise") }
  }

  /// A broadcast scalar is a one-element texel: a storage load of the same address loops over
  /// the lanes on lavapipe (a 4M-element multiply by a scalar took 9.3 ms that way, 5.6-6.2 ms
  /// with the texel).
  @Test func sameShapeInputsAreVectorTexelsAndBroadcastScalarsOneElementTexels() throws {
    let same = try Self.dispatches(fused: false) { b in
      try b.add(
        try b.input("a", .init(dataType: .float32, shape: [8, 64])),
        try b.input("b", .init(dataType: .float32, shape: [8, 64])))
    }
    try #require(same.count == 1)
    #expect(same[0].kernel.texels(binding: 1) == .float32)
    #expect(same[0].kernel.texels(binding: 2) == .float32)
    let broadcast = try Self.dispatches(fused: false) { b in
      try b.add(
        try b.input("a", .init(dataType: .float32, shape: [8, 64])),
        try b.input("b", .init(dataType: .float32, shape: [1])))
    }
    try #require(broadcast.count == 1)
    #expect(broadcast[0].kernel.texels(binding: 1) == .float32)
    #expect(broadcast[0].kernel.texels(binding: 2) == .float32Scalar)
    let integers = try Self.dispatches(fused: false) { b in
      try b.add(
        try b.input("a", .init(dataType: .int32, shape: [8, 64])),
        try b.input("b", .init(dataType: .int32, shape: [8, 64])))
    }
    try #require(integers.count == 1)
    #expect(integers[0].kernel.texels(binding: 1) == nil)
    let odd = try Self.dispatches(fused: false) { b in
      try b.exp(try b.input("a", .init(dataType: .float32, shape: [7])))
    }
    try #require(odd.count == 1)
    #expect(odd[0].kernel.texels(binding: 1) == nil)
    let unary = try Self.dispatches(fused: false) { b in
      try b.exp(try b.input("a", .init(dataType: .float32, shape: [8])))
    }
    try #require(unary.count == 1)
    #expect(unary[0].kernel.texels(binding: 1) == .float32)
  }

  @Test func fusedChainsReadFullShapeInputsAsTexels() throws {
    let chain = try Self.dispatches(fused: true) { b in
      let x = try b.input("x", .init(dataType: .float32, shape: [4, 64]))
      let residual = try b.input("r", .init(dataType: .float32, shape: [4, 64]))
      let bias = try b.input("bias", .init(dataType: .float32, shape: [64]))
      return try b.relu(try b.add(try b.add(x, bias), residual))
    }
    try #require(chain.count == 1, "\(chain.map(\.kernel.shader))")
    #expect(chain[0].kernel.shader == "elementwise_fused.comp")
    // The output is binding 1; inputs follow in the order the chain met them: x, bias, r.
    #expect(chain[0].kernel.texels(binding: 2) == .float32)
    #expect(chain[0].kernel.texels(binding: 3) == nil)
    #expect(chain[0].kernel.texels(binding: 4) == .float32)
  }
}

/// Depthwise convolutions read NCHW rows of a multiple of 4 columns as vec4 texels, other rows
/// (and NHWC, whose columns are not contiguous) as one-element texels.
@Suite struct DepthwiseTexelLoadTests {
  static func depthwiseKernel(width: Int, layout: MLInputOperandLayout, padLeft: Int) throws -> Kernel {
    let device = try GuardRegionTests.device()
    var selection = device.selection
    selection.texelLoads = true
    selection.maxTexelBufferElements = 1 << 20
    let b = MLGraphBuilder(try ML().createContextSync())
    let shape = layout == .nchw ? [1, 8, 10, width] : [1, 10, width, 8]
    let x = try b.input("x", .init(dataType: .float32, shape: shape))
    let filterShape = layout == .nchw ? [8, 1, 3, 3] : [1, 3, 3, 8]
    let w = try b.input("w", .init(dataType: .float32, shape: filterShape))
    let y = try b.conv2d(
      x, w,
      options: .init(
        padding: [1, 1, padLeft, 1], groups: 8, inputLayout: layout, filterLayout: layout == .nchw ? .oihw : .ihwo))
    let plan = try GraphPlan(try b.graphIR(["y": y]), hasFloat16Arithmetic: false, selection: selection)
    let kernels = plan.dispatches.map(\.kernel).filter { $0.shader == "depthwise_conv2d.comp" }
    try #require(kernels.count == 1, "\(plan.dispatches.map(\.kernel.shader))")
    return kernels[0]
  }

  @Test func rowsOfFourColumnsAreReadAsVectors() throws {
    let aligned = try Self.depthwiseKernel(width: 16, layout: .nchw, padLeft: 1)
    #expect(aligned.texels(binding: 1) == .float32)
    #expect(aligned.defines["VEC_INPUT"] == "1")
    #expect(aligned.defines["PHASE"] == "3")
    #expect(try Self.depthwiseKernel(width: 16, layout: .nchw, padLeft: 2).defines["PHASE"] == "2")
    #expect(try Self.depthwiseKernel(width: 16, layout: .nchw, padLeft: 0).defines["PHASE"] == "0")
    let odd = try Self.depthwiseKernel(width: 14, layout: .nchw, padLeft: 1)
    #expect(odd.texels(binding: 1) == .float32Scalar)
    #expect(odd.defines["VEC_INPUT"] == nil)
    let channelsLast = try Self.depthwiseKernel(width: 16, layout: .nhwc, padLeft: 1)
    #expect(channelsLast.defines["VEC_INPUT"] == nil)
  }
}

/// The register-blocked direct convolution reads its input and its filter taps as one-element
/// texels: the taps are the same for every lane, but on lavapipe a storage-buffer load loops
/// over the lanes regardless. Winograd's two transforms read their inputs as texels too.
@Suite struct ConvolutionTexelLoadTests {
  @Test func inputAndFilterAreTexels() throws {
    let device = try GuardRegionTests.device()
    var selection = device.selection
    selection.texelLoads = true
    selection.maxTexelBufferElements = 1 << 20
    let b = MLGraphBuilder(try ML().createContextSync())
    let x = try b.input("x", .init(dataType: .float32, shape: [1, 8, 10, 32]))
    let w = try b.input("w", .init(dataType: .float32, shape: [8, 8, 3, 3]))
    let y = try b.conv2d(x, w, options: .init(padding: [1, 1, 1, 1]))
    let plan = try GraphPlan(try b.graphIR(["y": y]), hasFloat16Arithmetic: false, selection: selection)
    let kernels = plan.dispatches.map(\.kernel).filter { $0.shader == "conv2d_direct_tiled.comp" }
    try #require(kernels.count == 1, "\(plan.dispatches.map(\.kernel.shader))")
    #expect(kernels[0].texels(binding: 1) == .float32Scalar)
    #expect(kernels[0].texels(binding: 2) == .float32Scalar)
  }

  @Test func winogradTransformsReadTexels() throws {
    let device = try GuardRegionTests.device()
    var selection = device.selection
    selection.texelLoads = true
    selection.maxTexelBufferElements = 1 << 20
    selection.winograd = .always
    let b = MLGraphBuilder(try ML().createContextSync())
    let x = try b.input("x", .init(dataType: .float32, shape: [1, 8, 10, 32]))
    let w = try b.constant(.init(dataType: .float32, shape: [8, 8, 3, 3]), [Float](repeating: 0.5, count: 576))
    let y = try b.conv2d(x, w, options: .init(padding: [1, 1, 1, 1]))
    let plan = try GraphPlan(try b.graphIR(["y": y]), hasFloat16Arithmetic: false, selection: selection)
    let transforms = plan.dispatches.map(\.kernel).filter { $0.shader.hasPrefix("winograd") }
    try #require(transforms.count == 2, "\(plan.dispatches.map(\.kernel.shader))")
    for kernel in transforms { #expect(kernel.texels(binding: 1) == .float32Scalar, "\(kernel.shader)") }
  }
}
