import Foundation
import WebNNCore

/// Writes a `.safetensors` file: tensors in the order added, the header padded to a multiple
/// of 8 bytes so that every tensor's data stays aligned.
///
/// ```swift
/// var writer = SafetensorsWriter()
/// try writer.add("bias", .init(dataType: .float32, shape: [2]), bytes: [0, 0, 128, 63, 0, 0, 0, 64])
/// try writer.write(to: URL(fileURLWithPath: "w.safetensors"))
/// ```
public struct SafetensorsWriter {
  private var entries: [(name: String, dtype: String, shape: [Int], bytes: MLConstantBytes)] = []
  private var names: Set<String> = []

  /// `__metadata__` entries.
  public var metadata: [String: String] = [:]

  /// An empty file.
  public init() {}

  /// Adds a tensor; `bytes` are little-endian, row-major.
  ///
  /// - Throws: ``FormatError`` for a repeated name, a 4-bit type (safetensors has none) or a
  ///   byte count that does not match the descriptor.
  public mutating func add(_ name: String, _ descriptor: MLOperandDescriptor, bytes: MLConstantBytes) throws {
    guard let dtype = SafetensorsFile.dtype(of: descriptor.dataType) else {
      throw FormatError(
        file: name, "safetensors has no dtype for \(descriptor.dataType.rawValue); use the manifest and .weights form")
    }
    guard !names.contains(name) else { throw FormatError(file: name, "tensor added twice") }
    guard bytes.count == descriptor.byteLength else {
      throw FormatError(file: name, "\(bytes.count) bytes for \(descriptor) (needs \(descriptor.byteLength))")
    }
    names.insert(name)
    entries.append((name, dtype, descriptor.shape, bytes))
  }

  /// Adds a tensor from an array of bytes.
  public mutating func add(_ name: String, _ descriptor: MLOperandDescriptor, bytes: [UInt8]) throws {
    try add(name, descriptor, bytes: MLConstantBytes(bytes))
  }

  /// The file's bytes.
  public func data() throws -> Data {
    var header: [String: Any] = [:]
    var offset = 0
    for entry in entries {
      header[entry.name] = [
        "dtype": entry.dtype, "shape": entry.shape, "data_offsets": [offset, offset + entry.bytes.count],
      ]
      offset += entry.bytes.count
    }
    if !metadata.isEmpty { header["__metadata__"] = metadata }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var data = Data(capacity: 8 + json.count + offset)
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(json)
    for entry in entries { entry.bytes.withUnsafeBytes { data.append(contentsOf: $0) } }
    return data
  }

  /// Writes the file atomically.
  public func write(to url: URL) throws {
    try data().write(to: url, options: .atomic)
  }
}
