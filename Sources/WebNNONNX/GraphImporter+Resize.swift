import Foundation
import WebNNCore

/// Resize (and the older Upsample). Each resized axis is checked against WebNN's resample2d
/// (half-pixel centers, clamped); where its sampling matches ONNX's exactly, resample2d runs.
/// Otherwise every mode is still exact as separable per-axis operations: nearest is a gather
/// of fixed indices, linear and cubic a product with a fixed interpolation matrix.
extension GraphImporter {
  struct ResizeAxis {
    var axis: Int
    var input: Int
    var output: Int
    var scale: Double
  }

  func convertResize(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs X") }
    let x = try operand(xName)
    let rank = x.rank
    let mode = try node.requireString("mode", in: ["nearest", "linear", "cubic"], default: "nearest")
    let transform = try node.requireString(
      "coordinate_transformation_mode",
      in: ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"],
      default: node.opset < 11 ? "asymmetric" : "half_pixel")
    let nearestMode = try node.requireString(
      "nearest_mode", in: ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"],
      default: node.opset < 11 ? "floor" : "round_prefer_floor")
    if node.int("antialias", default: 0) != 0 { throw node.unsupported("antialias=1") }
    if node.string("keep_aspect_ratio_policy", default: "stretch") != "stretch" {
      throw node.unsupported("keep_aspect_ratio_policy=\(node.string("keep_aspect_ratio_policy")!)")
    }
    let axes = try ShapeRules.axes(node.ints("axes") ?? Array(0..<rank), rank: rank)

    // Scales and sizes: Upsample-7 and Resize-10 carry scales only; later ones either.
    var scales: [Double]?
    var sizes: [Int]?
    if let attribute = node.floats("scales") {
      scales = attribute.map(Double.init)
    } else {
      let scaleInput = node.op == "Upsample" || node.opset < 11 ? 1 : 2
      if let name = node.input(scaleInput) {
        let t = try requireConstant(name, "scales")
        if t.count > 0 { scales = t.floats.map(Double.init) }
      }
      if node.op == "Resize" && node.opset >= 11, let name = node.input(3) {
        let t = try requireConstant(name, "sizes")
        if t.count > 0 { sizes = t.intValues }
      }
    }
    var plan: [ResizeAxis] = []
    for (i, a) in axes.enumerated() {
      let input = x.shape[a]
      let output: Int
      let scale: Double
      if let sizes {
        guard sizes.count == axes.count else { throw node.invalid("sizes \(sizes) do not fit axes \(axes)") }
        output = sizes[i]
        scale = Double(output) / Double(input)
      } else if let scales {
        guard scales.count == axes.count, scales[i] > 0, Double(input) * scales[i] < Double(1 << 31) else {
          throw node.invalid("scales \(scales) do not fit axes \(axes)")
        }
        scale = scales[i]
        output = Int((Double(input) * scale).rounded(.down))
      } else {
        throw node.invalid("neither scales nor sizes")
      }
      guard output > 0 else { throw node.unsupported("an empty output along axis \(a)") }
      if output != input || scale != 1 { plan.append(ResizeAxis(axis: a, input: input, output: output, scale: scale)) }
    }
    let type = try self.type(xName)
    if plan.isEmpty { return set(node.outputs[0], try builder.identity(x), type) }

    // The ONNX source coordinate of each output position.
    func source(_ r: ResizeAxis, _ o: Int) -> Double {
      let x = Double(o)
      switch transform {
      case "align_corners": return r.output == 1 ? 0 : x * Double(r.input - 1) / Double(r.output - 1)
      case "asymmetric": return x / r.scale
      case "pytorch_half_pixel": return r.output > 1 ? (x + 0.5) / r.scale - 0.5 : 0
      default: return (x + 0.5) / r.scale - 0.5
      }
    }
    func nearest(_ r: ResizeAxis, _ o: Int) -> Int {
      let p = source(r, o)
      let i: Double
      switch nearestMode {
      case "floor": i = p.rounded(.down)
      case "ceil": i = p.rounded(.up)
      case "round_prefer_ceil": i = (p + 0.5).rounded(.down)
      default: i = (p - 0.5).rounded(.up)
      }
      return min(max(Int(i), 0), r.input - 1)
    }
    // What resample2d reads: in / out scaling with half-pixel centers, clamped.
    func webnnPosition(_ r: ResizeAxis, _ o: Int) -> Double {
      min(max((Double(o) + 0.5) * Double(r.input) / Double(r.output) - 0.5, 0), Double(r.input - 1))
    }
    let matches = plan.allSatisfy { r in
      (0..<r.output).allSatisfy { o in
        if mode == "nearest" {
          return nearest(r, o) == Int((webnnPosition(r, o) - 0.5).rounded(.up))
        }
        let p = min(max(source(r, o), 0), Double(r.input - 1))
        return mode == "linear" && abs(p - webnnPosition(r, o)) < 1e-9
      }
    }
    let resized = Set(plan.map(\.axis))
    let pair: [Int]? =
      rank == 4 && plan.count <= 2
      ? [[2, 3], [1, 2], [0, 1]].first { Set($0).isSuperset(of: resized) } : nil
    if matches, let pair, x.dataType.isFloatingPoint || mode == "nearest" {
      let options = MLResample2dOptions(
        mode: mode == "nearest" ? .nearestNeighbor : .linear,
        sizes: pair.map { a in plan.first { $0.axis == a }?.output ?? x.shape[a] },
        axes: pair)
      return set(node.outputs[0], try builder.resample2d(x, options: options), type)
    }

    var y = x
    for r in plan {
      if mode == "nearest" {
        let indices = (0..<r.output).map { Int32(nearest(r, $0)) }
        let constant = try builder.constant(.init(dataType: .int32, shape: [r.output]), indices)
        y = try builder.gather(y, constant, options: .init(axis: r.axis))
        continue
      }
      guard y.dataType.isFloatingPoint else { throw node.unsupported("\(mode) resize of \(y.dataType.rawValue)") }
      let weights = mode == "linear" ? linearWeights(r, source) : try cubicWeights(node, r, source)
      y = try applyAlongAxis(y, weights: weights, r)
    }
    set(node.outputs[0], y, type)
  }

