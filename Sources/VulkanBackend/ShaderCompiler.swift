import CShaderc
import Foundation
import Synchronization
import WebNNCore

/// Compiles the embedded GLSL (Shaders/) to SPIR-V with shaderc, once per source and defines:
/// results are kept in memory and in an on-disk cache (`WEBNN_SHADER_CACHE`, default
/// ~/.cache/swift-webnn/spirv), so a second process start compiles nothing.
enum ShaderCompiler {
  /// Bumped whenever the way shaders are compiled changes, to invalidate old cache entries.
  static let compilerTag = "shaderc-vulkan1.3-O-v1"

  /// SPIR-V by cache key, in memory: the newest ``memoryLimit`` entries (a graph's pipelines are
  /// kept by ``PipelineCache``, so these only spare a process the disk reads of kernels it made
  /// before, and a long-lived process that makes thousands of kernels does not keep them all).
  private static let memory = Locked(RecentWords())
  static let memoryLimit = 512

  struct RecentWords {
    private var words: [String: [UInt32]] = [:]
    private var order: [String] = []
    subscript(key: String) -> [UInt32]? { words[key] }

    mutating func insert(_ value: [UInt32], for key: String) {
      if words.updateValue(value, forKey: key) == nil { order.append(key) }
      if order.count > ShaderCompiler.memoryLimit { words[order.removeFirst()] = nil }
    }
  }

  static var cacheDirectory: URL? {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["WEBNN_SHADER_CACHE"] {
      return path.isEmpty ? nil : URL(fileURLWithPath: path)
    }
    let base =
      environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
      ?? FileManager.default.homeDirectoryForCurrentUser.appending(path: ".cache")
    return base.appending(path: "swift-webnn/spirv")
  }

