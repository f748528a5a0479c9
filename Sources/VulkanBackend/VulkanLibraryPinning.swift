#if os(Linux)
  import Foundation

  /// Keeps the Vulkan driver and layer libraries mapped until the process exits.
  ///
  /// The loader opens the driver (lavapipe) and the validation layer when an instance is created
  /// and closes them when the last instance is destroyed. Those libraries leave exit-time work
  /// behind (thread-local destructors of the threads that called into them), so a process whose
  /// contexts were all destroyed could crash in `exit` jumping into a library that was already
  /// unmapped: seen in about 1 of 20 runs of `webnn demo` with the validation layer on a loaded
  /// machine. Marking every library that is loaded while an instance exists `RTLD_NODELETE`
  /// makes the loader's close a no-op for them; nothing else changes.
  enum VulkanLibraryPinning {
    /// Marks every shared object loaded right now as never to be unloaded.
    static func pinLoadedLibraries() {
      // The mapped files of this process; the shared objects among them are the loaded libraries.
      guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return }
      var paths = Set<String>()
      for line in maps.split(separator: "\n") {
        guard let slash = line.firstIndex(of: "/") else { continue }
        let path = String(line[slash...])
        if path.hasSuffix(".so") || path.contains(".so.") { paths.insert(path) }
      }
      for path in paths {
        // RTLD_NOLOAD: only objects already loaded; the extra reference is never released.
        _ = dlopen(path, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)
      }
    }
  }
#else
  enum VulkanLibraryPinning {
    static func pinLoadedLibraries() {}
  }
#endif
