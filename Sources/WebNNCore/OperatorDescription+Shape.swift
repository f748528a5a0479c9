extension DescriptionWriter {
  /// Data movement and indexing: sizes the builder derived from its arguments come back from
  /// the output shapes in the operand table.
  mutating func shapeOrIndexing(_ operation: Operation) {
    switch operation {
    case .reshape(let x), .expand(let x): args(operand(x), integers(output.shape))
    case .transpose(let x, let permutation):
      args(operand(x))
      option("permutation", integers(permutation))
    case .concat(let inputs, let axis): args(.array(inputs.map(operand)), integer(axis))
    case .slice(let x, let starts, let strides):
      args(operand(x), integers(starts), integers(output.shape))
      option("strides", integers(strides), unless: integers(strides.map { _ in 1 }))
    case .split(let x, let axis):
      args(operand(x), integers(node.outputs.map { graph.operands[$0].shape[axis] }))
      option("axis", integer(axis), unless: integer(0))
    case .tile(let x, let repetitions): args(operand(x), integers(repetitions))
    case .reverse(let x, let axes):
      args(operand(x))
      option("axes", integers(axes))
    case .pad(let x, let beginning, let ending, let mode, let value):
      args(operand(x), integers(beginning), integers(ending))
      option("mode", .string(mode.rawValue), unless: "constant")
      if value != MLNumber.int(0).cast(to: type(x)) { named["value"] = number(value) }
    case .gather(let x, let indices, let axis), .gatherElements(let x, let indices, let axis):
      args(operand(x), operand(indices))
      option("axis", integer(axis), unless: integer(0))
    case .gatherND(let x, let indices): args(operand(x), operand(indices))
    case .scatterElements(let x, let indices, let updates, let axis):
      args(operand(x), operand(indices), operand(updates))
      option("axis", integer(axis), unless: integer(0))
    case .scatterND(let x, let indices, let updates): args(operand(x), operand(indices), operand(updates))
    case .triangular(let x, let upper, let diagonal):
      args(operand(x))
      option("upper", .bool(upper), unless: true)
      option("diagonal", integer(diagonal), unless: integer(0))
    case .cumulativeSum(let x, let axis, let exclusive, let reversed):
      args(operand(x), integer(axis))
      option("exclusive", .bool(exclusive), unless: false)
      option("reversed", .bool(reversed), unless: false)
    case .resample2d(let x, let mode, let axes):
      args(operand(x))
      option("mode", .string(mode.rawValue), unless: "nearest-neighbor")
      option("sizes", integers(axes.map { output.shape[$0] }))
      option("axes", integers(axes), unless: [2, 3])
    case .quantizeLinear(let x, let scale, let zeroPoint), .dequantizeLinear(let x, let scale, let zeroPoint):
      args(operand(x), operand(scale), operand(zeroPoint))
    case .unary, .binary, .whereSelect, .matmul, .gemm, .conv2d, .convTranspose2d, .pool2d, .softmax, .reduce,
      .argMinMax, .batchNormalization, .instanceNormalization, .layerNormalization:
      preconditionFailure("\(operation.name) is written by DescriptionWriter.write")
    }
  }
}
