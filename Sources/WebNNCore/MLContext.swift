/// Why a context was lost.
public struct MLContextLostInfo: Sendable {
  /// A description of the cause.
  public let message: String
}

/// A device on which graphs are built and tensors live.
///
/// ```swift
/// let context = try await ML().createContext()
/// let builder = MLGraphBuilder(context)
/// let x = try builder.input("x", .init(dataType: .float32, shape: [3]))
/// let graph = try await builder.build(["y": try builder.relu(x)])
/// let xt = try await context.createTensor(.init(dataType: .float32, shape: [3], writable: true))
/// let yt = try await context.createTensor(.init(dataType: .float32, shape: [3], readable: true))
/// try context.writeTensor(xt, [-1, 0, 2] as [Float])
/// try context.dispatch(graph, inputs: ["x": xt], outputs: ["y": yt])
/// let y = try await context.readTensor(yt, as: Float.self)  // [0, 0, 2]
/// ```
public final class MLContext: Sendable {
  let backend: any MLBackend

  private struct State {
    var lostInfo: MLContextLostInfo?
    var lostWaiters: [CheckedContinuation<MLContextLostInfo, Never>] = []
    var tensors: [WeakBox<MLTensor>] = []
    var graphs: [WeakBox<MLGraph>] = []
  }
  private let state = Locked(State())
  /// Every call holds a use of the context while it runs; destroying or losing the context
  /// releases the backend only after the last one (``Lifetime``).
  private let lifetime = Lifetime()

  init(backend: any MLBackend) {
    self.backend = backend
  }

  /// Whether the device is an accelerator rather than a CPU implementation.
  public var accelerated: Bool { backend.capabilities.accelerated }

  /// The device's name, for logs.
  public var deviceName: String { backend.capabilities.deviceName }

  /// Whether the context was destroyed or lost.
  public var isLost: Bool { state.withLock { $0.lostInfo != nil } }

  /// Resolves when the context is lost or destroyed.
  public var lost: MLContextLostInfo {
    get async {
      await withCheckedContinuation { continuation in
        let info: MLContextLostInfo? = state.withLock { s in
          if let info = s.lostInfo { return info }
          s.lostWaiters.append(continuation)
          return nil
        }
        if let info { continuation.resume(returning: info) }
      }
    }
  }

  func checkNotLost(_ call: String) throws {
    if isLost { throw lostError(call) }
  }

  private func lostError(_ call: String) -> MLError {
    let message = state.withLock { $0.lostInfo?.message } ?? "The context was destroyed."
    return MLError.invalidState("\(call): the context is lost (\(message))")
  }

  /// Runs `body` holding a use of the context, so that a destroy waits for it before it releases
  /// the device; refused once the context is lost. A backend that reports its device lost
  /// (``MLBackendDeviceLost``) loses the context: `lost` resolves with the backend's message,
  /// and this and every later call fail with `InvalidStateError`.
  func using<R>(_ call: String, _ body: () throws -> R) throws -> R {
    try lifetime.using(refusal: lostError(call)) {
      do {
        return try body()
      } catch let loss as MLBackendDeviceLost {
        lose(MLContextLostInfo(message: loss.message))
        throw lostError(call)
      }
    }
  }

  /// Creates a zero-filled tensor on the device.
  ///
  /// ```swift
  /// let input = try await context.createTensor(.init(dataType: .float32, shape: [1, 4], writable: true))
  /// ```
  ///
  /// - Parameter descriptor: The data type, shape, and whether the host may read or write it.
  /// - Returns: The new tensor; ``MLTensor/destroy()`` or ``destroy()`` frees it.
  /// - Throws: ``MLError`` with kind `TypeError` for an invalid shape or one over the device's
  ///   `maxTensorByteLength`; `InvalidStateError` once the context is lost.
  public func createTensor(_ descriptor: MLTensorDescriptor) async throws -> MLTensor {
    try createTensorSync(descriptor)
  }

  /// ``createTensor(_:)`` as a plain call: creating a tensor never waits for the device.
  ///
  /// ```swift
  /// let output = try context.createTensorSync(.init(dataType: .float32, shape: [4], readable: true))
  /// ```
  public func createTensorSync(_ descriptor: MLTensorDescriptor) throws -> MLTensor {
    try using("createTensor") {
      try Validation.checkDescriptor(descriptor.descriptor, call: "createTensor", argument: "descriptor")
      try checkByteLength(descriptor.descriptor, call: "createTensor")
      let backendTensor = try backend.createTensor(descriptor.descriptor)
      return register(
        MLTensor(
          descriptor: descriptor.descriptor, readable: descriptor.readable,
          writable: descriptor.writable, constant: false, backendTensor: backendTensor, context: self))
    }
  }

