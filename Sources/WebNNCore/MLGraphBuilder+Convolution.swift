// conv2d and convTranspose2d.

/// Options of ``MLGraphBuilder/conv2d(_:_:options:)``.
public struct MLConv2dOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// [beginHeight, endHeight, beginWidth, endWidth] zeros around the input. Default `[0, 0, 0, 0]`.
  public var padding: [Int]
  /// [height, width] steps between windows. Default `[1, 1]`.
  public var strides: [Int]
  /// [height, width] steps between filter taps. Default `[1, 1]`.
  public var dilations: [Int]
  /// The number of channel groups; input and output channels divide by it. Default `1`.
  public var groups: Int
  /// The layout of the input and the output. Default ``MLInputOperandLayout/nchw``.
  public var inputLayout: MLInputOperandLayout
  /// The layout of the filter. Default ``MLConv2dFilterOperandLayout/oihw``.
  public var filterLayout: MLConv2dFilterOperandLayout
  /// A 1-D operand of output channels, added to every output position. Default `nil`.
  public var bias: MLOperand?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", padding: [Int] = [0, 0, 0, 0], strides: [Int] = [1, 1], dilations: [Int] = [1, 1],
    groups: Int = 1, inputLayout: MLInputOperandLayout = .nchw, filterLayout: MLConv2dFilterOperandLayout = .oihw,
    bias: MLOperand? = nil
  ) {
    self.label = label
    self.padding = padding
    self.strides = strides
    self.dilations = dilations
    self.groups = groups
    self.inputLayout = inputLayout
    self.filterLayout = filterLayout
    self.bias = bias
  }
}

/// Options of ``MLGraphBuilder/convTranspose2d(_:_:options:)``.
public struct MLConvTranspose2dOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// [beginHeight, endHeight, beginWidth, endWidth] removed from the full output. Default `[0, 0, 0, 0]`.
  public var padding: [Int]
  /// [height, width] steps between input positions in the output. Default `[1, 1]`.
  public var strides: [Int]
  /// [height, width] steps between filter taps. Default `[1, 1]`.
  public var dilations: [Int]
  /// Extra rows/columns at the end of the output; each must be below its stride. Default `[0, 0]`.
  public var outputPadding: [Int]
  /// The output [height, width]; overrides `outputPadding`. Default `nil`.
  public var outputSizes: [Int]?
  /// The number of channel groups. Default `1`.
  public var groups: Int
  /// The layout of the input and the output. Default ``MLInputOperandLayout/nchw``.
  public var inputLayout: MLInputOperandLayout
  /// The layout of the filter. Default ``MLConvTranspose2dFilterOperandLayout/iohw``.
  public var filterLayout: MLConvTranspose2dFilterOperandLayout
  /// A 1-D operand of output channels, added to every output position. Default `nil`.
  public var bias: MLOperand?
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", padding: [Int] = [0, 0, 0, 0], strides: [Int] = [1, 1], dilations: [Int] = [1, 1],
    outputPadding: [Int] = [0, 0], outputSizes: [Int]? = nil, groups: Int = 1,
    inputLayout: MLInputOperandLayout = .nchw, filterLayout: MLConvTranspose2dFilterOperandLayout = .iohw,
    bias: MLOperand? = nil
  ) {
    self.label = label
    self.padding = padding
    self.strides = strides
    self.dilations = dilations
    self.outputPadding = outputPadding
    self.outputSizes = outputSizes
    self.groups = groups
    self.inputLayout = inputLayout
    self.filterLayout = filterLayout
    self.bias = bias
  }
}

extension OpCheck {
  /// Padding of 4 and strides/dilations of 2 non-zero items.
  func window(padding: [Int], strides: [Int], dilations: [Int]) throws -> Window2D {
    try unsignedLongs(padding, "padding")
    try unsignedLongs(strides, "strides")
    try unsignedLongs(dilations, "dilations")
    try require(padding.count == 4, "padding", "expected 4 values, got \(padding.count)")
    try require(padding.allSatisfy { $0 >= 0 }, "padding", "values must not be negative")
    try require(strides.count == 2, "strides", "expected 2 values, got \(strides.count)")
    try require(strides.allSatisfy { $0 > 0 }, "strides", "values must be positive, got \(strides)")
    try require(dilations.count == 2, "dilations", "expected 2 values, got \(dilations.count)")
    try require(dilations.allSatisfy { $0 > 0 }, "dilations", "values must be positive, got \(dilations)")
    return Window2D(padding: padding, strides: strides, dilations: dilations)
  }
}

extension OpCheck {
  /// The checks every convolution starts with: both operands belong here, share a data type,
  /// and the window options are well formed.
  func convolutionOperands(
    _ input: MLOperand, _ filter: MLOperand, padding: [Int], strides: [Int], dilations: [Int]
  ) throws -> Window2D {
    try operand(input, "input")
    try operand(filter, "filter")
    try sameType(filter, as: input.dataType, "filter")
    return try window(padding: padding, strides: strides, dilations: dilations)
  }

  /// An optional bias of shape [channels] and the input's data type.
  func bias(_ bias: MLOperand?, channels: Int, type: MLOperandDataType) throws {
    guard let bias else { return }
    try operand(bias, "bias")
    try sameType(bias, as: type, "bias")
    try shape(bias, [channels], "bias")
  }
}

/// [N, C, H, W] of an image operand in `layout`.
func imageDimensions(_ shape: [Int], _ layout: MLInputOperandLayout) -> (n: Int, c: Int, h: Int, w: Int) {
  layout == .nchw ? (shape[0], shape[1], shape[2], shape[3]) : (shape[0], shape[3], shape[1], shape[2])
}

