import Foundation
import WebNNCore

/// An array in NumPy's `.npy` format (versions 1 to 3, C order), holding any WebNN data type
/// that NumPy has: float32, float16, int64, int32, int8, uint64, uint32 and uint8 (bool reads
/// as uint8). 4-bit types have no NumPy dtype.
///
/// ```swift
/// let image = try NumpyArray(contentsOf: URL(fileURLWithPath: "image.npy"))
/// try NumpyArray(dataType: .float32, shape: [2], bytes: [0, 0, 128, 63, 0, 0, 0, 64]).write(to: url)
/// ```
public struct NumpyArray: Sendable, Equatable {
  /// The element type.
  public var dataType: MLOperandDataType
  /// The shape; `[]` is a scalar.
  public var shape: [Int]
  /// Little-endian, row-major bytes.
  public var bytes: [UInt8]

  /// The descriptor of a WebNN operand with this type and shape.
  public var descriptor: MLOperandDescriptor { MLOperandDescriptor(dataType: dataType, shape: shape) }

  static let descriptors: [String: MLOperandDataType] = [
    "f4": .float32, "f2": .float16, "i8": .int64, "i4": .int32, "i1": .int8, "u8": .uint64, "u4": .uint32,
    "u1": .uint8, "b1": .uint8,
  ]

  static func descr(_ dataType: MLOperandDataType) -> String? {
    switch dataType {
    case .float32: "<f4"
    case .float16: "<f2"
    case .int64: "<i8"
    case .int32: "<i4"
    case .int8: "|i1"
    case .uint64: "<u8"
    case .uint32: "<u4"
    case .uint8: "|u1"
    default: nil
    }
  }

  /// An array from its parts.
  ///
  /// - Throws: ``FormatError`` when the byte count does not match the type and shape.
  public init(dataType: MLOperandDataType, shape: [Int], bytes: [UInt8]) throws {
    let descriptor = MLOperandDescriptor(dataType: dataType, shape: shape)
    guard bytes.count == descriptor.byteLength else {
      throw FormatError(file: "array", "\(bytes.count) bytes for \(descriptor) (needs \(descriptor.byteLength))")
    }
    self.dataType = dataType
    self.shape = shape
    self.bytes = bytes
  }

  /// Float32 values.
  ///
  /// ```swift
  /// let x = NumpyArray(shape: [3], floats: [1, 2, 3])
  /// ```
  public init(shape: [Int], floats: [Float]) {
    dataType = .float32
    self.shape = shape
    bytes = floats.withUnsafeBytes { Array($0) }
  }

  /// Reads an `.npy` file.
  ///
  /// - Throws: ``FormatError`` naming the file for anything malformed or unsupported.
  public init(contentsOf url: URL) throws {
    try self.init(npy: [UInt8](try Data(contentsOf: url)), file: url.path)
  }

