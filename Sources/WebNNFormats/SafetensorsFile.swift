import Foundation
import WebNNCore

/// A `.safetensors` weights file, mapped read-only: an 8-byte little-endian header length, a
/// JSON header naming every tensor's dtype, shape and byte range, then the data. Every range is
/// checked against the file before anything reads it, so a truncated or corrupt file is an
/// error, never an over-read.
///
/// ```swift
/// let weights = try SafetensorsFile(URL(fileURLWithPath: "model.safetensors"))
/// let w = try weights.constant("fc.weight", in: builder)
/// ```
public final class SafetensorsFile: @unchecked Sendable {
  // Immutable after init.
  /// One tensor's entry in the header.
  public struct Tensor: Sendable {
    /// The name in the file.
    public let name: String
    /// The safetensors dtype (`F32`, `BF16`, `I64`, ...).
    public let dtype: String
    /// The shape; `[]` is a scalar.
    public let shape: [Int]
    /// The byte range inside the file.
    public let range: Range<Int>

    /// The WebNN data type this dtype loads as (BF16 widens to float32), if any.
    public var dataType: MLOperandDataType? { SafetensorsFile.dataTypes[dtype]?.loaded }
  }

  /// The mapped file.
  public let file: MappedFile
  /// The tensors, by name.
  public let tensors: [String: Tensor]
  /// The optional `__metadata__` string map.
  public let metadata: [String: String]

  /// The tensor names in file order.
  public var names: [String] { tensors.values.sorted { $0.range.lowerBound < $1.range.lowerBound }.map(\.name) }

  /// safetensors dtype → (bytes per element, the WebNN type it loads as).
  static let dataTypes: [String: (size: Int, loaded: MLOperandDataType?)] = [
    "F32": (4, .float32), "F16": (2, .float16), "BF16": (2, .float32), "F64": (8, nil),
    "I64": (8, .int64), "I32": (4, .int32), "I16": (2, nil), "I8": (1, .int8),
    "U64": (8, .uint64), "U32": (4, .uint32), "U16": (2, nil), "U8": (1, .uint8), "BOOL": (1, .uint8),
  ]

  /// The safetensors dtype that stores `dataType`, if any (safetensors has no 4-bit types).
  public static func dtype(of dataType: MLOperandDataType) -> String? {
    switch dataType {
    case .float32: "F32"
    case .float16: "F16"
    case .int64: "I64"
    case .int32: "I32"
    case .int8: "I8"
    case .uint64: "U64"
    case .uint32: "U32"
    case .uint8: "U8"
    default: nil
    }
  }

  /// Maps and checks `url`.
  ///
  /// - Throws: ``FormatError`` naming the file and the tensor at fault.
  public convenience init(_ url: URL) throws {
    try self.init(mapping: try MappedFile(url))
  }

