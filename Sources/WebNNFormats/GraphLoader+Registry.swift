import WebNNCore

extension GraphLoader {
  /// Calls each node's operator through ``WebNNCore/OperatorRegistry``: what loading a graph
  /// file normally does.
  public static func registryCall(
    _ node: GraphDocument.Node, _ builder: MLGraphBuilder, _ operand: (String) throws -> MLOperand
  ) throws -> [MLOperand] {
    try OperatorRegistry.call(
      node.op, positional: node.positional, named: node.named, builder: builder, operand: operand)
  }

  /// Loads `document` with the operator registry.
  ///
  /// ```swift
  /// let loaded = try GraphLoader(file: path).load(document, weights: weights, into: builder)
  /// ```
  public func load(_ document: GraphDocument, weights: GraphWeights?, into builder: MLGraphBuilder) throws
    -> LoadedGraph
  {
    try load(document, weights: weights, into: builder, call: Self.registryCall)
  }
}
