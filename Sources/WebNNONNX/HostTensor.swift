import Foundation
import WebNNCore

/// A tensor whose values are known at import: an initializer, a `Constant` node or a folded
/// node result. Floating-point types are held as `Float`, every integer type (and bool) as
/// `Int64`, whatever the ONNX element type; `type` remembers which it was.
struct HostTensor: Sendable {
  enum Storage: Sendable {
    case float([Float])
    case int([Int64])
  }

  var type: ONNXElementType
  var shape: [Int]
  var storage: Storage

  init(type: ONNXElementType, shape: [Int], floats: [Float]) {
    self.type = type
    self.shape = shape
    storage = .float(floats)
  }

  init(type: ONNXElementType, shape: [Int], ints: [Int64]) {
    self.type = type
    self.shape = shape
    storage = .int(ints)
  }

  /// A tensor of `type` from Float values (converted to integers, truncating, for integer types).
  init(type: ONNXElementType, shape: [Int], values: [Float]) {
    if type.isFloatingPoint {
      self.init(type: type, shape: shape, floats: values)
    } else {
      self.init(type: type, shape: shape, ints: values.map { HostTensor.truncate($0) })
    }
  }

  static func truncate(_ value: Float) -> Int64 {
    guard value.isFinite else { return value.isNaN ? 0 : (value > 0 ? Int64.max : Int64.min) }
    if value >= 9.2e18 { return Int64.max }
    if value <= -9.2e18 { return Int64.min }
    return Int64(value)
  }

  static func scalar(_ value: Int64, type: ONNXElementType = .int64) -> HostTensor {
    HostTensor(type: type, shape: [], ints: [value])
  }

  static func vector(_ values: [Int64]) -> HostTensor {
    HostTensor(type: .int64, shape: [values.count], ints: values)
  }

  var count: Int {
    switch storage {
    case .float(let v): v.count
    case .int(let v): v.count
    }
  }

  var isFloat: Bool {
    if case .float = storage { return true }
    return false
  }

  /// Values as Float (integers converted).
  var floats: [Float] {
    switch storage {
    case .float(let v): v
    case .int(let v): v.map { Float($0) }
    }
  }

  /// Values as Int64 (floats truncated toward zero).
  var ints: [Int64] {
    switch storage {
    case .float(let v): v.map { HostTensor.truncate($0) }
    case .int(let v): v
    }
  }

  /// Values as Int, for shapes, axes and indices.
  var intValues: [Int] {
    ints.map { Int(clamping: $0) }
  }

  /// The single value of a one-element tensor.
  var scalarFloat: Float? { count == 1 ? floats[0] : nil }
  var scalarInt: Int? { count == 1 ? intValues[0] : nil }

  func reshaped(_ shape: [Int]) -> HostTensor {
    var copy = self
    copy.shape = shape
    return copy
  }

  /// Converts the values to `type` as ONNX `Cast` does (float to integer truncates; integer
  /// types wrap to their width; bool is value != 0).
  func cast(to target: ONNXElementType) -> HostTensor {
    if target.isFloatingPoint {
      var values = floats
      if target == .float16 { values = values.map { Float(Float16($0)) } }
      return HostTensor(type: target, shape: shape, floats: values)
    }
    let values: [Int64]
    if target == .bool {
      switch storage {
      case .float(let v): values = v.map { $0 != 0 ? 1 : 0 }
      case .int(let v): values = v.map { $0 != 0 ? 1 : 0 }
      }
    } else {
      values = ints.map { HostTensor.wrap($0, to: target) }
    }
    return HostTensor(type: target, shape: shape, ints: values)
  }

  static func wrap(_ value: Int64, to type: ONNXElementType) -> Int64 {
    switch type {
    case .int8: Int64(Int8(truncatingIfNeeded: value))
    case .uint8: Int64(UInt8(truncatingIfNeeded: value))
    case .int16: Int64(Int16(truncatingIfNeeded: value))
    case .uint16: Int64(UInt16(truncatingIfNeeded: value))
    case .int32: Int64(Int32(truncatingIfNeeded: value))
    case .uint32: Int64(UInt32(truncatingIfNeeded: value))
    case .bool: value != 0 ? 1 : 0
    default: value
    }
  }
}

extension HostTensor {
  /// Adds the tensor to `builder` as a constant of its WebNN type.
  func constant(in builder: MLGraphBuilder, as dataType: MLOperandDataType? = nil) throws -> MLOperand {
    let dataType = try dataType ?? type.requireWebNNType("a constant")
    guard count > 0 else {
      throw ONNXImportError.notSupported("an empty tensor (shape \(shape)) used as a graph operand")
    }
    let descriptor = MLOperandDescriptor(dataType: dataType, shape: shape)
    switch dataType {
    case .float32: return try builder.constant(descriptor, floats)
    case .float16: return try builder.constant(descriptor, floats.map { Float16($0) })
    case .int64: return try builder.constant(descriptor, ints)
    case .uint64: return try builder.constant(descriptor, ints.map { UInt64(bitPattern: $0) })
    case .int32: return try builder.constant(descriptor, ints.map { Int32(truncatingIfNeeded: $0) })
    case .uint32: return try builder.constant(descriptor, ints.map { UInt32(truncatingIfNeeded: $0) })
    case .int8: return try builder.constant(descriptor, ints.map { Int8(truncatingIfNeeded: $0) })
    case .uint8: return try builder.constant(descriptor, ints.map { UInt8(truncatingIfNeeded: $0) })
    default: throw ONNXImportError.notSupported("constants of WebNN type \(dataType.rawValue)")
    }
  }
}

/// Element counts and shape products that cannot overflow on hostile input.
func checkedCount(_ shape: [Int], _ what: @autoclosure () -> String) throws -> Int {
  var count = 1
  for d in shape {
    guard d >= 0 else { throw ONNXImportError.invalid("\(what()) has a negative dimension: \(shape)") }
    let (product, overflow) = count.multipliedReportingOverflow(by: d)
    guard !overflow, product <= Int(Int32.max) * 4 else {
      throw ONNXImportError.notSupported("\(what()) is too large: \(shape)")
    }
    count = product
  }
  return count
}
