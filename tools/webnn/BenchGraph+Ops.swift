import Foundation
import WebNN

// The operators the benchmarks use. Each builds the WebNN operator and records it with the
// attribute names of the specification's options (`tools/onnxruntime/ort_bench.py` reads them).

extension BenchGraph {
  /// conv2d with a given filter and optional bias, NCHW input and OIHW filter.
  func conv2d(
    _ x: MLOperand, _ filter: MLOperand, bias: MLOperand? = nil, padding: [Int] = [0, 0, 0, 0],
    strides: [Int] = [1, 1], groups: Int = 1
  ) throws -> MLOperand {
    let y = try builder.conv2d(
      x, filter, options: .init(padding: padding, strides: strides, groups: groups, bias: bias))
    // Each output element is a dot product over the filter's (input channels / groups) x kh x kw.
    let macs = Double(y.shape.reduce(1, *)) * Double(filter.shape[1] * filter.shape[2] * filter.shape[3])
    return record(
      "conv2d", [x, filter] + (bias.map { [$0] } ?? []), y,
      ["padding": .ints(padding), "strides": .ints(strides), "dilations": .ints([1, 1]), "groups": .int(groups)],
      flops: 2 * macs)
  }

  /// A conv2d with seeded He-uniform weights (variance 2 / fan-in, which keeps activations
  /// bounded through relu layers) times `gain`, and a small bias: a convolution with its batch
  /// norm folded in. Padding is kernel / 2 on every side.
  func conv(_ x: MLOperand, _ outChannels: Int, kernel: Int, stride: Int = 1, groups: Int = 1, gain: Float = 1)
    throws -> MLOperand
  {
    let inPerGroup = x.shape[1] / groups
    let fanIn = Float(inPerGroup * kernel * kernel)
    let filter = try constant([outChannels, inPerGroup, kernel, kernel], scale: gain * (6 / fanIn).squareRoot())
    let bias = try constant([outChannels], scale: 0.05)
    let pad = kernel / 2
    return try conv2d(
      x, filter, bias: bias, padding: [pad, pad, pad, pad], strides: [stride, stride], groups: groups)
  }

  func matmul(_ a: MLOperand, _ b: MLOperand) throws -> MLOperand {
    let y = try builder.matmul(a, b)
    let k = a.shape[a.rank - 1]
    return record("matmul", [a, b], y, flops: 2 * Double(y.shape.reduce(1, *)) * Double(k))
  }

  /// gemm with `b` transposed, as a fully connected layer stores its weights ([out, in]).
  func gemm(_ a: MLOperand, _ b: MLOperand, c: MLOperand?) throws -> MLOperand {
    let y = try builder.gemm(a, b, options: .init(c: c, bTranspose: true))
    return record(
      "gemm", [a, b] + (c.map { [$0] } ?? []), y,
      ["aTranspose": .bool(false), "bTranspose": .bool(true), "alpha": .double(1), "beta": .double(1)],
      flops: 2 * Double(y.shape.reduce(1, *)) * Double(a.shape[1]))
  }

  /// A fully connected layer x · W + b on the last axis, as matmul and add with seeded weights
  /// of variance 1 / fan-in.
  func linear(_ x: MLOperand, _ outFeatures: Int) throws -> MLOperand {
    let inFeatures = x.shape[x.rank - 1]
    let w = try constant([inFeatures, outFeatures], scale: (3 / Float(inFeatures)).squareRoot())
    return try binary("add", try matmul(x, w), try constant([outFeatures], scale: 0.05))
  }

  /// add, sub, mul, div, max or min.
  func binary(_ op: String, _ a: MLOperand, _ b: MLOperand) throws -> MLOperand {
    let y: MLOperand
    switch op {
    case "add": y = try builder.add(a, b)
    case "sub": y = try builder.sub(a, b)
    case "mul": y = try builder.mul(a, b)
    case "div": y = try builder.div(a, b)
    case "max": y = try builder.max(a, b)
    case "min": y = try builder.min(a, b)
    default: preconditionFailure("no binary operator \(op)")
    }
    return record(op, [a, b], y)
  }

