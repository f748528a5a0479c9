import WebNNCore

/// One element read back from a tensor, kept in its exact stored form.
public enum WPTScalar: Sendable, Equatable, CustomStringConvertible {
  /// float32 bits.
  case float32(UInt32)
  /// float16 bits.
  case float16(UInt16)
  /// int4, int8, int32, int64 (sign-extended).
  case signed(Int64)
  /// uint4, uint8, uint32, uint64.
  case unsigned(UInt64)

  /// A float32 element with the bits of `float`.
  public init(float: Float) { self = .float32(float.bitPattern) }
  /// A float16 element with the bits of `half`.
  public init(half: Float16) { self = .float16(half.bitPattern) }

  /// The value as a Double (exact except for integers beyond 2^53).
  public var doubleValue: Double {
    switch self {
    case .float32(let b): Double(Float(bitPattern: b))
    case .float16(let b): Double(Float(Float16(bitPattern: b)))
    case .signed(let i): Double(i)
    case .unsigned(let u): Double(u)
    }
  }

  /// Whether the element is a float NaN (any payload).
  public var isNaN: Bool {
    switch self {
    case .float32(let b): Float(bitPattern: b).isNaN
    case .float16(let b): Float16(bitPattern: b).isNaN
    default: false
    }
  }

  /// The value in decimal, floats without a needless ".0".
  public var description: String {
    switch self {
    case .signed(let i): "\(i)"
    case .unsigned(let u): "\(u)"
    default: WPTFormat.number(doubleValue)
    }
  }
}

/// Converts case data to tensor bytes and tensor bytes back to elements.
public enum WPTTensorCoding {
  /// The binary16 bits of an element: from `float16Bits` when given, else double → float → half.
  static func halfBits(_ tensor: WPTTensor, _ index: Int) -> UInt16 {
    if let bits = tensor.float16Bits { return bits[index] }
    return Float16(Float(tensor.data[index])).bitPattern
  }

  /// The JavaScript typed-array store of a number: NaN and ±∞ become 0, others truncate toward
  /// zero and wrap modulo 2^64 (the caller keeps the low bits it needs).
  static func wrappedInteger(_ value: Double) -> UInt64 {
    guard value.isFinite else { return 0 }
    let t = value.rounded(.towardZero)
    if Swift.abs(t) < 9.223372036854775808e18 { return UInt64(bitPattern: Int64(t)) }
    let twoTo64 = 18446744073709551616.0
    var m = t.truncatingRemainder(dividingBy: twoTo64)
    if m < 0 { m += twoTo64 }
    return m >= twoTo64 ? 0 : UInt64(m)
  }

  /// The raw bit pattern (little-endian order of its low `bitWidth` bits) of element `index`.
  static func elementBits(_ tensor: WPTTensor, _ index: Int) -> UInt64 {
    switch tensor.dataType {
    case .float32: UInt64(Float(tensor.data[index]).bitPattern)
    case .float16: UInt64(halfBits(tensor, index))
    default: wrappedInteger(tensor.data[index])
    }
  }

  /// Little-endian bytes of the whole tensor (4-bit types packed two per byte, low nibble first).
  /// A splat tensor repeats its single value.
  public static func encode(_ tensor: WPTTensor) -> [UInt8] {
    let count = tensor.elementCount
    let type = tensor.dataType
    let byteLength = type.byteLength(elementCount: count)
    if type.bitWidth == 4 {
      var bytes = [UInt8](repeating: 0, count: byteLength)
      for i in 0..<count {
        let nibble = UInt8(truncatingIfNeeded: elementBits(tensor, tensor.splat ? 0 : i)) & 0x0F
        bytes[i / 2] |= i % 2 == 0 ? nibble : nibble << 4
      }
      return bytes
    }
    let width = type.bitWidth / 8
    if tensor.splat {
      let pattern = littleEndian(elementBits(tensor, 0), width: width)
      return [UInt8](unsafeUninitializedCapacity: byteLength) { buffer, initialized in
        for i in 0..<count {
          for j in 0..<width { buffer[i * width + j] = pattern[j] }
        }
        initialized = byteLength
      }
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(byteLength)
    for i in 0..<count {
      var bits = elementBits(tensor, i)
      for _ in 0..<width {
        bytes.append(UInt8(truncatingIfNeeded: bits))
        bits >>= 8
      }
    }
    return bytes
  }

  static func littleEndian(_ bits: UInt64, width: Int) -> [UInt8] {
    (0..<width).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) }
  }

  /// Element `index` of little-endian tensor bytes of `type`.
  public static func element(_ bytes: [UInt8], _ index: Int, _ type: MLOperandDataType) -> WPTScalar {
    if type.bitWidth == 4 {
      let byte = bytes[index / 2]
      let nibble = index % 2 == 0 ? byte & 0x0F : byte >> 4
      return type == .int4
        ? .signed(Int64(nibble >= 8 ? Int(nibble) - 16 : Int(nibble))) : .unsigned(UInt64(nibble))
    }
    let width = type.bitWidth / 8
    var bits: UInt64 = 0
    for j in 0..<width { bits |= UInt64(bytes[index * width + j]) << (8 * UInt64(j)) }
    switch type {
    case .float32: return .float32(UInt32(truncatingIfNeeded: bits))
    case .float16: return .float16(UInt16(truncatingIfNeeded: bits))
    case .int8: return .signed(Int64(Int8(truncatingIfNeeded: bits)))
    case .int32: return .signed(Int64(Int32(truncatingIfNeeded: bits)))
    case .int64: return .signed(Int64(bitPattern: bits))
    default: return .unsigned(bits)
    }
  }
}