  /// Creates a read-only tensor holding `bytes`, usable with ``MLGraphBuilder/constant(_:)``.
  ///
  /// - Parameters:
  ///   - descriptor: The data type and shape.
  ///   - bytes: Exactly ``MLOperandDescriptor/byteLength`` little-endian bytes.
  /// - Throws: ``MLError`` with kind `TypeError` when the byte count differs or the tensor is
  ///   too large; `InvalidStateError` once the context is lost.
  public func createConstantTensor(_ descriptor: MLOperandDescriptor, _ bytes: [UInt8]) async throws
    -> MLTensor
  {
    try createConstantTensorSync(descriptor, bytes)
  }

  /// ``createConstantTensor(_:_:)-(_,[UInt8])`` as a plain call.
  ///
  /// ```swift
  /// let table = try context.createConstantTensorSync(.init(dataType: .uint8, shape: [2]), [1, 2])
  /// ```
  public func createConstantTensorSync(_ descriptor: MLOperandDescriptor, _ bytes: [UInt8]) throws -> MLTensor {
    try using("createConstantTensor") {
      try Validation.checkDescriptor(descriptor, call: "createConstantTensor", argument: "descriptor")
      try checkByteLength(descriptor, call: "createConstantTensor")
      guard bytes.count == descriptor.byteLength else {
        throw MLError.type(
          "createConstantTensor: buffer: \(bytes.count) bytes given, \(descriptor) needs \(descriptor.byteLength)")
      }
      let backendTensor = try backend.createTensor(descriptor)
      do {
        try bytes.withUnsafeBytes { try backend.writeTensor(backendTensor, $0) }
      } catch {
        backendTensor.destroy()
        throw error
      }
      return register(
        MLTensor(
          descriptor: descriptor, readable: false, writable: false, constant: true,
          backendTensor: backendTensor, context: self))
    }
  }

  /// Creates a constant tensor from typed values; `T` must match the descriptor's data type.
  ///
  /// ```swift
  /// let table = try await context.createConstantTensor(.init(dataType: .int32, shape: [3]), [7, 8, 9] as [Int32])
  /// let lookup = try await builder.constant(table)
  /// ```
  public func createConstantTensor<T: MLScalar>(_ descriptor: MLOperandDescriptor, _ values: [T])
    async throws -> MLTensor
  {
    try Validation.checkScalarType(T.self, descriptor, call: "createConstantTensor")
    return try await createConstantTensor(descriptor, values.rawBytes)
  }

  private func checkByteLength(_ descriptor: MLOperandDescriptor, call: String) throws {
    let limit = backend.capabilities.maxTensorByteLength
    if descriptor.byteLength > limit {
      throw MLError.type(
        "\(call): descriptor: \(descriptor) is \(descriptor.byteLength) bytes, over the device's maxTensorByteLength \(limit)"
      )
    }
  }

  private func register(_ tensor: MLTensor) -> MLTensor {
    state.withLock { s in
      s.tensors.removeAll { $0.value == nil }
      s.tensors.append(WeakBox(tensor))
    }
    return tensor
  }

  func register(_ graph: MLGraph) {
    state.withLock { s in
      s.graphs.removeAll { $0.value == nil }
      s.graphs.append(WeakBox(graph))
    }
  }

  private func checkTensor(_ tensor: MLTensor, call: String, argument: String) throws {
    guard tensor.context === self else {
      throw MLError.type("\(call): \(argument): the tensor belongs to another context")
    }
    if tensor.isDestroyed { throw destroyedTensor(call, argument) }
  }

  private func destroyedTensor(_ call: String, _ argument: String) -> MLError {
    MLError.type("\(call): \(argument): the tensor was destroyed")
  }

  /// Replaces the tensor's contents with `bytes` (exactly its byte length).
  ///
  /// The write is ordered after every dispatch queued before it.
  ///
  /// - Throws: ``MLError`` with kind `TypeError` when the tensor is not writable, belongs to
  ///   another context, was destroyed, or the byte count differs.
  public func writeTensor(_ tensor: MLTensor, _ bytes: [UInt8]) throws {
    try using("writeTensor") {
      try checkTensor(tensor, call: "writeTensor", argument: "tensor")
      guard tensor.writable else { throw MLError.type("writeTensor: tensor: the tensor is not writable") }
      guard bytes.count == tensor.descriptor.byteLength else {
        throw MLError.type(
          "writeTensor: source: \(bytes.count) bytes given, \(tensor.descriptor) needs \(tensor.descriptor.byteLength)")
      }
      try tensor.lifetime.using(refusal: destroyedTensor("writeTensor", "tensor")) {
        try bytes.withUnsafeBytes { try backend.writeTensor(tensor.backendTensor, $0) }
      }
    }
  }

