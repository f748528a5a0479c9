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
  /// Every call that touches the memory holds a use of it (``Lifetime``).
  let lifetime = Lifetime()

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
  public var isDestroyed: Bool { lifetime.isDestroyed }

  /// Destroys the tensor: later calls with it are refused, and a read in progress is rejected
  /// with `InvalidStateError`. Returns at once; the device memory is freed when no call in
  /// progress and no queued dispatch can still touch it. Idempotent.
  ///
  /// ```swift
  /// tensor.destroy()
  /// ```
  public func destroy() {
    let backendTensor = backendTensor
    lifetime.destroy { backendTensor.destroy() }
  }
}
