/// Shape arithmetic shared by constant folding and graph emission, so that both follow one
/// reading of the ONNX operator definitions.
enum ShapeRules {
  static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[d] = s
      s *= shape[d]
    }
    return strides
  }

  /// Numpy-style (bidirectional) broadcasting.
  static func broadcast(_ a: [Int], _ b: [Int]) throws -> [Int] {
    let rank = max(a.count, b.count)
    let pa = [Int](repeating: 1, count: rank - a.count) + a
    let pb = [Int](repeating: 1, count: rank - b.count) + b
    return try (0..<rank).map { d in
      if pa[d] == pb[d] || pb[d] == 1 { return pa[d] }
      if pa[d] == 1 { return pb[d] }
      throw ONNXImportError.invalid("shapes \(a) and \(b) do not broadcast")
    }
  }

  /// An axis in [-rank, rank) made non-negative.
  static func axis(_ axis: Int, rank: Int, _ what: String = "axis") throws -> Int {
    guard axis >= -rank, axis < rank else {
      throw ONNXImportError.invalid("\(what) \(axis) is out of range for rank \(rank)")
    }
    return axis < 0 ? axis + rank : axis
  }

  static func axes(_ axes: [Int], rank: Int, _ what: String = "axes") throws -> [Int] {
    let normalized = try axes.map { try axis($0, rank: rank, what) }
    guard Set(normalized).count == normalized.count else {
      throw ONNXImportError.invalid("\(what) \(axes) has duplicates")
    }
    return normalized
  }

  /// `Reshape`: 0 copies the input dimension (unless `allowZero`), -1 is inferred.
  static func reshape(_ input: [Int], _ target: [Int], allowZero: Bool) throws -> [Int] {
    let count = input.reduce(1, *)
    var shape = try target.enumerated().map { i, d -> Int in
      if d == 0 && !allowZero {
        guard i < input.count else { throw ONNXImportError.invalid("Reshape: 0 at \(i) has no input dimension") }
        return input[i]
      }
      guard d >= -1 else { throw ONNXImportError.invalid("Reshape: dimension \(d) in \(target)") }
      return d
    }
    let inferred = shape.indices.filter { shape[$0] == -1 }
    guard inferred.count <= 1 else { throw ONNXImportError.invalid("Reshape: more than one -1 in \(target)") }
    let known = try checkedCount(shape.filter { $0 != -1 }, "Reshape target \(target)")
    if let i = inferred.first {
      guard known > 0, count % known == 0 else {
        throw ONNXImportError.invalid("Reshape: cannot infer -1 in \(target) for \(count) elements")
      }
      shape[i] = count / known
    }
    guard try checkedCount(shape, "Reshape target \(target)") == count else {
      throw ONNXImportError.invalid("Reshape: \(target) does not hold the \(count) elements of \(input)")
    }
    return shape
  }

  static func flatten(_ input: [Int], axis: Int) throws -> [Int] {
    // Flatten's axis lies in [-rank, rank]: rank itself gives [prod(shape), 1].
    guard axis >= -input.count, axis <= input.count else {
      throw ONNXImportError.invalid("Flatten axis \(axis) is out of range for rank \(input.count)")
    }
    let a = axis < 0 ? axis + input.count : axis
    return [input[..<a].reduce(1, *), input[a...].reduce(1, *)]
  }

  static func squeeze(_ input: [Int], axes: [Int]?) throws -> [Int] {
    guard let axes else { return input.filter { $0 != 1 } }
    let normalized = Set(try ShapeRules.axes(axes, rank: input.count))
    for a in normalized where input[a] != 1 {
      throw ONNXImportError.invalid("Squeeze: dimension \(a) of \(input) is not 1")
    }
    return input.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
  }

  static func unsqueeze(_ input: [Int], axes: [Int]) throws -> [Int] {
    let rank = input.count + axes.count
    let normalized = Set(try ShapeRules.axes(axes, rank: rank))
    var source = input.makeIterator()
    return (0..<rank).map { normalized.contains($0) ? 1 : source.next()! }
  }

  /// One axis of an ONNX `Slice`: the first index, the step and the element count, after
  /// clamping as the operator defines (negative starts and ends count from the end).
  struct SliceAxis {
    var start: Int
    var step: Int
    var count: Int
  }

  static func sliceAxis(dim: Int, start: Int, end: Int, step: Int) throws -> SliceAxis {
    guard step != 0 else { throw ONNXImportError.invalid("Slice: step 0") }
    var s = start < 0 ? start + dim : start
    var e = end < 0 ? end + dim : end
    if step > 0 {
      s = Swift.min(Swift.max(s, 0), dim)
      e = Swift.min(Swift.max(e, 0), dim)
      return SliceAxis(start: s, step: step, count: e > s ? (e - s + step - 1) / step : 0)
    }
    s = Swift.min(Swift.max(s, 0), dim - 1)
    e = Swift.min(Swift.max(e, -1), dim - 1)
    return SliceAxis(start: s, step: step, count: s > e ? (s - e - step - 1) / -step : 0)
  }

  /// Per-axis slices for all dimensions (axes not named take everything).
  static func slice(
    _ input: [Int], starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
  ) throws -> [SliceAxis] {
    guard starts.count == ends.count else { throw ONNXImportError.invalid("Slice: starts and ends differ in length") }
    let axes = try ShapeRules.axes(axes ?? Array(0..<starts.count), rank: input.count)
    guard axes.count == starts.count, (steps?.count ?? starts.count) == starts.count else {
      throw ONNXImportError.invalid("Slice: starts, ends, axes and steps differ in length")
    }
    var result = input.map { SliceAxis(start: 0, step: 1, count: $0) }
    for (i, a) in axes.enumerated() {
      // Exporters write INT64_MAX/MIN for "to the end"; clamp before any arithmetic.
      let clamp = { (v: Int) in Swift.min(Swift.max(v, -(1 << 40)), 1 << 40) }
      let step = clamp(steps?[i] ?? 1)
      result[a] = try sliceAxis(dim: input[a], start: clamp(starts[i]), end: clamp(ends[i]), step: step)
    }
    return result
  }
}
