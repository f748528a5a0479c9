import Foundation

extension HostTensor {
  /// Decodes a `TensorProto`, reading external data relative to `directory`. Every length is
  /// checked against the shape: a malformed model throws instead of reading out of bounds.
  init(proto: Onnx_TensorProto, directory: URL?) throws {
    let name = proto.name.isEmpty ? "a tensor" : "tensor \"\(proto.name)\""
    let type = try ONNXElementType(proto: proto.dataType)
    let shape = proto.dims.map { Int(clamping: $0) }
    let count = try checkedCount(shape, name)
    if proto.hasSegment { throw ONNXImportError.notSupported("\(name) is segmented") }
    switch type {
    case .string, .complex64, .complex128:
      throw ONNXImportError.notSupported("\(name) has element type \(type)")
    default: break
    }

    var raw: Data? = proto.hasRawData ? proto.rawData : nil
    if proto.dataLocation == .external {
      raw = try HostTensor.readExternal(proto, name: name, directory: directory)
    }
    if let raw {
      self = try HostTensor(raw: raw, type: type, shape: shape, count: count, name: name)
      return
    }

    func expect(_ available: Int) throws {
      guard available == count else {
        throw ONNXImportError.invalid("\(name) has \(available) values for shape \(shape) (\(count) elements)")
      }
    }
    switch type {
    case .float:
      try expect(proto.floatData.count)
      self.init(type: type, shape: shape, floats: proto.floatData)
    case .double:
      try expect(proto.doubleData.count)
      self.init(type: type, shape: shape, floats: proto.doubleData.map { Float($0) })
    case .float16, .bfloat16:
      try expect(proto.int32Data.count)
      let bits = proto.int32Data.map { UInt16(truncatingIfNeeded: $0) }
      self.init(type: type, shape: shape, floats: bits.map { HostTensor.halfBits($0, brain: type == .bfloat16) })
    case .int64:
      try expect(proto.int64Data.count)
      self.init(type: type, shape: shape, ints: proto.int64Data)
    case .uint32, .uint64:
      try expect(proto.uint64Data.count)
      self.init(type: type, shape: shape, ints: proto.uint64Data.map { Int64(bitPattern: $0) })
    case .int4, .uint4:
      // Two elements per int32 value, low nibble first.
      guard proto.int32Data.count == (count + 1) / 2 else {
        throw ONNXImportError.invalid("\(name) has \(proto.int32Data.count) packed values for \(count) 4-bit elements")
      }
      let bytes = proto.int32Data.map { UInt8(truncatingIfNeeded: $0) }
      self.init(type: type, shape: shape, ints: HostTensor.unpackNibbles(bytes, count: count, signed: type == .int4))
    default:
      try expect(proto.int32Data.count)
      self.init(type: type, shape: shape, ints: proto.int32Data.map { HostTensor.wrap(Int64($0), to: type) })
    }
  }