  /// Replaces the tensor's contents with typed values; `T` must match its data type.
  ///
  /// ```swift
  /// try context.writeTensor(input, [1, 2, 3, 4] as [Float])
  /// ```
  public func writeTensor<T: MLScalar>(_ tensor: MLTensor, _ values: [T]) throws {
    try Validation.checkScalarType(T.self, tensor.descriptor, call: "writeTensor")
    try writeTensor(tensor, values.rawBytes)
  }

  /// The tensor's bytes, after every dispatch queued before this call has finished.
  ///
  /// - Throws: ``MLError`` with kind `TypeError` when the tensor is not readable, belongs to
  ///   another context or was destroyed.
  public func readTensor(_ tensor: MLTensor) async throws -> [UInt8] {
    try checkReadable(tensor)
    // The device is waited for by the backend's own waiter, which holds no thread per call;
    // the copy then runs on a Dispatch thread (and waits there for any work queued meanwhile).
    await withCheckedContinuation { continuation in backend.whenQueuedWorkFinishes { continuation.resume() } }
    return try await offloaded { try self.readTensorSync(tensor) }
  }

  /// ``readTensor(_:)`` as a blocking call: waits on the calling thread for the queued work.
  ///
  /// ```swift
  /// try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
  /// let bytes = try context.readTensorSync(output)
  /// ```
  public func readTensorSync(_ tensor: MLTensor) throws -> [UInt8] {
    let bytes = try using("readTensor") {
      try checkReadable(tensor)
      return try tensor.lifetime.using(refusal: destroyedTensor("readTensor", "tensor")) {
        try backend.readTensor(tensor.backendTensor)
      }
    }
    // The copy was safe (the memory stays until the read's use ends), but a read that a destroy
    // overtook is rejected, as the spec rejects a pending read.
    if tensor.isDestroyed {
      throw MLError.invalidState("readTensor: tensor: the tensor was destroyed while the read was pending")
    }
    if isLost { throw lostError("readTensor") }
    return bytes
  }

  /// ``readTensor(_:as:)`` as a blocking call.
  ///
  /// ```swift
  /// let y = try context.readTensorSync(output, as: Float.self)
  /// ```
  public func readTensorSync<T: MLScalar>(_ tensor: MLTensor, as type: T.Type) throws -> [T] {
    try Validation.checkScalarType(T.self, tensor.descriptor, call: "readTensor")
    return [T](rawBytes: try readTensorSync(tensor))
  }

  private func checkReadable(_ tensor: MLTensor) throws {
    try checkNotLost("readTensor")
    try checkTensor(tensor, call: "readTensor", argument: "tensor")
    guard tensor.readable else { throw MLError.type("readTensor: tensor: the tensor is not readable") }
  }

  /// The tensor's elements as `T`, which must match its data type.
  ///
  /// ```swift
  /// let probabilities = try await context.readTensor(output, as: Float.self)
  /// ```
  public func readTensor<T: MLScalar>(_ tensor: MLTensor, as type: T.Type) async throws -> [T] {
    try Validation.checkScalarType(T.self, tensor.descriptor, call: "readTensor")
    return [T](rawBytes: try await readTensor(tensor))
  }

  /// Queues one execution of `graph`. Every graph input and output must be bound to a tensor of
  /// the same data type and shape; the call returns before the work finishes.
  ///
  /// ```swift
  /// try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
  /// let y = try await context.readTensor(output, as: Float.self)
  /// ```
  ///
  /// - Parameters:
  ///   - graph: A graph built on this context and not destroyed.
  ///   - inputs: One tensor per graph input name.
  ///   - outputs: One tensor per graph output name. No tensor may appear twice.
  /// - Throws: ``MLError`` with kind `TypeError` when names, data types or shapes do not match, a
  ///   tensor is a constant tensor or is bound twice; `InvalidStateError` for a destroyed graph
  ///   or a lost context.
  public func dispatch(_ graph: MLGraph, inputs: [String: MLTensor], outputs: [String: MLTensor])
    throws
  {
    try using("dispatch") { try dispatchLocked(graph, inputs: inputs, outputs: outputs) }
  }

