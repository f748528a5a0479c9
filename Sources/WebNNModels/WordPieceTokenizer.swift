import Foundation

/// BERT's tokenizer: a basic tokenizer (text cleaning, CJK character spacing, accent stripping,
/// lower-casing, whitespace and punctuation splitting) followed by WordPiece, greedy
/// longest-match-first over a vocabulary with `##` marking word continuations. The special
/// tokens `[CLS]` and `[SEP]` frame every sequence.
///
/// It follows the Hugging Face fast tokenizer (`BertNormalizer`, `BertPreTokenizer`,
/// `WordPiece`) that sentence-transformers uses, so ids agree token for token.
///
/// ```swift
/// let tokenizer = try WordPieceTokenizer(vocabulary: modelDirectory.appendingPathComponent("vocab.txt"))
/// let ids = tokenizer.encode("Hello, world!")  // [101, 7592, 1010, 2088, 999, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
  /// The switches of the basic tokenizer, as `tokenizer_config.json` names them.
  ///
  /// ```swift
  /// let cased = WordPieceTokenizer.Options(lowercase: false)  // keeps case and accents
  /// ```
  public struct Options: Sendable, Equatable {
    /// Lower-case the text (`do_lower_case`).
    public var lowercase: Bool
    /// Strip accents: NFD, then drop nonspacing marks (`strip_accents`; `null` follows
    /// `do_lower_case`).
    public var stripAccents: Bool
    /// Put spaces around CJK ideographs so that each is a word (`tokenize_chinese_chars`).
    public var tokenizeChineseCharacters: Bool
    /// Words longer than this many characters become `[UNK]` (WordPiece's `max_input_chars_per_word`).
    public var maxCharactersPerWord: Int

    /// Creates options; the defaults are the uncased BERT tokenizer's.
    public init(
      lowercase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseCharacters: Bool = true,
      maxCharactersPerWord: Int = 100
    ) {
      self.lowercase = lowercase
      self.stripAccents = stripAccents ?? lowercase
      self.tokenizeChineseCharacters = tokenizeChineseCharacters
      self.maxCharactersPerWord = maxCharactersPerWord
    }
  }

  /// Token → id.
  public let vocabulary: [String: Int]
  /// The basic tokenizer's switches.
  public let options: Options
  /// The ids of `[CLS]`, `[SEP]`, `[PAD]` and `[UNK]`.
  public let classifierID: Int, separatorID: Int, paddingID: Int, unknownID: Int
  /// Special tokens that the raw text may contain verbatim; each matches as one token, before
  /// any normalization (the fast tokenizer's added tokens).
  let specialTokens: [(text: [Unicode.Scalar], id: Int)]

  /// A tokenizer over `vocabulary` (token → id) that must contain `[CLS]`, `[SEP]`, `[PAD]` and `[UNK]`.
  ///
  /// ```swift
  /// let tokenizer = try WordPieceTokenizer(vocabulary: ["[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "hi": 4])
  /// ```
  ///
  /// - Throws: ``ModelFileError`` when a special token is missing.
  public init(vocabulary: [String: Int], options: Options = Options()) throws {
    func id(_ token: String) throws -> Int {
      guard let id = vocabulary[token] else {
        throw ModelFileError("the vocabulary (\(vocabulary.count) tokens) has no \(token)")
      }
      return id
    }
    self.vocabulary = vocabulary
    self.options = options
    classifierID = try id("[CLS]")
    separatorID = try id("[SEP]")
    paddingID = try id("[PAD]")
    unknownID = try id("[UNK]")
    specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { token in
      vocabulary[token].map { (Array(token.unicodeScalars), $0) }
    }
  }

  /// A tokenizer reading `vocab.txt` (one token per line; the line number is the id).
  ///
  /// ```swift
  /// let tokenizer = try WordPieceTokenizer(vocabulary: URL(fileURLWithPath: "model/vocab.txt"))
  /// ```
  public init(vocabulary url: URL, options: Options = Options()) throws {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch {
      throw ModelFileError("cannot read the vocabulary \(url.path): \(error.localizedDescription)")
    }
    var vocabulary: [String: Int] = [:]
    // Only "\n" separates lines: a token may itself be "\r"-free punctuation of any kind.
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let token = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
      if token.isEmpty { continue }
      // The first occurrence wins, as in the reference loader.
      if vocabulary[token] == nil { vocabulary[token] = index }
    }
    try self.init(vocabulary: vocabulary, options: options)
  }

  /// The ids of `text`: `[CLS]`, its WordPiece tokens, `[SEP]`; at most `maxLength` ids, the
  /// text's tokens cut at the end to fit.
  ///
  /// ```swift
  /// let ids = tokenizer.encode("Hello, world!", maxLength: 256)
  /// ```
  public func encode(_ text: String, maxLength: Int = 512) -> [Int] {
    let body = tokenIDs(text)
    return [classifierID] + body.prefix(max(0, maxLength - 2)) + [separatorID]
  }

  /// The WordPiece ids of `text` without `[CLS]` and `[SEP]`.
  ///
  /// ```swift
  /// let ids = tokenizer.tokenIDs("unaffable")  // una ##ffa ##ble
  /// ```
  public func tokenIDs(_ text: String) -> [Int] {
    var ids: [Int] = []
    for segment in splitOnSpecialTokens(Array(text.unicodeScalars)) {
      switch segment {
      case .special(let id): ids.append(id)
      case .text(let scalars):
        for word in words(normalize(scalars)) { ids += wordPiece(word) }
      }
    }
    return ids
  }

  /// A segment of raw text: ordinary text, or a special token written out.
  enum Segment {
    case text([Unicode.Scalar])
    case special(Int)
  }

  /// Splits out verbatim special tokens (`[MASK]`, `[SEP]`, ...), case-sensitively, as the fast
  /// tokenizer does with its non-normalized added tokens.
  func splitOnSpecialTokens(_ scalars: [Unicode.Scalar]) -> [Segment] {
    var segments: [Segment] = []
    var start = 0
    var index = 0
    scan: while index < scalars.count {
      if scalars[index] == "[" {
        for (token, id) in specialTokens
        where index + token.count <= scalars.count && scalars[index..<(index + token.count)].elementsEqual(token) {
          if start < index { segments.append(.text(Array(scalars[start..<index]))) }
          segments.append(.special(id))
          index += token.count
          start = index
          continue scan
        }
      }
      index += 1
    }
    if start < scalars.count { segments.append(.text(Array(scalars[start...]))) }
    return segments
  }

  /// WordPiece on one word: the longest vocabulary entry at each position (`##`-prefixed after
  /// the first), or a single `[UNK]` for the whole word when it is too long or some position
  /// matches nothing.
  func wordPiece(_ word: [Unicode.Scalar]) -> [Int] {
    guard word.count <= options.maxCharactersPerWord else { return [unknownID] }
    var ids: [Int] = []
    var start = 0
    while start < word.count {
      var end = word.count
      var match: Int?
      while end > start {
        var piece = start > 0 ? "##" : ""
        piece.unicodeScalars.append(contentsOf: word[start..<end])
        if let id = vocabulary[piece] {
          match = id
          break
        }
        end -= 1
      }
      guard let id = match else { return [unknownID] }
      ids.append(id)
      start = end
    }
    return ids
  }
}

/// A model directory that is missing a file or holds the wrong one.
///
/// ```swift
/// throw ModelFileError("config.json: hidden_size is 768, expected 384")
/// ```
public struct ModelFileError: Error, CustomStringConvertible, Sendable {
  /// What is wrong, naming the file and the entry.
  public let description: String
  /// An error with `description`.
  public init(_ description: String) { self.description = description }
}
