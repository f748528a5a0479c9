/// The element type of an operand or tensor.
///
/// The first eight cases are the spec's `MLOperandDataType`; `int4` and `uint4` are the 4-bit
/// types browsers add for quantized weights. They are stored packed, two per byte, low nibble first.
///
/// ```swift
/// let desc = MLOperandDescriptor(dataType: .float16, shape: [2, 3])
/// desc.byteLength  // 12
/// ```
public enum MLOperandDataType: String, Sendable, CaseIterable, Hashable, Codable {
  /// 32-bit IEEE 754 floating point (Swift `Float`).
  case float32
  /// 16-bit IEEE 754 floating point (Swift `Float16`).
  case float16
  /// 32-bit signed integer.
  case int32
  /// 32-bit unsigned integer.
  case uint32
  /// 64-bit signed integer.
  case int64
  /// 64-bit unsigned integer.
  case uint64
  /// 8-bit signed integer.
  case int8
  /// 8-bit unsigned integer; also the type of comparison and logical results.
  case uint8
  /// 4-bit signed integer, packed two per byte (quantized weights only).
  case int4
  /// 4-bit unsigned integer, packed two per byte (quantized weights only).
  case uint4

  /// Bits per element: 4 for the packed types.
  public var bitWidth: Int {
    switch self {
    case .float32, .int32, .uint32: 32
    case .float16: 16
    case .int64, .uint64: 64
    case .int8, .uint8: 8
    case .int4, .uint4: 4
    }
  }

  /// Bytes needed to store `elementCount` elements (4-bit types round up to whole bytes).
  public func byteLength(elementCount: Int) -> Int {
    let (bits, overflow) = elementCount.multipliedReportingOverflow(by: bitWidth)
    return overflow || bits > Int.max - 7 ? Int.max / 8 : (bits + 7) / 8
  }

  /// True for `float32` and `float16`.
  public var isFloatingPoint: Bool { self == .float32 || self == .float16 }

  /// True for the signed integer types.
  public var isSignedInteger: Bool { [.int32, .int64, .int8, .int4].contains(self) }

  /// True for the unsigned integer types.
  public var isUnsignedInteger: Bool { [.uint32, .uint64, .uint8, .uint4].contains(self) }

  /// The smallest and largest value an integer type holds, exactly; nil for floats.
  public var integerRange: ClosedRange<Int64>? {
    switch self {
    case .int32: Int64(Int32.min)...Int64(Int32.max)
    case .uint32: 0...Int64(UInt32.max)
    case .int64: Int64.min...Int64.max
    case .uint64: 0...Int64.max  // the upper half of uint64 is handled through UInt64 values
    case .int8: -128...127
    case .uint8: 0...255
    case .int4: -8...7
    case .uint4: 0...15
    case .float32, .float16: nil
    }
  }

  /// The eight data types of the specification (without the 4-bit extensions).
  public static let specTypes: [MLOperandDataType] = [
    .float32, .float16, .int32, .uint32, .int64, .uint64, .int8, .uint8,
  ]
}

/// The product of `values`, or `Int.max` when it overflows (or a value is negative).
func saturatingProduct(_ values: [Int]) -> Int {
  var product = 1
  for value in values {
    guard value >= 0 else { return Int.max }
    let (next, overflow) = product.multipliedReportingOverflow(by: value)
    if overflow { return Int.max }
    product = next
  }
  return product
}
