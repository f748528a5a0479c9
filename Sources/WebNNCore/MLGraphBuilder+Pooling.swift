// averagePool2d, l2Pool2d and maxPool2d.

/// Options of the pooling operators.
public struct MLPool2dOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// [height, width] of the window. Default `nil`: the whole input plane.
  public var windowDimensions: [Int]?
  /// [beginHeight, endHeight, beginWidth, endWidth] around the input. Default `[0, 0, 0, 0]`.
  public var padding: [Int]
  /// [height, width] steps between windows. Default `[1, 1]`.
  public var strides: [Int]
  /// [height, width] steps between the elements of a window. Default `[1, 1]`.
  public var dilations: [Int]
  /// The layout of the input and the output. Default ``MLInputOperandLayout/nchw``.
  public var layout: MLInputOperandLayout
  /// How a fractional output size rounds. Default ``MLRoundingType/floor``.
  public var outputShapeRounding: MLRoundingType
  /// [height, width] of the output: must be the floor or ceil size; overrides
  /// `outputShapeRounding`. Default `nil`.
  public var outputSizes: [Int]?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", windowDimensions: [Int]? = nil, padding: [Int] = [0, 0, 0, 0], strides: [Int] = [1, 1],
    dilations: [Int] = [1, 1], layout: MLInputOperandLayout = .nchw, outputShapeRounding: MLRoundingType = .floor,
    outputSizes: [Int]? = nil
  ) {
    self.label = label
    self.windowDimensions = windowDimensions
    self.padding = padding
    self.strides = strides
    self.dilations = dilations
    self.layout = layout
    self.outputShapeRounding = outputShapeRounding
    self.outputSizes = outputSizes
  }
}

extension MLGraphBuilder {
  func pool(_ kind: PoolKind, _ input: MLOperand, _ options: MLPool2dOptions) throws -> MLOperand {
    let check = try begin(kind.rawValue, options.label)
    try check.operand(input, "input")
    let window = try check.window(padding: options.padding, strides: options.strides, dilations: options.dilations)
    let (n, c, h, w) = imageDimensions(input.shape, options.layout)
    let dims = options.windowDimensions ?? [h, w]
    try check.require(dims.count == 2, "windowDimensions", "expected 2 values, got \(dims.count)")
    try check.unsignedLongs(dims, "windowDimensions")
    try check.unsignedLongs(options.outputSizes ?? [], "outputSizes")
    try check.require(dims.allSatisfy { $0 > 0 }, "windowDimensions", "values must be positive, got \(dims)")
    var sizes: [Int] = []
    for (axis, size) in [h, w].enumerated() {
      let effective = (dims[axis] - 1) * window.dilations[axis] + 1
      let padded = size + window.padding[2 * axis] + window.padding[2 * axis + 1]
      try check.require(
        padded >= effective, "windowDimensions",
        "the dilated window (\(effective)) is larger than the padded input (\(padded))")
      let floorSize = (padded - effective) / window.strides[axis] + 1
      let ceilSize = (padded - effective + window.strides[axis] - 1) / window.strides[axis] + 1
      if let out = options.outputSizes {
        try check.require(out.count == 2, "outputSizes", "expected 2 values, got \(out.count)")
        try check.require(
          out[axis] == floorSize || out[axis] == ceilSize, "outputSizes",
          "\(out[axis]) is neither the floor (\(floorSize)) nor the ceil (\(ceilSize)) size")
        sizes.append(out[axis])
      } else {
        sizes.append(options.outputShapeRounding == .floor ? floorSize : ceilSize)
      }
    }
    return try add1(
      .pool2d(kind, input: input.id, windowDimensions: dims, window: window, layout: options.layout),
      output: .init(dataType: input.dataType, shape: imageShape(n: n, c: c, h: sizes[0], w: sizes[1], options.layout)),
      check)
  }

  /// The mean of each window (padding is left out of the count).
  ///
  /// ```swift
  /// let y = try builder.averagePool2d(x, options: .init(windowDimensions: [2, 2], strides: [2, 2]))
  /// ```
  public func averagePool2d(_ input: MLOperand, options: MLPool2dOptions = .init()) throws -> MLOperand {
    try pool(.average, input, options)
  }
  /// The L2 norm of each window.
  public func l2Pool2d(_ input: MLOperand, options: MLPool2dOptions = .init()) throws -> MLOperand {
    try pool(.l2, input, options)
  }
  /// The maximum of each window.
  public func maxPool2d(_ input: MLOperand, options: MLPool2dOptions = .init()) throws -> MLOperand {
    try pool(.max, input, options)
  }
}
