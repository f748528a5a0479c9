import WebNNCore

/// An ONNX tensor element type (`TensorProto.DataType`), and the WebNN type it becomes.
///
/// ```swift
/// ONNXElementType.int64.webnnType   // .int64
/// ONNXElementType.bool.webnnType    // .uint8 (0 or 1)
/// ONNXElementType.double.webnnType  // .float32: WebNN has no 64-bit floats
/// ```
public enum ONNXElementType: Int, Sendable, Hashable, CustomStringConvertible {
  case float = 1
  case uint8 = 2
  case int8 = 3
  case uint16 = 4
  case int16 = 5
  case int32 = 6
  case int64 = 7
  case string = 8
  case bool = 9
  case float16 = 10
  case double = 11
  case uint32 = 12
  case uint64 = 13
  case complex64 = 14
  case complex128 = 15
  case bfloat16 = 16
  case uint4 = 21
  case int4 = 22

  /// Reads the proto's numeric type; unknown values (float8 and newer) are not supported.
  init(proto value: Int32) throws {
    guard let type = ONNXElementType(rawValue: Int(value)) else {
      throw ONNXImportError.notSupported("tensor element type \(value)")
    }
    self = type
  }

  /// Whether values are held as floating point at import.
  var isFloatingPoint: Bool { self == .float || self == .float16 || self == .double || self == .bfloat16 }

  /// The WebNN data type a tensor of this type is converted to, or nil when WebNN has none
  /// (strings, complex numbers, bfloat16).
  ///
  /// ```swift
  /// ONNXElementType.int16.webnnType  // .int32
  /// ```
  public var webnnType: MLOperandDataType? {
    switch self {
    case .float, .double: .float32
    case .float16: .float16
    case .uint8, .bool: .uint8
    case .int8: .int8
    case .int16, .int32: .int32
    case .uint16, .uint32: .uint32
    case .int64: .int64
    case .uint64: .uint64
    // 4-bit tensors are unpacked at import: one byte per element is what the builder's
    // (de)quantization takes together with 8-bit zero points.
    case .int4: .int8
    case .uint4: .uint8
    case .string, .complex64, .complex128, .bfloat16: nil
    }
  }

  /// The ONNX type name (`tensor(float)` style, without the wrapper).
  public var description: String {
    switch self {
    case .float: "float"
    case .uint8: "uint8"
    case .int8: "int8"
    case .uint16: "uint16"
    case .int16: "int16"
    case .int32: "int32"
    case .int64: "int64"
    case .string: "string"
    case .bool: "bool"
    case .float16: "float16"
    case .double: "double"
    case .uint32: "uint32"
    case .uint64: "uint64"
    case .complex64: "complex64"
    case .complex128: "complex128"
    case .bfloat16: "bfloat16"
    case .uint4: "uint4"
    case .int4: "int4"
    }
  }

  /// The WebNN type, or a NotSupported error naming what needs it.
  func requireWebNNType(_ what: String) throws -> MLOperandDataType {
    guard let type = webnnType else { throw ONNXImportError.notSupported("\(what) has element type \(self)") }
    return type
  }
}
