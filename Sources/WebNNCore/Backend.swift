import Dispatch

/// What a backend tells the API about its device: used for `opSupportLimits()` and validation.
public struct MLBackendCapabilities: Sendable {
  /// Human-readable device name, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".
  public var deviceName: String
  /// Whether the device is an accelerator (not a CPU implementation).
  public var accelerated: Bool
  /// The largest tensor, in bytes, the device can hold.
  public var maxTensorByteLength: Int
  /// Data types the device can store and compute with.
  public var dataTypes: Set<MLOperandDataType>
  /// The layout the device's kernels prefer.
  public var preferredInputLayout: MLInputOperandLayout

  /// Describes a device; `preferredInputLayout` defaults to ``MLInputOperandLayout/nchw``.
  public init(
    deviceName: String, accelerated: Bool, maxTensorByteLength: Int,
    dataTypes: Set<MLOperandDataType>, preferredInputLayout: MLInputOperandLayout = .nchw
  ) {
    self.deviceName = deviceName
    self.accelerated = accelerated
    self.maxTensorByteLength = maxTensorByteLength
    self.dataTypes = dataTypes
    self.preferredInputLayout = preferredInputLayout
  }
}

/// Creates backends for contexts. `ML` holds one; the Vulkan backend provides the default.
///
/// Every backend call is synchronous and may block: the async API runs the blocking ones off the
/// Swift concurrency pool, and the C API calls them directly.
public protocol MLBackendProvider: Sendable {
  /// Opens a device that fits `options`, or throws `NotSupportedError`.
  func makeBackend(options: MLContextOptions) throws -> any MLBackend
}

/// Device memory behind an ``MLTensor``.
public protocol MLBackendTensor: AnyObject, Sendable {
  /// Frees the memory (idempotent).
  func destroy()
}

/// A compiled graph.
public protocol MLBackendGraph: AnyObject, Sendable {
  /// Frees the graph's device objects (idempotent).
  func destroy()
  /// Counts the backend reports about the compiled graph (for example "dispatches" and
  /// "pipelines"); empty by default.
  var statistics: [String: Int] { get }
}

extension MLBackendGraph {
  /// No statistics.
  public var statistics: [String: Int] { [:] }
}

/// The one door from WebNNCore to execution. WebNNCore validates everything before it calls a
/// backend: descriptors match, tensors are alive and belong to this backend.
public protocol MLBackend: AnyObject, Sendable {
  /// The device's name, data types and limits; fixed for the backend's lifetime.
  var capabilities: MLBackendCapabilities { get }
  /// A zero-filled tensor.
  func createTensor(_ descriptor: MLOperandDescriptor) throws -> any MLBackendTensor
  /// Copies `bytes` (exactly the tensor's byte length) into the tensor, after earlier work.
  func writeTensor(_ tensor: any MLBackendTensor, _ bytes: UnsafeRawBufferPointer) throws
  /// The tensor's bytes once all earlier work on it has finished (blocks until then).
  func readTensor(_ tensor: any MLBackendTensor) throws -> [UInt8]
  /// Plans and prepares `graph` for repeated dispatch (blocks while kernels compile).
  func compile(_ graph: GraphIR) throws -> any MLBackendGraph
  /// Queues one execution of `graph`; tensors are keyed by the graph's input/output names.
  func dispatch(
    _ graph: any MLBackendGraph, inputs: [String: any MLBackendTensor],
    outputs: [String: any MLBackendTensor]) throws
  /// Releases the device; later calls fail.
  func destroy()
  /// Runs `body` once the work queued before this call has finished, without blocking the
  /// caller: the async ``MLContext/readTensor(_:)`` waits with it, so that pending reads hold
  /// no thread. By default `body` runs at once on a Dispatch thread (the read that follows
  /// then waits there).
  func whenQueuedWorkFinishes(_ body: @escaping @Sendable () -> Void)
}

extension MLBackend {
  /// Runs `body` at once on a Dispatch thread.
  public func whenQueuedWorkFinishes(_ body: @escaping @Sendable () -> Void) {
    DispatchQueue.global().async(execute: body)
  }
}

/// What a backend throws, from any call, when its device is gone (a GPU reset, a driver crash):
/// the context is then lost for good. ``MLContext/lost`` resolves with `message`, and the call
/// and every later one fail with `InvalidStateError`.
///
/// ```swift
/// if result == VK_ERROR_DEVICE_LOST { throw MLBackendDeviceLost(message: "vkQueueSubmit: device lost") }
/// ```
public struct MLBackendDeviceLost: Error, Sendable {
  /// Why, for ``MLContextLostInfo/message``.
  public let message: String

  /// A loss with its cause.
  public init(message: String) { self.message = message }
}
