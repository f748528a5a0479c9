import WebNNCore

/// Readers for node arguments that ONNX moved from attributes to inputs across opsets; both
/// forms are accepted wherever a model may carry either.
extension GraphImporter {
  /// Axes from attribute `attribute` or (later opsets) input `input`; nil when neither is given.
  func axesArgument(_ node: ONNXNode, input: Int, attribute: String = "axes") throws -> [Int]? {
    if let axes = node.ints(attribute) { return axes }
    guard let name = node.input(input) else { return nil }
    return try requireConstant(name, attribute).intValues
  }

  func castTarget(_ node: ONNXNode) throws -> ONNXElementType {
    guard let to = node.int("to") else { throw node.invalid("Cast without \"to\"") }
    return try ONNXElementType(proto: Int32(clamping: to))
  }

  func reshapeTarget(_ node: ONNXNode) throws -> [Int] {
    let input = try shape(try node.required(0))
    let target: [Int]
    if let shape = node.ints("shape") {
      target = shape  // Reshape-1 and -4 carried the shape as an attribute
    } else {
      guard let name = node.input(1) else { throw node.invalid("Reshape without a shape") }
      target = try requireConstant(name, "the target shape").intValues
    }
    return try ShapeRules.reshape(input, target, allowZero: node.int("allowzero", default: 0) != 0)
  }

  func sliceAxes(_ node: ONNXNode) throws -> [ShapeRules.SliceAxis] {
    let input = try shape(try node.required(0))
    if node.opset < 10 {
      guard let starts = node.ints("starts"), let ends = node.ints("ends") else {
        throw node.invalid("Slice without starts or ends")
      }
      return try ShapeRules.slice(input, starts: starts, ends: ends, axes: node.ints("axes"), steps: nil)
    }
    guard let startsName = node.input(1), let endsName = node.input(2) else {
      throw node.invalid("Slice without starts or ends")
    }
    let starts = try requireConstant(startsName, "starts").intValues
    let ends = try requireConstant(endsName, "ends").intValues
    let axes = try node.input(3).map { try requireConstant($0, "axes").intValues }
    let steps = try node.input(4).map { try requireConstant($0, "steps").intValues }
    return try ShapeRules.slice(input, starts: starts, ends: ends, axes: axes, steps: steps)
  }

  /// `Unsqueeze` axes: attribute before opset 13, input after.
  func unsqueezeShape(_ node: ONNXNode) throws -> [Int] {
    guard let axes = try axesArgument(node, input: 1) else { throw node.invalid("Unsqueeze without axes") }
    return try ShapeRules.unsqueeze(try shape(try node.required(0)), axes: axes)
  }

  func squeezeShape(_ node: ONNXNode) throws -> [Int] {
    try ShapeRules.squeeze(try shape(try node.required(0)), axes: try axesArgument(node, input: 1))
  }

  /// The output shape of `Expand`: ONNX broadcasts both ways (WebNN's expand one way).
  func expandShape(_ node: ONNXNode) throws -> [Int] {
    guard let name = node.input(1) else { throw node.invalid("Expand without a shape") }
    let target = try requireConstant(name, "the target shape").intValues
    return try ShapeRules.broadcast(try shape(try node.required(0)), target)
  }

  func tileRepeats(_ node: ONNXNode) throws -> [Int] {
    guard let name = node.input(1) else { throw node.invalid("Tile without repeats") }
    let repeats = try requireConstant(name, "repeats").intValues
    guard repeats.count == (try shape(try node.required(0))).count, repeats.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 })
    else {
      throw node.invalid("Tile repeats \(repeats) do not match the input rank")
    }
    return repeats
  }

  func transposePermutation(_ node: ONNXNode) throws -> [Int] {
    let rank = try shape(try node.required(0)).count
    let permutation = node.ints("perm") ?? Array((0..<rank).reversed())
    guard permutation.sorted() == Array(0..<rank) else {
      throw node.invalid("Transpose perm \(permutation) is not a permutation of rank \(rank)")
    }
    return permutation
  }

  /// The value of a `Constant` node, from whichever attribute it uses.
  func constantAttribute(_ node: ONNXNode) throws -> HostTensor {
    if let attribute = node.attribute("value") {
      return try HostTensor(proto: attribute.t, directory: directory)
    }
    if let v = node.float("value_float") { return HostTensor(type: .float, shape: [], floats: [v]) }
    if let v = node.floats("value_floats") { return HostTensor(type: .float, shape: [v.count], floats: v) }
    if let v = node.attribute("value_int") { return HostTensor.scalar(v.i) }
    if let v = node.attribute("value_ints") { return HostTensor.vector(v.ints) }
    if node.has("sparse_value") { throw node.unsupported("sparse_value") }
    if node.has("value_string") || node.has("value_strings") { throw node.unsupported("string constants") }
    throw node.invalid("Constant without a value")
  }
}
