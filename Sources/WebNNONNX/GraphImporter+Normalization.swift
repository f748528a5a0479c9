import WebNNCore

/// BatchNormalization (when not folded into a Conv), LayerNormalization, InstanceNormalization.
extension GraphImporter {
  func convertBatchNormalization(_ node: ONNXNode) throws {
    guard node.inputs.count >= 5, let xName = node.input(0) else { throw node.invalid("needs X, scale, B, mean, var") }
    if node.int("training_mode", default: 0) != 0 || node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
      throw node.unsupported("training mode (running mean and variance outputs)")
    }
    let x = try operand(xName)
    let options = MLBatchNormalizationOptions(
      scale: try operand(node.inputs[1]), bias: try operand(node.inputs[2]), axis: 1,
      epsilon: Double(node.float("epsilon", default: 1e-5)))
    let y = try builder.batchNormalization(
      x, mean: try operand(node.inputs[3]), variance: try operand(node.inputs[4]), options: options)
    set(node.outputs[0], y, try type(xName))
  }

  func convertLayerNormalization(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs X") }
    if node.hasOutput(1) || node.hasOutput(2) { throw node.unsupported("the Mean and InvStdDev outputs") }
    let x = try operand(xName)
    let axis = try ShapeRules.axis(node.int("axis", default: -1), rank: x.rank)
    let axes = Array(axis..<x.rank)
    let normalized = Array(x.shape[axis...])
    // WebNN wants scale and bias shaped exactly like the normalized dimensions; ONNX lets them
    // broadcast to it.
    func fitted(_ name: String?) throws -> MLOperand? {
      guard let name else { return nil }
      var p = try operand(name)
      if p.shape != normalized {
        guard p.rank <= normalized.count else { throw node.invalid("scale/bias \(p.shape) exceeds \(normalized)") }
        if p.rank < normalized.count {
          p = try builder.reshape(p, [Int](repeating: 1, count: normalized.count - p.rank) + p.shape)
        }
        p = try builder.expand(p, normalized)
      }
      return p
    }
    let options = MLLayerNormalizationOptions(
      scale: try fitted(node.input(1)), bias: try fitted(node.input(2)), axes: axes,
      epsilon: Double(node.float("epsilon", default: 1e-5)))
    set(node.outputs[0], try builder.layerNormalization(x, options: options), try type(xName))
  }

  func convertInstanceNormalization(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs X") }
    let x = try operand(xName)
    guard x.rank >= 3 else { throw node.invalid("X must have rank 3 or more, has \(x.shape)") }
    let options = MLInstanceNormalizationOptions(
      scale: try node.input(1).map { try operand($0) }, bias: try node.input(2).map { try operand($0) },
      epsilon: Double(node.float("epsilon", default: 1e-5)))
    // WebNN's instanceNormalization is 4-D: other ranks fold the spatial dimensions into one.
    let spatial = x.shape[2...].reduce(1, *)
    let input = x.rank == 4 ? x : try builder.reshape(x, [x.shape[0], x.shape[1], spatial, 1])
    var y = try builder.instanceNormalization(input, options: options)
    if x.rank != 4 { y = try builder.reshape(y, x.shape) }
    set(node.outputs[0], y, try type(xName))
  }
}
