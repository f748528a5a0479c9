// resample2d: nearest-neighbor and bilinear resizing of two dimensions.

/// How ``MLGraphBuilder/resample2d(_:options:)`` interpolates.
public enum MLInterpolationMode: String, Sendable, Hashable, CaseIterable {
  /// Each output element copies the nearest input element (the default).
  case nearestNeighbor = "nearest-neighbor"
  /// Bilinear interpolation between the four nearest input elements.
  case linear
}

/// Options of ``MLGraphBuilder/resample2d(_:options:)``.
public struct MLResample2dOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// How output elements are sampled. Default ``MLInterpolationMode/nearestNeighbor``.
  public var mode: MLInterpolationMode
  /// Scale factors of the two `axes`; ignored when `sizes` is given. Default `nil`: `[1, 1]`.
  public var scales: [Float]?
  /// Output sizes of the two `axes`. Default `nil`: computed from `scales`.
  public var sizes: [Int]?
  /// The two dimensions to resample. Default `nil`: `[2, 3]`, the spatial dimensions of "nchw".
  public var axes: [Int]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", mode: MLInterpolationMode = .nearestNeighbor, scales: [Float]? = nil, sizes: [Int]? = nil,
    axes: [Int]? = nil
  ) {
    self.label = label
    self.mode = mode
    self.scales = scales
    self.sizes = sizes
    self.axes = axes
  }
}

extension MLGraphBuilder {
  /// Resizes two dimensions of a 4-D tensor to `sizes`, or to `floor(input size · scale)`.
  /// Sampling uses half-pixel centers: output position x reads input position
  /// `(x + 0.5) · in / out − 0.5`, clamped to the input.
  ///
  /// ```swift
  /// let up = try builder.resample2d(image, options: .init(mode: .linear, scales: [2, 2]))
  /// ```
  public func resample2d(_ input: MLOperand, options: MLResample2dOptions = .init()) throws -> MLOperand {
    let check = try begin("resample2d", options.label)
    try check.operand(input, "input")
    let axes = options.axes ?? [2, 3]
    // The spec does not say that axes has two values; every other rule assumes it.
    try check.require(axes.count == 2, "axes", "expected 2 values, got \(axes.count)")
    try check.axes(axes, rank: input.rank, "axes")
    var shape = input.shape
    if let sizes = options.sizes {
      try check.require(sizes.count == 2, "sizes", "expected 2 values, got \(sizes.count)")
      for (axis, size) in zip(axes, sizes) {
        try check.require(Validation.isValidDimension(size), "sizes", "\(size) is not a valid dimension")
        shape[axis] = size
      }
    } else {
      let scales = options.scales ?? [1, 1]
      try check.require(scales.count == 2, "scales", "expected 2 values, got \(scales.count)")
      for (axis, scale) in zip(axes, scales) {
        try check.require(scale.isFinite && scale > 0, "scales", "\(scale) must be a positive number")
        let size = (Double(input.shape[axis]) * Double(scale)).rounded(.down)
        try check.require(
          size >= 1 && size <= Double(Int32.max), "scales",
          "scale \(scale) turns dimension \(axis) (\(input.shape[axis])) into \(size), not a valid dimension")
        shape[axis] = Int(size)
      }
    }
    return try add1(
      .resample2d(input: input.id, mode: options.mode, axes: axes),
      output: .init(dataType: input.dataType, shape: shape),
      check)
  }
}
