import Synchronization

/// The base of every operator's options: a label that error messages and logs repeat.
public protocol MLOperatorOptions: Sendable {
  /// A name for the operation, quoted in its errors.
  var label: String { get }
}

/// Options of operators that have only a label.
public struct MLOperatorLabel: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Creates options with `label` (default `""`).
  public init(label: String = "") { self.label = label }
}

private let nextBuilderID = Atomic<Int>(1)

/// Builds a graph, one operator call at a time. Every call validates its arguments and infers
/// the output's type and shape at once, throwing ``MLError`` (`TypeError`) on bad input.
///
/// ```swift
/// let builder = MLGraphBuilder(context)
/// let a = try builder.input("a", .init(dataType: .float32, shape: [2, 2]))
/// let b = try builder.constant(.init(dataType: .float32, shape: [2, 2]), [1, 2, 3, 4] as [Float])
/// let graph = try await builder.build(["c": try builder.add(a, b)])
/// ```
public final class MLGraphBuilder: Sendable {
  /// The context the graph will run on.
  public let context: MLContext
  let id: Int
  let supportedTypes: Set<MLOperandDataType>

  struct State {
    var ir = GraphIR()
    var inputNames: Set<String> = []
    var built = false
    /// The tensors behind ``constant(_:)-(MLTensor)`` operands: build refuses a graph whose
    /// constant tensor was destroyed before it.
    var constantTensors: [MLTensor] = []
  }
  let state = Locked(State())

  /// A builder for graphs that run on `context`.
  ///
  /// ```swift
  /// let context = try await ML().createContext()
  /// let builder = MLGraphBuilder(context)
  /// ```
  ///
  /// The builder validates every call against `context`'s ``MLContext/opSupportLimits()``.
  public init(_ context: MLContext) {
    self.context = context
    self.id = nextBuilderID.wrappingAdd(1, ordering: .relaxed).oldValue
    self.supportedTypes = context.backend.capabilities.dataTypes
  }

  private func checkCanBuild(_ call: String) throws {
    try context.checkNotLost(call)
    if state.withLock({ $0.built }) {
      throw MLError.invalidState("\(call): the builder has already built its graph")
    }
  }

  private func addOperand(_ descriptor: MLOperandDescriptor, _ source: OperandSource) -> MLOperand {
    state.withLock { s in
      let id = s.ir.operands.count
      s.ir.operands.append(descriptor)
      s.ir.sources.append(source)
      if case .input(let name) = source { s.ir.inputs.append((name, id)) }
      return MLOperand(descriptor: descriptor, builderID: self.id, id: id)
    }
  }

  /// Declares a named graph input; ``MLContext/dispatch(_:inputs:outputs:)`` binds a tensor of
  /// the same data type and shape to it.
  ///
  /// ```swift
  /// let image = try builder.input("image", MLOperandDescriptor(dataType: .float32, shape: [1, 3, 224, 224]))
  /// ```
  ///
  /// - Parameters:
  ///   - name: A non-empty name, unique among this builder's inputs.
  ///   - descriptor: The data type (one of the eight of the specification that the device
  ///     supports) and the shape (rank 0 to 8).
  /// - Returns: The operand that stands for the input.
  /// - Throws: ``MLError`` with kind `TypeError` for an empty or repeated name or an unsupported
  ///   descriptor; `InvalidStateError` once the builder has built or the context is lost.
  public func input(_ name: String, _ descriptor: MLOperandDescriptor) throws -> MLOperand {
    try checkCanBuild("input")
    guard !name.isEmpty else { throw MLError.type("input: name: must not be empty") }
    try checkTensorDescriptor(
      descriptor, call: "input [\(name)]", argument: "descriptor", limits: OperatorTable.graphInput)
    let fresh = state.withLock { $0.inputNames.insert(name).inserted }
    guard fresh else { throw MLError.type("input: name: \"\(name)\" is already used by another input") }
    return addOperand(descriptor, .input(name: name))
  }

