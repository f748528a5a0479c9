import Foundation

/// Constant folding: nodes whose inputs are all known are evaluated at import, so that shape
/// computations (Shape → Gather → Concat → Reshape, as transformer exports have) leave only
/// their result in the graph.
extension GraphImporter {
  func fold(_ node: ONNXNode) throws -> [HostTensor]? {
    switch node.op {
    case "Shape":
      // Shapes are static in WebNN, so Shape always folds.
      let shape = try shape(try node.required(0))
      let rank = shape.count
      func clampedAxis(_ a: Int) -> Int { min(max(a < 0 ? a + rank : a, 0), rank) }
      let start = clampedAxis(node.int("start", default: 0))
      let end = clampedAxis(node.int("end", default: rank))
      return [HostTensor.vector(start < end ? shape[start..<end].map { Int64($0) } : [])]
    case "Size":
      return [HostTensor.scalar(Int64(try shape(try node.required(0)).reduce(1, *)))]
    case "Constant":
      return [try constantAttribute(node)]
    default: break
    }
    let present = node.inputs.filter { !$0.isEmpty }
    guard !present.isEmpty, present.allSatisfy({ constant($0) != nil }) else { return nil }
    // A result must be small enough to hold at import; shapes are checked before computing.
    func fits(_ shape: [Int]) -> Bool {
      (try? checkedCount(shape, "")).map { $0 <= options.maxFoldedElements } ?? false
    }
    let inputs = node.inputs.map { constant($0) }
    guard let x = inputs.first ?? nil, fits(x.shape) else { return nil }
    // Input `i`, which the operator requires.
    func known(_ i: Int) throws -> HostTensor {
      guard i < inputs.count, let t = inputs[i] else { throw node.invalid("\(node.op) needs input \(i)") }
      return t
    }

    let result: HostTensor
    switch node.op {
    case "Identity": result = x
    case "Dropout":
      guard !node.hasOutput(1) else { return nil }
      result = x
    case "Cast": result = x.cast(to: try castTarget(node))
    case "CastLike": result = x.cast(to: try known(1).type)
    case "Reshape": result = x.reshaped(try reshapeTarget(node))
    case "Flatten": result = x.reshaped(try ShapeRules.flatten(x.shape, axis: node.int("axis", default: 1)))
    case "Squeeze": result = x.reshaped(try squeezeShape(node))
    case "Unsqueeze": result = x.reshaped(try unsqueezeShape(node))
    case "Transpose": result = x.transposed(try transposePermutation(node))
    case "Slice": result = x.sliced(try sliceAxes(node))
    case "Concat":
      let parts = inputs.compactMap { $0 }
      let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: x.shape.count)
      result = try HostTensor.concatenated(parts, axis: axis)
    case "Gather":
      let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: x.shape.count)
      result = try x.gathered(try known(1), axis: axis)
    case "Expand":
      let shape = try expandShape(node)
      guard fits(shape) else { return nil }
      result = x.broadcast(to: shape)
    case "Tile":
      let repeats = try tileRepeats(node)
      guard fits(zip(x.shape, repeats).map { $0 * $1 }) else { return nil }  // repeats ≤ 2^31 each
      result = x.tiled(repeats)
    case "Where": result = try known(1).selecting(x, try known(2))
    case "ConstantOfShape":
      let shape = x.intValues
      guard fits(shape) else { return nil }
      let fill =
        try node.attribute("value").map { try HostTensor(proto: $0.t, directory: directory) }
        ?? HostTensor(type: .float, shape: [1], floats: [0])
      guard fill.count == 1 else { throw node.invalid("ConstantOfShape value must have one element") }
      result = fill.reshaped([1]).broadcast(to: shape).reshaped(shape)
    case "Range":
      result = try range(x, try known(1), try known(2))
    case "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
      "And", "Or", "Xor":
      let ops: [String: HostTensor.Binary] = [
        "Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Pow": .pow, "Equal": .equal, "Less": .less,
        "Greater": .greater, "LessOrEqual": .lessOrEqual, "GreaterOrEqual": .greaterOrEqual, "And": .and, "Or": .or,
        "Xor": .xor,
      ]
      var op = ops[node.op] ?? .mod
      if node.op == "Mod" && (node.int("fmod", default: 0) != 0 || x.isFloat) { op = .fmod }
      let y = try known(1)
      guard fits(try ShapeRules.broadcast(x.shape, y.shape)) else { return nil }
      result = try HostTensor.binary(op, x, y)
    case "Max", "Min", "Sum":
      let op: HostTensor.Binary = node.op == "Max" ? .max : node.op == "Min" ? .min : .add
      result = try inputs.dropFirst().compactMap { $0 }.reduce(x) { try HostTensor.binary(op, $0, $1) }
    case "Not": result = HostTensor(type: .bool, shape: x.shape, ints: x.ints.map { $0 == 0 ? 1 : 0 })
    case "Neg":
      result = x.isFloat ? x.mapFloats { -$0 } : HostTensor(type: x.type, shape: x.shape, ints: x.ints.map { 0 &- $0 })
    case "Abs":
      result =
        x.isFloat
        ? x.mapFloats { Swift.abs($0) }
        : HostTensor(
          type: x.type, shape: x.shape, ints: x.ints.map { $0.magnitude > Int64.max.magnitude ? $0 : Swift.abs($0) })
    case "Sign":
      result = HostTensor(type: x.type, shape: x.shape, values: x.floats.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
    case "Sqrt", "Exp", "Log", "Reciprocal", "Floor", "Ceil", "Round", "Relu", "Sigmoid", "Tanh", "Erf", "Sin", "Cos":
      guard x.isFloat else { return nil }
      let functions: [String: (Float) -> Float] = [
        "Sqrt": { $0.squareRoot() }, "Exp": { Foundation.exp($0) }, "Log": { Foundation.log($0) },
        "Reciprocal": { 1 / $0 }, "Floor": { $0.rounded(.down) }, "Ceil": { $0.rounded(.up) },
        "Round": { $0.rounded(.toNearestOrEven) }, "Relu": { Swift.max($0, 0) },
        "Sigmoid": { 1 / (1 + Foundation.exp(-$0)) }, "Tanh": { Foundation.tanh($0) }, "Erf": { Foundation.erf($0) },
        "Sin": { Foundation.sin($0) }, "Cos": { Foundation.cos($0) },
      ]
      result = x.mapFloats(functions[node.op]!)
    case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd":
      let kinds: [String: HostTensor.Reduction] = [
        "ReduceSum": .sum, "ReduceMean": .mean, "ReduceMax": .max, "ReduceMin": .min, "ReduceProd": .prod,
      ]
      guard let axes = try reductionAxes(node, rank: x.shape.count) else {
        result = x
        break
      }
      result = x.reduced(kinds[node.op]!, axes: axes, keepDims: node.int("keepdims", default: 1) != 0)
    default:
      return nil
    }
    guard fits(result.shape) else { return nil }
    return [result]
  }

  /// `Range(start, limit, delta)`: ceil((limit − start) / delta) elements.
  func range(_ start: HostTensor, _ limit: HostTensor, _ delta: HostTensor) throws -> HostTensor {
    if start.isFloat {
      guard let s = start.scalarFloat, let l = limit.scalarFloat, let d = delta.scalarFloat, d != 0 else {
        throw ONNXImportError.invalid("Range needs scalar start, limit and a nonzero delta")
      }
      let steps = ((l - s) / d).rounded(.up)
      guard steps.isFinite, steps < Float(options.maxFoldedElements) else {
        throw ONNXImportError.notSupported("Range from \(s) to \(l) by \(d)")
      }
      let n = max(Int(steps), 0)
      guard n <= options.maxFoldedElements else { throw ONNXImportError.notSupported("Range of \(n) elements") }
      return HostTensor(type: start.type, shape: [n], floats: (0..<n).map { s + Float($0) * d })
    }
    guard start.count == 1, limit.count == 1, delta.count == 1, delta.ints[0] != 0 else {
      throw ONNXImportError.invalid("Range needs scalar start, limit and a nonzero delta")
    }
    let (s, l, d) = (start.ints[0], limit.ints[0], delta.ints[0])
    let (span, overflow) = l.subtractingReportingOverflow(s)
    guard !overflow, abs(span) < 1 << 40, abs(d) < 1 << 40 else {
      throw ONNXImportError.notSupported("Range from \(s) to \(l) by \(d)")
    }
    let n = max(Int((span + (d > 0 ? d - 1 : d + 1)) / d), 0)
    guard n <= options.maxFoldedElements else { throw ONNXImportError.notSupported("Range of \(n) elements") }
    return HostTensor(type: start.type, shape: [n], ints: (0..<n).map { s + Int64($0) * d })
  }

  /// Reduction axes normalized; nil means "reduce nothing" (noop_with_empty_axes with no axes).
  func reductionAxes(_ node: ONNXNode, rank: Int) throws -> [Int]? {
    let axes = try axesArgument(node, input: 1)
    if axes == nil || axes!.isEmpty {
      return node.int("noop_with_empty_axes", default: 0) != 0 ? nil : Array(0..<rank)
    }
    return try ShapeRules.axes(axes!, rank: rank)
  }
}
