import Foundation
import WebNNCore

/// A tensor an epilogue reads, at an offset derived from the output element's offset `o`: the
/// same offset (an operand of the output's shape), `o % n` (a vector along the last axis, like
/// a bias) or 0 (a scalar).
struct EpilogueOperand: Hashable {
  enum Index: Hashable {
    case same
    case lastAxis(Int)
    case scalar
  }
  var operand: OperandID
  var index: Index
}

/// Element-wise work fused into the store of a matrix product or convolution kernel: GLSL
/// statements that update the float result `v` (epilogue.glsl), reading `operands` from
/// bindings 5-8.
struct Epilogue {
  var body = ""
  var operands: [EpilogueOperand] = []
  static let maxOperands = 4
}

/// A chain of element-wise nodes computed by one generated kernel (elementwise_fused.comp):
/// `body` loads the inputs as I0... and leaves the result in `r`.
struct ElementwiseChain {
  var inputs: [OperandID]
  var body: String
  var output: OperandID
  static let maxInputs = 7
}

/// What GraphPlan emits, in order: a node (with what its store absorbed) or a fused chain.
enum PlannedNode {
  case node(Node, Epilogue?)
  case chain(ElementwiseChain)
}

/// The backend's fusion pass: decides which element-wise nodes run inside another kernel. A
/// matrix product or convolution absorbs the chain of unary activations and binary operators
/// with a same-shape, last-axis or scalar operand that only it feeds (bias, activation,
/// residual add, scale); the fused node moves to the position of the last absorbed node, which
/// is valid because nothing else reads the values in between. Remaining runs of at least two
/// element-wise nodes, each the only reader of the one before, become one generated kernel.
/// Everything fused computes in float32 on float32 values, the same GLSL expressions as the
/// one-operator kernels, so fused and unfused results agree bit for bit except where the
/// driver reassociates.
enum GraphFusion {
  static func plan(_ ir: GraphIR, fuse: Bool) -> [PlannedNode] {
    guard fuse else { return ir.nodes.map { .node($0, nil) } }
    let graph = GraphRewriter(ir)
    var absorbed = Set<Int>()
    var emitAt: [Int: PlannedNode] = [:]
    for (index, node) in ir.nodes.enumerated() where absorbedCapable(node.operation) {
      guard node.outputs.count == 1, graph.descriptor(node.outputs[0]).dataType == .float32 else { continue }
      var epilogue = Epilogue()
      var current = node.outputs[0]
      var last = index
      while let consumer = graph.soleConsumer(current), !absorbed.contains(consumer),
        let step = epilogueStep(ir.nodes[consumer], current, graph, &epilogue)
      {
        epilogue.body += step
        absorbed.insert(consumer)
        current = ir.nodes[consumer].outputs[0]
        last = consumer
      }
      guard last != index else { continue }
      var fused = node
      fused.outputs = [current]
      absorbed.insert(index)
      absorbed.remove(last)
      emitAt[last] = .node(fused, epilogue)
    }
    for index in ir.nodes.indices where !absorbed.contains(index) && emitAt[index] == nil {
      guard let first = chainStatement(ir.nodes[index], running: nil, graph, inputs: []) else { continue }
      var inputs = first.inputs
      var body = first.statement
      var current = ir.nodes[index].outputs[0]
      var members = [index]
      let shape = graph.descriptor(current).shape
      while let consumer = graph.soleConsumer(current), !absorbed.contains(consumer), emitAt[consumer] == nil,
        graph.descriptor(ir.nodes[consumer].outputs[0]).shape == shape,
        let next = chainStatement(ir.nodes[consumer], running: current, graph, inputs: inputs)
      {
        inputs = next.inputs
        body += next.statement
        current = ir.nodes[consumer].outputs[0]
        members.append(consumer)
      }
      guard members.count > 1, chainLoads(inputs, shape: shape, graph) != nil else { continue }
      absorbed.formUnion(members.dropLast())
      emitAt[members.last!] = .chain(ElementwiseChain(inputs: inputs, body: body, output: current))
    }
    return ir.nodes.indices.compactMap { index in
      if let planned = emitAt[index] { return planned }
      return absorbed.contains(index) ? nil : .node(ir.nodes[index], nil)
    }
  }

