/// A number option (alpha, epsilon, pad value, clamp bounds): the spec's `MLNumber`, which is
/// a `double` or a `bigint`. Integer literals stay exact, so 64-bit bounds survive.
///
/// ```swift
/// let options = MLClampOptions(minValue: 0, maxValue: 6.0)
/// ```
public enum MLNumber: Sendable, Hashable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
  CustomStringConvertible
{
  /// A floating-point value (the spec's `double`).
  case double(Double)
  /// A signed integer value, exact up to 64 bits (a `bigint`).
  case int(Int64)
  /// An unsigned integer value, for the upper half of `uint64` (a `bigint`).
  case uint(UInt64)

  /// A float literal, as ``double(_:)``.
  public init(floatLiteral value: Double) { self = .double(value) }
  /// An integer literal, as ``int(_:)``.
  public init(integerLiteral value: Int64) { self = .int(value) }
  /// Wraps a `Double`.
  public init(_ value: Double) { self = .double(value) }

  /// The value as a Double (64-bit integers may round).
  public var doubleValue: Double {
    switch self {
    case .double(let d): d
    case .int(let i): Double(i)
    case .uint(let u): Double(u)
    }
  }

  /// The value in decimal.
  public var description: String {
    switch self {
    case .double(let d): "\(d)"
    case .int(let i): "\(i)"
    case .uint(let u): "\(u)"
    }
  }

  /// The spec's *cast* of a number to `dataType`: floats round to nearest (overflow gives
  /// infinity), integers map NaN to 0, clamp to the type's range and round half to even.
  public func cast(to dataType: MLOperandDataType) -> MLNumber {
    switch dataType {
    case .float32: return .double(Double(Float(doubleValue)))
    case .float16: return .double(Double(Float(Float16(Float(doubleValue)))))
    case .uint64:
      switch self {
      case .uint(let u): return .uint(u)
      case .int(let i): return .uint(i < 0 ? 0 : UInt64(i))
      case .double(let d):
        if d.isNaN || d <= 0 { return .uint(0) }
        if d >= 18446744073709551615.0 { return .uint(UInt64.max) }
        return .uint(UInt64(d.rounded(.toNearestOrEven)))
      }
    default:
      let range = dataType.integerRange!
      switch self {
      case .int(let i): return .int(min(max(i, range.lowerBound), range.upperBound))
      case .uint(let u): return .int(u > UInt64(range.upperBound) ? range.upperBound : Int64(u))
      case .double(let d):
        if d.isNaN { return .int(0) }
        if d <= Double(range.lowerBound) { return .int(range.lowerBound) }
        if d >= Double(range.upperBound) { return .int(range.upperBound) }
        return .int(Int64(d.rounded(.toNearestOrEven)))
      }
    }
  }

  /// The value's bit pattern as stored for `dataType` (after ``cast(to:)``), little-endian.
  public func bytes(as dataType: MLOperandDataType) -> [UInt8] {
    let v = cast(to: dataType)
    func le<T: FixedWidthInteger>(_ x: T) -> [UInt8] { withUnsafeBytes(of: x.littleEndian) { Array($0) } }
    switch (dataType, v) {
    case (.float32, _): return le(Float(v.doubleValue).bitPattern)
    case (.float16, _): return le(Float16(Float(v.doubleValue)).bitPattern)
    case (_, .uint(let u)): return le(u)
    case (.int32, .int(let i)), (.uint32, .int(let i)): return le(UInt32(truncatingIfNeeded: i))
    case (.int64, .int(let i)): return le(i)
    case (.int8, .int(let i)), (.uint8, .int(let i)), (.int4, .int(let i)), (.uint4, .int(let i)):
      return [UInt8(truncatingIfNeeded: i)]
    default: return le(UInt64(bitPattern: Int64(v.doubleValue)))
    }
  }
}