  /// Parses `.npy` bytes; `file` names them in errors.
  public init(npy data: [UInt8], file: String = "array") throws {
    func fail(_ message: String) -> FormatError { FormatError(file: file, message) }
    let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
    guard data.count >= 10, Array(data[0..<6]) == magic else { throw fail("not an .npy file (bad magic)") }
    let major = data[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(data[8]) | Int(data[9]) << 8
      headerStart = 10
    case 2, 3:
      guard data.count >= 12 else { throw fail("truncated header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(data[8 + $1]) << (8 * $1) }
      headerStart = 12
    default: throw fail("unsupported .npy version \(major)")
    }
    guard headerLength <= data.count - headerStart else { throw fail("header length \(headerLength) past the end") }
    guard let header = String(bytes: data[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
      throw fail("the header is not text")
    }
    let fields = try Self.parseHeader(header, fail: fail)
    guard fields.fortranOrder == false else {
      throw fail("Fortran-order arrays are not supported (save with numpy.ascontiguousarray)")
    }
    let descr = fields.descr
    guard descr.count == 3, let order = descr.first, let dataType = Self.descriptors[String(descr.dropFirst())] else {
      throw fail(
        "dtype \(descr) has no WebNN data type (use float32, float16, int64, int32, int8, uint64, uint32, uint8 or bool)"
      )
    }
    let descriptor = MLOperandDescriptor(dataType: dataType, shape: fields.shape)
    let start = headerStart + headerLength
    var elements = 1
    for dimension in fields.shape {
      let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
      guard !overflow, dimension >= 0 else { throw fail("shape \(fields.shape) is too large") }
      elements = product
    }
    guard data.count - start == descriptor.byteLength else {
      throw fail("\(data.count - start) data bytes for \(descr) \(fields.shape) (needs \(descriptor.byteLength))")
    }
    var bytes = Array(data[start...])
    if order == ">" {
      let size = dataType.bitWidth / 8
      for element in 0..<elements { bytes[(element * size)..<((element + 1) * size)].reverse() }
    } else if order != "<" && order != "|" && order != "=" {
      throw fail("dtype \(descr): unknown byte order")
    }
    self.dataType = dataType
    shape = fields.shape
    self.bytes = bytes
  }

  /// Parses the header's Python dict literal: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
  static func parseHeader(_ header: String, fail: (String) -> FormatError) throws -> (
    descr: String, fortranOrder: Bool, shape: [Int]
  ) {
    func value(of key: String) throws -> Substring {
      guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else {
        throw fail("header lacks \(key): \(header)")
      }
      var rest = header[keyRange.upperBound...].drop { $0 == " " }
      guard rest.first == ":" else { throw fail("header: no ':' after \(key)") }
      rest = rest.dropFirst().drop { $0 == " " }
      return rest
    }
    let descrText = try value(of: "descr")
    guard let quote = descrText.first, quote == "'" || quote == "\"",
      let close = descrText.dropFirst().firstIndex(of: quote)
    else { throw fail("header: descr is not a string") }
    let descr = String(descrText[descrText.index(after: descrText.startIndex)..<close])
    let fortranText = try value(of: "fortran_order")
    let fortran: Bool
    if fortranText.hasPrefix("False") {
      fortran = false
    } else if fortranText.hasPrefix("True") {
      fortran = true
    } else {
      throw fail("header: fortran_order is neither True nor False")
    }
    let shapeText = try value(of: "shape")
    guard shapeText.first == "(", let end = shapeText.firstIndex(of: ")") else {
      throw fail("header: shape is not a tuple")
    }
    var shape: [Int] = []
    for part in shapeText[shapeText.index(after: shapeText.startIndex)..<end].split(separator: ",") {
      let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
      if trimmed.isEmpty { continue }
      guard let size = Int(trimmed), size >= 0 else { throw fail("header: shape entry \(trimmed) is not a size") }
      shape.append(size)
    }
    return (descr, fortran, shape)
  }

  /// The array as `.npy` (version 1.0) bytes.
  ///
  /// - Throws: ``FormatError`` for a data type NumPy has no dtype for (int4, uint4).
  public func npyData() throws -> Data {
    guard let descr = Self.descr(dataType) else {
      throw FormatError(file: "array", "NumPy has no dtype for \(dataType.rawValue)")
    }
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
    // Magic (6) + version (2) + length (2) + header + newline is a multiple of 64.
    let unpadded = 10 + header.utf8.count + 1
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
    let length = header.utf8.count
    guard length <= 65535 else { throw FormatError(file: "array", "shape too long for an .npy 1.0 header") }
    data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
    data.append(contentsOf: Array(header.utf8))
    data.append(contentsOf: bytes)
    return data
  }

  /// Writes the array as an `.npy` file.
  public func write(to url: URL) throws {
    try npyData().write(to: url, options: .atomic)
  }

  /// The values as float32 (float16 and integer types convert).
  ///
  /// ```swift
  /// let values = try NumpyArray(contentsOf: url).floats()
  /// ```
  public func floats() -> [Float] {
    bytes.withUnsafeBytes { raw in
      let count = descriptor.elementCount
      switch dataType {
      case .float32: return (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
      case .float16:
        return (0..<count).map {
          Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)))
        }
      case .int64: return (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
      case .uint64: return (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
      case .int32: return (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
      case .uint32: return (0..<count).map { Float(raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
      case .int8: return (0..<count).map { Float(raw.load(fromByteOffset: $0, as: Int8.self)) }
      default: return (0..<count).map { Float(raw[$0]) }
      }
    }
  }
}