  /// Little-endian raw bytes of `count` elements.
  init(raw: Data, type: ONNXElementType, shape: [Int], count: Int, name: String) throws {
    let size: Int
    switch type {
    case .float, .int32, .uint32: size = 4
    case .double, .int64, .uint64: size = 8
    case .float16, .bfloat16, .int16, .uint16: size = 2
    case .int8, .uint8, .bool: size = 1
    case .int4, .uint4: size = 0
    default: throw ONNXImportError.notSupported("\(name) has element type \(type)")
    }
    let expected = size == 0 ? (count + 1) / 2 : count * size
    guard raw.count == expected else {
      throw ONNXImportError.invalid(
        "\(name) has \(raw.count) bytes of data, shape \(shape) of \(type) needs \(expected)")
    }
    self = raw.withUnsafeBytes { bytes -> HostTensor in
      func load<T>(_: T.Type, _ i: Int) -> T { bytes.loadUnaligned(fromByteOffset: i * size, as: T.self) }
      switch type {
      case .float: return HostTensor(type: type, shape: shape, floats: (0..<count).map { load(Float.self, $0) })
      case .double:
        return HostTensor(type: type, shape: shape, floats: (0..<count).map { Float(load(Double.self, $0)) })
      case .float16, .bfloat16:
        return HostTensor(
          type: type, shape: shape,
          floats: (0..<count).map { HostTensor.halfBits(load(UInt16.self, $0), brain: type == .bfloat16) })
      case .int32: return HostTensor(type: type, shape: shape, ints: (0..<count).map { Int64(load(Int32.self, $0)) })
      case .uint32: return HostTensor(type: type, shape: shape, ints: (0..<count).map { Int64(load(UInt32.self, $0)) })
      case .int64: return HostTensor(type: type, shape: shape, ints: (0..<count).map { load(Int64.self, $0) })
      case .uint64:
        return HostTensor(type: type, shape: shape, ints: (0..<count).map { Int64(bitPattern: load(UInt64.self, $0)) })
      case .int16: return HostTensor(type: type, shape: shape, ints: (0..<count).map { Int64(load(Int16.self, $0)) })
      case .uint16: return HostTensor(type: type, shape: shape, ints: (0..<count).map { Int64(load(UInt16.self, $0)) })
      case .int8: return HostTensor(type: type, shape: shape, ints: (0..<count).map { Int64(load(Int8.self, $0)) })
      case .uint8: return HostTensor(type: type, shape: shape, ints: (0..<count).map { Int64(load(UInt8.self, $0)) })
      case .bool:
        return HostTensor(type: type, shape: shape, ints: (0..<count).map { load(UInt8.self, $0) != 0 ? 1 : 0 })
      default:
        return HostTensor(
          type: type, shape: shape, ints: HostTensor.unpackNibbles(Array(bytes), count: count, signed: type == .int4))
      }
    }
  }

  static func unpackNibbles(_ bytes: [UInt8], count: Int, signed: Bool) -> [Int64] {
    (0..<count).map { i in
      let nibble = (bytes[i / 2] >> (i % 2 == 0 ? 0 : 4)) & 0xF
      return signed && nibble >= 8 ? Int64(nibble) - 16 : Int64(nibble)
    }
  }

  static func halfBits(_ bits: UInt16, brain: Bool) -> Float {
    brain ? Float(bitPattern: UInt32(bits) << 16) : Float(Float16(bitPattern: bits))
  }

  /// The bytes of a tensor stored beside the model (`data_location = EXTERNAL`): `location` is a
  /// path relative to the model's folder, `offset` and `length` select a range of it.
  static func readExternal(_ proto: Onnx_TensorProto, name: String, directory: URL?) throws -> Data {
    var entries: [String: String] = [:]
    for entry in proto.externalData { entries[entry.key] = entry.value }
    guard let location = entries["location"], !location.isEmpty else {
      throw ONNXImportError.invalid("\(name) is external but names no location")
    }
    guard let directory else {
      throw ONNXImportError.notSupported(
        "\(name) keeps its data in \"\(location)\"; load the model from a file so it can be found")
    }
    guard !location.hasPrefix("/"), !location.split(separator: "/").contains("..") else {
      throw ONNXImportError.invalid("\(name): external data location \"\(location)\" leaves the model's folder")
    }
    let url = directory.appendingPathComponent(location)
    let offset = Int(entries["offset"] ?? "0") ?? -1
    let length = entries["length"].map { Int($0) ?? -1 }
    guard offset >= 0, (length ?? 0) >= 0 else {
      throw ONNXImportError.invalid("\(name): bad external data offset or length")
    }
    let handle: FileHandle
    do { handle = try FileHandle(forReadingFrom: url) } catch {
      throw ONNXImportError(.io, "\(name): cannot open external data \(url.path): \(error.localizedDescription)")
    }
    defer { try? handle.close() }
    do {
      let size = try handle.seekToEnd()
      guard UInt64(offset) <= size else {
        throw ONNXImportError.invalid("\(name): external data offset \(offset) is past the end of \(location)")
      }
      let available = Int(size) - offset
      let wanted = length ?? available
      guard wanted <= available else {
        throw ONNXImportError.invalid(
          "\(name): external data \(location) has \(available) bytes after offset \(offset), \(wanted) wanted")
      }
      try handle.seek(toOffset: UInt64(offset))
      return try handle.read(upToCount: wanted) ?? Data()
    } catch let error as ONNXImportError {
      throw error
    } catch {
      throw ONNXImportError(.io, "\(name): reading \(url.path): \(error.localizedDescription)")
    }
  }
}
