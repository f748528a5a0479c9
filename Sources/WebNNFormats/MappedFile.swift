import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file mapped read-only into memory: weights are handed to the device straight from the
/// page cache, with no host copy (``WebNNCore/MLConstantBytes/init(borrowing:owner:)``).
///
/// ```swift
/// let file = try MappedFile(URL(fileURLWithPath: "model.safetensors"))
/// print(file.bytes.count)
/// ```
public final class MappedFile: @unchecked Sendable {
  // Read-only and unmapped only in deinit, so it is safe to share.
  /// The file's path, for error messages.
  public let path: String
  /// The whole file.
  public let bytes: UnsafeRawBufferPointer

  /// Maps `url` read-only.
  ///
  /// - Throws: ``FormatError`` when the file cannot be opened or mapped.
  public init(_ url: URL) throws {
    path = url.path
    let descriptor = open(url.path, O_RDONLY)
    guard descriptor >= 0 else {
      throw FormatError(file: url.path, "cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw FormatError(file: url.path, "cannot stat: \(String(cString: strerror(errno)))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw FormatError(file: url.path, "not a regular file") }
    let size = Int(status.st_size)
    guard size > 0 else {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
      throw FormatError(file: url.path, "cannot map \(size) bytes: \(String(cString: strerror(errno)))")
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}

/// A malformed or unreadable file: names the file and, where it applies, the tensor or the
/// position at fault.
///
/// ```swift
/// throw FormatError(file: "w.safetensors", "tensor conv1.weight: data_offsets past the end")
/// ```
public struct FormatError: Error, CustomStringConvertible, Sendable {
  /// The file's path.
  public let file: String
  /// What is wrong.
  public let message: String

  /// An error about `file`.
  ///
  /// ```swift
  /// let error = FormatError(file: "x.npy", "not an .npy file")
  /// ```
  public init(file: String, _ message: String) {
    self.file = file
    self.message = message
  }

  public var description: String { "\(file): \(message)" }
}
