import Foundation

/// One file per process that each input is written to, for the readers that map a file
/// (``WebNNFormats/MappedFile``) rather than parse bytes in memory.
public enum ScratchFile {
  public static let url = URL(fileURLWithPath: NSTemporaryDirectory())
    .appendingPathComponent("webnn-fuzz-\(ProcessInfo.processInfo.processIdentifier)")

  /// Replaces the file's contents with `bytes` and returns its URL.
  public static func write(_ bytes: UnsafeRawBufferPointer) -> URL {
    precondition(FileManager.default.createFile(atPath: url.path, contents: Data(bytes)), "cannot write \(url.path)")
    return url
  }
}