  /// The operations whose kernels apply an epilogue at their store.
  static func absorbedCapable(_ operation: WebNNCore.Operation) -> Bool {
    switch operation {
    case .matmul, .gemm, .conv2d, .convTranspose2d: true
    default: false
    }
  }

  /// The statement for `node` applied to the epilogue's `v` (which holds `current`), adding
  /// the other operand of a binary node to `epilogue`; nil when it cannot be absorbed.
  static func epilogueStep(_ node: Node, _ current: OperandID, _ graph: GraphRewriter, _ epilogue: inout Epilogue)
    -> String?
  {
    let descriptor = graph.descriptor(current)
    guard node.outputs.count == 1, graph.descriptor(node.outputs[0]) == descriptor else { return nil }
    switch node.operation {
    case .unary(let op, _):
      guard !op.isTooLongForEpilogues else { return nil }
      return op.fusedStatement("v", into: "v")
    case .binary(let op, let a, let b):
      guard a != b, op.fusesInFloat, op != .prelu || a == current else { return nil }
      let other = a == current ? b : a
      let otherDescriptor = graph.descriptor(other)
      guard otherDescriptor.dataType == .float32 else { return nil }
      let index: EpilogueOperand.Index
      if otherDescriptor.shape == descriptor.shape {
        index = .same
      } else if otherDescriptor.elementCount == 1 {
        index = .scalar
      } else if let n = descriptor.shape.last, otherDescriptor.shape.last == n,
        otherDescriptor.elementCount == n, otherDescriptor.shape.count <= descriptor.shape.count
      {
        index = .lastAxis(n)
      } else {
        return nil
      }
      let entry = EpilogueOperand(operand: other, index: index)
      let position: Int
      if let existing = epilogue.operands.firstIndex(of: entry) {
        position = existing
      } else {
        guard epilogue.operands.count < Epilogue.maxOperands else { return nil }
        epilogue.operands.append(entry)
        position = epilogue.operands.count - 1
      }
      let offset =
        switch index {
        case .same: "o"
        case .lastAxis(let n): "(o % \(n))"
        case .scalar: "0"
        }
      let load = "EPI\(position)(\(offset))"
      return op.fusedStatement(a == current ? "v" : load, b == current ? "v" : load, into: "v")
    default:
      return nil
    }
  }

  /// The statement for one chain member: with `running` nil it starts the chain (every operand
  /// an input), else `running` is the value so far, held in `r`. Inputs are added to `inputs`.
  static func chainStatement(_ node: Node, running: OperandID?, _ graph: GraphRewriter, inputs: [OperandID])
    -> (statement: String, inputs: [OperandID])?
  {
    guard node.outputs.count == 1, graph.descriptor(node.outputs[0]).dataType == .float32 else { return nil }
    var inputs = inputs
    func value(_ operand: OperandID, float: Bool = true) -> String? {
      if operand == running { return "r" }
      guard !float || graph.descriptor(operand).dataType == .float32 else { return nil }
      if let existing = inputs.firstIndex(of: operand) { return "I\(existing)" }
      guard inputs.count < ElementwiseChain.maxInputs else { return nil }
      inputs.append(operand)
      return "I\(inputs.count - 1)"
    }
    let statement: String?
    switch node.operation {
    case .unary(let op, let x):
      guard let input = value(x) else { return nil }
      statement = op.fusedStatement(input, into: "r")
    case .binary(let op, let a, let b):
      guard op.fusesInFloat, let left = value(a), let right = value(b) else { return nil }
      statement = op.fusedStatement(left, right, into: "r")
    case .whereSelect(let c, let t, let f):
      guard graph.descriptor(c).dataType == .uint8, let condition = value(c, float: false), let whenTrue = value(t),
        let whenFalse = value(f)
      else { return nil }
      statement = "r = \(condition) != 0.0 ? \(whenTrue) : \(whenFalse);"
    default:
      return nil
    }
    return statement.map { ($0, inputs) }
  }

