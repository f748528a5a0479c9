import WebNNCore

/// The result of ``ONNXModel/build(into:options:)``: the graph inputs the builder now has and
/// the operands of the ONNX graph outputs, ready for `MLGraphBuilder.build`.
///
/// ```swift
/// let imported = try model.build(into: builder, options: options)
/// for input in imported.inputs { print(input.name, input.descriptor) }  // input_ids int64[1, 16]
/// let graph = try await builder.build(imported.outputs)
/// ```
public struct ImportedGraph: @unchecked Sendable {
  /// The graph inputs, in model order, with their fixed WebNN descriptors. A bool input is
  /// uint8 (0 or 1); a double input is float32; an int64 input is int32 on a context whose
  /// `opSupportLimits()` has no int64 inputs.
  public let inputs: [(name: String, descriptor: MLOperandDescriptor)]
  /// The operand of every ONNX graph output, by its ONNX name.
  public let outputs: [String: MLOperand]
  /// The ONNX element type of every output (its operand has the WebNN type this maps to).
  public let outputElementTypes: [String: ONNXElementType]
  /// The ONNX output names in model order (``outputs`` is a dictionary).
  public let outputNames: [String]
  /// How many nodes were folded into constants at import, and how many became graph operations.
  public let foldedNodes: Int
  /// See ``foldedNodes``.
  public let emittedNodes: Int
}
