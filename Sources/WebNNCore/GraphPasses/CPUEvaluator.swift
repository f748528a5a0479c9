import Foundation

/// A value the CPU evaluator computes with: a descriptor and its little-endian bytes.
public struct CPUTensor: Sendable {
  public var descriptor: MLOperandDescriptor
  public var bytes: [UInt8]

  public init(_ descriptor: MLOperandDescriptor, bytes: [UInt8]) {
    self.descriptor = descriptor
    self.bytes = bytes
  }

  public init(_ descriptor: MLOperandDescriptor, floats: [Float]) {
    self.descriptor = descriptor
    bytes = floats.withUnsafeBytes { Array($0) }
  }

  /// The elements of a float32 tensor.
  public var floats: [Float] {
    bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }
}

/// Evaluates the operators constant folding needs on the CPU, and serves the tests as the
/// reference for fused graphs: float32 element-wise operators (unary with their options,
/// binary arithmetic with broadcasting), matmul, conv2d (any layout), and reshape and transpose
/// of any type. `evaluate` returns nil for anything else, and for inputs whose result the GPU
/// kernels define differently (NaN through max/min), so a caller leaves such nodes alone.
public enum CPUEvaluator {
  public static func evaluate(_ operation: Operation, _ inputs: [CPUTensor], output: MLOperandDescriptor)
    -> CPUTensor?
  {
    switch operation {
    case .reshape:
      return CPUTensor(output, bytes: inputs[0].bytes)
    case .transpose(_, let permutation):
      return transpose(inputs[0], permutation, output)
    case .unary(let op, _):
      guard inputs[0].descriptor.dataType == .float32, output.dataType == .float32,
        let f = unaryFunction(op)
      else { return nil }
      return CPUTensor(output, floats: inputs[0].floats.map(f))
    case .binary(let op, _, _):
      guard inputs.allSatisfy({ $0.descriptor.dataType == .float32 }), output.dataType == .float32,
        let f = binaryFunction(op)
      else { return nil }
      let (a, b) = (inputs[0].floats, inputs[1].floats)
      if [.max, .min].contains(op), (a + b).contains(where: \.isNaN) { return nil }
      let aIndex = broadcastIndexer(inputs[0].descriptor.shape, to: output.shape)
      let bIndex = broadcastIndexer(inputs[1].descriptor.shape, to: output.shape)
      return CPUTensor(output, floats: (0..<output.elementCount).map { f(a[aIndex($0)], b[bIndex($0)]) })
    case .whereSelect:
      guard inputs[0].descriptor.dataType == .uint8, inputs[1].descriptor.dataType == .float32,
        inputs[2].descriptor.dataType == .float32
      else { return nil }
      let (c, t, f) = (inputs[0].bytes, inputs[1].floats, inputs[2].floats)
      let indexers = inputs.map { broadcastIndexer($0.descriptor.shape, to: output.shape) }
      return CPUTensor(
        output,
        floats: (0..<output.elementCount).map { i in c[indexers[0](i)] != 0 ? t[indexers[1](i)] : f[indexers[2](i)] })
    case .batchNormalization(_, _, _, let scale, let bias, let axis, let epsilon):
      guard inputs.allSatisfy({ $0.descriptor.dataType == .float32 }) else { return nil }
      let (x, mean, variance) = (inputs[0].floats, inputs[1].floats, inputs[2].floats)
      var rest = Array(inputs.dropFirst(3))
      let gamma = scale == nil ? nil : rest.removeFirst().floats
      let beta = bias == nil ? nil : rest.removeFirst().floats
      let shape = output.shape
      let inner = shape[(axis + 1)...].reduce(1, *)
      return CPUTensor(
        output,
        floats: x.indices.map { i in
          let c = (i / inner) % shape[axis]
          let normalized = (x[i] - mean[c]) / (variance[c] + Float(epsilon)).squareRoot()
          return normalized * (gamma?[c] ?? 1) + (beta?[c] ?? 0)
        })
    case .matmul:
      guard inputs.allSatisfy({ $0.descriptor.dataType == .float32 }) else { return nil }
      return matmul(inputs[0], inputs[1], output)
    case .conv2d(_, _, let bias, let window, let groups, let inputLayout, let filterLayout):
      guard inputs.allSatisfy({ $0.descriptor.dataType == .float32 }) else { return nil }
      // Other layouts are transposed to NCHW and OIHW, and the result back.
      func permuted(_ tensor: CPUTensor, _ permutation: [Int]) -> CPUTensor {
        let shape = permutation.map { tensor.descriptor.shape[$0] }
        return transpose(tensor, permutation, MLOperandDescriptor(dataType: .float32, shape: shape))
      }
      let nhwc = inputLayout == .nhwc
      let input = nhwc ? permuted(inputs[0], [0, 3, 1, 2]) : inputs[0]
      let s = output.shape
      let nchwOutput = nhwc ? MLOperandDescriptor(dataType: .float32, shape: [s[0], s[3], s[1], s[2]]) : output
      let result = conv2d(
        input, permuted(inputs[1], filterLayout.oihwAxes), bias == nil ? nil : inputs[2], window, groups, nchwOutput)
      return nhwc ? permuted(result, [0, 2, 3, 1]) : result
    default:
      return nil
    }
  }

