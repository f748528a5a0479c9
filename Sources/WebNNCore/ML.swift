/// The device preference of a context.
public enum MLPowerPreference: String, Sendable, Hashable {
  case `default`, highPerformance = "high-performance", lowPower = "low-power"
}

/// Options for ``ML/createContext(_:)``.
///
/// ```swift
/// let context = try await ML().createContext(.init(powerPreference: .highPerformance))
/// ```
public struct MLContextOptions: Sendable, Hashable {
  /// Which device to prefer.
  public var powerPreference: MLPowerPreference
  /// `false` prefers a CPU device; `powerPreference` wins on conflict.
  public var accelerated: Bool

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
  /// Throws `NotSupportedError` when no device is available.
  public func createContext(_ options: MLContextOptions = .init()) async throws -> MLContext {
    MLContext(backend: try await provider.makeBackend(options: options))
  }
}
