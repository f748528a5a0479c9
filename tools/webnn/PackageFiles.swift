import Foundation

/// Files of the package the `webnn` tool ships with (its Python helpers), found from the
/// current folder or from the executable, wherever the build put it
/// (`.build/<triple>/<configuration>/webnn`, reached through the `.build/release` link).
enum PackageFiles {
  /// The package root holding `relative`, or nil.
  static func root(holding relative: String) -> URL? {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
    var folder = executable.deletingLastPathComponent()
    for _ in 0..<6 {
      candidates.append(folder)
      folder = folder.deletingLastPathComponent()
    }
    return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(relative).path) }
  }

  /// The path of `relative` inside the package root, or nil.
  static func path(_ relative: String) -> String? {
    root(holding: relative).map { $0.appendingPathComponent(relative).path }
  }
}
