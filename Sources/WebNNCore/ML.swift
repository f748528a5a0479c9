/// The device preference of a context.
public enum MLPowerPreference: String, Sendable, Hashable {
  /// No preference: the backend picks its usual device.
  case `default`
  /// Prefer the fastest device, for example a discrete GPU.
  case highPerformance = "high-performance"
  /// Prefer the device that uses the least power, for example an integrated GPU.
  case lowPower = "low-power"
}

/// Options for ``ML/createContext(_:)``.
///
/// ```swift
/// let context = try await ML().createContext(.init(powerPreference: .highPerformance))
/// ```
public struct MLContextOptions: Sendable, Hashable {
  /// Which device to prefer. Default ``MLPowerPreference/default``.
  public var powerPreference: MLPowerPreference
  /// `false` prefers a CPU device; `powerPreference` wins on conflict. Default `true`.
  public var accelerated: Bool

  /// Creates context options.
  ///
  /// - Parameters:
  ///   - powerPreference: Which device to prefer; default ``MLPowerPreference/default``.
  ///   - accelerated: `false` prefers a CPU device; default `true`.
  public init(powerPreference: MLPowerPreference = .default, accelerated: Bool = true) {
    self.powerPreference = powerPreference
    self.accelerated = accelerated
  }
}

/// The entry point: creates contexts on a backend.
///
/// ```swift
/// import WebNN
/// let context = try await ML().createContext()
/// ```
public struct ML: Sendable {
  let provider: any MLBackendProvider

  /// An `ML` that opens contexts with `provider`. `ML()` (from the WebNN module) uses Vulkan.
  public init(provider: any MLBackendProvider) {
    self.provider = provider
  }

  /// Opens a context on the device that best fits `options`.
  ///
  /// ```swift
  /// let context = try await ML().createContext(.init(powerPreference: .lowPower))
  /// print(context.deviceName, context.accelerated)
  /// ```
  ///
  /// - Parameter options: The device preference; the environment variable
  ///   `WEBNN_VULKAN_DEVICE` overrides it in the Vulkan backend.
  /// - Returns: A new context with its own device objects.
  /// - Throws: ``MLError`` with kind `NotSupportedError` when no suitable device is available.
  public func createContext(_ options: MLContextOptions = .init()) async throws -> MLContext {
    let provider = provider
    return try await offloaded { try ML(provider: provider).createContextSync(options) }
  }

  /// ``createContext(_:)`` as a blocking call, for callers without Swift concurrency (the C API).
  ///
  /// ```swift
  /// let context = try ML().createContextSync(.init(accelerated: false))
  /// ```
  public func createContextSync(_ options: MLContextOptions = .init()) throws -> MLContext {
    MLContext(backend: try provider.makeBackend(options: options))
  }
}
