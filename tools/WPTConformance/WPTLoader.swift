import Foundation

/// Finds and parses the case files of a directory.
public enum WPTLoader {
  /// The environment variable that overrides the default case directory.
  public static let environmentVariable = "WEBNN_WPT_DIR"

  /// `$WEBNN_WPT_DIR` when set and non-empty, else `../shared/wpt` relative to the current directory.
  public static func defaultDirectory(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    if let dir = environment[environmentVariable], !dir.isEmpty { return dir }
    return "../shared/wpt"
  }

  /// The case files of `directory`, sorted by name: every `*.json` except `index.json`.
  public static func caseFilePaths(in directory: String) throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: directory)
    return
      names
      .filter { $0.hasSuffix(".json") && $0 != "index.json" }
      .sorted()
      .map { (directory as NSString).appendingPathComponent($0) }
  }

  /// Parses every case file of `directory`. A missing directory or an unreadable file becomes a
  /// problem entry rather than an error.
  public static func load(directory: String) -> [WPTCaseFile] {
    let paths: [String]
    do {
      paths = try caseFilePaths(in: directory)
    } catch {
      return [
        WPTCaseFile(
          file: "(directory)", path: directory, cases: [],
          problems: [(name: "", message: "cannot list the case directory \(directory): \(error)")])
      ]
    }
    if paths.isEmpty {
      return [
        WPTCaseFile(
          file: "(directory)", path: directory, cases: [],
          problems: [(name: "", message: "no case files (*.json) in \(directory)")])
      ]
    }
    return paths.map(WPTParser.parseFile(path:))
  }

  /// Parses the JSON text of one case file; `file` is the stem used when the JSON has no `"file"`.
  public static func parse(_ data: Data, file: String) -> WPTCaseFile {
    WPTParser.parse(data, file: file, path: "\(file).json")
  }
}