  /// The scalar function of a float32 unary operator, as the kernels define it.
  static func unaryFunction(_ op: UnaryOperator) -> ((Float) -> Float)? {
    switch op {
    case .abs: return { Swift.abs($0) }
    case .neg: return { -$0 }
    case .identity: return { $0 }
    case .ceil: return { $0.rounded(.up) }
    case .floor: return { $0.rounded(.down) }
    case .exp: return { Foundation.exp($0) }
    case .log: return { Foundation.log($0) }
    case .sqrt: return { $0.squareRoot() }
    case .reciprocal: return { 1 / $0 }
    case .relu: return { $0.isNaN ? $0 : Swift.max($0, 0) }
    case .sigmoid: return { 1 / (1 + Foundation.exp(-$0)) }
    case .tanh: return { Foundation.tanh($0) }
    case .erf: return { Foundation.erf($0) }
    case .gelu: return { 0.5 * $0 * (1 + Foundation.erf($0 / Float(2).squareRoot())) }
    case .hardSwish: return { $0 * Swift.max(0, Swift.min(6, $0 + 3)) / 6 }
    case .elu(let alpha): return { $0 > 0 ? $0 : Float(alpha) * (Foundation.exp($0) - 1) }
    case .leakyRelu(let alpha): return { $0 >= 0 ? $0 : Float(alpha) * $0 }
    case .linear(let alpha, let beta): return { Float(alpha) * $0 + Float(beta) }
    case .hardSigmoid(let alpha, let beta): return { Swift.max(0, Swift.min(1, Float(alpha) * $0 + Float(beta))) }
    case .clamp(let low, let high):
      let (lo, hi) = (Float(low.doubleValue), Float(high.doubleValue))
      return { $0.isNaN ? $0 : Swift.min(Swift.max($0, lo), hi) }
    default: return nil
    }
  }

  static func binaryFunction(_ op: BinaryOperator) -> ((Float, Float) -> Float)? {
    switch op {
    case .add: return (+)
    case .sub: return (-)
    case .mul: return (*)
    case .div: return (/)
    case .max: return { Swift.max($0, $1) }
    case .min: return { Swift.min($0, $1) }
    default: return nil
    }
  }

  /// Maps a row-major index of `target` to the index of an operand of `shape` broadcast to it.
  static func broadcastIndexer(_ shape: [Int], to target: [Int]) -> (Int) -> Int {
    let padded = Array(repeating: 1, count: target.count - shape.count) + shape
    var strides = [Int](repeating: 0, count: target.count)
    var running = 1
    for d in target.indices.reversed() {
      strides[d] = padded[d] == 1 ? 0 : running
      running *= padded[d]
    }
    if padded == target { return { $0 } }
    return { index in
      var (rest, offset) = (index, 0)
      for d in target.indices.reversed() {
        offset += (rest % target[d]) * strides[d]
        rest /= target[d]
      }
      return offset
    }
  }

