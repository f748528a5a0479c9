/// The layout of a 4-D image operand.
public enum MLInputOperandLayout: String, Sendable, Hashable, CaseIterable {
  /// [batch, channels, height, width]
  case nchw
  /// [batch, height, width, channels]
  case nhwc
}

/// conv2d filter layouts (I is input channels per group).
public enum MLConv2dFilterOperandLayout: String, Sendable, Hashable, CaseIterable {
  case oihw, hwio, ohwi, ihwo
}

/// convTranspose2d filter layouts (O is output channels per group).
public enum MLConvTranspose2dFilterOperandLayout: String, Sendable, Hashable, CaseIterable {
  case iohw, hwoi, ohwi
}

/// How `pool2d` rounds a fractional output size.
public enum MLRoundingType: String, Sendable, Hashable { case floor, ceil }

/// How `pad` fills the new elements.
public enum MLPaddingMode: String, Sendable, Hashable { case constant, edge, reflection }
