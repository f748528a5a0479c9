import WebNNCore

extension GraphPlan {
  mutating func emitMatmul(_ a: OperandID, _ b: OperandID, _ output: OperandID) {
    let (sa, sb, so) = (descriptor(a).shape, descriptor(b).shape, descriptor(output).shape)
    let batch = Array(so.dropLast(2))
    // An absorbed transpose is read from its input through permuted strides.
    let (aSource, aStrides) = stridedViews[a] ?? (a, contiguousStrides(sa))
    let (bSource, bStrides) = stridedViews[b] ?? (b, contiguousStrides(sb))
    emitMatrixProduct(
      a: aSource, b: bSource, c: nil, output: output, m: sa[sa.count - 2], n: sb[sb.count - 1], k: sa[sa.count - 1],
      batch: batch, aBatchStrides: batchStrides(sa, aStrides, to: batch),
      bBatchStrides: batchStrides(sb, bStrides, to: batch),
      aStrides: (aStrides[sa.count - 2], aStrides[sa.count - 1]),
      bStrides: (bStrides[sb.count - 2], bStrides[sb.count - 1]), cStrides: (0, 0), alpha: 1, beta: 0)
  }

  /// Strides of a matrix stack's leading dimensions, broadcast to `batch` (0 where repeated).
  private func batchStrides(_ shape: [Int], _ strides: [Int], to batch: [Int]) -> [Int] {
    let leading = Array(shape.dropLast(2))
    let padding = batch.count - leading.count
    return Array(repeating: 0, count: padding) + zip(leading, strides.dropLast(2)).map { $0 == 1 ? 0 : $1 }
  }

  mutating func emitGemm(
    _ a: OperandID, _ b: OperandID, _ c: OperandID?, alpha: Double, beta: Double, aTranspose: Bool, bTranspose: Bool,
    _ output: OperandID
  ) {
    let (sa, sb, so) = (descriptor(a).shape, descriptor(b).shape, descriptor(output).shape)
    let k = aTranspose ? sa[0] : sa[1]
    var cStrides = (0, 0)
    if let c {
      let strides = broadcastStrides(descriptor(c).shape, to: so)
      cStrides = (strides[0], strides[1])
    }
    emitMatrixProduct(
      a: a, b: b, c: c, output: output, m: so[0], n: so[1], k: k, batch: [], aBatchStrides: [], bBatchStrides: [],
      aStrides: aTranspose ? (1, sa[1]) : (sa[1], 1), bStrides: bTranspose ? (1, sb[1]) : (sb[1], 1),
      cStrides: cStrides, alpha: alpha, beta: beta)
  }

  /// Strides are (row, column) of the logical M x K and K x N matrices.
  private mutating func emitMatrixProduct(
    a: OperandID, b: OperandID, c: OperandID?, output: OperandID, m: Int, n: Int, k: Int, batch: [Int],
    aBatchStrides: [Int], bBatchStrides: [Int], aStrides: (Int, Int), bStrides: (Int, Int), cStrides: (Int, Int),
    alpha: Double, beta: Double
  ) {
    let zeros = Array(repeating: 0, count: batch.count)
    emitMatrixProduct(
      MatrixProduct(
        m: m, n: n, k: k, batch: batch,
        a: MatrixOperand(slot: slot(a), batchStrides: aBatchStrides, row: aStrides.0, column: aStrides.1),
        b: MatrixOperand(slot: slot(b), batchStrides: bBatchStrides, row: bStrides.0, column: bStrides.1),
        c: c.map { MatrixOperand(slot: slot($0), batchStrides: zeros, row: cStrides.0, column: cStrides.1) },
        output: MatrixOperand(
          slot: slot(output), batchStrides: Array(contiguousStrides(batch + [m, n]).dropLast(2)), row: n, column: 1),
        alpha: alpha, beta: beta, type: descriptor(output).dataType))
  }

  /// Strides of the (n, c, h, w) axes of an image tensor in `layout`.
  func imageStrides(_ shape: [Int], _ layout: MLInputOperandLayout) -> [Int] {
    let s = contiguousStrides(shape)
    return layout == .nchw ? s : [s[0], s[3], s[1], s[2]]
  }

  /// (n, c, h, w) sizes of an image tensor in `layout`.
  func imageSizes(_ shape: [Int], _ layout: MLInputOperandLayout) -> [Int] {
    layout == .nchw ? shape : [shape[0], shape[3], shape[1], shape[2]]
  }

