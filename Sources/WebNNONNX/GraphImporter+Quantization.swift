import WebNNCore

/// QuantizeLinear and DequantizeLinear: per-tensor, per-axis and blocked scales.
extension GraphImporter {
  /// The shape scale and zero point take for WebNN's blockwise broadcasting: the input's rank,
  /// with the per-axis dimension (or the blocks) in place.
  func quantizationShape(_ node: ONNXNode, scale: [Int], input: [Int]) throws -> [Int] {
    let rank = input.count
    if scale.reduce(1, *) == 1 && (scale.count <= 1) { return [Int](repeating: 1, count: rank) }
    let axis = try ShapeRules.axis(node.int("axis", default: 1), rank: rank)
    if scale.count == 1 && node.int("block_size", default: 0) == 0 {
      guard scale[0] == input[axis] else {
        throw node.invalid("scale \(scale) does not match axis \(axis) of \(input)")
      }
      var shape = [Int](repeating: 1, count: rank)
      shape[axis] = scale[0]
      return shape
    }
    guard scale.count == rank else { throw node.invalid("scale \(scale) does not fit input \(input)") }
    for d in 0..<rank where input[d] % scale[d] != 0 {
      throw node.unsupported("blocks of scale \(scale) that do not divide input \(input) evenly")
    }
    return scale
  }

  func convertQuantization(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let scaleName = node.input(1) else { throw node.invalid("needs x and scale") }
    let inputShape = try shape(xName)
    let shape = try quantizationShape(node, scale: try self.shape(scaleName), input: inputShape)
    let dequantize = node.op == "DequantizeLinear"
    let zeroType: ONNXElementType
    if let z = node.input(2) {
      zeroType = try type(z)
    } else if dequantize {
      zeroType = try type(xName)
    } else {
      zeroType = node.int("output_dtype").flatMap { ONNXElementType(rawValue: $0) } ?? .uint8
    }
    let zeroTensor =
      node.input(2).flatMap { constant($0) }
      ?? (node.input(2) == nil
        ? HostTensor(type: zeroType, shape: shape, ints: [Int64](repeating: 0, count: shape.reduce(1, *))) : nil)

    // Weights stored quantized: dequantize them here rather than in every run.
    if dequantize, let x = constant(xName), let s = constant(scaleName), let zero = zeroTensor {
      let scale = s.reshaped(shape).blockwise(to: inputShape).floats
      let zp = zero.reshaped(shape).blockwise(to: inputShape).floats
      let values = zip(x.floats, zip(scale, zp)).map { ($0 - $1.1) * $1.0 }
      return set(node.outputs[0], HostTensor(type: s.type, shape: inputShape, floats: values))
    }

    let scale = try builder.reshape(try operand(scaleName), shape)
    let zeroPoint: MLOperand
    if let zeroTensor {
      zeroPoint = try zeroTensor.reshaped(shape).constant(in: builder)
    } else {
      zeroPoint = try builder.reshape(try operand(node.inputs[2]), shape)
    }
    let x = try operand(xName)
    if dequantize {
      set(node.outputs[0], try builder.dequantizeLinear(x, scale: scale, zeroPoint: zeroPoint), try type(scaleName))
    } else {
      set(node.outputs[0], try builder.quantizeLinear(x, scale: scale, zeroPoint: zeroPoint), zeroType)
    }
  }
}

extension HostTensor {
  /// Repeats each element `to[d] / shape[d]` times along every dimension (not tiled).
  func blockwise(to target: [Int]) -> HostTensor {
    if target == shape { return self }
    let strides = ShapeRules.strides(shape)
    let blocks = zip(target, shape).map { $0 / Swift.max($1, 1) }
    return picking(
      target,
      HostTensor.indexMap(target) { index in
        var flat = 0
        for d in 0..<index.count { flat += (index[d] / blocks[d]) * strides[d] }
        return flat
      })
  }
}
