import Foundation

/// The CPU evaluator that folds nodes whose inputs are all known: shape plumbing (Shape,
/// Gather, Concat, Reshape, ...) and small arithmetic. Float math is done in Float, as ONNX
/// Runtime does for float tensors; integer math in Int64.
extension HostTensor {
  /// Picks elements by flat input index for each output position.
  func picking(_ shape: [Int], type: ONNXElementType? = nil, _ source: [Int]) -> HostTensor {
    switch storage {
    case .float(let v): HostTensor(type: type ?? self.type, shape: shape, floats: source.map { v[$0] })
    case .int(let v): HostTensor(type: type ?? self.type, shape: shape, ints: source.map { v[$0] })
    }
  }

  /// Flat input indices of an output of `shape`, from a function of the output's multi-index.
  static func indexMap(_ shape: [Int], _ body: ([Int]) -> Int) -> [Int] {
    let count = shape.reduce(1, *)
    guard count > 0 else { return [] }
    var index = [Int](repeating: 0, count: shape.count)
    var result: [Int] = []
    result.reserveCapacity(count)
    for _ in 0..<count {
      result.append(body(index))
      var d = shape.count - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < shape[d] { break }
        index[d] = 0
        d -= 1
      }
    }
    return result
  }

  /// The flat index into a tensor of `shape` that broadcasts to an output multi-index.
  static func broadcastSource(_ shape: [Int], into outRank: Int) -> ([Int]) -> Int {
    let strides = ShapeRules.strides(shape)
    let offset = outRank - shape.count
    return { index in
      var flat = 0
      for d in 0..<shape.count where shape[d] != 1 { flat += index[d + offset] * strides[d] }
      return flat
    }
  }

  func broadcast(to shape: [Int]) -> HostTensor {
    if shape == self.shape { return self }
    return picking(shape, HostTensor.indexMap(shape, HostTensor.broadcastSource(self.shape, into: shape.count)))
  }

  enum Binary {
    case add, sub, mul, div, pow, max, min, mod, fmod
    case equal, less, greater, lessOrEqual, greaterOrEqual, and, or, xor
  }

  static func binary(_ op: Binary, _ a: HostTensor, _ b: HostTensor) throws -> HostTensor {
    let shape = try ShapeRules.broadcast(a.shape, b.shape)
    let x = a.broadcast(to: shape)
    let y = b.broadcast(to: shape)
    let comparison: Bool
    switch op {
    case .equal, .less, .greater, .lessOrEqual, .greaterOrEqual, .and, .or, .xor: comparison = true
    default: comparison = false
    }
    if a.isFloat || b.isFloat {
      let (u, v) = (x.floats, y.floats)
      if comparison {
        let f: (Float, Float) -> Bool
        switch op {
        case .equal: f = (==)
        case .less: f = (<)
        case .greater: f = (>)
        case .lessOrEqual: f = (<=)
        case .greaterOrEqual: f = (>=)
        case .and: f = { $0 != 0 && $1 != 0 }
        case .or: f = { $0 != 0 || $1 != 0 }
        default: f = { ($0 != 0) != ($1 != 0) }
        }
        return HostTensor(type: .bool, shape: shape, ints: zip(u, v).map { f($0, $1) ? 1 : 0 })
      }
      let f: (Float, Float) -> Float
      switch op {
      case .add: f = (+)
      case .sub: f = (-)
      case .mul: f = (*)
      case .div: f = (/)
      case .pow: f = { Foundation.pow($0, $1) }
      case .max: f = { Swift.max($0, $1) }
      case .min: f = { Swift.min($0, $1) }
      case .fmod: f = { fmodf($0, $1) }
      default: f = { $0 - ($0 / $1).rounded(.down) * $1 }
      }
      let result = HostTensor(type: .float, shape: shape, floats: zip(u, v).map { f($0, $1) })
      return result.cast(to: a.type)
    }
    let (u, v) = (x.ints, y.ints)
    if comparison {
      let f: (Int64, Int64) -> Bool
      switch op {
      case .equal: f = (==)
      case .less: f = (<)
      case .greater: f = (>)
      case .lessOrEqual: f = (<=)
      case .greaterOrEqual: f = (>=)
      case .and: f = { $0 != 0 && $1 != 0 }
      case .or: f = { $0 != 0 || $1 != 0 }
      default: f = { ($0 != 0) != ($1 != 0) }
      }
      return HostTensor(type: .bool, shape: shape, ints: zip(u, v).map { f($0, $1) ? 1 : 0 })
    }
    let f: (Int64, Int64) throws -> Int64
    switch op {
    case .add: f = { $0 &+ $1 }
    case .sub: f = { $0 &- $1 }
    case .mul: f = { $0 &* $1 }
    case .div:
      f = { p, q in
        guard q != 0 else { throw ONNXImportError.invalid("integer division by zero") }
        return p / q
      }
    case .pow:
      f = { base, exponent in
        // Exponentiation by squaring, wrapping like the integer kernels.
        guard exponent >= 0 else { return base == 1 ? 1 : 0 }
        var (result, b, e) = (Int64(1), base, exponent)
        while e > 0 {
          if e & 1 == 1 { result = result &* b }
          b = b &* b
          e >>= 1
        }
        return result
      }
    case .max: f = { Swift.max($0, $1) }
    case .min: f = { Swift.min($0, $1) }
    case .fmod, .mod:
      let floored = op == .mod
      f = { p, q in
        guard q != 0 else { throw ONNXImportError.invalid("integer modulo by zero") }
        let r = p % q
        return floored && r != 0 && ((r < 0) != (q < 0)) ? r + q : r
      }
    default: f = { $0 - $1 }
    }
    return HostTensor(type: a.type, shape: shape, ints: try zip(u, v).map { try f($0, $1) }).cast(to: a.type)
  }

  func mapFloats(_ f: (Float) -> Float) -> HostTensor {
    HostTensor(type: type, shape: shape, floats: floats.map(f))
  }

  func transposed(_ permutation: [Int]) -> HostTensor {
    let shape = permutation.map { self.shape[$0] }
    let strides = ShapeRules.strides(self.shape)
    return picking(
      shape,
      HostTensor.indexMap(shape) { index in
        var flat = 0
        for (d, p) in permutation.enumerated() { flat += index[d] * strides[p] }
        return flat
      })
  }

  func sliced(_ axes: [ShapeRules.SliceAxis]) -> HostTensor {
    let shape = axes.map(\.count)
    let strides = ShapeRules.strides(self.shape)
    return picking(
      shape,
      HostTensor.indexMap(shape) { index in
        var flat = 0
        for d in 0..<index.count { flat += (axes[d].start + index[d] * axes[d].step) * strides[d] }
        return flat
      })
  }

  func gathered(_ indices: HostTensor, axis: Int) throws -> HostTensor {
    let dim = shape[axis]
    let idx = try indices.intValues.map { i -> Int in
      let j = i < 0 ? i + dim : i
      guard j >= 0, j < dim else { throw ONNXImportError.invalid("Gather: index \(i) out of range for \(dim)") }
      return j
    }
    let outShape = Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...])
    let strides = ShapeRules.strides(shape)
    let q = indices.shape.count
    let idxStrides = ShapeRules.strides(indices.shape)
    return picking(
      outShape,
      HostTensor.indexMap(outShape) { index in
        var flat = 0
        for d in 0..<axis { flat += index[d] * strides[d] }
        var k = 0
        for d in 0..<q { k += index[axis + d] * idxStrides[d] }
        flat += idx[k] * strides[axis]
        for d in (axis + 1)..<Swift.max(shape.count, axis + 1) { flat += index[d - 1 + q] * strides[d] }
        return flat
      })
  }

  static func concatenated(_ parts: [HostTensor], axis: Int) throws -> HostTensor {
    guard let first = parts.first else { throw ONNXImportError.invalid("Concat: no inputs") }
    var shape = first.shape
    shape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
    for p in parts {
      guard p.shape.count == shape.count,
        (0..<shape.count).allSatisfy({ $0 == axis || p.shape[$0] == shape[$0] })
      else { throw ONNXImportError.invalid("Concat: shapes \(parts.map(\.shape)) differ off axis \(axis)") }
    }
    let outer = shape[..<axis].reduce(1, *)
    let inner = shape[(axis + 1)...].reduce(1, *)
    let anyFloat = parts.contains { $0.isFloat }
    var floats: [Float] = []
    var ints: [Int64] = []
    for o in 0..<outer {
      for p in parts {
        let chunk = p.shape[axis] * inner
        let range = (o * chunk)..<((o + 1) * chunk)
        if anyFloat { floats += p.floats[range] } else { ints += p.ints[range] }
      }
    }
    return anyFloat
      ? HostTensor(type: first.type, shape: shape, floats: floats)
      : HostTensor(type: first.type, shape: shape, ints: ints)
  }

  func tiled(_ repeats: [Int]) -> HostTensor {
    let outShape = zip(shape, repeats).map { $0 * $1 }
    let strides = ShapeRules.strides(shape)
    return picking(
      outShape,
      HostTensor.indexMap(outShape) { index in
        var flat = 0
        for d in 0..<index.count { flat += (index[d] % shape[d]) * strides[d] }
        return flat
      })
  }

  func selecting(_ condition: HostTensor, _ other: HostTensor) throws -> HostTensor {
    let shape = try ShapeRules.broadcast(condition.shape, try ShapeRules.broadcast(self.shape, other.shape))
    let c = condition.broadcast(to: shape).ints
    if isFloat || other.isFloat {
      let (x, y) = (broadcast(to: shape).floats, other.broadcast(to: shape).floats)
      return HostTensor(type: type, shape: shape, floats: c.indices.map { c[$0] != 0 ? x[$0] : y[$0] })
    }
    let (x, y) = (broadcast(to: shape).ints, other.broadcast(to: shape).ints)
    return HostTensor(type: type, shape: shape, ints: c.indices.map { c[$0] != 0 ? x[$0] : y[$0] })
  }

  enum Reduction { case sum, mean, max, min, prod }

  func reduced(_ op: Reduction, axes: [Int], keepDims: Bool) -> HostTensor {
    let reducedAxes = Set(axes)
    let keptShape = shape.enumerated().map { reducedAxes.contains($0.offset) ? 1 : $0.element }
    let count = keptShape.reduce(1, *)
    let strides = ShapeRules.strides(keptShape)
    let target = HostTensor.indexMap(shape) { index in
      var flat = 0
      for d in 0..<index.count where !reducedAxes.contains(d) { flat += index[d] * strides[d] }
      return flat
    }
    let outShape = keepDims ? keptShape : shape.enumerated().filter { !reducedAxes.contains($0.offset) }.map(\.element)
    let n = Float(self.count / Swift.max(count, 1))
    if isFloat {
      let initial: Float =
        switch op {
        case .sum, .mean: 0
        case .prod: 1
        case .max: -.infinity
        case .min: .infinity
        }
      var acc = [Float](repeating: initial, count: count)
      for (i, v) in floats.enumerated() {
        let t = target[i]
        switch op {
        case .sum, .mean: acc[t] += v
        case .prod: acc[t] *= v
        case .max: acc[t] = Swift.max(acc[t], v)
        case .min: acc[t] = Swift.min(acc[t], v)
        }
      }
      if op == .mean { acc = acc.map { $0 / n } }
      return HostTensor(type: type, shape: outShape, floats: acc)
    }
    let initial: Int64 =
      switch op {
      case .sum, .mean: 0
      case .prod: 1
      case .max: Int64.min
      case .min: Int64.max
      }
    var acc = [Int64](repeating: initial, count: count)
    for (i, v) in ints.enumerated() {
      let t = target[i]
      switch op {
      case .sum, .mean: acc[t] &+= v
      case .prod: acc[t] &*= v
      case .max: acc[t] = Swift.max(acc[t], v)
      case .min: acc[t] = Swift.min(acc[t], v)
      }
    }
    if op == .mean { acc = acc.map { $0 / Int64(Swift.max(n, 1)) } }
    return HostTensor(type: type, shape: outShape, ints: acc)
  }
}