  mutating func emitConv2d(
    _ input: OperandID, _ filter: OperandID, _ bias: OperandID?, _ window: Window2D, _ groups: Int,
    _ inputLayout: MLInputOperandLayout, _ filterLayout: MLConv2dFilterOperandLayout, _ output: OperandID
  ) {
    let axes = filterLayout.oihwAxes
    if usesWinograd(input, filter, window, groups, inputLayout, filterAxes: axes, output) {
      emitWinogradConv2d(input, filter, bias, window, inputLayout, filterAxes: axes, output)
      return
    }
    if !usesDirectTiledConvolution(input, filter, window, groups, inputLayout, filterAxes: axes, output),
      convolutionUsesMatrixProduct(input, groups: groups, inputLayout)
    {
      emitConvolutionAsMatrixProduct(input, filter, bias, window, groups, inputLayout, filterAxes: axes, output)
      return
    }
    emitConvolution("conv2d.comp", input, filter, bias, window, groups, inputLayout, filterAxes: axes, output)
  }

  mutating func emitConvTranspose2d(
    _ input: OperandID, _ filter: OperandID, _ bias: OperandID?, _ window: Window2D, _ groups: Int,
    _ inputLayout: MLInputOperandLayout, _ filterLayout: MLConvTranspose2dFilterOperandLayout, _ output: OperandID
  ) {
    // Where the (i, o, h, w) axes sit in each layout.
    let axes: [Int] =
      switch filterLayout {
      case .iohw: [0, 1, 2, 3]
      case .hwoi: [3, 2, 0, 1]
      case .ohwi: [3, 0, 1, 2]
      }
    emitConvolution("conv_transpose2d.comp", input, filter, bias, window, groups, inputLayout, filterAxes: axes, output)
  }

