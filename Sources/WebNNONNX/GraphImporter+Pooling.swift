import WebNNCore

/// MaxPool, AveragePool, LpPool (p = 2) and the global pools.
extension GraphImporter {
  func convertPool(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs X") }
    if node.hasOutput(1) { throw node.unsupported("MaxPool's Indices output") }
    var x = try operand(xName)
    let rank = x.rank
    guard rank >= 3 else { throw node.invalid("X must have rank 3 or more, has \(x.shape)") }
    guard let kernel = node.ints("kernel_shape") else { throw node.invalid("no kernel_shape") }
    // storage_order only affects the Indices output, which is refused above.
    if node.op == "LpPool" && node.int("p", default: 2) != 2 {
      throw node.unsupported("LpPool with p=\(node.int("p", default: 2)) (only p=2, l2Pool2d)")
    }
    let spatial = Array(x.shape[2...])
    var w = try window(node, spatial: spatial, kernel: kernel)
    let ceilMode = node.int("ceil_mode", default: 0) != 0
    // The ONNX output size: with ceil_mode the last window must start inside the input or
    // its leading padding.
    let outputs = (0..<spatial.count).map { d -> Int in
      let span = spatial[d] + w.begins[d] + w.ends[d] - w.effectiveKernel[d]
      var out = (ceilMode ? (span + w.strides[d] - 1) / w.strides[d] : span / w.strides[d]) + 1
      if ceilMode && (out - 1) * w.strides[d] >= spatial[d] + w.begins[d] { out -= 1 }
      return out
    }
    x = try to2d(x)
    if node.op == "AveragePool" && node.int("count_include_pad", default: 0) != 0
      && (w.begins + w.ends).contains(where: { $0 > 0 })
    {
      // WebNN's average leaves padding out of the count; padding with zeros first puts it in.
      let p = w.padding
      x = try builder.pad(x, beginningPadding: [0, 0, p[0], p[2]], endingPadding: [0, 0, p[1], p[3]])
      w.begins = w.begins.map { _ in 0 }
      w.ends = w.begins
    }
    let kernel2d = kernel.count == 1 ? [1, kernel[0]] : kernel
    let outputs2d = outputs.count == 1 ? [1, outputs[0]] : outputs
    var options = MLPool2dOptions(
      windowDimensions: kernel2d, padding: w.padding, strides: w.strides2d, dilations: w.dilations2d)
    // WebNN rounds one way for both axes; pick the one that gives ONNX's sizes.
    let floorSizes = (0..<2).map { d -> Int in
      let padded = x.shape[2 + d] + options.padding[2 * d] + options.padding[2 * d + 1]
      let window = (kernel2d[d] - 1) * options.dilations[d] + 1
      return (padded - window) / options.strides[d] + 1
    }
    if floorSizes != outputs2d {
      options.outputShapeRounding = .ceil
    }
    let y: MLOperand
    switch node.op {
    case "MaxPool": y = try builder.maxPool2d(x, options: options)
    case "LpPool": y = try builder.l2Pool2d(x, options: options)
    default: y = try builder.averagePool2d(x, options: options)
    }
    guard Array(y.shape[2...]) == outputs2d else {
      throw node.unsupported(
        "output size \(outputs) with these pads and ceil_mode (WebNN gives \(Array(y.shape[2...])))")
    }
    set(node.outputs[0], try from2d(y, rank: rank), try type(xName))
  }

  func convertGlobalPool(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs X") }
    let x = try operand(xName)
    guard x.rank >= 3 else { throw node.invalid("X must have rank 3 or more, has \(x.shape)") }
    let axes = Array(2..<x.rank)
    let options = MLReduceOptions(axes: axes, keepDimensions: true)
    let y =
      node.op == "GlobalMaxPool"
      ? try builder.reduceMax(x, options: options) : try builder.reduceMean(x, options: options)
    set(node.outputs[0], y, try type(xName))
  }
}
