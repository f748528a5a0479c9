import WebNNCore

extension GraphDocument {
  /// Parses the `.webnn` text form.
  ///
  /// ```swift
  /// let document = try GraphDocument(text: "webnn_graph \"g\" v1 { inputs { x: f32[2]; } nodes { y = relu(x); } outputs { y; } }")
  /// ```
  ///
  /// - Throws: ``GraphSyntaxError`` with the line and column of the first problem.
  public init(text: String, file: String = "graph.webnn") throws {
    var parser = GraphTextParser(tokens: try GraphTextLexer(file: file).tokens(text), file: file)
    self = try parser.document()
  }
}

/// Recursive descent over the tokens, following the grammar in the format's description.
struct GraphTextParser {
  let tokens: [GraphToken]
  let file: String
  var index = 0

  init(tokens: [GraphToken], file: String) {
    self.tokens = tokens
    self.file = file
  }

  var current: GraphToken { tokens[index] }

  func error(_ message: String, at token: GraphToken? = nil) -> GraphSyntaxError {
    let token = token ?? current
    return GraphSyntaxError(file: file, location: token.location, "\(message), found \(Self.describe(token.kind))")
  }

  static func describe(_ kind: GraphToken.Kind) -> String {
    switch kind {
    case .identifier(let name): "'\(name)'"
    case .string(let value): "the string \"\(value)\""
    case .number(_, let text): "the number \(text)"
    case .symbol(let c): "'\(c)'"
    case .annotation(let name): "'@\(name)'"
    case .end: "the end of the file"
    }
  }

  mutating func next() -> GraphToken {
    defer { if index < tokens.count - 1 { index += 1 } }
    return tokens[index]
  }

  mutating func accept(_ symbol: Character) -> Bool {
    guard current.kind == .symbol(symbol) else { return false }
    index += 1
    return true
  }

  mutating func expect(_ symbol: Character, _ context: String) throws {
    guard accept(symbol) else { throw error("expected '\(symbol)' \(context)") }
  }

  mutating func identifier(_ context: String) throws -> String {
    guard case .identifier(let name) = current.kind else { throw error("expected \(context)") }
    index += 1
    return name
  }

  mutating func integer(_ context: String) throws -> Int {
    guard case .number(let value, _) = current.kind, let integer = Int(exactly: value) else {
      throw error("expected an integer \(context)")
    }
    index += 1
    return integer
  }

  mutating func string(_ context: String) throws -> String {
    guard case .string(let value) = current.kind else { throw error("expected a string \(context)") }
    index += 1
    return value
  }

  mutating func document() throws -> GraphDocument {
    guard try identifier("'webnn_graph'") == "webnn_graph" else {
      throw error("a graph file starts with 'webnn_graph'", at: tokens[0])
    }
    let name = try string("for the graph's name")
    let versionToken = try identifier("a version such as v1")
    guard versionToken.first == "v", let version = Int(versionToken.dropFirst()) else {
      throw error("expected a version such as v1", at: tokens[index - 1])
    }
    var document = GraphDocument(name: name, version: version)
    if case .annotation(let annotation) = current.kind {
      guard annotation == "quantized" else { throw error("expected '@quantized' or '{'") }
      document.quantized = true
      index += 1
    }
    try expect("{", "after the header")
    var seen: Set<String> = []
    while !accept("}") {
      let blockToken = current
      let block = try identifier("a block (inputs, consts, nodes, outputs) or '}'")
      guard !seen.contains(block) else { throw error("a second '\(block)' block", at: blockToken) }
      seen.insert(block)
      try expect("{", "after '\(block)'")
      switch block {
      case "inputs": document.inputs = try declarations()
      case "consts": document.constants = try constants()
      case "nodes": document.nodes = try nodes()
      case "outputs": document.outputs = try outputs()
      default: throw error("unknown block '\(block)' (expected inputs, consts, nodes or outputs)", at: blockToken)
      }
    }
    guard current.kind == .end else { throw error("expected the end of the file after the graph's '}'") }
    return document
  }

  mutating func type() throws -> GraphDocument.TensorType {
    let typeToken = current
    let name = try identifier("a data type (f32, f16, i32, u32, i64, u64, i8, u8, i4, u4)")
    guard let dataType = MLOperandDataType(shortName: name) else {
      throw error(
        "unknown data type '\(name)' (expected f32, f16, i32, u32, i64, u64, i8, u8, i4 or u4)", at: typeToken)
    }
    try expect("[", "after the data type")
    var shape: [GraphDocument.Dimension] = []
    if !accept("]") {
      repeat {
        if case .identifier("dyn") = current.kind {
          index += 1
          try expect("(", "after dyn")
          let dimension = try string("naming the dynamic dimension")
          try expect(",", "after the dynamic dimension's name")
          let maxSize = try integer("for the dynamic dimension's largest size")
          try expect(")", "after dyn(name, maxSize")
          shape.append(.dynamic(name: dimension, maxSize: maxSize))
        } else {
          let sizeToken = current
          let size = try integer("dimension")
          guard size >= 0 else { throw error("a dimension cannot be negative", at: sizeToken) }
          shape.append(.fixed(size))
        }
      } while accept(",")
      try expect("]", "after the dimensions")
    }
    return GraphDocument.TensorType(dataType: dataType, shape: shape)
  }