  /// The [output, input] matrix of linear interpolation (source positions clamped to the input).
  func linearWeights(_ r: ResizeAxis, _ source: (ResizeAxis, Int) -> Double) -> [Float] {
    var m = [Float](repeating: 0, count: r.output * r.input)
    for o in 0..<r.output {
      let p = min(max(source(r, o), 0), Double(r.input - 1))
      let a = Int(p.rounded(.down))
      let b = min(a + 1, r.input - 1)
      let t = p - Double(a)
      m[o * r.input + a] += Float(1 - t)
      m[o * r.input + b] += Float(t)
    }
    return m
  }

  /// Cubic convolution weights (coefficient `cubic_coeff_a`) over the four neighbours; indices
  /// outside the input repeat the edge, or are dropped and the rest renormalized with
  /// exclude_outside.
  func cubicWeights(_ node: ONNXNode, _ r: ResizeAxis, _ source: (ResizeAxis, Int) -> Double) throws -> [Float] {
    let a = Double(node.float("cubic_coeff_a", default: -0.75))
    let exclude = node.int("exclude_outside", default: 0) != 0
    func kernel(_ s: Double) -> Double {
      let x = abs(s)
      if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
      if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
      return 0
    }
    var m = [Float](repeating: 0, count: r.output * r.input)
    for o in 0..<r.output {
      let p = source(r, o)
      let base = Int(p.rounded(.down))
      let t = p - Double(base)
      var w = [kernel(1 + t), kernel(t), kernel(1 - t), kernel(2 - t)]
      let indices = (-1...2).map { base + $0 }
      if exclude {
        for k in 0..<4 where indices[k] < 0 || indices[k] >= r.input { w[k] = 0 }
        let sum = w.reduce(0, +)
        if sum != 0 { w = w.map { $0 / sum } }
      }
      for k in 0..<4 {
        let i = min(max(indices[k], 0), r.input - 1)
        m[o * r.input + i] += Float(w[k])
      }
    }
    return m
  }

  /// y[..., o, ...] = Σ_i weights[o, i] · x[..., i, ...] along `r.axis`, as a matmul with the
  /// axis moved last.
  func applyAlongAxis(_ x: MLOperand, weights: [Float], _ r: ResizeAxis) throws -> MLOperand {
    let rank = x.rank
    var transposed = weights
    for o in 0..<r.output { for i in 0..<r.input { transposed[i * r.output + o] = weights[o * r.input + i] } }
    let matrixShape = [Int](repeating: 1, count: max(rank - 2, 0)) + [r.input, r.output]
    let matrix = try builder.constant(.init(dataType: .float32, shape: matrixShape), transposed)
    let typed = x.dataType == .float32 ? matrix : try builder.cast(matrix, x.dataType)
    var permutation = Array(0..<rank)
    permutation.swapAt(r.axis, rank - 1)
    var y = r.axis == rank - 1 ? x : try builder.transpose(x, options: .init(permutation: permutation))
    if rank == 1 { y = try builder.reshape(y, [1, r.input]) }
    y = try builder.matmul(y, rank == 1 ? try builder.reshape(typed, [r.input, r.output]) : typed)
    if rank == 1 { y = try builder.reshape(y, [r.output]) }
    return r.axis == rank - 1 ? y : try builder.transpose(y, options: .init(permutation: permutation))
  }
}
