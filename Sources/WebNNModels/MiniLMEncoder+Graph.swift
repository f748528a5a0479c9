import WebNNCore

// The BERT graph, laid out as the Hugging Face implementation computes it. Linear layers work
// on [sentences × tokens, hidden] matrices with gemm against the [out, in] weights as stored
// (bTranspose), so no weight is transposed or copied.

extension MLGraphBuilder {
  /// gemm(x, W, b) with `W` stored [out, in]: x · Wᵀ + b.
  fileprivate func linear(_ x: MLOperand, _ weight: MLOperand, _ bias: MLOperand) throws -> MLOperand {
    try gemm(x, weight, options: .init(c: bias, bTranspose: true))
  }
}

extension MiniLMEncoder {
  /// The embeddings operand, [sentences, hidden], of a graph with the inputs `input_ids` and
  /// `token_type_ids` ([sentences, tokens] of ``indexType``) and `attention_mask`
  /// ([sentences, tokens] float32, 1 for real tokens).
  nonisolated func buildEncoder(_ b: MLGraphBuilder, sentences: Int, tokens: Int) throws -> MLOperand {
    let (hidden, heads) = (model.hiddenSize, model.heads)
    let headSize = hidden / heads
    let rows = sentences * tokens
    func w(_ name: String) throws -> MLOperand { try weights.constant(prefix + name, in: b) }
    func scalar(_ value: Double) throws -> MLOperand { try b.constant(.float32, .double(value)) }
    func layerNorm(_ x: MLOperand, _ name: String) throws -> MLOperand {
      try b.layerNormalization(
        x,
        options: .init(
          scale: try w(name + ".weight"), bias: try w(name + ".bias"), axes: [1], epsilon: model.layerNormEpsilon))
    }

    let ids = try b.input("input_ids", .init(dataType: indexType, shape: [sentences, tokens]))
    let types = try b.input("token_type_ids", .init(dataType: indexType, shape: [sentences, tokens]))
    let mask = try b.input("attention_mask", .init(dataType: .float32, shape: [sentences, tokens]))

    // Embeddings: words and segments by lookup, positions 0..<tokens as a slice.
    let words = try b.gather(try w("embeddings.word_embeddings.weight"), ids)
    let segments = try b.gather(try w("embeddings.token_type_embeddings.weight"), types)
    let positions = try b.slice(
      try w("embeddings.position_embeddings.weight"), starts: [0, 0], sizes: [tokens, hidden])
    let summed = try b.add(try b.add(words, positions), segments)
    var h = try layerNorm(try b.reshape(summed, [rows, hidden]), "embeddings.LayerNorm")

    // Padding keys get a large negative score, so softmax gives them weight exactly 0 and real
    // tokens' states do not depend on how much padding a batch has.
    let keyMask = try b.mul(
      try b.sub(try b.reshape(mask, [sentences, 1, 1, tokens]), try scalar(1)), try scalar(1e9))
    let scale = try scalar(1 / Double(headSize).squareRoot())
    for layer in 0..<model.layers {
      let base = "encoder.layer.\(layer)."
      func projection(_ name: String, _ permutation: [Int]) throws -> MLOperand {
        let y = try b.linear(h, try w(base + name + ".weight"), try w(base + name + ".bias"))
        return try b.transpose(
          try b.reshape(y, [sentences, tokens, heads, headSize]), options: .init(permutation: permutation))
      }
      let q = try projection("attention.self.query", [0, 2, 1, 3])
      // Keys go straight to [sentences, heads, headSize, tokens], the right operand of q · kᵀ.
      let kT = try projection("attention.self.key", [0, 2, 3, 1])
      let v = try projection("attention.self.value", [0, 2, 1, 3])
      let scores = try b.add(try b.mul(try b.matmul(q, kT), scale), keyMask)
      let context = try b.matmul(try b.softmax(scores, axis: 3), v)
      let merged = try b.reshape(
        try b.transpose(context, options: .init(permutation: [0, 2, 1, 3])), [rows, hidden])
      let attention = try b.linear(
        merged, try w(base + "attention.output.dense.weight"), try w(base + "attention.output.dense.bias"))
      h = try layerNorm(try b.add(attention, h), base + "attention.output.LayerNorm")
      let intermediate = try b.gelu(
        try b.linear(h, try w(base + "intermediate.dense.weight"), try w(base + "intermediate.dense.bias")))
      let output = try b.linear(intermediate, try w(base + "output.dense.weight"), try w(base + "output.dense.bias"))
      h = try layerNorm(try b.add(output, h), base + "output.LayerNorm")
    }

    // Mean pooling over real tokens (sentence-transformers clamps the count at 1e-9), then
    // x / max(‖x‖, 1e-12) as torch.nn.functional.normalize does.
    let states = try b.reshape(h, [sentences, tokens, hidden])
    let masked = try b.mul(states, try b.reshape(mask, [sentences, tokens, 1]))
    let sum = try b.reduceSum(masked, options: .init(axes: [1]))
    let count = try b.max(try b.reduceSum(mask, options: .init(axes: [1], keepDimensions: true)), try scalar(1e-9))
    let mean = try b.div(sum, count)
    guard model.normalizes else { return mean }
    let norm = try b.sqrt(try b.reduceSumSquare(mean, options: .init(axes: [1], keepDimensions: true)))
    return try b.div(mean, try b.max(norm, try scalar(1e-12)))
  }
}
