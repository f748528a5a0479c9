import Foundation
import Testing

/// The on-disk SPIR-V cache, seen from outside: two runs of the `webnn` tool on one fresh cache
/// directory, of which the second must compile nothing.
@Suite struct ShaderCacheTests {
  /// The `webnn` executable of the same build as this test bundle (next to it in .build/<config>/).
  static func webnnExecutable() throws -> URL {
    var directories = [Bundle.main.bundleURL]
    if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
    // On macOS the tests run inside an .xctest bundle that sits in the build folder.
    directories += Bundle.allBundles.map(\.bundleURL).filter { $0.pathExtension == "xctest" }.map {
      $0.deletingLastPathComponent()
    }
    for directory in directories {
      let candidate = directory.appending(path: "webnn")
      if FileManager.default.isExecutableFile(atPath: candidate.path(percentEncoded: false)) { return candidate }
    }
    let searched = directories.map { $0.path(percentEncoded: false) }.joined(separator: ", ")
    throw CacheTestError(
      "the webnn executable is not built next to the tests (looked in \(searched)); build everything with "
        + "`swift build --build-tests` (as `make test` does) before running the tests")
  }

  struct CacheTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }

  /// Runs `webnn demo` with `cache` as its shader cache; returns (compiled, loaded from cache).
  static func runDemo(_ executable: URL, cache: URL) throws -> (compiled: Int, loaded: Int) {
    let process = Process()
    process.executableURL = executable
    process.arguments = ["demo"]
    var environment = ProcessInfo.processInfo.environment
    environment["WEBNN_SHADER_CACHE"] = cache.path(percentEncoded: false)
    environment["WEBNN_SHADER_STATS"] = "1"
    process.environment = environment
    // One pipe for both streams, read to its end before waiting, so neither can fill up and block.
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw CacheTestError("webnn demo exited with \(process.terminationStatus):\n\(output)")
    }
    let prefix = "webnn: shaders: "
    guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix(prefix) }) else {
      throw CacheTestError("webnn demo printed no shader statistics:\n\(output)")
    }
    // "<n> compiled, <m> loaded from cache"
    let numbers = line.dropFirst(prefix.count).split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    guard numbers.count == 2 else { throw CacheTestError("unexpected statistics line: \(line)") }
    return (numbers[0], numbers[1])
  }

  @Test func aSecondProcessCompilesNothing() throws {
    let executable = try Self.webnnExecutable()
    let cache = FileManager.default.temporaryDirectory.appending(path: "webnn-shader-cache-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: cache) }

    let first = try Self.runDemo(executable, cache: cache)
    #expect(first.compiled > 0, "a fresh cache directory should make the first run compile")
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.path(percentEncoded: false))
    #expect(files.filter { $0.hasSuffix(".tmp") }.isEmpty, "temporary files left behind: \(files)")
    #expect(files.filter { $0.hasSuffix(".spv") }.count == first.compiled, "\(files)")

    let second = try Self.runDemo(executable, cache: cache)
    #expect(second.compiled == 0)
    #expect(second.loaded == first.compiled + first.loaded)
    let after = try FileManager.default.contentsOfDirectory(atPath: cache.path(percentEncoded: false))
    #expect(after.filter { $0.hasSuffix(".tmp") }.isEmpty, "temporary files left behind: \(after)")
  }
}
