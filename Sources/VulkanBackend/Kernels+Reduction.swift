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
      add(
        Kernel(shader: "softmax_rows.comp", defines: defines.merging(["WG_X": "\(lanes)"]) { $1 }), p,
        grid: .flat(outer, workgroupSize: 1), reads: [slot(input)], writes: [slot(output)])
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
      add(
        Kernel(shader: "reduce_rows.comp", defines: defines), p, grid: .flat(count, workgroupSize: 1),
        reads: [slot(input)], writes: [slot(output)])
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
      add(
        Kernel(
          shader: "normalization_rows.comp",
          defines: elementDefines(type).merging([
            "WG_X": "\(lanes)", "SCALE_REDUCED": scaleAxesReduced.isEmpty ? "0" : "1",
          ]) { $1 }), p, grid: .flat(groups, workgroupSize: 1),
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
