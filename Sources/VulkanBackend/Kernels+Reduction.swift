import WebNNCore

extension GraphPlan {
  /// Splits a shape into kept and reduced dimensions, with the input strides of each.
  func reductionGeometry(_ shape: [Int], reducedAxes: [Int]) -> (
    keptShape: [Int], keptStrides: [Int], reducedShape: [Int], reducedStrides: [Int]
  ) {
    let strides = contiguousStrides(shape)
    var result: ([Int], [Int], [Int], [Int]) = ([], [], [], [])
    for d in shape.indices {
      if reducedAxes.contains(d) {
        result.2.append(shape[d])
        result.3.append(strides[d])
      } else {
        result.0.append(shape[d])
        result.1.append(strides[d])
      }
    }
    return result
  }

  /// Whether `axes` (in any order) are exactly the last dimensions of `shape`, so that the
  /// elements they span for one position of the others are contiguous.
  func isTrailingContiguous(_ shape: [Int], _ axes: [Int]) -> Bool {
    Set(axes) == Set((shape.count - axes.count)..<shape.count)
  }

  /// How many vec4s of a float32 row of `size` elements each of `lanes` lanes keeps in
  /// registers, or nil when the row is not vec4-divisible or too long to keep. Measured on
  /// lavapipe (the encoder's six softmaxes over [1536, 128] and twelve layer normalizations
  /// over [128, 384], `--profile`): 7.4-7.8 ms down to 2.7 ms and 7.0 down to 1.8-2.1 ms; the
  /// row is read once instead of three (two) times, and softmax's exp runs once per element.
  func rowVectorsPerLane(_ type: MLOperandDataType, _ size: Int, lanes: Int) -> Int? {
    guard type == .float32, size % 4 == 0 else { return nil }
    let perLane = (size / 4 + lanes - 1) / lanes
    return perLane <= Self.maxRowVectorsPerLane ? perLane : nil
  }

  /// `kernel` (softmax_rows or normalization_rows, `lanes` per row) holding its rows of `size`
  /// elements in registers as vec4s (ROW_VECTORS), reading the input `slot` as texels where
  /// the selection does; nil where ``rowVectorsPerLane(_:_:lanes:)`` rules the rows out.
  func holdingRows(_ kernel: Kernel, _ type: MLOperandDataType, size: Int, lanes: Int, input slot: Int) -> Kernel? {
    guard let perLane = rowVectorsPerLane(type, size, lanes: lanes) else { return nil }
    let vectors = kernel.with("ROW_VECTORS", "1").with("ROW", "\(size)").with("PER_LANE", "\(perLane)")
    return streaming(vectors, binding: 1, slot: slot, as: .float32)
  }
  /// 16 vec4s (64 floats) per lane: rows of up to 512 elements on an 8-lane CPU device.
  static let maxRowVectorsPerLane = 16

