import Foundation

/// A sentence-transformers BERT model on disk (as Hugging Face lays it out): `config.json`,
/// `model.safetensors`, `vocab.txt`, `tokenizer_config.json`, `sentence_bert_config.json`,
/// `modules.json` and `1_Pooling/config.json`. Reading it checks that it describes what
/// ``MiniLMEncoder`` builds: a BERT encoder with absolute positions and erf GELU, mean pooling,
/// optionally L2 normalization.
///
/// ```swift
/// let model = try SentenceModelDirectory(URL(fileURLWithPath: "all-MiniLM-L6-v2"))
/// print(model.hiddenSize, model.layers, model.maxSequenceLength)  // 384 6 256
/// ```
public struct SentenceModelDirectory: Sendable {
  /// The directory.
  public let url: URL
  /// `hidden_size`, `num_hidden_layers`, `num_attention_heads`, `intermediate_size`.
  public let hiddenSize: Int, layers: Int, heads: Int, intermediateSize: Int
  /// `vocab_size`, `type_vocab_size`, `max_position_embeddings`.
  public let vocabularySize: Int, typeVocabularySize: Int, maxPositions: Int
  /// `layer_norm_eps`.
  public let layerNormEpsilon: Double
  /// The most tokens a sentence keeps, `[CLS]` and `[SEP]` included: sentence-transformers'
  /// `max_seq_length`, else the tokenizer's `model_max_length`, capped by the positions.
  public let maxSequenceLength: Int
  /// The tokenizer switches from `tokenizer_config.json`.
  public let tokenizerOptions: WordPieceTokenizer.Options
  /// Whether the pipeline ends with a `Normalize` module (unit-length embeddings).
  public let normalizes: Bool

  /// Reads and checks the configuration files in `url`.
  ///
  /// - Throws: ``ModelFileError`` naming the file and the entry at fault.
  public init(_ url: URL) throws {
    self.url = url
    let config = try Self.json(url, "config.json")
    func int(_ key: String) throws -> Int {
      guard let value = config[key] as? NSNumber, let int = Int(exactly: value.doubleValue), int > 0 else {
        throw ModelFileError("\(url.path)/config.json: \(key) is missing or not a positive integer")
      }
      return int
    }
    func expect(_ key: String, _ expected: String) throws {
      let value = config[key] as? String ?? expected
      guard value == expected else {
        throw ModelFileError("\(url.path)/config.json: \(key) is \(value); only \(expected) is supported")
      }
    }
    try expect("model_type", "bert")
    try expect("hidden_act", "gelu")
    try expect("position_embedding_type", "absolute")
    hiddenSize = try int("hidden_size")
    layers = try int("num_hidden_layers")
    heads = try int("num_attention_heads")
    intermediateSize = try int("intermediate_size")
    vocabularySize = try int("vocab_size")
    typeVocabularySize = try int("type_vocab_size")
    maxPositions = try int("max_position_embeddings")
    guard hiddenSize % heads == 0 else {
      throw ModelFileError("\(url.path)/config.json: hidden_size \(hiddenSize) is not a multiple of \(heads) heads")
    }
    layerNormEpsilon = (config["layer_norm_eps"] as? NSNumber)?.doubleValue ?? 1e-12

    let tokenizer = try Self.json(url, "tokenizer_config.json")
    let lowercase = tokenizer["do_lower_case"] as? Bool ?? true
    tokenizerOptions = WordPieceTokenizer.Options(
      lowercase: lowercase, stripAccents: tokenizer["strip_accents"] as? Bool,
      tokenizeChineseCharacters: tokenizer["tokenize_chinese_chars"] as? Bool ?? true)
    var length = (tokenizer["model_max_length"] as? NSNumber)?.intValue ?? maxPositions
    if let sentence = try? Self.json(url, "sentence_bert_config.json"),
      let max = (sentence["max_seq_length"] as? NSNumber)?.intValue
    {
      length = max
    }
    maxSequenceLength = min(length, maxPositions)

    let pooling = try Self.json(url, "1_Pooling/config.json")
    let modes = pooling.keys.filter { $0.hasPrefix("pooling_mode_") && pooling[$0] as? Bool == true }
    guard modes == ["pooling_mode_mean_tokens"] else {
      throw ModelFileError(
        "\(url.path)/1_Pooling/config.json: pooling \(modes.sorted()); only pooling_mode_mean_tokens is supported")
    }
    let modules =
      (try? JSONSerialization.jsonObject(with: Data(contentsOf: url.appendingPathComponent("modules.json"))))
    normalizes = (modules as? [[String: Any]] ?? []).contains {
      ($0["type"] as? String)?.hasSuffix(".Normalize") == true
    }
  }

  /// The WordPiece tokenizer of `vocab.txt` with the configured switches.
  ///
  /// ```swift
  /// let ids = try model.tokenizer().encode("Hello!", maxLength: model.maxSequenceLength)
  /// ```
  public func tokenizer() throws -> WordPieceTokenizer {
    try WordPieceTokenizer(vocabulary: url.appendingPathComponent("vocab.txt"), options: tokenizerOptions)
  }

  /// `model.safetensors`.
  public var weightsURL: URL { url.appendingPathComponent("model.safetensors") }

  static func json(_ directory: URL, _ name: String) throws -> [String: Any] {
    let file = directory.appendingPathComponent(name)
    let data: Data
    do { data = try Data(contentsOf: file) } catch {
      throw ModelFileError(
        "\(file.path): cannot read (\(error.localizedDescription)): not a sentence-transformers model?")
    }
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw ModelFileError("\(file.path): not a JSON object")
    }
    return object
  }
}
