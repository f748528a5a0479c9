import Foundation
import WebNNCore

extension GraphDocument {
  /// Parses the JSON form (`"format": "webnn-graph-json"`).
  ///
  /// ```swift
  /// let document = try GraphDocument(json: Data(contentsOf: url), file: url.path)
  /// ```
  ///
  /// - Throws: ``GraphSyntaxError``: JSON syntax errors with their line and column, format
  ///   errors naming the member at fault.
  public init(json data: Data, file: String = "graph.json") throws {
    func fail(_ message: String) -> GraphSyntaxError { GraphSyntaxError(file: file, location: nil, message) }
    let root = try JSONValue.parse(data, file: file)
    guard root.members != nil else { throw fail("the top level is not a JSON object") }
    if let format = root["format"] {
      guard format.string == "webnn-graph-json" else {
        throw fail("format is \(format.serialized()), expected \"webnn-graph-json\"")
      }
    }
    self.init(name: root["name"]?.string ?? "graph")
    version = root["version"]?.number.flatMap { Int(exactly: $0) } ?? 2
    if case .bool(let flag) = root["quantized"] { quantized = flag }

    func type(_ value: JSONValue, _ what: String) throws -> TensorType {
      guard let typeName = value["dataType"]?.string,
        let dataType = MLOperandDataType(rawValue: typeName) ?? MLOperandDataType(shortName: typeName)
      else { throw fail("\(what): unknown dataType \(value["dataType"]?.serialized() ?? "(missing)")") }
      guard let dimensions = value["shape"]?.array else { throw fail("\(what): shape missing") }
      let shape = try dimensions.map { dimension -> Dimension in
        if let number = dimension.number, let size = Int(exactly: number), size >= 0 { return .fixed(size) }
        if let name = dimension["name"]?.string,
          let maxSize = dimension["maxSize"]?.number.flatMap({ Int(exactly: $0) })
        {
          return .dynamic(name: name, maxSize: maxSize)
        }
        throw fail("\(what): dimension \(dimension.serialized()) is neither a size nor {\"name\", \"maxSize\"}")
      }
      return TensorType(dataType: dataType, shape: shape)
    }
    for (name, entry) in root["inputs"]?.members ?? [] {
      inputs.append(.init(name: name, type: try type(entry, "inputs.\(name)")))
    }
    for (name, entry) in root["consts"]?.members ?? [] {
      let constantType = try type(entry, "consts.\(name)")
      guard let initializer = entry["init"], let kind = initializer["kind"]?.string else {
        throw fail("consts.\(name): init with a kind is missing")
      }
      switch kind {
      case "weights":
        guard let key = initializer["ref"]?.string else { throw fail("consts.\(name): weights init without ref") }
        constants.append(.init(name: name, type: constantType, initializer: .weights(key)))
      case "scalar":
        guard let value = initializer["value"].flatMap(Self.number) else {
          throw fail("consts.\(name): scalar init without a numeric value")
        }
        constants.append(.init(name: name, type: constantType, initializer: .scalar(value)))
      case "inlineBytes":
        guard let values = initializer["bytes"]?.array else { throw fail("consts.\(name): inlineBytes without bytes") }
        let bytes = values.compactMap { $0.number.flatMap { UInt8(exactly: $0) } }
        guard bytes.count == values.count else {
          throw fail("consts.\(name): inlineBytes holds a value outside 0 to 255")
        }
        constants.append(.init(name: name, type: constantType, initializer: .bytes(bytes)))
      default: throw fail("consts.\(name): unknown init kind \(kind) (expected weights, scalar or inlineBytes)")
      }
    }
    guard let nodeList = root["nodes"]?.array else { throw fail("nodes: missing or not a list") }
    for (position, node) in nodeList.enumerated() {
      guard let op = node["op"]?.string else { throw fail("nodes[\(position)]: not an object with an op") }
      let what = "nodes[\(position)] (\(node["id"]?.string ?? op))"
      guard let outputList = node["outputs"]?.array, !outputList.isEmpty else {
        throw fail("\(what): outputs must be a non-empty list of names")
      }
      let outputNames = outputList.compactMap(\.string)
      guard outputNames.count == outputList.count else { throw fail("\(what): an output name is not a string") }
      let positional = (node["inputs"]?.array ?? []).map(Self.argument(operand:))
      var named: [String: MLArgumentValue] = [:]
      for (key, value) in node["options"]?.members ?? [] { named[key] = Self.argument(value) }
      nodes.append(
        .init(op: op, positional: positional, named: named, outputs: outputNames, outputsAreList: outputNames.count > 1)
      )
    }
    guard let outputMembers = root["outputs"]?.members else { throw fail("outputs: missing or not an object") }
    for (name, operand) in outputMembers {
      guard let operand = operand.string else { throw fail("outputs.\(name): not an operand name") }
      outputs.append(.init(name: name, operand: operand))
    }
  }

