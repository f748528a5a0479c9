/// A Swift type that stores one element of an ``MLOperandDataType``: the bridge for typed
/// constants, `writeTensor` and `readTensor`.
///
/// ```swift
/// let w = try builder.constant(.init(dataType: .float32, shape: [2]), [1.5, -2] as [Float])
/// ```
public protocol MLScalar: Sendable {
  /// The data type this Swift type stores.
  static var dataType: MLOperandDataType { get }
}

extension Float: MLScalar {
  /// ``MLOperandDataType/float32``.
  public static var dataType: MLOperandDataType { .float32 }
}
extension Float16: MLScalar {
  /// ``MLOperandDataType/float16``.
  public static var dataType: MLOperandDataType { .float16 }
}
extension Int32: MLScalar {
  /// ``MLOperandDataType/int32``.
  public static var dataType: MLOperandDataType { .int32 }
}
extension UInt32: MLScalar {
  /// ``MLOperandDataType/uint32``.
  public static var dataType: MLOperandDataType { .uint32 }
}
extension Int64: MLScalar {
  /// ``MLOperandDataType/int64``.
  public static var dataType: MLOperandDataType { .int64 }
}
extension UInt64: MLScalar {
  /// ``MLOperandDataType/uint64``.
  public static var dataType: MLOperandDataType { .uint64 }
}
extension Int8: MLScalar {
  /// ``MLOperandDataType/int8``.
  public static var dataType: MLOperandDataType { .int8 }
}
extension UInt8: MLScalar {
  /// ``MLOperandDataType/uint8``.
  public static var dataType: MLOperandDataType { .uint8 }
}

extension Array where Element: MLScalar {
  /// The elements' bytes in memory order.
  var rawBytes: [UInt8] { withUnsafeBytes { [UInt8]($0) } }

  /// Reinterprets raw bytes as elements.
  init(rawBytes bytes: [UInt8]) {
    let count = bytes.count / MemoryLayout<Element>.stride
    self = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
      bytes.withUnsafeBytes { src in
        UnsafeMutableRawBufferPointer(buffer).copyMemory(
          from: UnsafeRawBufferPointer(rebasing: src[..<(count * MemoryLayout<Element>.stride)]))
      }
      initialized = count
    }
  }
}
