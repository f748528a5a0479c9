/// A compiled graph, made by ``MLGraphBuilder/build(_:)`` and run with ``MLContext/dispatch(_:inputs:outputs:)``.
///
/// ```swift
/// let graph = try await builder.build(["y": y])
/// try context.dispatch(graph, inputs: ["x": xTensor], outputs: ["y": yTensor])
/// ```
public final class MLGraph: Sendable {
  let ir: GraphIR
  let backendGraph: any MLBackendGraph
  weak let context: MLContext?
  /// Every dispatch holds a use of the graph while it queues the run (``Lifetime``).
  let lifetime = Lifetime()

  init(ir: GraphIR, backendGraph: any MLBackendGraph, context: MLContext) {
    self.ir = ir
    self.backendGraph = backendGraph
    self.context = context
  }

  /// The named inputs with their descriptors.
  public var inputDescriptors: [String: MLOperandDescriptor] {
    Dictionary(uniqueKeysWithValues: ir.inputs.map { ($0.name, ir.operands[$0.operand]) })
  }

  /// The named outputs with their descriptors.
  public var outputDescriptors: [String: MLOperandDescriptor] {
    Dictionary(uniqueKeysWithValues: ir.outputs.map { ($0.name, ir.operands[$0.operand]) })
  }

  /// Whether ``destroy()`` was called (directly or by destroying the context).
  public var isDestroyed: Bool { lifetime.isDestroyed }

  /// What the backend reports about the compiled graph; the Vulkan backend gives "dispatches"
  /// (kernel launches per run), "pipelines" (distinct kernel variants) and "recordings" (how
  /// often its command buffer was recorded: once, plus each change of bound tensors).
  ///
  /// ```swift
  /// print(graph.backendStatistics["pipelines"] ?? 0)
  /// ```
  public var backendStatistics: [String: Int] { backendGraph.statistics }

  /// Destroys the graph: later dispatches are refused. Returns at once; the device objects are
  /// freed once no run of the graph is queued or running. Idempotent.
  ///
  /// ```swift
  /// graph.destroy()
  /// ```
  public func destroy() {
    let backendGraph = backendGraph
    lifetime.destroy { backendGraph.destroy() }
  }
}