  /// The JSON form.
  ///
  /// ```swift
  /// try document.json().write(to: URL(fileURLWithPath: "model.json"))
  /// ```
  public func json() -> Data {
    func type(_ type: TensorType) -> [(String, JSONValue)] {
      [
        ("dataType", .string(type.dataType.rawValue)),
        (
          "shape",
          .array(
            type.shape.map { dimension in
              switch dimension {
              case .fixed(let size): .number(Double(size))
              case .dynamic(let name, let maxSize):
                .object([("name", .string(name)), ("maxSize", .number(Double(maxSize)))])
              }
            })
        ),
      ]
    }
    let constantMembers = constants.map { constant -> (String, JSONValue) in
      let initializer: JSONValue =
        switch constant.initializer {
        case .weights(let key): .object([("kind", "weights"), ("ref", .string(key))])
        case .scalar(let value): .object([("kind", "scalar"), ("value", Self.jsonNumber(value))])
        case .bytes(let bytes):
          .object([("kind", "inlineBytes"), ("bytes", .array(bytes.map { .number(Double($0)) }))])
        }
      return (constant.name, .object(type(constant.type) + [("init", initializer)]))
    }
    let nodeList = nodes.enumerated().map { position, node -> JSONValue in
      .object([
        ("id", .string("n\(position)")), ("op", .string(node.op)),
        ("inputs", .array(node.positional.map(Self.jsonValue))),
        ("options", .object(node.named.sorted { $0.key < $1.key }.map { ($0.key, Self.jsonValue($0.value)) })),
        ("outputs", .array(node.outputs.map { .string($0) })),
      ])
    }
    let root = JSONValue.object([
      ("format", "webnn-graph-json"), ("version", 2), ("name", .string(name)), ("quantized", .bool(quantized)),
      ("inputs", .object(inputs.map { ($0.name, .object(type($0.type))) })), ("consts", .object(constantMembers)),
      ("nodes", .array(nodeList)), ("outputs", .object(outputs.map { ($0.name, .string($0.operand)) })),
    ])
    return Data((root.serialized() + "\n").utf8)
  }

  // JSON cannot hold infinities or NaN: they travel as the strings JavaScript would print.
  static func jsonNumber(_ value: Double) -> JSONValue {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
    return .number(value)
  }

  static func number(_ value: JSONValue) -> Double? {
    switch value {
    case .number(let number): number
    case .string("Infinity"): .infinity
    case .string("-Infinity"): -.infinity
    case .string("NaN"): .nan
    default: nil
    }
  }

  static func jsonValue(_ value: MLArgumentValue) -> JSONValue {
    switch value {
    case .null: .null
    case .bool(let flag): .bool(flag)
    case .number(let number): jsonNumber(number)
    case .string(let text), .operand(let text): .string(text)
    case .array(let items): .array(items.map(jsonValue))
    }
  }

  /// A positional argument: strings name operands.
  static func argument(operand value: JSONValue) -> MLArgumentValue {
    switch value {
    case .string(let name): .operand(name)
    case .array(let items): .array(items.map(argument(operand:)))
    default: argument(value)
    }
  }

  /// An option value: strings stay strings (the registry knows which options are operands).
  static func argument(_ value: JSONValue) -> MLArgumentValue {
    switch value {
    case .null: .null
    case .bool(let flag): .bool(flag)
    case .number(let number): .number(number)
    case .string(let text): number(value).map { .number($0) } ?? .string(text)
    case .array(let items): .array(items.map { argument($0) })
    // Not part of the format; kept as pairs so that the registry rejects it by name.
    case .object(let members): .array(members.map { .array([.string($0.0), argument($0.1)]) })
    }
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
  init(stringLiteral value: String) { self = .string(value) }
  init(integerLiteral value: Int) { self = .number(Double(value)) }
}
