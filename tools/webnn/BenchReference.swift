import Foundation

/// A CPU reference for a sample of output elements, so that `webnn bench --check` catches a
/// wrong kernel without ONNX Runtime. It evaluates element-wise chains, and conv2d, 2-D matmul
/// and last-axis softmax, layerNormalization and reduceSum whose operands are inputs or
/// constants, in Double; other graphs have no reference.
enum BenchReference {
  static let samples = 64

  /// max |ours - reference| / max |reference| over the sampled elements of `output`, or nil when
  /// the operator producing it has no reference here.
  static func sampledError(_ graph: BenchGraph, _ output: BenchGraph.Output, _ values: [Float]) -> Double? {
    guard graph.node(named: output.operand) != nil, !values.isEmpty else { return nil }
    let stride = Swift.max(1, values.count / samples)
    var (largestDifference, largestReference) = (0.0, 0.0)
    for sample in 0..<Swift.min(samples, values.count) {
      // Evenly spread, each shifted within its stride so that rows and columns vary.
      let index = Swift.min(values.count - 1, sample * stride + (sample * 7919) % stride)
      guard let reference = value(graph, output.operand, index) else { return nil }
      largestDifference = Swift.max(largestDifference, Swift.abs(Double(values[index]) - reference))
      largestReference = Swift.max(largestReference, Swift.abs(reference))
    }
    return largestDifference / Swift.max(largestReference, .leastNormalMagnitude)
  }

  /// Element `index` of the operand `name`, or nil when this reference cannot compute it.
  static func value(_ graph: BenchGraph, _ name: String, _ index: Int) -> Double? {
    if let known = graph.floatValues(name) { return Double(known[index]) }
    guard let node = graph.node(named: name) else { return nil }
    let count = node.shape.reduce(1, *)
    // Element-wise operands must have the output's shape: broadcasting is not modelled.
    func operand(_ position: Int) -> Double? {
      let input = node.inputs[position]
      let size = graph.floatValues(input)?.count ?? graph.node(named: input)?.shape.reduce(1, *)
      return size == count ? value(graph, input, index) : nil
    }
    switch node.op {
    case "add", "sub", "mul", "div", "max", "min":
      guard let a = operand(0), let b = operand(1) else { return nil }
      switch node.op {
      case "add": return a + b
      case "sub": return a - b
      case "mul": return a * b
      case "div": return a / b
      case "max": return Swift.max(a, b)
      default: return Swift.min(a, b)
      }
    case "abs", "neg", "exp", "sqrt", "relu", "sigmoid", "tanh", "erf", "gelu":
      guard let x = operand(0) else { return nil }
      return unary(node.op, x)
    case "softmax", "layerNormalization", "reduceSum": return lastAxis(graph, node, index)
    case "matmul": return matmul(graph, node, index)
    case "conv2d": return conv2d(graph, node, index)
    default: return nil
    }
  }

  static func unary(_ op: String, _ x: Double) -> Double {
    switch op {
    case "abs": return Swift.abs(x)
    case "neg": return -x
    case "exp": return Foundation.exp(x)
    case "sqrt": return x.squareRoot()
    case "relu": return Swift.max(0, x)
    case "sigmoid": return 1 / (1 + Foundation.exp(-x))
    case "tanh": return Foundation.tanh(x)
    case "erf": return Foundation.erf(x)
    default: return 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot()))
    }
  }

  /// softmax, layerNormalization or reduceSum of a known 2-D operand over its last axis: the
  /// whole row of the sampled element.
  static func lastAxis(_ graph: BenchGraph, _ node: BenchGraph.Node, _ index: Int) -> Double? {
    guard let x = graph.floatValues(node.inputs[0]) else { return nil }
    let shape = graph.shape(of: node.inputs[0])
    let lastAxis: [BenchGraph.Attribute] = [.int(shape.count - 1), .ints([shape.count - 1])]
    guard shape.count == 2, lastAxis.contains(where: { $0 == node.attributes["axis"] ?? node.attributes["axes"] })
    else { return nil }
    let width = shape[1]
    let isReduction = node.op == "reduceSum"
    let (row, column) = isReduction ? (index, 0) : (index / width, index % width)
    let values = x[(row * width)..<((row + 1) * width)].map { Double($0) }
    switch node.op {
    case "reduceSum": return values.reduce(0, +)
    case "softmax":
      let largest = values.max()!
      return Foundation.exp(values[column] - largest) / values.reduce(0) { $0 + Foundation.exp($1 - largest) }
    default:
      guard let scale = graph.floatValues(node.inputs[1]), let bias = graph.floatValues(node.inputs[2]),
        case .double(let epsilon) = node.attributes["epsilon"]
      else { return nil }
      let mean = values.reduce(0, +) / Double(width)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(width)
      return (values[column] - mean) / (variance + epsilon).squareRoot() * Double(scale[column]) + Double(bias[column])
    }
  }

  /// A 2-D matmul of two known operands.
  static func matmul(_ graph: BenchGraph, _ node: BenchGraph.Node, _ index: Int) -> Double? {
    guard node.shape.count == 2, let a = graph.floatValues(node.inputs[0]), let b = graph.floatValues(node.inputs[1])
    else {
      return nil
    }
    let (m, n) = (index / node.shape[1], index % node.shape[1])
    let k = a.count / node.shape[0]
    var sum = 0.0
    for i in 0..<k { sum += Double(a[m * k + i]) * Double(b[i * node.shape[1] + n]) }
    return sum
  }

  /// An NCHW / OIHW conv2d (with groups, padding, strides, optional bias) of known operands.
  static func conv2d(_ graph: BenchGraph, _ node: BenchGraph.Node, _ index: Int) -> Double? {
    guard let x = graph.floatValues(node.inputs[0]), let w = graph.floatValues(node.inputs[1]),
      case .ints(let padding) = node.attributes["padding"], case .ints(let strides) = node.attributes["strides"],
      case .int(let groups) = node.attributes["groups"]
    else { return nil }
    let bias = node.inputs.count > 2 ? graph.floatValues(node.inputs[2]) : nil
    let (inShape, filterShape) = (graph.shape(of: node.inputs[0]), graph.shape(of: node.inputs[1]))
    let (inC, inH, inW) = (inShape[1], inShape[2], inShape[3])
    let (inPerGroup, kh, kw) = (filterShape[1], filterShape[2], filterShape[3])
    let (outC, outH, outW) = (node.shape[1], node.shape[2], node.shape[3])
    let (batch, o) = (index / (outC * outH * outW), index / (outH * outW) % outC)
    let (oy, ox) = (index / outW % outH, index % outW)
    let group = o / (outC / groups)
    var sum = bias.map { Double($0[o]) } ?? 0
    for c in 0..<inPerGroup {
      let channel = group * inPerGroup + c
      for ky in 0..<kh {
        let iy = oy * strides[0] + ky - padding[0]
        guard iy >= 0, iy < inH else { continue }
        for kx in 0..<kw {
          let ix = ox * strides[1] + kx - padding[2]
          guard ix >= 0, ix < inW else { continue }
          let xValue = x[((batch * inC + channel) * inH + iy) * inW + ix]
          sum += Double(xValue) * Double(w[((o * inPerGroup + c) * kh + ky) * kw + kx])
        }
      }
    }
    return sum
  }
}
