import Foundation
import WebNNCore

/// Conv and ConvTranspose (1-D through a reshape to 2-D), with BatchNormalization folded into a
/// preceding Conv's weights where possible.
extension GraphImporter {
  /// Spatial attributes shared by convolutions and pools, for 1 or 2 spatial dimensions.
  struct Window {
    var kernel: [Int]
    var strides: [Int]
    var dilations: [Int]
    var begins: [Int]
    var ends: [Int]

    var effectiveKernel: [Int] { zip(kernel, dilations).map { ($0 - 1) * $1 + 1 } }

    /// WebNN's [beginH, endH, beginW, endW], 1-D windows as width with a unit height.
    var padding: [Int] { begins.count == 1 ? [0, 0, begins[0], ends[0]] : [begins[0], ends[0], begins[1], ends[1]] }
    var strides2d: [Int] { strides.count == 1 ? [1, strides[0]] : strides }
    var dilations2d: [Int] { dilations.count == 1 ? [1, dilations[0]] : dilations }
  }

  func window(_ node: ONNXNode, spatial: [Int], kernel: [Int], transposed: Bool = false) throws -> Window {
    let n = spatial.count
    guard n == 1 || n == 2 else {
      throw node.unsupported("\(n)-D \(node.op) (WebNN has 2-D windows; 1-D are reshaped)")
    }
    guard kernel.count == n else { throw node.invalid("kernel_shape \(kernel) does not match \(n) spatial dimensions") }
    let strides = node.ints("strides") ?? [Int](repeating: 1, count: n)
    let dilations = node.ints("dilations") ?? [Int](repeating: 1, count: n)
    let pads = node.ints("pads") ?? [Int](repeating: 0, count: 2 * n)
    guard strides.count == n, dilations.count == n, pads.count == 2 * n, strides.allSatisfy({ $0 > 0 }),
      dilations.allSatisfy({ $0 > 0 }), pads.allSatisfy({ $0 >= 0 })
    else { throw node.invalid("strides \(strides), dilations \(dilations) or pads \(pads) do not fit rank \(n)") }
    var w = Window(
      kernel: kernel, strides: strides, dilations: dilations, begins: Array(pads[..<n]), ends: Array(pads[n...]))
    let autoPad = try node.requireString(
      "auto_pad", in: ["NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"], default: "NOTSET")
    switch autoPad {
    case "VALID":
      w.begins = [Int](repeating: 0, count: n)
      w.ends = w.begins
    case "SAME_UPPER", "SAME_LOWER":
      guard !transposed else { break }  // ConvTranspose computes its own
      for d in 0..<n {
        let out = (spatial[d] + strides[d] - 1) / strides[d]
        let total = max(0, (out - 1) * strides[d] + w.effectiveKernel[d] - spatial[d])
        let small = total / 2
        w.begins[d] = autoPad == "SAME_UPPER" ? small : total - small
        w.ends[d] = total - w.begins[d]
      }
    default: break
    }
    return w
  }

