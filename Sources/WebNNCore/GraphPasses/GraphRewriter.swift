import Foundation

/// A mutable view of a ``GraphIR`` for optimization passes: consumers per operand, helpers to
/// add constants and redirect uses, and dead nodes marked rather than removed, so node indices
/// stay valid while a pass runs. ``finish()`` drops the dead nodes and renumbers the sources.
public struct GraphRewriter {
  public private(set) var ir: GraphIR
  /// Node indices that read each operand (once per reading node).
  public private(set) var consumers: [OperandID: [Int]] = [:]
  /// Nodes a pass removed; skipped by ``liveNodes`` and dropped by ``finish()``.
  public private(set) var dead: Set<Int> = []
  /// Operands named by the graph's outputs.
  public let graphOutputs: Set<OperandID>

  public init(_ ir: GraphIR) {
    self.ir = ir
    graphOutputs = Set(ir.outputs.map(\.operand))
    recount()
  }

  private mutating func recount() {
    consumers = [:]
    for (index, node) in ir.nodes.enumerated() where !dead.contains(index) {
      for operand in Set(node.operation.inputs) { consumers[operand, default: []].append(index) }
    }
  }

  /// How many live nodes read `operand`, plus one if it is a graph output.
  public func useCount(_ operand: OperandID) -> Int {
    (consumers[operand]?.count ?? 0) + (graphOutputs.contains(operand) ? 1 : 0)
  }

  /// The one live node reading `operand`, when it has exactly one use and is not a graph output.
  public func soleConsumer(_ operand: OperandID) -> Int? {
    guard !graphOutputs.contains(operand), let readers = consumers[operand], readers.count == 1 else { return nil }
    return readers[0]
  }

  /// Indices of the nodes not removed, in execution order.
  public var liveNodes: [Int] { ir.nodes.indices.filter { !dead.contains($0) } }

  public func descriptor(_ operand: OperandID) -> MLOperandDescriptor { ir.operands[operand] }
  public func constantBytes(_ operand: OperandID) -> MLConstantBytes? { ir.constantBytes(operand) }

  /// The node that produces `operand`, if a node does.
  public func producer(_ operand: OperandID) -> Int? {
    if case .node(let index) = ir.sources[operand], !dead.contains(index) { return index }
    return nil
  }

  /// Adds a constant operand.
  public mutating func addConstant(_ descriptor: MLOperandDescriptor, _ bytes: [UInt8]) -> OperandID {
    ir.operands.append(descriptor)
    ir.sources.append(.constant(bytes: MLConstantBytes(bytes)))
    return ir.operands.count - 1
  }

  /// Marks node `index` removed; its outputs must have no remaining readers.
  public mutating func remove(_ index: Int) {
    dead.insert(index)
    for operand in Set(ir.nodes[index].operation.inputs) { consumers[operand]?.removeAll { $0 == index } }
  }

  /// Makes `operand` a constant with `bytes` (its producer must be removed separately).
  public mutating func makeConstant(_ operand: OperandID, _ bytes: [UInt8]) {
    ir.sources[operand] = .constant(bytes: MLConstantBytes(bytes))
  }

  /// Replaces node `index`'s operation (outputs and label kept).
  public mutating func replaceOperation(_ index: Int, _ operation: Operation) {
    for operand in Set(ir.nodes[index].operation.inputs) { consumers[operand]?.removeAll { $0 == index } }
    ir.nodes[index].operation = operation
    for operand in Set(operation.inputs) { consumers[operand, default: []].append(index) }
  }

  /// Makes node `index` produce `outputs` instead of its own (the old outputs become unused).
  public mutating func redirectOutputs(_ index: Int, to outputs: [OperandID]) {
    ir.nodes[index].outputs = outputs
    for operand in outputs { ir.sources[operand] = .node(index: index) }
  }

  /// The graph without the removed nodes, sources renumbered.
  public func finish() -> GraphIR {
    var result = ir
    result.nodes = []
    for index in ir.nodes.indices where !dead.contains(index) {
      let node = ir.nodes[index]
      for operand in node.outputs { result.sources[operand] = .node(index: result.nodes.count) }
      result.nodes.append(node)
    }
    return result
  }
}

/// Checks the invariants every backend relies on: each operand read is an input, a constant or
/// the output of an earlier node; each node output's source names that node; every graph output
/// is defined; element-wise nodes keep their output shapes. Run after every pass in debug builds.
public enum GraphVerifier {
  public static func verify(_ ir: GraphIR) throws {
    var defined = Set<OperandID>()
    for (index, source) in ir.sources.enumerated() {
      switch source {
      case .input, .constant: defined.insert(index)
      case .node: break
      }
    }
    for (index, node) in ir.nodes.enumerated() {
      for operand in node.operation.inputs where !defined.contains(operand) {
        throw MLError(
          .operationError, "verifier: node \(index) (\(node.operation.name)) reads \(operand) before it is defined")
      }
      for operand in node.outputs {
        guard case .node(let producer) = ir.sources[operand], producer == index else {
          throw MLError(.operationError, "verifier: output \(operand) of node \(index) has a stale source")
        }
        defined.insert(operand)
      }
      if case .unary(let op, let input) = node.operation, ir.operands[input].shape != ir.operands[node.outputs[0]].shape
      {
        throw MLError(.operationError, "verifier: \(op.name) at node \(index) changes the shape")
      }
      if case .reshape(let input) = node.operation,
        ir.operands[input].elementCount != ir.operands[node.outputs[0]].elementCount
      {
        throw MLError(.operationError, "verifier: reshape at node \(index) changes the element count")
      }
    }
    for (name, operand) in ir.outputs where !defined.contains(operand) {
      throw MLError(.operationError, "verifier: output \(name) is never computed")
    }
  }
}