  mutating func declarations() throws -> [GraphDocument.Declaration] {
    var result: [GraphDocument.Declaration] = []
    while !accept("}") {
      let name = try identifier("an input name or '}'")
      try expect(":", "after the input name \(name)")
      result.append(.init(name: name, type: try type()))
      try expect(";", "after the declaration of \(name)")
    }
    return result
  }

  mutating func constants() throws -> [GraphDocument.Constant] {
    var result: [GraphDocument.Constant] = []
    while !accept("}") {
      let name = try identifier("a constant name or '}'")
      try expect(":", "after the constant name \(name)")
      let typeToken = current
      let type = try type()
      if type.shape.contains(where: { if case .dynamic = $0 { true } else { false } }) {
        throw error("constant \(name): dyn() dimensions are for inputs only", at: typeToken)
      }
      var initializer: GraphDocument.Initializer?
      while case .annotation(let annotation) = current.kind {
        let annotationToken = current
        index += 1
        try expect("(", "after '@\(annotation)'")
        switch annotation {
        case "weights": initializer = .weights(try string("naming the weights key"))
        case "scalar":
          guard case .number(let value, _) = current.kind else { throw error("expected a number in @scalar(...)") }
          index += 1
          initializer = .scalar(value)
        case "bytes":
          try expect("[", "in @bytes(")
          var bytes: [UInt8] = []
          if !accept("]") {
            repeat {
              let byteToken = current
              let value = try integer("byte")
              guard let byte = UInt8(exactly: value) else { throw error("a byte is 0 to 255", at: byteToken) }
              bytes.append(byte)
            } while accept(",")
            try expect("]", "after the bytes")
          }
          initializer = .bytes(bytes)
        default:
          throw error("unknown annotation '@\(annotation)' (expected @weights, @scalar or @bytes)", at: annotationToken)
        }
        try expect(")", "after the annotation's argument")
      }
      guard let initializer else { throw error("constant \(name) needs @weights(...), @scalar(...) or @bytes([...])") }
      result.append(.init(name: name, type: type, initializer: initializer))
      try expect(";", "after the declaration of \(name)")
    }
    return result
  }

  mutating func nodes() throws -> [GraphDocument.Node] {
    var result: [GraphDocument.Node] = []
    while !accept("}") {
      let start = current.location
      var outputs: [String] = []
      var list = false
      if accept("[") {
        list = true
        repeat { outputs.append(try identifier("a result name")) } while accept(",")
        try expect("]", "after the result names")
      } else {
        outputs.append(try identifier("a result name or '}'"))
      }
      try expect("=", "after the result names")
      let opToken = current
      guard case .identifier(let op) = opToken.kind else {
        throw error("expected an operator call or an operand name after '='")
      }
      index += 1
      var positional: [MLArgumentValue] = []
      var named: [String: MLArgumentValue] = [:]
      if accept("(") {
        if !accept(")") {
          repeat {
            if case .identifier(let key) = current.kind, tokens[index + 1].kind == .symbol("=") {
              let keyToken = current
              index += 2
              guard named[key] == nil else { throw error("argument \(key) given twice", at: keyToken) }
              named[key] = try value()
            } else {
              guard named.isEmpty else { throw error("a positional argument after a named one") }
              positional.append(try value())
            }
          } while accept(",")
          try expect(")", "after the arguments of \(op)")
        }
        result.append(
          .init(op: op, positional: positional, named: named, outputs: outputs, outputsAreList: list, location: start))
      } else {
        // `y = x;` makes y another name for x.
        result.append(
          .init(op: "identity", positional: [.operand(op)], outputs: outputs, outputsAreList: list, location: start))
      }
      try expect(";", "after the node")
    }
    return result
  }

  /// A value; lists nest at most 256 deep, as in the JSON form, so that a hostile file cannot
  /// exhaust the stack.
  mutating func value(depth: Int = 0) throws -> MLArgumentValue {
    guard depth < 256 else { throw error("lists nested deeper than 256 levels") }
    let token = next()
    switch token.kind {
    case .identifier("true"): return .bool(true)
    case .identifier("false"): return .bool(false)
    case .identifier("null"): return .null
    case .identifier(let name): return .operand(name)
    case .string(let text): return .string(text)
    case .number(let value, _): return .number(value)
    case .symbol("["):
      var items: [MLArgumentValue] = []
      if accept("]") { return .array(items) }
      repeat { items.append(try value(depth: depth + 1)) } while accept(",")
      try expect("]", "after the list")
      return .array(items)
    default: throw error("expected a value", at: token)
    }
  }

  mutating func outputs() throws -> [GraphDocument.Output] {
    var result: [GraphDocument.Output] = []
    while !accept("}") {
      let name = try identifier("an output name or '}'")
      result.append(.init(name: name, operand: name))
      if !accept(",") { _ = accept(";") }
    }
    return result
  }
}
