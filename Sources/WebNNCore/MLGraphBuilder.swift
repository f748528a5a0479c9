import Synchronization

/// The base of every operator's options: a label that error messages and logs repeat.
public protocol MLOperatorOptions: Sendable {
  /// A name for the operation, quoted in its errors.
  var label: String { get }
}

/// Options of operators that have only a label.
public struct MLOperatorLabel: MLOperatorOptions {
  public var label: String
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
  }
  let state = Mutex(State())

  /// A builder for graphs that run on `context`.
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

  /// A named graph input; the name must be unique and non-empty.
  public func input(_ name: String, _ descriptor: MLOperandDescriptor) throws -> MLOperand {
    try checkCanBuild("input")
    guard !name.isEmpty else { throw MLError.type("input: name: must not be empty") }
    try checkTensorDescriptor(descriptor, call: "input [\(name)]", argument: "descriptor", limits: OperatorTable.graphInput)
    let fresh = state.withLock { $0.inputNames.insert(name).inserted }
    guard fresh else { throw MLError.type("input: name: \"\(name)\" is already used by another input") }
    return addOperand(descriptor, .input(name: name))
  }

  /// A constant from raw little-endian bytes (`byteLength` of the descriptor, packed for 4-bit types).
  public func constant(_ descriptor: MLOperandDescriptor, bytes: [UInt8]) throws -> MLOperand {
    try checkCanBuild("constant")
    try checkTensorDescriptor(descriptor, call: "constant", argument: "descriptor", limits: OperatorTable.graphConstant)
    guard bytes.count == descriptor.byteLength else {
      throw MLError.type("constant: buffer: \(bytes.count) bytes given, \(descriptor) needs \(descriptor.byteLength)")
    }
    return addOperand(descriptor, .constant(bytes: bytes))
  }

  /// A constant from typed values; `T` must match the descriptor's data type.
  public func constant<T: MLScalar>(_ descriptor: MLOperandDescriptor, _ values: [T]) throws -> MLOperand {
    try Validation.checkScalarType(T.self, descriptor, call: "constant")
    return try constant(descriptor, bytes: values.rawBytes)
  }

  /// A scalar constant of `dataType` holding `value` cast to that type.
  public func constant(_ dataType: MLOperandDataType, _ value: MLNumber) throws -> MLOperand {
    try constant(MLOperandDescriptor(dataType: dataType, shape: []), bytes: value.bytes(as: dataType))
  }

  /// A constant whose data is a constant tensor of the same context.
  public func constant(_ tensor: MLTensor) async throws -> MLOperand {
    try checkCanBuild("constant")
    guard tensor.context === context else { throw MLError.type("constant: tensor: the tensor belongs to another context") }
    guard !tensor.isDestroyed else { throw MLError.type("constant: tensor: the tensor was destroyed") }
    guard tensor.constant else { throw MLError.type("constant: tensor: not a constant tensor (use createConstantTensor)") }
    let bytes = try await context.backend.readTensor(tensor.backendTensor)
    return addOperand(tensor.descriptor, .constant(bytes: bytes))
  }

  func checkTensorDescriptor(
    _ descriptor: MLOperandDescriptor, call: String, argument: String, limits: ArgumentSpec
  ) throws {
    try Validation.checkDescriptor(descriptor, call: call, argument: argument)
    guard limits.dataTypes.contains(descriptor.dataType), supportedTypes.contains(descriptor.dataType) else {
      throw MLError.type("\(call): \(argument): data type \(descriptor.dataType.rawValue) is not supported on this device")
    }
    guard limits.ranks.contains(descriptor.shape.count) else {
      throw MLError.type("\(call): \(argument): rank \(descriptor.shape.count) is over the maximum \(limits.ranks.upperBound)")
    }
    let maxBytes = context.backend.capabilities.maxTensorByteLength
    guard descriptor.byteLength <= maxBytes else {
      throw MLError.type("\(call): \(argument): \(descriptor) is \(descriptor.byteLength) bytes, over maxTensorByteLength \(maxBytes)")
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
        limits: ArgumentSpec(dataTypes: OperatorTable.graphConstant.dataTypes, ranks: OperatorTable.anyRank))
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
  public func build(_ outputs: [String: MLOperand]) async throws -> MLGraph {
    try checkCanBuild("build")
    guard !outputs.isEmpty else { throw MLError.type("build: outputs: at least one output is required") }
    for (name, operand) in outputs {
      guard !name.isEmpty else { throw MLError.type("build: outputs: an output name is empty") }
      guard operand.builderID == id else { throw MLError.type("build: outputs[\(name)]: the operand belongs to another MLGraphBuilder") }
    }
    let ir: GraphIR = try state.withLock { s in
      guard !s.built else { throw MLError.invalidState("build: the builder has already built its graph") }
      for (name, operand) in outputs {
        if case .node = s.ir.sources[operand.id] { continue }
        throw MLError.type("build: outputs[\(name)]: an output must be computed by an operator, not an input or constant")
      }
      s.built = true
      var ir = s.ir
      ir.outputs = outputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value.id) }
      return ir.prunedToOutputs()
    }
    let backendGraph = try await context.backend.compile(ir)
    let graph = MLGraph(ir: ir, backendGraph: backendGraph, context: context)
    context.register(graph)
    return graph
  }
}

extension GraphIR {
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
