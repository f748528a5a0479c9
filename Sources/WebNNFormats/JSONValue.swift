import Foundation

/// A JSON document as parsed here: objects keep their members in file order (a graph's input
/// order is its members' order), numbers and booleans stay distinct, and a syntax error names
/// its line and column.
enum JSONValue: Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.number(let x), .number(let y)): x == y || (x.isNaN && y.isNaN)
    case (.string(let x), .string(let y)): x == y
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
    default: false
    }
  }

  /// The member `key` of an object.
  subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  var string: String? { if case .string(let text) = self { text } else { nil } }
  var number: Double? { if case .number(let value) = self { value } else { nil } }
  var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
  var members: [(String, JSONValue)]? { if case .object(let members) = self { members } else { nil } }

  /// Parses `data` (UTF-8).
  static func parse(_ data: Data, file: String) throws -> JSONValue {
    var parser = JSONParser(bytes: [UInt8](data), file: file)
    parser.skipWhitespace()
    let value = try parser.value(depth: 0)
    parser.skipWhitespace()
    guard parser.index == parser.bytes.count else { throw parser.error("unexpected text after the JSON value") }
    return value
  }

  /// Compact or indented JSON text; members in order.
  func serialized(indent: String = "", step: String = "  ") -> String {
    switch self {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let value):
      if let integer = Int(exactly: value), abs(value) < 1e15 { return "\(integer)" }
      return "\(value)"
    case .string(let text): return Self.quoted(text)
    case .array(let items):
      // Lists of scalars stay on one line (shapes, strides, bytes).
      if items.allSatisfy({ if case .array = $0 { false } else if case .object = $0 { false } else { true } }) {
        return "[" + items.map { $0.serialized() }.joined(separator: ", ") + "]"
      }
      let inner = indent + step
      return "[\n" + items.map { inner + $0.serialized(indent: inner, step: step) }.joined(separator: ",\n")
        + "\n\(indent)]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      let inner = indent + step
      return "{\n"
        + members.map { inner + Self.quoted($0.0) + ": " + $0.1.serialized(indent: inner, step: step) }
        .joined(separator: ",\n") + "\n\(indent)}"
    }
  }

  static func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20: result += String(format: "\\u%04x", scalar.value)
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}

/// A strict JSON parser (RFC 8259) that tracks lines and columns.
struct JSONParser {
  let bytes: [UInt8]
  let file: String
  var index = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  func error(_ message: String) -> GraphSyntaxError {
    var line = 1
    var column = 1
    for byte in bytes.prefix(index) {
      if byte == 0x0A {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return GraphSyntaxError(file: file, location: SourceLocation(line: line, column: column), message)
  }

  mutating func skipWhitespace() {
    while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
  }

  mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
    let expected = Array(word.utf8)
    guard index + expected.count <= bytes.count, Array(bytes[index..<(index + expected.count)]) == expected else {
      throw error("invalid literal (expected \(word))")
    }
    index += expected.count
    return value
  }

  mutating func value(depth: Int) throws -> JSONValue {
    guard depth < 256 else { throw error("nesting deeper than 256 levels") }
    guard index < bytes.count else { throw error("unexpected end of the file") }
    switch bytes[index] {
    case UInt8(ascii: "{"):
      index += 1
      var members: [(String, JSONValue)] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
          throw error("expected a member name in quotes")
        }
        let key = try string()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
          throw error("expected ':' after \"\(key)\"")
        }
        index += 1
        skipWhitespace()
        if members.contains(where: { $0.0 == key }) { throw error("member \"\(key)\" appears twice") }
        members.append((key, try value(depth: depth + 1)))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of the file in an object") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
          continue
        }
        guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
        index += 1
        return .object(members)
      }
    case UInt8(ascii: "["):
      index += 1
      var items: [JSONValue] = []
      skipWhitespace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      while true {
        skipWhitespace()
        items.append(try value(depth: depth + 1))
        skipWhitespace()
        guard index < bytes.count else { throw error("unexpected end of the file in a list") }
        if bytes[index] == UInt8(ascii: ",") {
          index += 1
          continue
        }
        guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in a list") }
        index += 1
        return .array(items)
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    default: return .number(try number())
    }
  }

  mutating func number() throws -> Double {
    let start = index
    while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
    guard index > start, let text = String(bytes: bytes[start..<index], encoding: .ascii), let value = Double(text)
    else {
      index = start
      throw error("expected a value")
    }
    return value
  }

  mutating func string() throws -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var run: [UInt8] = []
    func flush() throws {
      guard !run.isEmpty else { return }
      guard let text = String(bytes: run, encoding: .utf8) else { throw error("a string is not valid UTF-8") }
      scalars.append(contentsOf: text.unicodeScalars)
      run.removeAll(keepingCapacity: true)
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        try flush()
        return String(scalars)
      }
      if byte < 0x20 { throw error("a control character inside a string") }
      if byte == UInt8(ascii: "\\") {
        try flush()
        index += 1
        guard index < bytes.count else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "u"):
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
          {
            index += 2
            let low = try hex4()
            // A high surrogate must be followed by a low one (DC00 to DFFF).
            guard (0xDC00..<0xE000).contains(low) else { throw error("an invalid \\u escape (unpaired surrogate)") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { throw error("an invalid \\u escape") }
          scalars.append(scalar)
        default: throw error("an invalid escape in a string")
        }
        continue
      }
      run.append(byte)
      index += 1
    }
    throw error("unterminated string")
  }

  mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count, let text = String(bytes: bytes[index..<(index + 4)], encoding: .ascii),
      let code = UInt32(text, radix: 16)
    else { throw error("an invalid \\u escape") }
    index += 4
    return code
  }
}