  /// A constant from raw little-endian bytes.
  ///
  /// ```swift
  /// // Four int4 values (1, 2, -1, 0), two per byte, low nibble first.
  /// let packed = try builder.constant(.init(dataType: .int4, shape: [4]), bytes: [0x21, 0x0F])
  /// ```
  ///
  /// - Parameters:
  ///   - descriptor: The data type (`int4` and `uint4` included) and the shape.
  ///   - bytes: Exactly ``MLOperandDescriptor/byteLength`` bytes; 4-bit types are packed two per
  ///     byte, low nibble first.
  /// - Returns: The constant operand; the bytes are copied.
  /// - Throws: ``MLError`` with kind `TypeError` when the byte count differs or the descriptor
  ///   is not supported; `InvalidStateError` once the builder has built.
  public func constant(_ descriptor: MLOperandDescriptor, bytes: [UInt8]) throws -> MLOperand {
    try constant(descriptor, bytes: MLConstantBytes(bytes))
  }

  /// A constant whose bytes may be borrowed rather than copied (a memory-mapped weights file):
  /// the graph keeps `bytes` alive until it has uploaded them.
  ///
  /// ```swift
  /// let w = try builder.constant(.init(dataType: .float32, shape: [1]), bytes: MLConstantBytes([0, 0, 128, 63]))
  /// ```
  ///
  /// - Throws: ``MLError`` with kind `TypeError` when the byte count does not match the descriptor.
  public func constant(_ descriptor: MLOperandDescriptor, bytes: MLConstantBytes) throws -> MLOperand {
    try checkCanBuild("constant")
    try checkTensorDescriptor(descriptor, call: "constant", argument: "descriptor", limits: OperatorTable.graphConstant)
    guard bytes.count == descriptor.byteLength else {
      throw MLError.type("constant: buffer: \(bytes.count) bytes given, \(descriptor) needs \(descriptor.byteLength)")
    }
    return addOperand(descriptor, .constant(bytes: bytes))
  }

  /// A constant from typed values; `T` must match the descriptor's data type.
  ///
  /// ```swift
  /// let weights = try builder.constant(.init(dataType: .float32, shape: [2, 2]), [1, 0, 0, 1] as [Float])
  /// ```
  ///
  /// - Throws: ``MLError`` with kind `TypeError` when `T` does not store the descriptor's data
  ///   type or the number of values does not match the shape.
  public func constant<T: MLScalar>(_ descriptor: MLOperandDescriptor, _ values: [T]) throws -> MLOperand {
    try Validation.checkScalarType(T.self, descriptor, call: "constant")
    return try constant(descriptor, bytes: values.rawBytes)
  }

  /// A scalar constant of `dataType` holding `value` cast to that type.
  ///
  /// ```swift
  /// let epsilon = try builder.constant(.float32, 1e-5)
  /// ```
  public func constant(_ dataType: MLOperandDataType, _ value: MLNumber) throws -> MLOperand {
    try constant(MLOperandDescriptor(dataType: dataType, shape: []), bytes: value.bytes(as: dataType))
  }

  /// A constant whose data is a constant tensor of the same context.
  ///
  /// ```swift
  /// let tensor = try await context.createConstantTensor(.init(dataType: .float32, shape: [3]), [1, 2, 3] as [Float])
  /// let bias = try await builder.constant(tensor)
  /// ```
  ///
  /// - Parameter tensor: A live tensor made by ``MLContext/createConstantTensor(_:_:)-(_,[UInt8])``
  ///   on this builder's context; its contents are read now.
  /// - Throws: ``MLError`` with kind `TypeError` when the tensor belongs to another context, was
  ///   destroyed or is not a constant tensor.
  public func constant(_ tensor: MLTensor) async throws -> MLOperand {
    try checkConstantTensor(tensor)
    return try await offloaded { try self.constantSync(tensor) }
  }

  /// ``constant(_:)-(MLTensor)`` as a blocking call: waits for the tensor's contents.
  ///
  /// ```swift
  /// let bias = try builder.constantSync(tensor)
  /// ```
  public func constantSync(_ tensor: MLTensor) throws -> MLOperand {
    try checkConstantTensor(tensor)
    let bytes = try context.using("constant") {
      try tensor.lifetime.using(refusal: MLError.type("constant: tensor: the tensor was destroyed")) {
        try context.backend.readTensor(tensor.backendTensor)
      }
    }
    state.withLock { $0.constantTensors.append(tensor) }
    return addOperand(tensor.descriptor, .constant(bytes: MLConstantBytes(bytes)))
  }

