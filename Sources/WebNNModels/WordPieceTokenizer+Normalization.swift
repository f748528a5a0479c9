import Foundation

// The basic tokenizer: BERT's normalizer and pre-tokenizer, on Unicode scalars (the reference
// works on code points, not on Swift's grapheme clusters).

extension WordPieceTokenizer {
  /// Cleans, spaces CJK ideographs, strips accents and lower-cases, in the reference's order.
  func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var cleaned: [Unicode.Scalar] = []
    cleaned.reserveCapacity(scalars.count)
    for scalar in scalars {
      // NUL, U+FFFD and control or format characters go; every whitespace becomes a space.
      if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
      if Self.isWhitespace(scalar) {
        cleaned.append(" ")
      } else if options.tokenizeChineseCharacters && Self.isCJKIdeograph(scalar) {
        cleaned += [" ", scalar, " "]
      } else {
        cleaned.append(scalar)
      }
    }
    if options.stripAccents {
      var text = ""
      text.unicodeScalars.append(contentsOf: cleaned)
      // NFD also splits Hangul syllables into jamo, as the reference does.
      cleaned = text.decomposedStringWithCanonicalMapping.unicodeScalars.filter {
        $0.properties.generalCategory != .nonspacingMark
      }
    }
    if options.lowercase {
      // Per code point, with the full mappings (İ → i + U+0307) and no context rules (no final
      // sigma), as the reference lower-cases.
      cleaned = cleaned.flatMap { scalar in
        scalar.properties.changesWhenLowercased ? Array(scalar.properties.lowercaseMapping.unicodeScalars) : [scalar]
      }
    }
    return cleaned
  }

  /// Splits at whitespace and makes every punctuation character a word of its own.
  func words(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
    var words: [[Unicode.Scalar]] = []
    var current: [Unicode.Scalar] = []
    for scalar in scalars {
      if Self.isWhitespace(scalar) {
        if !current.isEmpty { words.append(current) }
        current = []
      } else if Self.isPunctuation(scalar) {
        if !current.isEmpty { words.append(current) }
        words.append([scalar])
        current = []
      } else {
        current.append(scalar)
      }
    }
    if !current.isEmpty { words.append(current) }
    return words
  }

  /// Tab, newline, carriage return and every Unicode White_Space character.
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
  }

  /// The "other" categories (Cc, Cf, Cs, Co, Cn) except tab, newline and carriage return,
  /// which are whitespace.
  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned: return true
    default: return false
    }
  }

  /// BERT's punctuation: all of ASCII's non-alphanumeric printable characters (which counts `$`,
  /// `+`, `^` and the like that Unicode calls symbols) and the Unicode punctuation categories.
  static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
      || (123...126).contains(value)
    {
      return true
    }
    switch scalar.properties.generalCategory {
    case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
      .finalPunctuation, .otherPunctuation:
      return true
    default: return false
    }
  }

  /// The CJK Unified Ideographs blocks and their extensions and compatibility blocks (not
  /// Hangul, kana or other scripts, which are written with spaces or split by WordPiece).
  static func isCJKIdeograph(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
      0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
      return true
    default: return false
    }
  }
}