  /// [N, C, L] → [N, C, 1, L] for 1-D windows.
  func to2d(_ x: MLOperand) throws -> MLOperand {
    x.rank == 3 ? try builder.reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]) : x
  }

  func from2d(_ y: MLOperand, rank: Int) throws -> MLOperand {
    rank == 3 ? try builder.reshape(y, [y.shape[0], y.shape[1], y.shape[3]]) : y
  }

  func convertConv(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let wName = node.input(1) else { throw node.invalid("needs X and W") }
    let x = try operand(xName)
    let wShape = try shape(wName)
    guard x.rank >= 3, wShape.count == x.rank else { throw node.invalid("X \(x.shape) and W \(wShape) ranks differ") }
    let kernel = node.ints("kernel_shape") ?? Array(wShape[2...])
    let w = try window(node, spatial: Array(x.shape[2...]), kernel: kernel)
    let groups = node.int("group", default: 1)

    var filterTensor = constant(wName)
    var biasTensor = constant(node.input(2))
    var output = node.outputs[0]
    // BatchNormalization right after, as the conv's only consumer: fold it into the weights.
    if let bn = foldableBatchNormalization(after: node), let filter = filterTensor,
      node.input(2) == nil || biasTensor != nil
    {
      (filterTensor, biasTensor) = try foldBatchNormalization(bn, filter: filter, bias: biasTensor)
      output = bn.output[0]
      fusedAway.insert(node.outputs[0])
      handled.formUnion(bn.output.filter { !$0.isEmpty })
    }
    var filter = try filterTensor.map { try $0.constant(in: builder) } ?? (try operand(wName))
    if filter.rank == 3 {
      filter = try builder.reshape(filter, [filter.shape[0], filter.shape[1], 1, filter.shape[2]])
    }
    var options = MLConv2dOptions(padding: w.padding, strides: w.strides2d, dilations: w.dilations2d, groups: groups)
    if let biasTensor {
      options.bias = try biasTensor.constant(in: builder)
    } else if let b = node.input(2) {
      options.bias = try operand(b)
    }
    let y = try builder.conv2d(try to2d(x), filter, options: options)
    set(output, try from2d(y, rank: x.rank), try type(xName))
  }

  /// The BatchNormalization node that reads this Conv's output, when it is the only reader,
  /// the output is not a graph output, and its parameters are known.
  func foldableBatchNormalization(after conv: ONNXNode) -> Onnx_NodeProto? {
    let out = conv.outputs[0]
    guard !graphOutputs.contains(out), let readers = consumers[out], readers.count == 1,
      let bn = readers.first, bn.opType == "BatchNormalization", bn.input.first == out,
      bn.input.count >= 5, (1...4).allSatisfy({ constant(bn.input[$0]) != nil }),
      bn.output.dropFirst().allSatisfy({ $0.isEmpty }),
      !(bn.attribute.contains { $0.name == "training_mode" && $0.i != 0 })
    else { return nil }
    return bn
  }

  /// W'[o] = W[o]·γ[o]/√(σ²[o] + ε); b'[o] = (b[o] − μ[o])·γ[o]/√(σ²[o] + ε) + β[o].
  func foldBatchNormalization(_ bn: Onnx_NodeProto, filter: HostTensor, bias: HostTensor?) throws -> (
    HostTensor, HostTensor
  ) {
    let epsilon = bn.attribute.first { $0.name == "epsilon" }?.f ?? 1e-5
    let gamma = constant(bn.input[1])!.floats
    let beta = constant(bn.input[2])!.floats
    let mean = constant(bn.input[3])!.floats
    let variance = constant(bn.input[4])!.floats
    let channels = filter.shape[0]
    guard [gamma, beta, mean, variance].allSatisfy({ $0.count == channels }), bias.map({ $0.count == channels }) ?? true
    else { throw ONNXImportError.invalid("BatchNormalization parameters do not match \(channels) conv channels") }
    let factor = (0..<channels).map { gamma[$0] / (variance[$0] + epsilon).squareRoot() }
    let perChannel = filter.count / max(channels, 1)
    var weights = filter.floats
    for i in weights.indices { weights[i] *= factor[i / perChannel] }
    let b = bias?.floats ?? [Float](repeating: 0, count: channels)
    let folded = (0..<channels).map { (b[$0] - mean[$0]) * factor[$0] + beta[$0] }
    return (
      HostTensor(type: filter.type, shape: filter.shape, floats: weights),
      HostTensor(type: filter.type, shape: [channels], floats: folded)
    )
  }

  func convertConvTranspose(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let wName = node.input(1) else { throw node.invalid("needs X and W") }
    let x = try operand(xName)
    let wShape = try shape(wName)
    guard x.rank >= 3, wShape.count == x.rank else { throw node.invalid("X \(x.shape) and W \(wShape) ranks differ") }
    let n = x.rank - 2
    let kernel = node.ints("kernel_shape") ?? Array(wShape[2...])
    let input = Array(x.shape[2...])
    var w = try window(node, spatial: input, kernel: kernel, transposed: true)
    let groups = node.int("group", default: 1)
    var outputPadding = node.ints("output_padding") ?? [Int](repeating: 0, count: n)
    guard outputPadding.count == n else { throw node.invalid("output_padding \(outputPadding) does not fit rank \(n)") }
    let autoPad = node.string("auto_pad", default: "NOTSET")
    var outputShape = node.ints("output_shape")
    if let shape = outputShape, shape.count == n + 2 { outputShape = Array(shape[2...]) }
    if outputShape == nil && (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      outputShape = (0..<n).map { input[$0] * w.strides[$0] }
    }
    if let outputShape {
      guard outputShape.count == n else { throw node.invalid("output_shape \(outputShape) does not fit rank \(n)") }
      // total = s·(in − 1) + output_padding + effK − out; SAME_UPPER puts the smaller half first.
      for d in 0..<n {
        let total = w.strides[d] * (input[d] - 1) + outputPadding[d] + w.effectiveKernel[d] - outputShape[d]
        guard total >= 0 else {
          // A larger output than the windows reach is made with output padding at the end.
          w.begins[d] = 0
          w.ends[d] = 0
          outputPadding[d] -= total
          continue
        }
        let small = total / 2
        w.begins[d] = autoPad == "SAME_UPPER" ? small : total - small
        w.ends[d] = total - w.begins[d]
      }
    }
    var filter = try operand(wName)
    if filter.rank == 3 {
      filter = try builder.reshape(filter, [filter.shape[0], filter.shape[1], 1, filter.shape[2]])
    }
    var options = MLConvTranspose2dOptions(
      padding: w.padding, strides: w.strides2d, dilations: w.dilations2d,
      outputPadding: n == 1 ? [0, outputPadding[0]] : outputPadding, groups: groups)
    if let b = node.input(2) { options.bias = try operand(b) }
    let y = try builder.convTranspose2d(try to2d(x), filter, options: options)
    set(node.outputs[0], try from2d(y, rank: x.rank), try type(xName))
  }
}
