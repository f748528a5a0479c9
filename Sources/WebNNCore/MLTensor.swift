import Synchronization

/// Device memory a graph reads from or writes to, created by ``MLContext/createTensor(_:)``.
///
/// ```swift
/// let x = try await context.createTensor(.init(dataType: .float32, shape: [2, 2], writable: true))
/// try context.writeTensor(x, [1, 2, 3, 4] as [Float])
/// ```
public final class MLTensor: Sendable {
  /// The element type.
  public let dataType: MLOperandDataType
  /// The dimensions.
  public let shape: [Int]
  /// Whether it may be read back.
  public let readable: Bool
  /// Whether it may be written from the host.
  public let writable: Bool
  /// Whether it was created with ``MLContext/createConstantTensor(_:_:)-(_,[UInt8])``.
  public let constant: Bool

  let backendTensor: any MLBackendTensor
  weak let context: MLContext?
  private let destroyed = Mutex(false)

  init(
    descriptor: MLOperandDescriptor, readable: Bool, writable: Bool, constant: Bool,
    backendTensor: any MLBackendTensor, context: MLContext
  ) {
    self.dataType = descriptor.dataType
    self.shape = descriptor.shape
    self.readable = readable
    self.writable = writable
    self.constant = constant
    self.backendTensor = backendTensor
    self.context = context
  }

  /// The data type and shape.
  public var descriptor: MLOperandDescriptor { MLOperandDescriptor(dataType: dataType, shape: shape) }

  /// Whether ``destroy()`` was called (directly or by destroying the context).
  public var isDestroyed: Bool { destroyed.withLock { $0 } }

  /// Frees the device memory. Idempotent.
  public func destroy() {
    let wasDestroyed = destroyed.withLock { old in
      defer { old = true }
      return old
    }
    if !wasDestroyed { backendTensor.destroy() }
  }
}
