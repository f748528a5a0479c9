import WebNNCore

/// Shape and data-movement operators.
extension GraphImporter {
  func convertReshape(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    let x = try operand(xName)
    let shape: [Int]
    switch node.op {
    case "Reshape": shape = try reshapeTarget(node)
    case "Flatten": shape = try ShapeRules.flatten(x.shape, axis: node.int("axis", default: 1))
    case "Squeeze": shape = try squeezeShape(node)
    default: shape = try unsqueezeShape(node)
    }
    set(node.outputs[0], try builder.reshape(x, shape), try type(xName))
  }

  func convertTranspose(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    let permutation = try transposePermutation(node)
    let y = try builder.transpose(try operand(xName), options: .init(permutation: permutation))
    set(node.outputs[0], y, try type(xName))
  }

  func convertConcat(_ node: ONNXNode) throws {
    let names = node.inputs.filter { !$0.isEmpty }
    guard let first = names.first else { throw node.invalid("needs inputs") }
    let rank = try shape(first).count
    let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: rank)
    // Empty inputs (an empty cache in some exports) add nothing, and WebNN has no empty tensors.
    let parts = try names.filter { try shape($0).reduce(1, *) > 0 }.map { try operand($0) }
    guard !parts.isEmpty else { throw node.unsupported("all inputs are empty") }
    let y = parts.count == 1 ? try builder.identity(parts[0]) : try builder.concat(parts, axis: axis)
    set(node.outputs[0], y, try type(first))
  }

  func convertSplit(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    let x = try operand(xName)
    let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: x.rank)
    let dim = x.shape[axis]
    var sizes: [Int]
    if let split = node.ints("split") {
      sizes = split
    } else if let name = node.input(1) {
      sizes = try requireConstant(name, "split").intValues
    } else {
      let n = node.int("num_outputs") ?? node.outputs.count
      guard n > 0 else { throw node.invalid("Split into \(n) outputs") }
      let chunk = (dim + n - 1) / n
      sizes = (0..<n).map { min(chunk, max(dim - $0 * chunk, 0)) }
    }
    guard sizes.allSatisfy({ $0 >= 0 && $0 <= dim }), sizes.reduce(0, +) == dim, sizes.count == node.outputs.count
    else {
      throw node.invalid("split sizes \(sizes) do not cover dimension \(dim) with \(node.outputs.count) outputs")
    }
    guard sizes.allSatisfy({ $0 > 0 }) else { throw node.unsupported("empty split outputs (sizes \(sizes))") }
    let parts =
      sizes.count == 1
      ? [try builder.identity(x)] : try builder.split(x, splits: .sizes(sizes), options: .init(axis: axis))
    let type = try self.type(xName)
    for (name, part) in zip(node.outputs, parts) where !name.isEmpty { set(name, part, type) }
  }

  func convertSlice(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    var x = try operand(xName)
    let axes = try sliceAxes(node)
    guard axes.allSatisfy({ $0.count > 0 }) else {
      throw node.unsupported("an empty result (WebNN has no empty tensors)")
    }
    // Negative steps: reverse those axes, then slice forward from the mirrored start.
    let reversed = axes.indices.filter { axes[$0].step < 0 }
    if !reversed.isEmpty { x = try builder.reverse(x, options: .init(axes: reversed)) }
    var starts: [Int] = []
    var sizes: [Int] = []
    var strides: [Int] = []
    for (d, a) in axes.enumerated() {
      let step = abs(a.step)
      starts.append(a.step < 0 ? x.shape[d] - 1 - a.start : a.start)
      sizes.append((a.count - 1) * step + 1)
      strides.append(step)
    }
    let y: MLOperand
    if starts.allSatisfy({ $0 == 0 }) && sizes == x.shape && strides.allSatisfy({ $0 == 1 }) {
      y = try builder.identity(x)
    } else {
      y = try builder.slice(x, starts: starts, sizes: sizes, options: .init(strides: strides))
    }
    set(node.outputs[0], y, try type(xName))
  }

  /// Indices known at import are made non-negative and int32 when they fit; indices computed
  /// at run time go in as they are (int64 gather indices are accepted).
  func indicesOperand(_ name: String, dim: Int?) throws -> MLOperand {
    guard let t = constant(name) else {
      let indices = try operand(name)
      return indices.dataType == .int64 && !int64Indices ? try builder.cast(indices, .int32) : indices
    }
    var values = t.ints
    if let dim {
      values = try values.map { v in
        let w = v < 0 ? v + Int64(dim) : v
        guard w >= 0, w < dim else { throw ONNXImportError.invalid("index \(v) is out of range for \(dim)") }
        return w
      }
    }
    guard !values.isEmpty else { throw ONNXImportError.notSupported("empty indices") }
    let descriptor = MLOperandDescriptor(dataType: .int32, shape: t.shape)
    if values.allSatisfy({ $0 >= Int64(Int32.min) && $0 <= Int64(Int32.max) }) {
      return try builder.constant(descriptor, values.map { Int32($0) })
    }
    return try builder.constant(MLOperandDescriptor(dataType: int64Type, shape: t.shape), values)
  }

  func convertGather(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let iName = node.input(1) else { throw node.invalid("needs data and indices") }
    let x = try operand(xName)
    let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: x.rank)
    let indices = try indicesOperand(iName, dim: x.shape[axis])
    set(node.outputs[0], try builder.gather(x, indices, options: .init(axis: axis)), try type(xName))
  }

  func convertGatherElements(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let iName = node.input(1) else { throw node.invalid("needs data and indices") }
    let x = try operand(xName)
    let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: x.rank)
    let indices = try indicesOperand(iName, dim: x.shape[axis])
    set(node.outputs[0], try builder.gatherElements(x, indices, options: .init(axis: axis)), try type(xName))
  }

  func convertGatherND(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let iName = node.input(1) else { throw node.invalid("needs data and indices") }
    if node.int("batch_dims", default: 0) != 0 { throw node.unsupported("batch_dims=\(node.int("batch_dims")!)") }
    let x = try operand(xName)
    set(node.outputs[0], try builder.gatherND(x, try indicesOperand(iName, dim: nil)), try type(xName))
  }

  func convertScatter(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let iName = node.input(1), let uName = node.input(2) else {
      throw node.invalid("needs data, indices and updates")
    }
    let reduction = node.string("reduction", default: "none")
    guard reduction == "none" else { throw node.unsupported("reduction=\"\(reduction)\"") }
    let x = try operand(xName)
    let updates = try operand(uName)
    let y: MLOperand
    if node.op == "ScatterND" {
      y = try builder.scatterND(x, try indicesOperand(iName, dim: nil), updates)
    } else {
      let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: x.rank)
      y = try builder.scatterElements(
        x, try indicesOperand(iName, dim: x.shape[axis]), updates, options: .init(axis: axis))
    }
    set(node.outputs[0], y, try type(xName))
  }

  func convertExpand(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    let shape = try expandShape(node)
    set(node.outputs[0], try builder.expand(try operand(xName), shape), try type(xName))
  }

  func convertTile(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    let repeats = try tileRepeats(node)
    guard repeats.allSatisfy({ $0 > 0 }) else { throw node.unsupported("repeats of 0 (an empty result)") }
    set(node.outputs[0], try builder.tile(try operand(xName), repeats), try type(xName))
  }

  func convertPad(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    var x = try operand(xName)
    let rank = x.rank
    let mode = try node.requireString("mode", in: ["constant", "edge", "reflect"], default: "constant")
    var pads: [Int]
    var value: MLNumber = .double(Double(node.float("value", default: 0)))
    if let attribute = node.ints("pads") {
      pads = attribute
    } else {
      guard let name = node.input(1) else { throw node.invalid("Pad without pads") }
      pads = try requireConstant(name, "pads").intValues
      if let v = node.input(2) {
        let t = try requireConstant(v, "constant_value")
        guard t.count == 1 else { throw node.invalid("constant_value must be a scalar") }
        value = t.isFloat ? .double(Double(t.floats[0])) : .int(t.ints[0])
      }
    }
    var axes = Array(0..<rank)
    if let name = node.input(3) { axes = try ShapeRules.axes(try requireConstant(name, "axes").intValues, rank: rank) }
    guard pads.count == 2 * axes.count, pads.allSatisfy({ abs($0) <= 1 << 31 }) else {
      throw node.invalid("pads \(pads) do not fit axes \(axes)")
    }
    var begins = [Int](repeating: 0, count: rank)
    var ends = begins
    for (i, a) in axes.enumerated() {
      begins[a] = pads[i]
      ends[a] = pads[i + axes.count]
    }
    // Negative pads remove elements: pad the positive part, then slice the rest away.
    let options = MLPadOptions(
      mode: mode == "edge" ? .edge : mode == "reflect" ? .reflection : .constant, value: value)
    if (begins + ends).contains(where: { $0 > 0 }) {
      x = try builder.pad(
        x, beginningPadding: begins.map { max($0, 0) }, endingPadding: ends.map { max($0, 0) }, options: options)
    }
    if (begins + ends).contains(where: { $0 < 0 }) {
      let starts = begins.map { max(-$0, 0) }
      let sizes = (0..<rank).map { x.shape[$0] - starts[$0] - max(-ends[$0], 0) }
      guard sizes.allSatisfy({ $0 > 0 }) else { throw node.unsupported("negative pads that leave nothing") }
      x = try builder.slice(x, starts: starts, sizes: sizes)
    }
    if (begins + ends).allSatisfy({ $0 == 0 }) { x = try builder.identity(x) }
    set(node.outputs[0], x, try type(xName))
  }
}
