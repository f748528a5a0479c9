import Foundation

/// One rewrite of the graph IR before a backend selects kernels.
public struct GraphPass: Sendable {
  public let name: String
  public let run: @Sendable (inout GraphRewriter) -> Void

  public init(_ name: String, _ run: @escaping @Sendable (inout GraphRewriter) -> Void) {
    self.name = name
    self.run = run
  }
}

/// The IR passes every backend gets: constant folding, batch normalization folded into the
/// convolution before it, decomposed gelu and layer normalization recognized, and dead-code
/// removal. `WEBNN_NO_FUSION=1` turns them (and the
/// backend's fusion) off: the baseline the benchmarks and the fused-versus-unfused tests
/// compare against. In debug builds the verifier runs after every pass.
public enum GraphPasses {
  /// Overrides the environment for graphs built in this task: the tests build the same graph
  /// fused and unfused in one process.
  @TaskLocal public static var override: Bool?

  /// False when `WEBNN_NO_FUSION=1` (or ``override`` is false).
  public static var enabled: Bool { override ?? (ProcessInfo.processInfo.environment["WEBNN_NO_FUSION"] != "1") }

  public static let standard: [GraphPass] = [
    GraphPass("constant folding", foldConstants),
    GraphPass("batch normalization folding", foldBatchNormalization),
    GraphPass("decomposed patterns", recognizePatterns),
    GraphPass("dead code", removeDeadCode),
  ]

  /// `ir` after `passes` (the standard ones by default), or `ir` itself when passes are off.
  public static func optimize(_ ir: GraphIR, passes: [GraphPass] = standard) throws -> GraphIR {
    guard enabled else { return ir }
    var current = ir
    for pass in passes {
      var rewriter = GraphRewriter(current)
      pass.run(&rewriter)
      current = rewriter.finish()
      #if DEBUG
        do { try GraphVerifier.verify(current) } catch let error as MLError {
          throw MLError(error.kind, "after the \(pass.name) pass: \(error.message)")
        }
      #endif
    }
    return current
  }

  /// Removes nodes none of whose outputs is read or is a graph output, last first, so whole
  /// dead chains go in one sweep.
  @Sendable public static func removeDeadCode(_ graph: inout GraphRewriter) {
    for index in graph.liveNodes.reversed()
    where graph.ir.nodes[index].outputs.allSatisfy({ graph.useCount($0) == 0 }) {
      graph.remove(index)
    }
  }

  /// Results larger than this stay computed at run time: folding would trade a kernel for
  /// uploading (and keeping) the bytes.
  static let foldingLimit = 16 << 20

  /// Evaluates on the CPU every node whose inputs are all constants (in order, so whole
  /// constant subgraphs fold), except graph outputs, which a kernel must still write.
  @Sendable public static func foldConstants(_ graph: inout GraphRewriter) {
    for index in graph.liveNodes {
      let node = graph.ir.nodes[index]
      guard node.outputs.count == 1, !graph.graphOutputs.contains(node.outputs[0]),
        graph.descriptor(node.outputs[0]).byteLength <= foldingLimit,
        !node.operation.inputs.isEmpty, node.operation.inputs.allSatisfy({ graph.constantBytes($0) != nil })
      else { continue }
      // Copied only once every input is known to be constant: copying a matmul's weights for
      // each node that merely reads a constant left the process holding more than it needs
      // (freed copies of that size stay in the allocator's heap).
      let inputs = node.operation.inputs.map { operand in
        CPUTensor(graph.descriptor(operand), bytes: graph.constantBytes(operand)!.arrayCopy)
      }
      guard let value = CPUEvaluator.evaluate(node.operation, inputs, output: graph.descriptor(node.outputs[0]))
      else { continue }
      graph.remove(index)
      graph.makeConstant(node.outputs[0], value.bytes)
    }
  }
}
