import Foundation
import WebNNCore
import WebNNFormats

/// A sentence-transformers BERT encoder (all-MiniLM-L6-v2 and its relatives) built with the
/// WebNN graph builder straight from `model.safetensors`: token, position and segment
/// embeddings, the transformer layers, mean pooling over the attention mask and L2
/// normalization, all in one graph. The weights are borrowed from the mapped file, never copied
/// on the host.
///
/// One graph is built per (sentences, tokens) shape and kept for later calls of that shape.
///
/// ```swift
/// let context = try await ML().createContext()
/// let encoder = try MiniLMEncoder(model: try SentenceModelDirectory(modelURL), context: context)
/// let vectors = try await encoder.embed(["A man is eating food.", "A man eats something."])
/// let similarity = zip(vectors[0], vectors[1]).map(*).reduce(0, +)
/// ```
public actor MiniLMEncoder {
  /// The model's configuration.
  public nonisolated let model: SentenceModelDirectory
  /// Its tokenizer.
  public nonisolated let tokenizer: WordPieceTokenizer
  /// The mapped weights.
  public nonisolated let weights: SafetensorsFile
  /// The context the graphs run in.
  public nonisolated let context: MLContext
  /// The data type of token ids: int32 where the context's gather takes it, else int64.
  public nonisolated let indexType: MLOperandDataType
  /// `""` or `"bert."`: how the checkpoint names its tensors.
  nonisolated let prefix: String
  /// Built graphs by (sentences, tokens).
  var graphs: [[Int]: MLGraph] = [:]

  /// Maps the weights and checks every tensor the graph needs against the configuration.
  ///
  /// - Throws: ``ModelFileError`` for a tensor that is missing or has the wrong type or shape;
  ///   `FormatError` for a file that is not safetensors.
  public init(model: SentenceModelDirectory, context: MLContext) throws {
    self.model = model
    self.context = context
    tokenizer = try model.tokenizer()
    guard tokenizer.vocabulary.count == model.vocabularySize else {
      throw ModelFileError(
        "\(model.url.path)/vocab.txt has \(tokenizer.vocabulary.count) tokens, config.json says vocab_size \(model.vocabularySize)"
      )
    }
    weights = try SafetensorsFile(model.weightsURL)
    prefix = weights.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
    let gatherIndices = context.opSupportLimits()["gather"]?["indices"]?.dataTypes ?? []
    let inputTypes = context.opSupportLimits().input.dataTypes
    indexType = gatherIndices.contains(.int32) && inputTypes.contains(.int32) ? .int32 : .int64
    for (name, shape) in Self.expectedTensors(model) {
      guard let tensor = weights.tensors[prefix + name] else {
        throw ModelFileError(
          "\(model.weightsURL.path): no tensor \(prefix + name); \(weights.tensors.count) tensors, not this BERT checkpoint?"
        )
      }
      guard tensor.dataType == .float32, tensor.shape == shape else {
        throw ModelFileError(
          "\(model.weightsURL.path): \(tensor.name) is \(tensor.dtype)\(tensor.shape), config.json implies F32\(shape)")
      }
    }
  }

  /// Every weight the graph reads, with the shape `config.json` implies.
  static func expectedTensors(_ model: SentenceModelDirectory) -> [(String, [Int])] {
    let (hidden, ffn) = (model.hiddenSize, model.intermediateSize)
    var tensors: [(String, [Int])] = [
      ("embeddings.word_embeddings.weight", [model.vocabularySize, hidden]),
      ("embeddings.position_embeddings.weight", [model.maxPositions, hidden]),
      ("embeddings.token_type_embeddings.weight", [model.typeVocabularySize, hidden]),
      ("embeddings.LayerNorm.weight", [hidden]), ("embeddings.LayerNorm.bias", [hidden]),
    ]
    for layer in 0..<model.layers {
      let base = "encoder.layer.\(layer)."
      for dense in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
        tensors += [(base + dense + ".weight", [hidden, hidden]), (base + dense + ".bias", [hidden])]
      }
      tensors += [
        (base + "intermediate.dense.weight", [ffn, hidden]), (base + "intermediate.dense.bias", [ffn]),
        (base + "output.dense.weight", [hidden, ffn]), (base + "output.dense.bias", [hidden]),
      ]
      for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
        tensors += [(base + norm + ".weight", [hidden]), (base + norm + ".bias", [hidden])]
      }
    }
    return tensors
  }

  /// The embeddings of `sentences`, one vector of `hiddenSize` values each (unit length when
  /// the model normalizes), tokenized with at most ``SentenceModelDirectory/maxSequenceLength`` tokens.
  ///
  /// ```swift
  /// let vectors = try await encoder.embed(["Hello, world!"])
  /// ```
  public func embed(_ sentences: [String]) async throws -> [[Float]] {
    try await embed(tokenizer.encodeBatch(sentences, maxLength: model.maxSequenceLength))
  }

  /// The embeddings of already tokenized sentences.
  ///
  /// ```swift
  /// let vectors = try await encoder.embed(encoder.tokenizer.encodeBatch(["Hi"]))
  /// ```
  public func embed(_ unpadded: TokenBatch) async throws -> [[Float]] {
    guard unpadded.count > 0 else { return [] }
    let batch = aligned(unpadded)
    guard batch.length <= model.maxPositions else {
      throw ModelFileError("\(batch.length) tokens, the model has \(model.maxPositions) positions")
    }
    let graph = try await graph(sentences: batch.count, tokens: batch.length)
    let shape = [batch.count, batch.length]
    func tokens(_ values: [Int]) async throws -> MLTensor {
      let tensor = try await context.createTensor(.init(dataType: indexType, shape: shape, writable: true))
      if indexType == .int32 {
        try context.writeTensor(tensor, values.map { Int32($0) })
      } else {
        try context.writeTensor(tensor, values.map { Int64($0) })
      }
      return tensor
    }
    let mask = try await context.createTensor(.init(dataType: .float32, shape: shape, writable: true))
    try context.writeTensor(mask, batch.attentionMask.map { Float($0) })
    let output = try await context.createTensor(
      .init(dataType: .float32, shape: [batch.count, model.hiddenSize], readable: true))
    try context.dispatch(
      graph,
      inputs: [
        "input_ids": try await tokens(batch.ids), "token_type_ids": try await tokens(batch.typeIDs),
        "attention_mask": mask,
      ],
      outputs: ["embeddings": output])
    let values = try await context.readTensor(output, as: Float.self)
    return (0..<batch.count).map { Array(values[($0 * model.hiddenSize)..<(($0 + 1) * model.hiddenSize)]) }
  }

  /// Builds (or finds) the graph for `batch`'s shape ahead of ``embed(_:)-(TokenBatch)``, so a
  /// caller can time building and running apart.
  ///
  /// ```swift
  /// try await encoder.prepare(for: batch)
  /// ```
  public func prepare(for batch: TokenBatch) async throws {
    let aligned = aligned(batch)
    _ = try await graph(sentences: aligned.count, tokens: aligned.length)
  }

  /// `batch` padded to a multiple of 8 tokens: the matrix products over tokens (q · kᵀ) then
  /// run vectorized kernels, several times faster on lavapipe than at an odd length, and
  /// nearby lengths share one graph.
  nonisolated func aligned(_ batch: TokenBatch) -> TokenBatch {
    batch.padded(toMultipleOf: 8, limit: model.maxPositions, paddingID: tokenizer.paddingID)
  }

  /// The graph for `sentences` × `tokens`, built on first use.
  func graph(sentences: Int, tokens: Int) async throws -> MLGraph {
    if let graph = graphs[[sentences, tokens]] { return graph }
    let builder = MLGraphBuilder(context)
    let embeddings = try buildEncoder(builder, sentences: sentences, tokens: tokens)
    let graph = try await builder.build(["embeddings": embeddings])
    graphs[[sentences, tokens]] = graph
    return graph
  }
}

/// The cosine similarity of every pair of `vectors`: row i, column j is vᵢ·vⱼ / (‖vᵢ‖ ‖vⱼ‖).
///
/// ```swift
/// let matrix = cosineSimilarities(try await encoder.embed(["a", "b"]))  // matrix[0][0] ≈ 1
/// ```
public func cosineSimilarities(_ vectors: [[Float]]) -> [[Float]] {
  let norms = vectors.map { max(($0.reduce(0) { $0 + $1 * $1 }).squareRoot(), 1e-12) }
  return vectors.indices.map { i in
    vectors.indices.map { j in zip(vectors[i], vectors[j]).reduce(0) { $0 + $1.0 * $1.1 } / (norms[i] * norms[j]) }
  }
}
