import WebNNCore

extension GraphPlan {
  /// cumulativeSum: one invocation per line along `axis`.
  mutating func emitCumulativeSum(
    _ input: OperandID, _ axis: Int, exclusive: Bool, reversed: Bool, _ output: OperandID
  ) {
    let x = descriptor(input)
    let (outer, size, inner) = lineGeometry(x.shape, axis: axis)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(outer * inner)
    p.append(size)
    p.append(inner)
    p.append(exclusive)
    p.append(reversed)
    var defines = typeDefines("X", x.dataType)
    defines["ACC"] = x.dataType.isFloatingPoint ? "float" : x.dataType.glslCompute
    add(
      Kernel(shader: "cumulative_sum.comp", defines: defines), p, invocations: outer * inner, reads: [slot(input)],
      writes: [slot(output)])
  }
}