  /// [outer, axis, inner] of a shape around `axis`.
  func lineGeometry(_ shape: [Int], axis: Int) -> (outer: Int, size: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  mutating func emitSoftmax(_ input: OperandID, _ axis: Int, _ output: OperandID) {
    let (outer, size, inner) = lineGeometry(descriptor(input).shape, axis: axis)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(outer)
    p.append(size)
    p.append(inner)
    let type = descriptor(input).dataType
    let defines = elementDefines(type)
    if inner == 1, size > 0, let lanes = selection.rowLanes {
      // Rows along the last axis: a workgroup each.
      var kernel = Kernel(shader: "softmax_rows.comp", defines: defines.merging(["WG_X": "\(lanes)"]) { $1 })
      kernel = holdingRows(kernel, type, size: size, lanes: lanes, input: slot(input)) ?? kernel
      add(kernel, p, grid: .flat(outer, workgroupSize: 1), reads: [slot(input)], writes: [slot(output)])
      return
    }
    add(
      Kernel(shader: "softmax.comp", defines: defines), p, invocations: outer * inner, reads: [slot(input)],
      writes: [slot(output)])
  }

  mutating func emitReduce(_ kind: ReduceKind, _ input: OperandID, _ axes: [Int], _ output: OperandID) {
    let shape = descriptor(input).shape
    let g = reductionGeometry(shape, reducedAxes: axes)
    let count = descriptor(output).elementCount
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(count)
    p.append(g.keptShape.count)
    p.append(g.keptShape, padTo: Self.maxKernelRank, fill: 1)
    p.append(g.keptStrides, padTo: Self.maxKernelRank)
    p.append(g.reducedShape.count)
    p.append(g.reducedShape, padTo: Self.maxKernelRank, fill: 1)
    p.append(g.reducedStrides, padTo: Self.maxKernelRank)
    p.append(g.reducedShape.reduce(1, *))
    let type = descriptor(input).dataType
    var defines = typeDefines("X", type)
    defines["ACC"] = type.isFloatingPoint ? "float" : type.glslCompute
    defines["X_UNSIGNED"] = type.isUnsignedInteger ? "1" : "0"
    let kinds: [ReduceKind] = [.sum, .l1, .sumSquare, .product, .mean, .l2, .logSum, .logSumExp, .max, .min]
    defines["REDUCE_KIND"] = "\(kinds.firstIndex(of: kind)!)"
    let reducedCount = g.reducedShape.reduce(1, *)
    if type.isFloatingPoint, reducedCount > 0, let lanes = selection.rowLanes,
      isTrailingContiguous(shape, axes)
    {
      defines["WG_X"] = "\(lanes)"
      var kernel = Kernel(shader: "reduce_rows.comp", defines: defines)
      if type == .float32, reducedCount % 4 == 0 {
        kernel = streaming(kernel.with("VEC_ROWS", "1"), binding: 1, slot: slot(input), as: .float32)
      }
      add(kernel, p, grid: .flat(count, workgroupSize: 1), reads: [slot(input)], writes: [slot(output)])
      return
    }
    add(
      Kernel(shader: "reduce.comp", defines: defines), p, invocations: count, reads: [slot(input)],
      writes: [slot(output)])
  }

  mutating func emitArgMinMax(_ isMax: Bool, _ input: OperandID, _ axis: Int, _ output: OperandID) {
    let (_, size, inner) = lineGeometry(descriptor(input).shape, axis: axis)
    let count = descriptor(output).elementCount
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(count)
    p.append(size)
    p.append(inner)
    var defines = typeDefines("X", descriptor(input).dataType).merging(typeDefines("Y", descriptor(output).dataType)) {
      $1
    }
    defines["IS_MAX"] = isMax ? "1" : "0"
    add(
      Kernel(shader: "arg_min_max.comp", defines: defines), p, invocations: count, reads: [slot(input)],
      writes: [slot(output)])
  }

  mutating func emitBatchNormalization(
    _ input: OperandID, _ mean: OperandID, _ variance: OperandID, _ scale: OperandID?, _ bias: OperandID?, _ axis: Int,
    _ epsilon: Double, _ output: OperandID
  ) {
    let shape = descriptor(input).shape
    let (_, channels, inner) = lineGeometry(shape, axis: axis)
    var p = Parameters()
    for operand in [input, mean, variance] { p.bind(slot(operand)) }
    p.bind(scale.map(slot) ?? 0)
    p.bind(bias.map(slot) ?? 0)
    p.bind(slot(output))
    p.append(descriptor(input).elementCount)
    p.append(channels)
    p.append(inner)
    p.append(scale != nil)
    p.append(bias != nil)
    p.append(float: epsilon)
    let type = descriptor(input).dataType
    add(
      Kernel(shader: "batch_normalization.comp", defines: elementDefines(type)),
      p,
      invocations: descriptor(input).elementCount,
      reads: [input, mean, variance].map(slot) + [scale, bias].compactMap { $0.map(slot) },
      writes: [slot(output)])
  }

  /// Normalizes over `reducedAxes` (sorted). The scale/bias element of a position is found from
  /// its kept coordinates along `scaleAxesKept` or its reduced coordinates along
  /// `scaleAxesReduced` (in the scale operand's dimension order).
  mutating func emitMeanVarianceNormalization(
    _ input: OperandID, _ scale: OperandID?, _ bias: OperandID?, reducedAxes: [Int], epsilon: Double,
    scaleAxesKept: [Int], scaleAxesReduced: [Int], _ output: OperandID
  ) {
    let shape = descriptor(input).shape
    let g = reductionGeometry(shape, reducedAxes: reducedAxes)
    // Strides of the scale operand, looked up per input dimension.
    var scaleStrideOfAxis = [Int: Int]()
    let scaleAxes = scaleAxesKept + scaleAxesReduced
    let scaleStrides = contiguousStrides(scaleAxes.map { shape[$0] })
    for (axis, stride) in zip(scaleAxes, scaleStrides) { scaleStrideOfAxis[axis] = stride }
    let keptAxes = shape.indices.filter { !reducedAxes.contains($0) }
    let groups = g.keptShape.reduce(1, *)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(scale.map(slot) ?? 0)
    p.bind(bias.map(slot) ?? 0)
    p.bind(slot(output))
    p.append(groups)
    p.append(g.keptShape.count)
    p.append(g.keptShape, padTo: Self.maxKernelRank, fill: 1)
    p.append(g.keptStrides, padTo: Self.maxKernelRank)
    p.append(g.reducedShape.count)
    p.append(g.reducedShape, padTo: Self.maxKernelRank, fill: 1)
    p.append(g.reducedStrides, padTo: Self.maxKernelRank)
    p.append(g.reducedShape.reduce(1, *))
    p.append(scale != nil)
    p.append(bias != nil)
    p.append(float: epsilon)
    p.append(keptAxes.map { scaleStrideOfAxis[$0] ?? 0 }, padTo: Self.maxKernelRank)
    p.append(reducedAxes.map { scaleStrideOfAxis[$0] ?? 0 }, padTo: Self.maxKernelRank)
    let type = descriptor(input).dataType
    // Reduced axes that are the trailing ones, with a scale laid out in the same order, make
    // each group one contiguous row: a workgroup each.
    if let lanes = selection.rowLanes, g.reducedShape.reduce(1, *) > 0, isTrailingContiguous(shape, reducedAxes),
      scaleAxesReduced.isEmpty || scaleAxesReduced == reducedAxes
    {
      let scaleReduced = !scaleAxesReduced.isEmpty
      var kernel = Kernel(
        shader: "normalization_rows.comp",
        defines: elementDefines(type).merging(["WG_X": "\(lanes)", "SCALE_REDUCED": scaleReduced ? "1" : "0"]) { $1 })
      let count = g.reducedShape.reduce(1, *)
      if let vectors = holdingRows(kernel, type, size: count, lanes: lanes, input: slot(input)) {
        kernel = vectors
        for (binding, operand) in [(2, scale), (3, bias)] where scaleReduced {
          if let operand { kernel = streaming(kernel, binding: binding, slot: slot(operand), as: .float32) }
        }
      }
      add(
        kernel, p, grid: .flat(groups, workgroupSize: 1),
        reads: [slot(input)] + [scale, bias].compactMap { $0.map(slot) }, writes: [slot(output)])
      return
    }
    add(
      Kernel(
        shader: "mean_variance_normalization.comp",
        defines: elementDefines(type)),
      p, invocations: groups, reads: [slot(input)] + [scale, bias].compactMap { $0.map(slot) }, writes: [slot(output)])
  }
}