  private mutating func emitConvolution(
    _ shader: String, _ input: OperandID, _ filter: OperandID, _ bias: OperandID?, _ window: Window2D, _ groups: Int,
    _ layout: MLInputOperandLayout, filterAxes: [Int], _ output: OperandID
  ) {
    // The filter's sizes and strides in the kernel's canonical axis order.
    let filterShape = descriptor(filter).shape
    let kernel = (filterShape[filterAxes[2]], filterShape[filterAxes[3]])
    let filterStrides = filterAxes.map { contiguousStrides(filterShape)[$0] }
    let inShape = descriptor(input).shape
    let outShape = descriptor(output).shape
    let inSizes = imageSizes(inShape, layout)
    let outSizes = imageSizes(outShape, layout)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(filter))
    p.bind(bias.map(slot) ?? 0)
    p.bind(slot(output))
    for v in inSizes { p.append(v) }
    p.append(outSizes[1])
    p.append(outSizes[2])
    p.append(outSizes[3])
    p.append(kernel.0)
    p.append(kernel.1)
    p.append(groups)
    for v in window.strides + window.dilations { p.append(v) }
    p.append(window.padding[0])
    p.append(window.padding[2])
    for v in imageStrides(inShape, layout) + filterStrides + imageStrides(outShape, layout) { p.append(v) }
    p.append(bias != nil)
    let type = descriptor(output).dataType
    let reads = [slot(input), slot(filter)] + (bias.map { [slot($0)] } ?? [])
    // Depthwise (one input channel per group) with a small window: the register-blocked kernel.
    if shader == "conv2d.comp", groups > 1, inSizes[1] == groups, kernel.0 * kernel.1 <= 49,
      (window.strides + window.dilations).allSatisfy({ $0 <= 4 })
    {
      let tile = planeTile(window, outputHeight: outSizes[2], outputWidth: outSizes[3])
      let defines = windowDefines(
        type, kernel, window, rows: tile.rows, columns: tile.columns, lanes: tile.lanes, laneRows: tile.laneRows)
      let scalar = Kernel(shader: "depthwise_conv2d.comp", defines: defines)
      // NCHW rows of a multiple of 4 columns: each patch row is read as aligned vec4 texels
      // (3 fetches instead of 6 for a 3x3 window).
      var depthwise = streaming(scalar, binding: 1, slot: slot(input), as: TexelType(type, vector: false))
      if layout == .nchw, inSizes[3] % 4 == 0, tile.columns == 4 {
        let vectors = streaming(
          scalar.with("VEC_INPUT", "1").with("PHASE", "\((4 - window.padding[2] % 4) % 4)"), binding: 1,
          slot: slot(input), as: TexelType(type))
        if vectors.texels(binding: 1) != nil { depthwise = vectors }
      }
      add(
        depthwise, p, grid: planeTileGrid(tile, outSizes, planes: outSizes[0] * outSizes[1]), reads: reads,
        writes: [slot(output)])
      return
    }
    if shader == "conv2d.comp",
      usesDirectTiledConvolution(input, filter, window, groups, layout, filterAxes: filterAxes, output)
    {
      // Measured on lavapipe (3x3, 64 -> 64 channels at 56 x 56): 4 x 4 pixels x 8 channels per
      // lane, about 15% faster than unfolding into a scratch matrix, which it also saves.
      let tile = PlaneTile(rows: 4, columns: 4, lanes: outSizes[3] >= 64 ? 16 : 8, laneRows: 1)
      let channels = 8
      var defines = windowDefines(type, kernel, window, rows: tile.rows, columns: tile.columns, lanes: tile.lanes)
      defines["TO"] = "\(channels)"
      // The filter's taps as texels too (see conv2d_direct_tiled.comp).
      let direct = streaming(
        streaming(
          Kernel(shader: "conv2d_direct_tiled.comp", defines: defines), binding: 2, slot: slot(filter),
          as: TexelType(type, vector: false)), binding: 1, slot: slot(input), as: TexelType(type, vector: false))
      add(
        direct, p, grid: planeTileGrid(tile, outSizes, planes: outSizes[0] * ((outSizes[1] + channels - 1) / channels)),
        reads: reads, writes: [slot(output)])
      return
    }
    addImageKernel(
      Kernel(shader: shader, defines: elementDefines(type)), p, outSizes, reads: reads, writes: [slot(output)])
  }

  /// The tile of a register-blocked window kernel (depthwise conv2d, maxPool2d): the outputs
  /// each lane computes in one (image, channel) plane, the lanes of a workgroup, and how many
  /// of those lanes stack down the plane. Measured on lavapipe (depthwise 3x3 over 144 x 56 x
  /// 56): 8 x 4 outputs per lane load each input about twice instead of nine times; strided
  /// windows need bigger patches, so they take fewer rows. A plane narrower than 8 lanes' tiles
  /// (MobileNetV2's 14 and 7 columns) would leave lanes of the subgroup idle, so its lanes also
  /// stack down the plane, with rows per lane cut to what the plane's height needs.
  func planeTile(_ window: Window2D, outputHeight: Int, outputWidth: Int) -> PlaneTile {
    let columns = 4
    var rows = window.strides[0] == 1 ? 8 : 4
    let lanes = outputWidth >= 128 ? 64 : outputWidth >= 32 ? 16 : 8
    let laneColumns = min(lanes, ((outputWidth + columns - 1) / columns).nextPowerOfTwo)
    let laneRows = lanes / laneColumns
    if laneRows > 1 { rows = min(rows, (outputHeight + laneRows - 1) / laneRows) }
    return PlaneTile(rows: rows, columns: columns, lanes: lanes, laneRows: laneRows)
  }

  /// The grid of a register-blocked window kernel: x blocks of output columns, y blocks of
  /// output rows, z the `planes` (images x channels, or x channel blocks).
  func planeTileGrid(_ tile: PlaneTile, _ outSizes: [Int], planes: Int) -> Grid {
    let width = tile.lanes / tile.laneRows * tile.columns
    let height = tile.rows * tile.laneRows
    return Grid(x: (outSizes[3] + width - 1) / width, y: (outSizes[2] + height - 1) / height, z: planes)
  }

  /// The defines of the register-blocked window kernels: the window and steps as compile-time
  /// constants, and the outputs per lane.
  private func windowDefines(
    _ type: MLOperandDataType, _ kernel: (Int, Int), _ window: Window2D, rows: Int, columns: Int, lanes: Int,
    laneRows: Int = 1
  ) -> [String: String] {
    var defines = elementDefines(type)
    for (name, value) in [
      ("KH", kernel.0), ("KW", kernel.1), ("SY", window.strides[0]), ("SX", window.strides[1]),
      ("DY", window.dilations[0]), ("DX", window.dilations[1]), ("ROWS", rows), ("COLS", columns), ("WG_X", lanes),
      ("LANE_ROWS", laneRows),
    ] {
      defines[name] = "\(value)"
    }
    return defines
  }

  /// Whether conv2d runs as the register-blocked direct kernel: one group, a small window, unit
  /// strides (strided windows need patches too large to pay off) and output rows wide enough
  /// to give its lanes work.
  func usesDirectTiledConvolution(
    _ input: OperandID, _ filter: OperandID, _ window: Window2D, _ groups: Int, _ layout: MLInputOperandLayout,
    filterAxes: [Int], _ output: OperandID
  ) -> Bool {
    let filterShape = descriptor(filter).shape
    let (kh, kw) = (filterShape[filterAxes[2]], filterShape[filterAxes[3]])
    let outSizes = imageSizes(descriptor(output).shape, layout)
    return groups == 1 && [.float32, .float16].contains(descriptor(input).dataType) && kh * kw > 1 && kh * kw <= 25
      && window.strides == [1, 1] && window.dilations.allSatisfy { $0 <= 2 } && outSizes[3] >= 16
  }

  mutating func emitPool(
    _ kind: PoolKind, _ input: OperandID, _ dims: [Int], _ window: Window2D, _ layout: MLInputOperandLayout,
    _ output: OperandID
  ) {
    let inShape = descriptor(input).shape
    let outShape = descriptor(output).shape
    let inSizes = imageSizes(inShape, layout)
    let outSizes = imageSizes(outShape, layout)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    for v in inSizes { p.append(v) }
    p.append(outSizes[2])
    p.append(outSizes[3])
    for v in dims + window.strides + window.dilations { p.append(v) }
    p.append(window.padding[0])
    p.append(window.padding[2])
    for v in imageStrides(inShape, layout) + imageStrides(outShape, layout) { p.append(v) }
    let type = descriptor(input).dataType
    // maxPool2d with a small window: the register-blocked kernel. Measured on lavapipe
    // (ResNet18's 3x3 stride-2 max pool over 64 x 112 x 112): 6.1-7.5 ms down to about 1.8.
    if kind == .max, [.float32, .float16].contains(type), dims[0] * dims[1] <= 49,
      (window.strides + window.dilations).allSatisfy({ $0 <= 4 }), inSizes[0] * inSizes[1] <= 65535
    {
      let tile = planeTile(window, outputHeight: outSizes[2], outputWidth: outSizes[3])
      let defines = windowDefines(
        type, (dims[0], dims[1]), window, rows: tile.rows, columns: tile.columns, lanes: tile.lanes,
        laneRows: tile.laneRows)
      let kernel = streaming(
        Kernel(shader: "max_pool2d_tiled.comp", defines: defines), binding: 1, slot: slot(input),
        as: TexelType(type, vector: false))
      add(
        kernel, p, grid: planeTileGrid(tile, outSizes, planes: outSizes[0] * outSizes[1]), reads: [slot(input)],
        writes: [slot(output)])
      return
    }
    var defines = typeDefines("X", type)
    defines["POOL_KIND"] =
      switch kind {
      case .average: "0"
      case .max: "1"
      case .l2: "2"
      }
    addImageKernel(
      Kernel(shader: "pool2d.comp", defines: defines), p, outSizes, reads: [slot(input)], writes: [slot(output)])
  }

  /// A kernel with one invocation per output pixel of an (n, c, h, w) image: a grid of (column
  /// block, row, image x channel) workgroups where it fits the device's limits (GRID3D), else 1-D.
  mutating func addImageKernel(_ kernel: Kernel, _ p: Parameters, _ sizes: [Int], reads: [Int], writes: [Int]) {
    let (n, c, h, w) = (sizes[0], sizes[1], sizes[2], sizes[3])
    if n * c <= 65535 && h <= 65535 {
      let lanes = w >= 64 ? 64 : w >= 32 ? 32 : 16
      add(
        kernel.with("GRID3D", "1").with("WG_X", "\(lanes)"), p,
        grid: Grid(x: (w + lanes - 1) / lanes, y: max(h, 1), z: max(n * c, 1)), reads: reads, writes: writes)
    } else {
      add(kernel, p, invocations: n * c * h * w, reads: reads, writes: writes)
    }
  }
}

/// The work of one workgroup of a register-blocked window kernel: each lane computes `rows` x
/// `columns` outputs of one plane; `lanes / laneRows` lanes run along the plane's rows and
/// `laneRows` of those runs stack down it.
struct PlaneTile {
  var rows: Int
  var columns: Int
  var lanes: Int
  var laneRows: Int
}