  /// The source with `#include "x"` lines replaced by the embedded file x.
  static func expandedSource(_ name: String) throws -> String {
    guard let text = EmbeddedShaders.sources[name] else {
      throw MLError(.operationError, "shader \(name) is not embedded")
    }
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("#include \"") {
        let included = line.dropFirst("#include \"".count).prefix { $0 != "\"" }
        lines.append(try expandedSource(String(included)))
      } else {
        lines.append(String(line))
      }
    }
    return lines.joined(separator: "\n")
  }

  /// SPIR-V words for shader `name` with `defines`; `deviceKey` separates cache entries per device.
  static func spirv(_ name: String, defines: [String: String], deviceKey: String) throws -> [UInt32] {
    let optimize = !unoptimized.contains(name)
    let source = try expandedSource(name)
    let defineText = defines.sorted { $0.key < $1.key }.map { "#define \($0.key) \($0.value)\n" }.joined()
    let fullSource = insertDefines(defineText, into: source)
    let key = fnv1a(compilerTag + (optimize ? "" : "-O0") + "\u{0}" + deviceKey + "\u{0}" + fullSource)
    if let words = memory.withLock({ $0[key] }) { return words }
    let file = cacheDirectory?.appending(path: "\(name)-\(key).spv")
    if let file, let data = try? Data(contentsOf: file), data.count % 4 == 0, data.count > 20 {
      let words = data.withUnsafeBytes { Array($0.bindMemory(to: UInt32.self)) }
      if words.first == 0x0723_0203 {
        memory.withLock { $0.insert(words, for: key) }
        cacheLoadCount.add(1, ordering: .relaxed)
        return words
      }
    }
    let words = try compile(fullSource, name: name, optimize: optimize)
    memory.withLock { $0.insert(words, for: key) }
    if let file { store(words, at: file) }
    return words
  }

  /// Kernels compiled from GLSL by this process.
  static let compileCount = Atomic(0)
  /// Kernels this process loaded from the on-disk cache instead.
  static let cacheLoadCount = Atomic(0)
  /// Makes the temporary names of concurrent writers in one process distinct.
  private static let temporarySerial = Atomic(0)

  /// Writes a cache entry so that no reader ever sees it half written: into a temporary file
  /// next to it, then rename(2), which replaces atomically (and, unlike
  /// `FileManager.replaceItemAt` on Linux, also when there is nothing to replace yet). The cache
  /// is an optimisation, so failures only leave the entry out.
  private static func store(_ words: [UInt32], at file: URL) {
    let directory = file.deletingLastPathComponent()
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let serial = temporarySerial.wrappingAdd(1, ordering: .relaxed).oldValue
    let temporary = directory.appending(path: "\(file.lastPathComponent).\(getpid())-\(serial).tmp")
    let temporaryPath = temporary.path(percentEncoded: false)
    do {
      try words.withUnsafeBytes { Data($0) }.write(to: temporary)
    } catch {
      unlink(temporaryPath)
      return
    }
    if rename(temporaryPath, file.path(percentEncoded: false)) != 0 { unlink(temporaryPath) }
  }

  /// Defines go after the `#version` line, which must stay first.
  private static func insertDefines(_ defines: String, into source: String) -> String {
    guard source.hasPrefix("#version"), let newline = source.firstIndex(of: "\n") else { return defines + source }
    return String(source[...newline]) + defines + String(source[source.index(after: newline)...])
  }

  /// Kernels compiled without SPIR-V optimization: fully unrolled register-blocked kernels, on
  /// which the optimizer spends seconds (8 s for one conv2d variant, against 0.15 s without it)
  /// while the driver's own compiler does the same work at no measurable cost in speed.
  static let unoptimized: Set<String> = ["conv2d_direct_tiled.comp", "depthwise_conv2d.comp"]

  private static let compilerLock = Locked(())

  private static func compile(_ source: String, name: String, optimize: Bool) throws -> [UInt32] {
    try compilerLock.withLock { _ in
      guard let compiler = shaderc_compiler_initialize() else {
        throw MLError(.operationError, "shaderc could not start")
      }
      defer { shaderc_compiler_release(compiler) }
      let options = shaderc_compile_options_initialize()
      defer { shaderc_compile_options_release(options) }
      shaderc_compile_options_set_target_env(
        options, shaderc_target_env_vulkan, UInt32(shaderc_env_version_vulkan_1_3.rawValue))
      shaderc_compile_options_set_target_spirv(options, shaderc_spirv_version_1_5)
      shaderc_compile_options_set_optimization_level(
        options, optimize ? shaderc_optimization_level_performance : shaderc_optimization_level_zero)
      let result = source.withCString { text in
        shaderc_compile_into_spv(compiler, text, strlen(text), shaderc_compute_shader, name, "main", options)
      }
      defer { shaderc_result_release(result) }
      guard shaderc_result_get_compilation_status(result) == shaderc_compilation_status_success else {
        let message = String(cString: shaderc_result_get_error_message(result))
        throw MLError(.operationError, "compiling shader \(name) failed: \(message)")
      }
      compileCount.add(1, ordering: .relaxed)
      let length = shaderc_result_get_length(result)
      let bytes = UnsafeRawBufferPointer(start: shaderc_result_get_bytes(result), count: length)
      return Array(bytes.bindMemory(to: UInt32.self))
    }
  }

  /// ``compileCount`` at the last ``returnFreedMemory()``.
  private static let compileCountAtLastTrim = Atomic(0)

  /// Gives the heap memory that compiling left free back to the system, if anything was
  /// compiled since the last call. shaderc allocates and frees tens of megabytes while it
  /// compiles a graph's kernels; glibc keeps those pages (in several arenas, when graphs are
  /// built on several threads), so a process's first build would otherwise carry them to its
  /// peak resident memory. Called once per graph build; `force` also when nothing was
  /// compiled (a build that made and freed megabytes of its own, such as transformed weights).
  static func returnFreedMemory(force: Bool = false) {
    let count = compileCount.load(ordering: .relaxed)
    guard compileCountAtLastTrim.exchange(count, ordering: .relaxed) != count || force else { return }
    malloc_trim(0)
  }

  /// 64-bit FNV-1a as 16 hex digits: a stable cache key.
  static func fnv1a(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01b3
    }
    return String(hash, radix: 16).leftPadded(to: 16)
  }
}

extension String {
  fileprivate func leftPadded(to length: Int) -> String {
    count >= length ? self : String(repeating: "0", count: length - count) + self
  }
}