  /// Per input, the load expression of elementwise_fused.comp and the strides it reads with
  /// (over the collapsed shape); nil when the collapsed rank exceeds the kernel's.
  static func chainLoads(_ inputs: [OperandID], shape: [Int], _ graph: GraphRewriter, vectorized: Bool = false)
    -> (shape: [Int], strides: [[Int]], loads: [String])?
  {
    let strides = inputs.map { broadcastStrides(graph.descriptor($0).shape, to: shape) }
    let (collapsed, collapsedStrides) = collapseDimensions(shape, strides + [contiguousStrides(shape)])
    guard collapsed.count <= GraphPlan.maxKernelRank else { return nil }
    let loads = inputs.indices.map { j in
      let type = graph.descriptor(inputs[j]).dataType
      let full = graph.descriptor(inputs[j]).shape == shape
      if vectorized && full && type == .float32 { return vectorLoad(j) }
      let offset = full ? "e" : "stridedOffset(e, rank, 10, \(18 + 8 * j))"
      return "float(\(type.glslCompute)(in\(j).v[\(offset)]))"
    }
    return (collapsed, Array(collapsedStrides.dropLast()), loads)
  }

  /// The load of input `j` in a vectorized chain when it has the output's shape: component k of
  /// the vec4 the kernel loaded once before its loop over the four outputs (`IN<j>_VEC`). Four
  /// component loads cost 35% more than one vec4 load on lavapipe (a 4M-element add: 7.0 ms
  /// against 5.2 ms).
  static func vectorLoad(_ j: Int) -> String { "V\(j)[k]" }
}

/// A float32 bit pattern as an exact GLSL literal (infinities and NaN included).
func glslFloatLiteral(bits: UInt32) -> String { "uintBitsToFloat(0x\(String(bits, radix: 16))u)" }

extension UnaryOperator {
  /// erf and gelu (several polynomials, branches and an exp) stay out of epilogues: a store
  /// applies its epilogue to each element of the register tile, unrolled (128 copies in the
  /// register-tiled matrix product), and a matmul with bias and gelu took 1.1 s and 40 MB of
  /// compiler memory to create on lavapipe. They run as an element-wise kernel after it instead
  /// (0.05 s). Applying the epilogue in a loop kept the code small but, with the tile then
  /// indexed at run time, made the fused models 3-4x slower.
  var isTooLongForEpilogues: Bool { self == .gelu || self == .erf }

  /// This operator on float `input` as one GLSL statement assigning `target`, with the
  /// expression of the one-operator kernel and its options as literals; nil for operators that
  /// do not compute float from float (casts, predicates).
  func fusedStatement(_ input: String, into target: String) -> String? {
    switch self {
    case .cast, .isNaN, .isInfinite, .logicalNot: return nil
    default: break
    }
    var (expression, options) = glsl(input: .float32, output: .float32)
    for (position, word) in options.words.enumerated() {
      expression = expression.replacingOccurrences(of: "Pf(\(3 + position))", with: glslFloatLiteral(bits: word))
    }
    return "{ float x = \(input); \(target) = \(expression); }"
  }
}

extension BinaryOperator {
  /// Whether the operator computes a float from floats (not a comparison or logical operator).
  var fusesInFloat: Bool { !producesUInt8 }

  /// See ``UnaryOperator/fusedStatement(_:into:)``.
  func fusedStatement(_ a: String, _ b: String, into target: String) -> String {
    "{ float a = \(a); float b = \(b); \(target) = \(glsl(.float32)); }"
  }
}
