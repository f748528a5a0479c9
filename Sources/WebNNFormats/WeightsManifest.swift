import Foundation
import WebNNCore

/// The raw weights form: a little-endian `.weights` blob and a manifest JSON naming each
/// tensor's type, shape and byte range (`"format": "wg-weights-manifest"`). Unlike
/// safetensors it holds 4-bit types. The blob is mapped; every range is checked against it.
///
/// ```swift
/// let weights = try WeightsManifest(manifest: manifestURL, blob: blobURL)
/// let (descriptor, bytes) = try weights.constantBytes("W")
/// ```
public final class WeightsManifest: @unchecked Sendable {
  // Immutable after init.
  /// One tensor of the blob.
  public struct Entry: Sendable {
    /// The tensor's descriptor.
    public let descriptor: MLOperandDescriptor
    /// Its bytes inside the blob.
    public let range: Range<Int>
  }

  /// The mapped blob.
  public let blob: MappedFile
  /// The tensors by key.
  public let entries: [String: Entry]

  /// Reads the manifest and maps the blob.
  ///
  /// - Throws: ``FormatError`` naming the file and tensor at fault.
  public init(manifest: URL, blob blobURL: URL) throws {
    blob = try MappedFile(blobURL)
    func fail(_ message: String) -> FormatError { FormatError(file: manifest.path, message) }
    let root = try JSONValue.parse(try Data(contentsOf: manifest), file: manifest.path)
    guard root["format"]?.string == "wg-weights-manifest" else {
      throw fail("format is \(root["format"]?.serialized() ?? "(missing)"), expected \"wg-weights-manifest\"")
    }
    if let endianness = root["endianness"]?.string, endianness != "little" {
      throw fail("endianness \(endianness): only little-endian weights are supported")
    }
    var entries: [String: Entry] = [:]
    for (key, value) in root["tensors"]?.members ?? [] {
      guard let typeName = value["dataType"]?.string,
        let dataType = MLOperandDataType(rawValue: typeName) ?? MLOperandDataType(shortName: typeName)
      else { throw fail("tensor \(key): unknown dataType \(value["dataType"]?.serialized() ?? "(missing)")") }
      let shapeValues = value["shape"]?.array ?? []
      let shape = shapeValues.compactMap { $0.number.flatMap { Int(exactly: $0) } }.filter { $0 >= 0 }
      guard shape.count == shapeValues.count else { throw fail("tensor \(key): shape is not a list of sizes") }
      guard let offset = value["byteOffset"]?.number.flatMap({ Int(exactly: $0) }),
        let length = value["byteLength"]?.number.flatMap({ Int(exactly: $0) }), offset >= 0, length >= 0
      else { throw fail("tensor \(key): byteOffset and byteLength must be non-negative integers") }
      if let layout = value["layout"]?.string, layout != "row-major" {
        throw fail("tensor \(key): layout \(layout) (only row-major is supported)")
      }
      let descriptor = MLOperandDescriptor(dataType: dataType, shape: shape)
      guard length == descriptor.byteLength else {
        throw fail("tensor \(key): \(descriptor) needs \(descriptor.byteLength) bytes but byteLength is \(length)")
      }
      guard offset <= blob.bytes.count, length <= blob.bytes.count - offset else {
        throw FormatError(
          file: blobURL.path,
          "tensor \(key): bytes \(offset)..<\(offset + length) are past the end of the \(blob.bytes.count)-byte blob")
      }
      entries[key] = Entry(descriptor: descriptor, range: offset..<(offset + length))
    }
    self.entries = entries
  }

  /// The tensor's descriptor and bytes, borrowed from the mapping.
  public func constantBytes(_ key: String) throws -> (MLOperandDescriptor, MLConstantBytes) {
    guard let entry = entries[key] else {
      throw FormatError(file: blob.path, "no tensor named \(key) (the manifest has \(entries.count) tensors)")
    }
    return (
      entry.descriptor,
      MLConstantBytes(borrowing: UnsafeRawBufferPointer(rebasing: blob.bytes[entry.range]), owner: blob)
    )
  }

  /// Writes `tensors` as a blob (each tensor 8-byte aligned) and its manifest.
  ///
  /// ```swift
  /// try WeightsManifest.write([("W", descriptor, bytes)], manifest: manifestURL, blob: blobURL)
  /// ```
  public static func write(
    _ tensors: [(key: String, descriptor: MLOperandDescriptor, bytes: MLConstantBytes)], manifest: URL, blob: URL
  ) throws {
    var data = Data()
    var members: [(String, JSONValue)] = []
    for tensor in tensors {
      while data.count % 8 != 0 { data.append(0) }
      members.append(
        (
          tensor.key,
          .object([
            ("dataType", .string(tensor.descriptor.dataType.rawValue)),
            ("shape", .array(tensor.descriptor.shape.map { .number(Double($0)) })),
            ("byteOffset", .number(Double(data.count))), ("byteLength", .number(Double(tensor.bytes.count))),
            ("layout", "row-major"),
          ])
        ))
      tensor.bytes.withUnsafeBytes { data.append(contentsOf: $0) }
    }
    try data.write(to: blob, options: .atomic)
    let root = JSONValue.object([
      ("format", "wg-weights-manifest"), ("version", 1), ("endianness", "little"), ("tensors", .object(members)),
    ])
    try Data((root.serialized() + "\n").utf8).write(to: manifest, options: .atomic)
  }
}
