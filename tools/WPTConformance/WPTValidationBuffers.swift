import WebNNCore

/// The `$buffer` arguments of the vectors (an ArrayBuffer, SharedArrayBuffer or typed array,
/// with its values, or a length and fill value) as Swift values.
enum WPTValidationBuffers {
  struct Buffer {
    var type: String
    var byteLength: Int
    var elements: [WPTValue]
  }

  static func read(_ value: WPTResolvedArgument, _ op: String) throws -> Buffer {
    guard case .value(.object(let wrapper)) = value, case .object(let o)? = wrapper["$buffer"]
    else {
      throw WPTNotExpressible("\(op): the buffer argument is not an ArrayBuffer or ArrayBufferView")
    }
    let type = o["type"]?.stringValue ?? "ArrayBuffer"
    let byteLength = Int(o["byteLength"]?.numberValue ?? 0)
    if o["detached"] == .bool(true) { return Buffer(type: type, byteLength: 0, elements: []) }
    var elements: [WPTValue] = []
    if case .array(let values)? = o["values"] {
      elements = values
    } else if let length = o["length"]?.numberValue {
      elements = Array(repeating: o["fill"] ?? .number(0), count: Int(length))
    }
    return Buffer(type: type, byteLength: byteLength, elements: elements)
  }

  private static func number(_ value: WPTValue) -> Double {
    if case .object(let o) = value, case .string(let digits)? = o["$bigint"] {
      return Double(digits) ?? 0
    }
    return value.numberValue ?? 0
  }

  private static func int64(_ value: WPTValue) -> Int64 {
    if case .object(let o) = value, case .string(let digits)? = o["$bigint"] {
      return Int64(digits) ?? 0
    }
    return Int64(value.numberValue ?? 0)
  }

  /// `builder.constant(descriptor, buffer)`: raw buffers and Uint8Array pass as bytes (any data
  /// type); typed arrays pass as the matching `MLScalar` array, which the builder checks against
  /// the data type. Uint16Array holds float16 bits.
  static func constant(
    _ b: MLGraphBuilder, _ descriptor: MLOperandDescriptor, _ argument: WPTResolvedArgument
  ) throws
    -> MLOperand
  {
    let buffer = try read(argument, "constant")
    let e = buffer.elements
    switch buffer.type {
    case "ArrayBuffer", "SharedArrayBuffer":
      return try b.constant(descriptor, bytes: [UInt8](repeating: 0, count: buffer.byteLength))
    case "Uint8Array":
      return try b.constant(descriptor, bytes: e.map { UInt8(truncatingIfNeeded: int64($0)) })
    case "Float32Array": return try b.constant(descriptor, e.map { Float(number($0)) })
    case "Float16Array": return try b.constant(descriptor, e.map { Float16(Float(number($0))) })
    case "Int32Array":
      return try b.constant(descriptor, e.map { Int32(truncatingIfNeeded: int64($0)) })
    case "Uint32Array":
      return try b.constant(descriptor, e.map { UInt32(truncatingIfNeeded: int64($0)) })
    case "BigInt64Array": return try b.constant(descriptor, e.map { int64($0) })
    case "BigUint64Array":
      return try b.constant(descriptor, e.map { UInt64(bitPattern: int64($0)) })
    case "Int8Array":
      return try b.constant(descriptor, e.map { Int8(truncatingIfNeeded: int64($0)) })
    case "Uint16Array" where descriptor.dataType == .float16:
      return try b.constant(
        descriptor, e.map { Float16(bitPattern: UInt16(truncatingIfNeeded: int64($0))) })
    default:
      throw WPTNotExpressible(
        "constant: a \(buffer.type) for \(descriptor.dataType.rawValue) data: Swift has no MLScalar for its elements "
          + "(the spec's constant() throws TypeError for a view type that does not match the data type)"
      )
    }
  }

  /// The bytes of a buffer for `writeTensor`.
  static func bytes(_ argument: WPTResolvedArgument, _ op: String) throws -> [UInt8] {
    let buffer = try read(argument, op)
    let e = buffer.elements
    func raw<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
    switch buffer.type {
    case "ArrayBuffer", "SharedArrayBuffer": return [UInt8](repeating: 0, count: buffer.byteLength)
    case "Uint8Array": return e.map { UInt8(truncatingIfNeeded: int64($0)) }
    case "Float32Array": return raw(e.map { Float(number($0)) })
    case "Int32Array": return raw(e.map { Int32(truncatingIfNeeded: int64($0)) })
    default: throw WPTNotExpressible("\(op): a \(buffer.type) source is not mapped")
    }
  }
}