  static func transpose(_ input: CPUTensor, _ permutation: [Int], _ output: MLOperandDescriptor) -> CPUTensor {
    let width = input.descriptor.dataType.byteLength(elementCount: 1)
    let inShape = input.descriptor.shape
    var inStrides = [Int](repeating: 1, count: inShape.count)
    for d in inShape.indices.dropLast().reversed() { inStrides[d] = inStrides[d + 1] * inShape[d + 1] }
    var bytes = [UInt8](repeating: 0, count: output.byteLength)
    for index in 0..<output.elementCount {
      var (rest, offset) = (index, 0)
      for d in output.shape.indices.reversed() {
        offset += (rest % output.shape[d]) * inStrides[permutation[d]]
        rest /= output.shape[d]
      }
      for byte in 0..<width { bytes[index * width + byte] = input.bytes[offset * width + byte] }
    }
    return CPUTensor(output, bytes: bytes)
  }

  static func matmul(_ a: CPUTensor, _ b: CPUTensor, _ output: MLOperandDescriptor) -> CPUTensor {
    let (sa, sb, so) = (a.descriptor.shape, b.descriptor.shape, output.shape)
    let (m, k, n) = (sa[sa.count - 2], sa[sa.count - 1], sb[sb.count - 1])
    let batch = Array(so.dropLast(2))
    let batches = batch.reduce(1, *)
    let aBatch = broadcastIndexer(Array(sa.dropLast(2)), to: batch)
    let bBatch = broadcastIndexer(Array(sb.dropLast(2)), to: batch)
    let (av, bv) = (a.floats, b.floats)
    var result = [Float](repeating: 0, count: output.elementCount)
    for t in 0..<batches {
      let (ao, bo, oo) = (aBatch(t) * m * k, bBatch(t) * k * n, t * m * n)
      for i in 0..<m {
        for j in 0..<n {
          var sum: Float = 0
          for p in 0..<k { sum += av[ao + i * k + p] * bv[bo + p * n + j] }
          result[oo + i * n + j] = sum
        }
      }
    }
    return CPUTensor(output, floats: result)
  }

  static func conv2d(
    _ input: CPUTensor, _ filter: CPUTensor, _ bias: CPUTensor?, _ window: Window2D, _ groups: Int,
    _ output: MLOperandDescriptor
  ) -> CPUTensor {
    let (x, w, b) = (input.floats, filter.floats, bias?.floats)
    let s = input.descriptor.shape
    let (c, h, wd) = (s[1], s[2], s[3])
    let fs = filter.descriptor.shape
    let (cPerGroup, kh, kw) = (fs[1], fs[2], fs[3])
    let (n, o, oh, ow) = (output.shape[0], output.shape[1], output.shape[2], output.shape[3])
    let oPerGroup = o / groups
    var result = [Float](repeating: 0, count: output.elementCount)
    for image in 0..<n {
      for oc in 0..<o {
        let g = oc / oPerGroup
        for oy in 0..<oh {
          for ox in 0..<ow {
            var sum = b?[oc] ?? 0
            for ic in 0..<cPerGroup {
              for ky in 0..<kh {
                let iy = oy * window.strides[0] + ky * window.dilations[0] - window.padding[0]
                guard iy >= 0 && iy < h else { continue }
                for kx in 0..<kw {
                  let ix = ox * window.strides[1] + kx * window.dilations[1] - window.padding[2]
                  guard ix >= 0 && ix < wd else { continue }
                  let channel = g * cPerGroup + ic
                  sum += x[((image * c + channel) * h + iy) * wd + ix] * w[((oc * cPerGroup + ic) * kh + ky) * kw + kx]
                }
              }
            }
            result[((image * o + oc) * oh + oy) * ow + ox] = sum
          }
        }
      }
    }
    return CPUTensor(output, floats: result)
  }
}