  /// One of the element-wise operators without options that ONNX also has.
  func unary(_ op: String, _ x: MLOperand) throws -> MLOperand {
    let y: MLOperand
    switch op {
    case "abs": y = try builder.abs(x)
    case "neg": y = try builder.neg(x)
    case "exp": y = try builder.exp(x)
    case "sqrt": y = try builder.sqrt(x)
    case "erf": y = try builder.erf(x)
    case "relu": y = try builder.relu(x)
    case "sigmoid": y = try builder.sigmoid(x)
    case "tanh": y = try builder.tanh(x)
    case "gelu": y = try builder.gelu(x)
    default: preconditionFailure("no unary operator \(op)")
    }
    return record(op, [x], y)
  }

  func clamp(_ x: MLOperand, min: Double, max: Double) throws -> MLOperand {
    let y = try builder.clamp(x, options: .init(minValue: .double(min), maxValue: .double(max)))
    return record("clamp", [x], y, ["minValue": .double(min), "maxValue": .double(max)])
  }

  func cast(_ x: MLOperand, _ dataType: MLOperandDataType) throws -> MLOperand {
    record("cast", [x], try builder.cast(x, dataType))
  }

  func softmax(_ x: MLOperand, axis: Int) throws -> MLOperand {
    record("softmax", [x], try builder.softmax(x, axis: axis), ["axis": .int(axis)])
  }

  /// layerNormalization over `axes` with a seeded scale near 1 and a small bias.
  func layerNormalization(_ x: MLOperand, axes: [Int], epsilon: Double) throws -> MLOperand {
    let shape = axes.map { x.shape[$0] }
    let count = shape.reduce(1, *)
    let scale = try constant(shape, randomValues(count, scale: 0.1).map { 1 + $0 })
    let bias = try constant(shape, scale: 0.1)
    let y = try builder.layerNormalization(
      x, options: .init(scale: scale, bias: bias, axes: axes, epsilon: epsilon))
    return record("layerNormalization", [x, scale, bias], y, ["axes": .ints(axes), "epsilon": .double(epsilon)])
  }

  func reduceSum(_ x: MLOperand, axes: [Int], keepDimensions: Bool = false) throws -> MLOperand {
    let y = try builder.reduceSum(x, options: .init(axes: axes, keepDimensions: keepDimensions))
    return record("reduceSum", [x], y, ["axes": .ints(axes), "keepDimensions": .bool(keepDimensions)])
  }

  func reshape(_ x: MLOperand, _ shape: [Int]) throws -> MLOperand {
    record("reshape", [x], try builder.reshape(x, shape), ["newShape": .ints(shape)])
  }

  func transpose(_ x: MLOperand, _ permutation: [Int]) throws -> MLOperand {
    let y = try builder.transpose(x, options: .init(permutation: permutation))
    return record("transpose", [x], y, ["permutation": .ints(permutation)])
  }

  /// maxPool2d (`op` "maxPool2d") or averagePool2d (`op` "averagePool2d"); `window` nil pools
  /// the whole plane.
  func pool(
    _ op: String, _ x: MLOperand, window: [Int]? = nil, strides: [Int] = [1, 1], padding: [Int] = [0, 0, 0, 0]
  ) throws -> MLOperand {
    let window = window ?? [x.shape[2], x.shape[3]]
    let options = MLPool2dOptions(windowDimensions: window, padding: padding, strides: strides)
    let y =
      op == "maxPool2d" ? try builder.maxPool2d(x, options: options) : try builder.averagePool2d(x, options: options)
    return record(
      op, [x], y,
      [
        "windowDimensions": .ints(window), "strides": .ints(strides), "padding": .ints(padding),
        "dilations": .ints([1, 1]),
      ]
    )
  }
}
