import Foundation
import WebNN

/// The whole-network benchmarks, laid out as their reference implementations are (NCHW,
/// batch 1, batch normalization folded into the convolutions' weights and bias), with seeded
/// weights.
enum BenchModels {
  static func all(reduced: Bool) -> [Benchmark] {
    let image = reduced ? 64 : 224
    let tokens = reduced ? 16 : 128
    return [
      Benchmark(name: "model/mobilenetv2", kind: .model) { try mobileNetV2($0, size: image) },
      Benchmark(name: "model/resnet18", kind: .model) { try resNet18($0, size: image) },
      Benchmark(name: "model/minilm-l6-encoder", kind: .model) { try miniLMEncoder($0, tokens: tokens) },
    ]
  }

  /// The classifier head shared by both image networks: global average pool, flatten, fully
  /// connected layer to 1000 classes.
  static func classifier(_ g: BenchGraph, _ x: MLOperand) throws -> MLOperand {
    let channels = x.shape[1]
    let pooled = try g.reshape(try g.pool("averagePool2d", x), [1, channels])
    let w = try g.constant([1000, channels], scale: (3 / Float(channels)).squareRoot())
    return try g.gemm(pooled, w, c: try g.constant([1000], scale: 0.05))
  }

  /// MobileNetV2 (width 1.0): inverted residual blocks of the [t, c, n, s] table, relu6 as
  /// clamp(0, 6), a 1x1 convolution to 1280 channels and the classifier.
  static func mobileNetV2(_ g: BenchGraph, size: Int) throws {
    func relu6(_ x: MLOperand) throws -> MLOperand { try g.clamp(x, min: 0, max: 6) }
    let table = [
      (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]
    var x = try relu6(try g.conv(try g.input("image", [1, 3, size, size]), 32, kernel: 3, stride: 2))
    for (expansion, channels, repeats, firstStride) in table {
      for index in 0..<repeats {
        let stride = index == 0 ? firstStride : 1
        let inChannels = x.shape[1]
        let hidden = inChannels * expansion
        var y = x
        if expansion != 1 { y = try relu6(try g.conv(y, hidden, kernel: 1)) }
        y = try relu6(try g.conv(y, hidden, kernel: 3, stride: stride, groups: hidden))
        // The projection has no activation: Xavier-like gain keeps the variance.
        y = try g.conv(y, channels, kernel: 1, gain: 0.7)
        x = stride == 1 && inChannels == channels ? try g.binary("add", x, y) : y
      }
    }
    x = try relu6(try g.conv(x, 1280, kernel: 1))
    g.output("logits", try classifier(g, x))
  }

  /// ResNet18: 7x7 stride-2 stem, 3x3 stride-2 max pool, four stages of two basic blocks with
  /// 1x1 stride-2 downsampling shortcuts, and the classifier.
  static func resNet18(_ g: BenchGraph, size: Int) throws {
    var x = try g.unary("relu", try g.conv(try g.input("image", [1, 3, size, size]), 64, kernel: 7, stride: 2))
    x = try g.pool("maxPool2d", x, window: [3, 3], strides: [2, 2], padding: [1, 1, 1, 1])
    for (stage, channels) in [64, 128, 256, 512].enumerated() {
      for block in 0..<2 {
        let stride = stage > 0 && block == 0 ? 2 : 1
        let y = try g.unary("relu", try g.conv(x, channels, kernel: 3, stride: stride))
        // Without batch norm each residual add grows the variance; a half-gain second
        // convolution keeps it roughly level over the eight blocks.
        let branch = try g.conv(y, channels, kernel: 3, gain: 0.5)
        let shortcut = stride != 1 || x.shape[1] != channels ? try g.conv(x, channels, kernel: 1, stride: stride) : x
        x = try g.unary("relu", try g.binary("add", branch, shortcut))
      }
    }
    g.output("logits", try classifier(g, x))
  }

  /// A BERT encoder shaped like all-MiniLM-L6-v2 (6 layers, hidden 384, 12 heads of 32, FFN
  /// 1536 with gelu), fed hidden states directly (no embedding).
  static func miniLMEncoder(_ g: BenchGraph, tokens: Int) throws {
    let (hidden, heads, layers, ffn) = (384, 12, 6, 1536)
    let headSize = hidden / heads
    let scale = try g.constant([], [1 / Float(headSize).squareRoot()])
    var h = try g.input("hidden_states", [1, tokens, hidden])
    func split(_ x: MLOperand, _ permutation: [Int]) throws -> MLOperand {
      try g.transpose(try g.reshape(x, [1, tokens, heads, headSize]), permutation)
    }
    for _ in 0..<layers {
      let q = try split(try g.linear(h, hidden), [0, 2, 1, 3])
      // Keys go straight to [1, heads, headSize, tokens], the transposed operand of q · kᵀ.
      let kT = try split(try g.linear(h, hidden), [0, 2, 3, 1])
      let v = try split(try g.linear(h, hidden), [0, 2, 1, 3])
      let scores = try g.binary("mul", try g.matmul(q, kT), scale)
      let context = try g.matmul(try g.softmax(scores, axis: 3), v)
      let merged = try g.reshape(try g.transpose(context, [0, 2, 1, 3]), [1, tokens, hidden])
      let attention = try g.linear(merged, hidden)
      h = try g.layerNormalization(try g.binary("add", attention, h), axes: [2], epsilon: 1e-12)
      let feedForward = try g.linear(try g.unary("gelu", try g.linear(h, ffn)), hidden)
      h = try g.layerNormalization(try g.binary("add", feedForward, h), axes: [2], epsilon: 1e-12)
    }
    g.output("last_hidden_state", h)
  }
}
