/// The layout of a 4-D image operand.
public enum MLInputOperandLayout: String, Sendable, Hashable, CaseIterable {
  /// [batch, channels, height, width]
  case nchw
  /// [batch, height, width, channels]
  case nhwc
}

/// conv2d filter layouts (I is input channels per group).
public enum MLConv2dFilterOperandLayout: String, Sendable, Hashable, CaseIterable {
  /// [output channels, input channels per group, height, width], the default.
  case oihw
  /// [height, width, input channels per group, output channels].
  case hwio
  /// [output channels, height, width, input channels per group].
  case ohwi
  /// [input channels per group, height, width, output channels].
  case ihwo

  /// Where the (output channel, input channel, height, width) axes sit in this layout: also
  /// the transpose permutation that turns a filter in this layout into OIHW.
  ///
  /// ```swift
  /// MLConv2dFilterOperandLayout.hwio.oihwAxes  // [3, 2, 0, 1]
  /// ```
  public var oihwAxes: [Int] {
    switch self {
    case .oihw: [0, 1, 2, 3]
    case .hwio: [3, 2, 0, 1]
    case .ohwi: [0, 3, 1, 2]
    case .ihwo: [3, 0, 1, 2]
    }
  }
}

/// convTranspose2d filter layouts (O is output channels per group).
public enum MLConvTranspose2dFilterOperandLayout: String, Sendable, Hashable, CaseIterable {
  /// [input channels, output channels per group, height, width], the default.
  case iohw
  /// [height, width, output channels per group, input channels].
  case hwoi
  /// [output channels per group, height, width, input channels].
  case ohwi
}

/// How the pooling operators round a fractional output size.
public enum MLRoundingType: String, Sendable, Hashable, CaseIterable {
  /// Round down: a partial window at the end is dropped (the default).
  case floor
  /// Round up: a partial window at the end produces one more output element.
  case ceil
}

/// How ``MLGraphBuilder/pad(_:beginningPadding:endingPadding:options:)`` fills the new elements.
public enum MLPaddingMode: String, Sendable, Hashable, CaseIterable {
  /// Every new element is ``MLPadOptions/value`` (the default).
  case constant
  /// New elements repeat the nearest edge element.
  case edge
  /// New elements mirror the input around the edge element, which is not repeated.
  case reflection
}