  private func checkConstantTensor(_ tensor: MLTensor) throws {
    try checkCanBuild("constant")
    guard tensor.context === context else {
      throw MLError.type("constant: tensor: the tensor belongs to another context")
    }
    guard !tensor.isDestroyed else { throw MLError.type("constant: tensor: the tensor was destroyed") }
    guard tensor.constant else {
      throw MLError.type("constant: tensor: not a constant tensor (use createConstantTensor)")
    }
  }

  func checkTensorDescriptor(
    _ descriptor: MLOperandDescriptor, call: String, argument: String, limits: ArgumentSpec
  ) throws {
    try Validation.checkDescriptor(descriptor, call: call, argument: argument)
    guard limits.dataTypes.contains(descriptor.dataType), supportedTypes.contains(descriptor.dataType) else {
      throw MLError.type(
        "\(call): \(argument): data type \(descriptor.dataType.rawValue) is not supported on this device")
    }
    guard limits.ranks.contains(descriptor.shape.count) else {
      throw MLError.type(
        "\(call): \(argument): rank \(descriptor.shape.count) is over the maximum \(limits.ranks.upperBound)")
    }
    let maxBytes = context.backend.capabilities.maxTensorByteLength
    guard descriptor.byteLength <= maxBytes else {
      throw MLError.type(
        "\(call): \(argument): \(descriptor) is \(descriptor.byteLength) bytes, over maxTensorByteLength \(maxBytes)")
    }
  }

  /// Starts validating a call of `op`: fails if the builder can no longer build.
  func begin(_ op: String, _ label: String) throws -> OpCheck {
    try checkCanBuild(label.isEmpty ? op : "\(op) [\(label)]")
    return OpCheck(op: op, label: label, builder: self)
  }

  /// Appends a node after checking its output descriptors.
  func add(_ operation: Operation, outputs: [MLOperandDescriptor], _ check: OpCheck) throws -> [MLOperand] {
    for (i, descriptor) in outputs.enumerated() {
      let argument = outputs.count == 1 ? "output" : "output \(i)"
      try checkTensorDescriptor(
        descriptor, call: check.name, argument: argument,
        limits: OperatorTable.graphOutput)
    }
    return state.withLock { s in
      let nodeIndex = s.ir.nodes.count
      let operands = outputs.map { descriptor -> MLOperand in
        let id = s.ir.operands.count
        s.ir.operands.append(descriptor)
        s.ir.sources.append(.node(index: nodeIndex))
        return MLOperand(descriptor: descriptor, builderID: self.id, id: id)
      }
      s.ir.nodes.append(Node(operation: operation, outputs: operands.map(\.id), label: check.label))
      return operands
    }
  }

  func add1(_ operation: Operation, output: MLOperandDescriptor, _ check: OpCheck) throws -> MLOperand {
    try add(operation, outputs: [output], check)[0]
  }

  /// Compiles the graph that computes `outputs`. A builder builds once; later calls throw
  /// `InvalidStateError`.
  ///
  /// ```swift
  /// let x = try builder.input("x", .init(dataType: .float32, shape: [4]))
  /// let graph = try await builder.build(["y": try builder.sigmoid(x), "z": try builder.tanh(x)])
  /// ```
  ///
  /// Operators that no output depends on are dropped; every input stays and must be bound at
  /// dispatch.
  ///
  /// - Parameter outputs: At least one operand of this builder by non-empty name; each must be
  ///   an operator's output, not an input or a constant.
  /// - Returns: The compiled graph.
  /// - Throws: ``MLError`` with kind `TypeError` for bad outputs, `InvalidStateError` when the
  ///   builder has already built, or the backend's error when compilation fails.
  public func build(_ outputs: [String: MLOperand]) async throws -> MLGraph {
    try await offloaded { try self.buildSync(outputs) }
  }