  /// ``dispatch(_:inputs:outputs:)`` holding a use of the context.
  private func dispatchLocked(_ graph: MLGraph, inputs: [String: MLTensor], outputs: [String: MLTensor])
    throws
  {
    guard graph.context === self else { throw MLError.type("dispatch: graph: the graph belongs to another context") }
    if graph.isDestroyed { throw MLError.invalidState("dispatch: graph: the graph was destroyed") }
    func bind(_ tensors: [String: MLTensor], _ expected: [String: MLOperandDescriptor], _ kind: String)
      throws -> [String: any MLBackendTensor]
    {
      guard Set(tensors.keys) == Set(expected.keys) else {
        throw MLError.type(
          "dispatch: \(kind): names \(tensors.keys.sorted()) do not match the graph's \(expected.keys.sorted())")
      }
      var bound: [String: any MLBackendTensor] = [:]
      for (name, tensor) in tensors {
        try checkTensor(tensor, call: "dispatch", argument: "\(kind)[\(name)]")
        if tensor.constant { throw MLError.type("dispatch: \(kind)[\(name)]: a constant tensor cannot be bound") }
        guard tensor.descriptor == expected[name]! else {
          throw MLError.type(
            "dispatch: \(kind)[\(name)]: tensor is \(tensor.descriptor), the graph expects \(expected[name]!)")
        }
        bound[name] = tensor.backendTensor
      }
      return bound
    }
    let boundInputs = try bind(inputs, graph.inputDescriptors, "inputs")
    let boundOutputs = try bind(outputs, graph.outputDescriptors, "outputs")
    let all = Array(inputs.values) + Array(outputs.values)
    if Set(all.map { ObjectIdentifier($0) }).count != all.count {
      throw MLError.type("dispatch: the same tensor is bound more than once")
    }
    // Hold the graph and every tensor while the run is queued: a destroy that races the call is
    // either seen here (and refused) or waits until the backend has taken its own hold on the
    // memory, which lasts until the run finishes.
    guard graph.lifetime.beginUse() else { throw MLError.invalidState("dispatch: graph: the graph was destroyed") }
    defer { graph.lifetime.endUse() }
    var held: [MLTensor] = []
    defer { for tensor in held { tensor.lifetime.endUse() } }
    for (kind, tensors) in [("inputs", inputs), ("outputs", outputs)] {
      for (name, tensor) in tensors.sorted(by: { $0.key < $1.key }) {
        guard tensor.lifetime.beginUse() else { throw destroyedTensor("dispatch", "\(kind)[\(name)]") }
        held.append(tensor)
      }
    }
    try backend.dispatch(graph.backendGraph, inputs: boundInputs, outputs: boundOutputs)
  }

  /// What this context supports: data types and ranks per operator argument.
  ///
  /// ```swift
  /// let limits = context.opSupportLimits()
  /// if limits["matmul"]?["a"]?.dataTypes.contains(.float16) == true { /* use float16 */ }
  /// ```
  public func opSupportLimits() -> MLOpSupportLimits {
    MLOpSupportLimits(capabilities: backend.capabilities)
  }

  /// Destroys the context with all its graphs and tensors; ``lost`` resolves.
  ///
  /// Returns at once. Calls that start later fail with `InvalidStateError`; calls in progress
  /// finish first (a read among them is then rejected), and the device is released after them.
  ///
  /// ```swift
  /// context.destroy()
  /// let info = await context.lost  // "The context was destroyed."
  /// ```
  public func destroy() {
    lose(MLContextLostInfo(message: "The context was destroyed."))
  }

  /// Marks the context lost (the first cause wins), resolves ``lost``, and destroys the graphs,
  /// tensors and backend once no call is using the context.
  private func lose(_ info: MLContextLostInfo) {
    let waiters: [CheckedContinuation<MLContextLostInfo, Never>]? = state.withLock { s in
      guard s.lostInfo == nil else { return nil }
      s.lostInfo = info
      defer { s.lostWaiters = [] }
      return s.lostWaiters
    }
    guard let waiters else { return }
    lifetime.destroy { [self] in
      let (tensors, graphs) = state.withLock { s in (s.tensors.compactMap(\.value), s.graphs.compactMap(\.value)) }
      for graph in graphs { graph.destroy() }
      for tensor in tensors { tensor.destroy() }
      backend.destroy()
    }
    for waiter in waiters { waiter.resume(returning: info) }
  }
}

struct WeakBox<T: AnyObject>: @unchecked Sendable {
  weak var value: T?
  init(_ value: T) { self.value = value }
}