  /// Checks an already mapped file.
  public init(mapping file: MappedFile) throws {
    self.file = file
    let bytes = file.bytes
    func fail(_ message: String) -> FormatError { FormatError(file: file.path, message) }
    guard bytes.count >= 8 else { throw fail("\(bytes.count) bytes: too short for a safetensors header") }
    var headerLength: UInt64 = 0
    for index in 0..<8 { headerLength |= UInt64(bytes[index]) << (8 * UInt64(index)) }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw fail(
        "header length \(headerLength) is past the end of the file (\(bytes.count) bytes): truncated or not safetensors"
      )
    }
    let dataStart = 8 + Int(headerLength)
    let header = Data(bytes[8..<dataStart])
    let json: Any
    do { json = try JSONSerialization.jsonObject(with: header) } catch {
      throw fail("the header is not valid JSON: \(error.localizedDescription)")
    }
    guard let entries = json as? [String: Any] else { throw fail("the header is not a JSON object") }
    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]
    let dataLength = bytes.count - dataStart
    for (name, value) in entries {
      if name == "__metadata__" {
        guard let map = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
        for (key, item) in map {
          guard let text = item as? String else { throw fail("__metadata__.\(key) is not a string") }
          metadata[key] = text
        }
        continue
      }
      guard let entry = value as? [String: Any] else { throw fail("tensor \(name): not an object") }
      guard let dtype = entry["dtype"] as? String, let info = Self.dataTypes[dtype] else {
        throw fail("tensor \(name): unknown dtype \(entry["dtype"].map { "\($0)" } ?? "(missing)")")
      }
      guard let shapeValues = entry["shape"] as? [Any] else { throw fail("tensor \(name): shape missing") }
      var shape: [Int] = []
      var elements = 1
      for dimension in shapeValues {
        guard let number = dimension as? NSNumber, let size = Int(exactly: number.doubleValue), size >= 0 else {
          throw fail("tensor \(name): shape \(shapeValues) has a dimension that is not a non-negative integer")
        }
        let (product, overflow) = elements.multipliedReportingOverflow(by: size)
        guard !overflow else { throw fail("tensor \(name): shape \(shapeValues) overflows") }
        elements = product
        shape.append(size)
      }
      guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
        let begin = (offsets[0] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) }),
        let end = (offsets[1] as? NSNumber).flatMap({ Int(exactly: $0.doubleValue) })
      else { throw fail("tensor \(name): data_offsets must be two integers") }
      guard 0 <= begin, begin <= end, end <= dataLength else {
        throw fail(
          "tensor \(name): data_offsets [\(begin), \(end)] outside the \(dataLength) data bytes: truncated or corrupt")
      }
      let (needed, overflow) = elements.multipliedReportingOverflow(by: info.size)
      guard !overflow, needed == end - begin else {
        throw fail("tensor \(name): \(dtype)\(shape) needs \(needed) bytes but data_offsets hold \(end - begin)")
      }
      tensors[name] = Tensor(name: name, dtype: dtype, shape: shape, range: (dataStart + begin)..<(dataStart + end))
    }
    let ordered = tensors.values.sorted { $0.range.lowerBound < $1.range.lowerBound }
    for (previous, next) in zip(ordered, ordered.dropFirst()) where previous.range.upperBound > next.range.lowerBound {
      throw fail("tensors \(previous.name) and \(next.name) overlap")
    }
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The entry named `name`.
  ///
  /// - Throws: ``FormatError`` naming the tensor when the file lacks it.
  public func tensor(_ name: String) throws -> Tensor {
    guard let tensor = tensors[name] else {
      throw FormatError(file: file.path, "no tensor named \(name) (the file has \(tensors.count) tensors)")
    }
    return tensor
  }

  /// The raw bytes of `tensor`, inside the mapping.
  public func rawBytes(_ tensor: Tensor) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(rebasing: file.bytes[tensor.range])
  }

  /// The tensor's bytes as WebNN constant bytes of its loaded type: borrowed from the mapping
  /// (no copy), except BF16, which is widened to float32.
  ///
  /// ```swift
  /// let (descriptor, bytes) = try weights.constantBytes("fc.bias")
  /// ```
  ///
  /// - Throws: ``FormatError`` for a missing tensor or a dtype WebNN has no type for.
  public func constantBytes(_ name: String) throws -> (MLOperandDescriptor, MLConstantBytes) {
    let tensor = try tensor(name)
    guard let dataType = tensor.dataType else {
      throw FormatError(file: file.path, "tensor \(name): dtype \(tensor.dtype) has no WebNN data type")
    }
    let descriptor = MLOperandDescriptor(dataType: dataType, shape: tensor.shape)
    let raw = rawBytes(tensor)
    if tensor.dtype == "BF16" {
      var widened = [UInt8](repeating: 0, count: raw.count * 2)
      // bfloat16 is the top half of a float32.
      for index in 0..<(raw.count / 2) {
        widened[index * 4 + 2] = raw[index * 2]
        widened[index * 4 + 3] = raw[index * 2 + 1]
      }
      return (descriptor, MLConstantBytes(widened))
    }
    return (descriptor, MLConstantBytes(borrowing: raw, owner: file))
  }

  /// A builder constant holding the tensor `name`, borrowed from the mapping.
  ///
  /// ```swift
  /// let w = try weights.constant("encoder.layer.0.attention.self.query.weight", in: builder)
  /// ```
  public func constant(_ name: String, in builder: MLGraphBuilder) throws -> MLOperand {
    let (descriptor, bytes) = try constantBytes(name)
    return try builder.constant(descriptor, bytes: bytes)
  }

  /// The tensor as float32 values (F32, F16, BF16 and F64 convert; integers do not).
  ///
  /// ```swift
  /// let gamma: [Float] = try weights.floats("LayerNorm.weight")
  /// ```
  public func floats(_ name: String) throws -> [Float] {
    let tensor = try tensor(name)
    let raw = rawBytes(tensor)
    switch tensor.dtype {
    case "F32": return (0..<(raw.count / 4)).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
    case "F64": return (0..<(raw.count / 8)).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self)) }
    case "F16":
      return (0..<(raw.count / 2)).map {
        Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
      }
    case "BF16":
      return (0..<(raw.count / 2)).map {
        Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16)
      }
    default: throw FormatError(file: file.path, "tensor \(name): dtype \(tensor.dtype) is not a floating-point type")
    }
  }
}