  /// ``build(_:)`` as a blocking call: compiles on the calling thread.
  ///
  /// ```swift
  /// let graph = try builder.buildSync(["y": try builder.relu(x)])
  /// ```
  public func buildSync(_ outputs: [String: MLOperand]) throws -> MLGraph {
    try checkCanBuild("build")
    guard !outputs.isEmpty else { throw MLError.type("build: outputs: at least one output is required") }
    for (name, operand) in outputs {
      guard !name.isEmpty else { throw MLError.type("build: outputs: an output name is empty") }
      guard operand.builderID == id else {
        throw MLError.type("build: outputs[\(name)]: the operand belongs to another MLGraphBuilder")
      }
    }
    let ir: GraphIR = try state.withLock { s in
      guard !s.built else { throw MLError.invalidState("build: the builder has already built its graph") }
      for (name, operand) in outputs {
        if case .node = s.ir.sources[operand.id] { continue }
        throw MLError.type(
          "build: outputs[\(name)]: an output must be computed by an operator, not an input or constant")
      }
      if let index = s.constantTensors.firstIndex(where: \.isDestroyed) {
        let descriptor = s.constantTensors[index].descriptor
        throw MLError.type(
          "build: the tensor given to constant(tensor) call \(index + 1) (\(descriptor)) was destroyed before build")
      }
      s.built = true
      s.constantTensors = []
      var ir = s.ir
      // A built builder can do nothing more with its constants: it lets go of them, so that
      // once the backend has its device copy the caller's arrays are the only host copy.
      s.ir = s.ir.releasingConstantBytes()
      ir.outputs = outputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value.id) }
      return ir.prunedToOutputs()
    }
    // Compiled and registered under a use of the context, so that a destroy racing the build
    // either refuses it or finds the graph in its list and destroys it too.
    return try context.using("build") {
      let backendGraph = try context.backend.compile(ir)
      // The graph keeps descriptors (for dispatch's checks), not bytes.
      let graph = MLGraph(ir: ir.releasingConstantBytes(), backendGraph: backendGraph, context: context)
      context.register(graph)
      return graph
    }
  }
}

extension MLGraphBuilder {
  /// The graph IR that ``build(_:)`` would compile for `outputs`, without building: what a
  /// graph-file saver or a tool that inspects graphs reads. The builder stays usable.
  ///
  /// ```swift
  /// let ir = try builder.graphIR(["y": y])
  /// print(ir.nodes.count)
  /// ```
  ///
  /// - Throws: ``MLError`` with kind `TypeError` for an empty output name or an operand of
  ///   another builder.
  public func graphIR(_ outputs: [String: MLOperand]) throws -> GraphIR {
    for (name, operand) in outputs {
      guard !name.isEmpty else { throw MLError.type("graphIR: outputs: an output name is empty") }
      guard operand.builderID == id else {
        throw MLError.type("graphIR: outputs[\(name)]: the operand belongs to another MLGraphBuilder")
      }
    }
    var ir = try state.withLock { s in
      guard !s.built else {
        throw MLError.invalidState("graphIR: the builder has built its graph and released its constants")
      }
      return s.ir
    }
    ir.outputs = outputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value.id) }
    return ir.prunedToOutputs()
  }
}

extension GraphIR {
  /// The same graph with every constant's bytes replaced by none: descriptors stay.
  func releasingConstantBytes() -> GraphIR {
    var copy = self
    for (index, source) in sources.enumerated() {
      if case .constant = source { copy.sources[index] = .constant(bytes: MLConstantBytes([])) }
    }
    return copy
  }

  /// Drops nodes no output depends on. Inputs stay (dispatch must still bind them).
  func prunedToOutputs() -> GraphIR {
    var live = Set(outputs.map(\.operand))
    var keep = [Bool](repeating: false, count: nodes.count)
    for (i, node) in nodes.enumerated().reversed() where node.outputs.contains(where: live.contains) {
      keep[i] = true
      live.formUnion(node.operation.inputs)
    }
    var copy = self
    copy.nodes = nodes.indices.filter { keep[$0] }.map { nodes[$0] }
    for (index, node) in copy.nodes.enumerated() {
      for output in node.outputs { copy.sources[output] = .node(index: index) }
    }
    return copy
  }
}
