import WebNNCore

/// A graph handle's object: the compiled graph, what saving it needs, and the tensors that
/// `webnn_compute` keeps between calls.
final class GraphBox: @unchecked Sendable {
  let graph: MLGraph
  /// The IR it was built from, for `webnn_graph_save`; nil for an imported ONNX model.
  let ir: GraphIR?
  /// What the graph's constants borrow from (a mapped weights file, an ONNX model).
  let keepAlive: [Any]
  /// One tensor per input and output, made at the first compute; the lock also keeps two
  /// computes on the graph from overwriting each other's inputs.
  let computeTensors = Locked<(inputs: [String: MLTensor], outputs: [String: MLTensor])?>(nil)

  init(graph: MLGraph, ir: GraphIR?, keepAlive: [Any] = []) {
    self.graph = graph
    self.ir = ir
    self.keepAlive = keepAlive
  }
}

/// Registers a built graph, owned by `context` so that destroying the context releases it.
func registerGraph(_ box: GraphBox, context: UInt64, out: UnsafeMutablePointer<OpaquePointer?>) {
  out.pointee = HandleTable.shared.insert(.graph, box, owner: context)
}