func imageShape(n: Int, c: Int, h: Int, w: Int, _ layout: MLInputOperandLayout) -> [Int] {
  layout == .nchw ? [n, c, h, w] : [n, h, w, c]
}

extension MLGraphBuilder {
  /// 2-D convolution.
  ///
  /// ```swift
  /// let y = try builder.conv2d(x, w, options: .init(padding: [1, 1, 1, 1], bias: b))
  /// ```
  public func conv2d(_ input: MLOperand, _ filter: MLOperand, options: MLConv2dOptions = .init()) throws -> MLOperand {
    let check = try begin("conv2d", options.label)
    let window = try check.convolutionOperands(
      input, filter, padding: options.padding, strides: options.strides, dilations: options.dilations)
    let (n, c, h, w) = imageDimensions(input.shape, options.inputLayout)
    let f = filter.shape
    let (o, i, kh, kw): (Int, Int, Int, Int) =
      switch options.filterLayout {
      case .oihw: (f[0], f[1], f[2], f[3])
      case .hwio: (f[3], f[2], f[0], f[1])
      case .ohwi: (f[0], f[3], f[1], f[2])
      case .ihwo: (f[3], f[0], f[1], f[2])
      }
    let g = options.groups
    try check.require(g > 0, "groups", "must be positive, got \(g)")
    try check.require(c % g == 0, "groups", "input channels \(c) are not divisible by groups \(g)")
    try check.require(c / g == i, "filter", "input channels per group \(i) do not match \(c)/\(g)")
    try check.require(o % g == 0, "groups", "output channels \(o) are not divisible by groups \(g)")
    try check.bias(options.bias, channels: o, type: input.dataType)
    let oh = try convOutputSize(h, kh, window, axis: 0, check)
    let ow = try convOutputSize(w, kw, window, axis: 1, check)
    return try add1(
      .conv2d(
        input: input.id, filter: filter.id, bias: options.bias?.id, window: window, groups: g,
        inputLayout: options.inputLayout, filterLayout: options.filterLayout),
      output: .init(dataType: input.dataType, shape: imageShape(n: n, c: o, h: oh, w: ow, options.inputLayout)), check)
  }

  private func convOutputSize(_ size: Int, _ kernel: Int, _ window: Window2D, axis: Int, _ check: OpCheck) throws -> Int
  {
    let effective = (kernel - 1) * window.dilations[axis] + 1
    let padded = size + window.padding[2 * axis] + window.padding[2 * axis + 1]
    try check.require(
      padded >= effective, "filter", "the dilated kernel (\(effective)) is larger than the padded input (\(padded))")
    return (padded - effective) / window.strides[axis] + 1
  }

  /// 2-D transposed convolution (the gradient of conv2d).
  public func convTranspose2d(_ input: MLOperand, _ filter: MLOperand, options: MLConvTranspose2dOptions = .init())
    throws -> MLOperand
  {
    let check = try begin("convTranspose2d", options.label)
    let window = try check.convolutionOperands(
      input, filter, padding: options.padding, strides: options.strides, dilations: options.dilations)
    let (n, c, h, w) = imageDimensions(input.shape, options.inputLayout)
    let f = filter.shape
    let (i, og, kh, kw): (Int, Int, Int, Int) =
      switch options.filterLayout {
      case .iohw: (f[0], f[1], f[2], f[3])
      case .hwoi: (f[3], f[2], f[0], f[1])
      case .ohwi: (f[3], f[0], f[1], f[2])
      }
    let g = options.groups
    try check.require(g > 0, "groups", "must be positive, got \(g)")
    // Unlike conv2d, the spec does not require the input channels to divide into the groups.
    try check.require(c == i, "filter", "filter input channels \(i) do not match input channels \(c)")
    let (o, overflow) = og.multipliedReportingOverflow(by: g)
    try check.require(
      !overflow && Validation.isValidDimension(o), "groups",
      "output channels \(og) x groups \(g) is not a valid dimension")
    try check.bias(options.bias, channels: o, type: input.dataType)
    try check.require(options.outputPadding.count == 2, "outputPadding", "expected 2 values")
    try check.unsignedLongs(options.outputPadding, "outputPadding")
    try check.unsignedLongs(options.outputSizes ?? [], "outputSizes")
    var sizes: [Int] = []
    var resolved = window
    for (axis, (size, k)) in [(h, kh), (w, kw)].enumerated() {
      let s = window.strides[axis]
      let calc =
        (size - 1) * s + (k - 1) * window.dilations[axis] + 1 - window.padding[2 * axis] - window.padding[2 * axis + 1]
      try check.require(calc > 0, "padding", "the output size would be \(calc)")
      if let out = options.outputSizes {
        try check.require(out.count == 2, "outputSizes", "expected 2 values")
        try check.require(
          out[axis] >= calc && out[axis] < calc + s, "outputSizes", "\(out[axis]) is not in \(calc)..<\(calc + s)")
        sizes.append(out[axis])
      } else {
        let p = options.outputPadding[axis]
        try check.require(p >= 0 && p < s, "outputPadding", "\(p) must be below the stride \(s)")
        sizes.append(calc + p)
      }
      // The extra output rows and columns behave as padding removed at the end.
      resolved.padding[2 * axis + 1] -= sizes[axis] - calc
    }
    return try add1(
      .convTranspose2d(
        input: input.id, filter: filter.id, bias: options.bias?.id, window: resolved, groups: g,
        inputLayout: options.inputLayout, filterLayout: options.filterLayout),
      output: .init(
        dataType: input.dataType, shape: imageShape(n: n, c: o, h: sizes[0], w: sizes[1], options.inputLayout)),
      check)
  }
}
