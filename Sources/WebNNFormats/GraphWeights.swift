import Foundation
import WebNNCore

/// The weights a graph file's `@weights("key")` constants refer to: a safetensors file or a
/// manifest with its raw blob, found next to the graph file the way the format describes.
///
/// ```swift
/// let weights = try GraphWeights(besideGraph: URL(fileURLWithPath: "model.webnn"))
/// ```
public enum GraphWeights: Sendable {
  /// A `.safetensors` file.
  case safetensors(SafetensorsFile)
  /// A manifest and its `.weights` blob.
  case manifest(WeightsManifest)

  /// Opens `url`: a `.safetensors` file, or a `.weights` blob whose manifest is
  /// `<stem>.manifest.json` or `manifest.json` beside it.
  public init(contentsOf url: URL) throws {
    if url.pathExtension == "weights" {
      let folder = url.deletingLastPathComponent()
      let stem = url.deletingPathExtension().lastPathComponent
      let candidates = [
        folder.appendingPathComponent("\(stem).manifest.json"), folder.appendingPathComponent("manifest.json"),
      ]
      guard let manifest = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
        throw FormatError(
          file: url.path,
          "no manifest beside the blob (looked for \(candidates.map(\.lastPathComponent).joined(separator: ", ")))")
      }
      self = .manifest(try WeightsManifest(manifest: manifest, blob: url))
    } else {
      self = .safetensors(try SafetensorsFile(url))
    }
  }

  /// The weights file beside `graph`: `<stem>.safetensors`, `<stem>.weights` (with its
  /// manifest), `model.safetensors` or `model.weights`; nil when there is none. The files named
  /// after the graph come first, so that several graphs can share a folder.
  public static func locate(besideGraph graph: URL) -> URL? {
    let folder = graph.deletingLastPathComponent()
    let stem = graph.deletingPathExtension().lastPathComponent
    return ["\(stem).safetensors", "\(stem).weights", "model.safetensors", "model.weights"]
      .map { folder.appendingPathComponent($0) }
      .first { FileManager.default.fileExists(atPath: $0.path) }
  }

  /// The descriptor and bytes of `key`, borrowed from the mapping (BF16 widened to float32).
  public func constantBytes(_ key: String) throws -> (MLOperandDescriptor, MLConstantBytes) {
    switch self {
    case .safetensors(let file): try file.constantBytes(key)
    case .manifest(let manifest): try manifest.constantBytes(key)
    }
  }

  /// The file's path, for messages.
  public var path: String {
    switch self {
    case .safetensors(let file): file.file.path
    case .manifest(let manifest): manifest.blob.path
    }
  }
}
