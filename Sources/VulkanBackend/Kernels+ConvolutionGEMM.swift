import WebNNCore

/// conv2d as one batched matrix product. Per image n and group g the convolution is
/// out[o, p] = sum_k W[o, k] * col[k, p] (NCHW) or out[p, o] = sum_k col[p, k] * W[k, o] (NHWC),
/// where p runs over output pixels and k over (input channel, ky, kx). A 1x1 convolution with
/// unit strides and no padding reads its input as col directly; any other unfolds the windows
/// into a scratch matrix first (im2col.comp). Bias is the product's C operand.
extension GraphPlan {
  /// Whether conv2d is lowered to a matrix product: float32 (the unfolding kernel moves 32-bit
  /// words) and not depthwise (one-channel groups make matrices too thin to pay off).
  func convolutionUsesMatrixProduct(_ input: OperandID, groups: Int, _ layout: MLInputOperandLayout) -> Bool {
    descriptor(input).dataType == .float32
      && (groups == 1 || imageSizes(descriptor(input).shape, layout)[1] / groups > 1)
  }

  /// `axes` gives where the filter's (o, i, h, w) axes sit in its layout.
  mutating func emitConvolutionAsMatrixProduct(
    _ input: OperandID, _ filter: OperandID, _ bias: OperandID?, _ window: Window2D, _ groups: Int,
    _ layout: MLInputOperandLayout, filterAxes axes: [Int], _ output: OperandID
  ) {
    let inSizes = imageSizes(descriptor(input).shape, layout)
    let outSizes = imageSizes(descriptor(output).shape, layout)
    let (n, c, h, w) = (inSizes[0], inSizes[1], inSizes[2], inSizes[3])
    let (o, oh, ow) = (outSizes[1], outSizes[2], outSizes[3])
    let filterShape = descriptor(filter).shape
    let filterStrides = contiguousStrides(filterShape)
    let (kh, kw) = (filterShape[axes[2]], filterShape[axes[3]])
    let (channelsPerGroup, outputsPerGroup) = (c / groups, o / groups)
    let pixels = oh * ow
    let depth = channelsPerGroup * kh * kw
    // The filter as a matrix over (o, k): k is linear in memory with one stride when it runs
    // over (i, h, w) for oihw/ihwo, and over (h, w, i) for hwio/ohwi.
    let channelFirst = filterStrides[axes[1]] == kh * kw * filterStrides[axes[3]]
    let kStride = channelFirst ? filterStrides[axes[3]] : filterStrides[axes[1]]
    let oStride = filterStrides[axes[0]]
    // NCHW rows of a pixel count that is not a multiple of 4 cannot be read as vec4, so such
    // 1x1 convolutions also go through the (padded) scratch matrix: copying it costs less than
    // scalar loads in the product.
    let direct =
      kh == 1 && kw == 1 && window.strides == [1, 1] && window.padding.allSatisfy { $0 == 0 }
      && (layout == .nhwc || pixels % 4 == 0)

    // The col operand: the input itself, or the unfolded windows in a scratch matrix laid out
    // [n][g][k][p] (NCHW) or [n][g][p][k] (NHWC), the product's natural operand order.
    let col: MatrixOperand
    if direct {
      let s = imageStrides(descriptor(input).shape, layout)
      // k is the input channel; p the pixel (h * W + w, contiguous in both layouts).
      col = MatrixOperand(
        slot: slot(input), batchStrides: [s[0], channelsPerGroup * s[1]], row: s[1], column: s[3])
    } else {
      // Rows padded to a multiple of 4 elements, so the product reads them as vec4.
      let (paddedPixels, paddedDepth) = layout == .nchw ? ((pixels + 3) / 4 * 4, depth) : (pixels, (depth + 3) / 4 * 4)
      let scratch = convolutionScratch(elements: n * groups * paddedDepth * paddedPixels)
      let (kColStride, pColStride) = layout == .nchw ? (paddedPixels, 1) : (1, paddedDepth)
      var p = Parameters()
      p.bind(slot(input))
      p.bind(scratch)
      for v in [channelsPerGroup, h, w, oh, ow, kh, kw, groups] { p.append(v) }
      for v in window.strides + window.dilations { p.append(v) }
      p.append(window.padding[0])
      p.append(window.padding[2])
      for v in imageStrides(descriptor(input).shape, layout) { p.append(v) }
      let matrixSize = paddedDepth * paddedPixels
      for v in [groups * matrixSize, matrixSize, kColStride, pColStride, depth] { p.append(v) }
      let (lanes, kBlock) = (64, 16)
      // NCHW: each lane writes 4 pixels of a row of col as one vector (the rows are padded).
      let pixelsPerLane = layout == .nchw ? 4 : 1
      let unfold = streaming(
        Kernel(
          shader: "im2col.comp",
          defines: [
            "E_T": "uint", "E_ALIGN": "4", "CHANNEL_FIRST": channelFirst ? "1" : "0", "K_BLOCK": "\(kBlock)",
            "WG_X": "\(lanes)", "VEC_COL": pixelsPerLane == 4 ? "1" : "0",
          ]), binding: 1, slot: slot(input), as: .word32Scalar)
      let pixelsPerGroup = lanes * pixelsPerLane
      add(
        unfold,
        p,
        grid: Grid(
          x: (pixels + pixelsPerGroup - 1) / pixelsPerGroup, y: (depth + kBlock - 1) / kBlock, z: n * groups),
        reads: [slot(input)], writes: [scratch])
      col = MatrixOperand(
        slot: scratch, batchStrides: [groups * matrixSize, matrixSize], row: kColStride, column: pColStride,
        paddedRows: true)
    }
    let outStrides = imageStrides(descriptor(output).shape, layout)
    let biasOperand = bias.map { slot($0) }
    if layout == .nchw {
      // M = o, N = p, K = k.
      let weights = MatrixOperand(
        slot: slot(filter), batchStrides: [0, outputsPerGroup * oStride], row: oStride, column: kStride)
      let result = MatrixOperand(
        slot: slot(output), batchStrides: [outStrides[0], outputsPerGroup * outStrides[1]], row: outStrides[1],
        column: 1)
      emitMatrixProduct(
        MatrixProduct(
          m: outputsPerGroup, n: pixels, k: depth, batch: [n, groups], a: weights, b: col,
          c: biasOperand.map { MatrixOperand(slot: $0, batchStrides: [0, outputsPerGroup], row: 1, column: 0) },
          output: result, alpha: 1, beta: 1, type: .float32))
    } else {
      // M = p, N = o, K = k; col is [p][k].
      let colRows = MatrixOperand(
        slot: col.slot, batchStrides: col.batchStrides, row: col.column, column: col.row, paddedRows: col.paddedRows)
      let weights = MatrixOperand(
        slot: slot(filter), batchStrides: [0, outputsPerGroup * oStride], row: kStride, column: oStride)
      let result = MatrixOperand(
        slot: slot(output), batchStrides: [outStrides[0], outputsPerGroup * outStrides[1]], row: outStrides[3],
        column: outStrides[1])
      emitMatrixProduct(
        MatrixProduct(
          m: pixels, n: outputsPerGroup, k: depth, batch: [n, groups], a: colRows, b: weights,
          c: biasOperand.map { MatrixOperand(slot: $0, batchStrides: [0, outputsPerGroup], row: 0, column: 1) },
          output: result, alpha: 1, beta: 1, type: .float32))
    }
  }

  /// The unfolded input matrix of one convolution: a slot of its own, alive only for that
  /// convolution's two dispatches, so the arena (``GraphMemoryPlan``) reuses its bytes for
  /// whatever is alive before and after.
  private mutating func convolutionScratch(elements: Int) -> Int {
    scratchSlot(byteLength: elements * 4)
  }
}
