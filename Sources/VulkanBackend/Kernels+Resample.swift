import WebNNCore

extension GraphPlan {
  /// resample2d along `axes`; the scale of each axis is its output size over its input size.
  mutating func emitResample2d(_ input: OperandID, _ mode: MLInterpolationMode, _ axes: [Int], _ output: OperandID) {
    let x = descriptor(input)
    let y = descriptor(output)
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(y.elementCount)
    p.append(y.shape, padTo: 4, fill: 1)
    p.append(contiguousStrides(x.shape), padTo: 4)
    p.append(axes, padTo: 2)
    p.append(axes.map { x.shape[$0] }, padTo: 2, fill: 1)
    p.append(axes.map { y.shape[$0] }, padTo: 2, fill: 1)
    var defines = typeDefines("X", x.dataType)
    defines["LINEAR"] = mode == .linear ? "1" : "0"
    defines["IS_FLOAT"] = x.dataType.isFloatingPoint ? "1" : "0"
    if let range = x.dataType.integerRange {
      defines["X_MIN"] = "\(range.lowerBound)"
      defines["X_MAX"] = "\(range.upperBound)"
    }
    add(
      Kernel(shader: "resample2d.comp", defines: defines), p, invocations: y.elementCount, reads: [slot(input)],
      writes: [slot(output)])
  }
}
