/// The tokens of the `.webnn` text form, each with its position.
struct GraphToken: Equatable {
  enum Kind: Equatable {
    case identifier(String)
    case string(String)
    case number(Double, text: String)
    case symbol(Character)
    case annotation(String)  // `@weights`, `@quantized`, ...
    case end
  }
  let kind: Kind
  let location: SourceLocation
}

/// A malformed graph file: the file, the line and column, and what was expected.
///
/// ```swift
/// // head.webnn:3:14: expected ';' after the input declaration, found '}'
/// ```
public struct GraphSyntaxError: Error, CustomStringConvertible, Sendable {
  /// The file's path.
  public let file: String
  /// Where the problem is, when known.
  public let location: SourceLocation?
  /// What is wrong.
  public let message: String

  /// An error at `location` in `file`.
  public init(file: String, location: SourceLocation?, _ message: String) {
    self.file = file
    self.location = location
    self.message = message
  }

  public var description: String { "\(file):\(location.map { "\($0): " } ?? " ")\(message)" }
}

/// Splits the text form into tokens; `#` starts a comment that runs to the end of the line.
struct GraphTextLexer {
  let file: String

  func tokens(_ text: String) throws -> [GraphToken] {
    let characters = [Character](text)
    var tokens: [GraphToken] = []
    var index = 0
    var line = 1
    var column = 1
    func advance() {
      if characters[index] == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
      index += 1
    }
    func matches(_ word: String, at start: Int) -> Bool {
      let end = start + word.count
      return end <= characters.count && String(characters[start..<end]) == word
        && (end == characters.count || !isIdentifierPart(characters[end]))
    }
    func isIdentifierStart(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c == "_" || c == "/" || c == "$") }
    func isIdentifierPart(_ c: Character) -> Bool {
      c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "." || c == "/" || c == "$")
    }
    while index < characters.count {
      let c = characters[index]
      let here = SourceLocation(line: line, column: column)
      if c.isWhitespace {
        advance()
      } else if c == "#" {
        while index < characters.count, characters[index] != "\n" { advance() }
      } else if isIdentifierStart(c) {
        var name = ""
        while index < characters.count, isIdentifierPart(characters[index]) {
          name.append(characters[index])
          advance()
        }
        switch name {
        case "Infinity": tokens.append(GraphToken(kind: .number(.infinity, text: name), location: here))
        case "NaN": tokens.append(GraphToken(kind: .number(.nan, text: name), location: here))
        default: tokens.append(GraphToken(kind: .identifier(name), location: here))
        }
      } else if c == "@" {
        advance()
        var name = ""
        while index < characters.count, isIdentifierPart(characters[index]) {
          name.append(characters[index])
          advance()
        }
        guard !name.isEmpty else {
          throw GraphSyntaxError(file: file, location: here, "'@' without an annotation name")
        }
        tokens.append(GraphToken(kind: .annotation(name), location: here))
      } else if c == "\"" {
        advance()
        var value = ""
        var closed = false
        while index < characters.count {
          let d = characters[index]
          if d == "\n" { break }
          advance()
          if d == "\"" {
            closed = true
            break
          }
          if d == "\\" {
            guard index < characters.count else { break }
            let escaped = characters[index]
            advance()
            switch escaped {
            case "n": value.append("\n")
            case "t": value.append("\t")
            case "\"", "\\", "/": value.append(escaped)
            default:
              throw GraphSyntaxError(file: file, location: here, "unknown escape '\\\(escaped)' in a string")
            }
          } else {
            value.append(d)
          }
        }
        guard closed else { throw GraphSyntaxError(file: file, location: here, "unterminated string") }
        tokens.append(GraphToken(kind: .string(value), location: here))
      } else if c == "-", matches("Infinity", at: index + 1) {
        for _ in 0..<9 { advance() }
        tokens.append(GraphToken(kind: .number(-.infinity, text: "-Infinity"), location: here))
      } else if c.isNumber
        || ((c == "-" || c == "+" || c == ".") && index + 1 < characters.count
          && (characters[index + 1].isNumber || characters[index + 1] == "."))
      {
        var text = ""
        while index < characters.count,
          characters[index].isNumber
            || "+-.eE".contains(characters[index])
              && !(("+-".contains(characters[index])) && !text.isEmpty && !"eE".contains(text.last!))
        {
          text.append(characters[index])
          advance()
        }
        guard let value = Double(text) else {
          throw GraphSyntaxError(file: file, location: here, "malformed number '\(text)'")
        }
        tokens.append(GraphToken(kind: .number(value, text: text), location: here))
      } else if "{}[]();:,=".contains(c) {
        tokens.append(GraphToken(kind: .symbol(c), location: here))
        advance()
      } else {
        throw GraphSyntaxError(file: file, location: here, "unexpected character '\(c)'")
      }
    }
    tokens.append(GraphToken(kind: .end, location: SourceLocation(line: line, column: column)))
    return tokens
  }
}
