import Foundation
import WebNNCore

extension GraphDocument {
  /// The `.webnn` text form; ``init(text:file:)`` reads it back to an equal document.
  ///
  /// ```swift
  /// try document.text.write(toFile: "model.webnn", atomically: true, encoding: .utf8)
  /// ```
  public var text: String {
    var lines = ["webnn_graph \(Self.quoted(name)) v\(version)\(quantized ? " @quantized" : "") {"]
    lines.append("  inputs {")
    for input in inputs { lines.append("    \(input.name): \(Self.format(input.type));") }
    lines.append("  }")
    lines.append("  consts {")
    for constant in constants {
      let annotation: String
      switch constant.initializer {
      case .weights(let key): annotation = "@weights(\(Self.quoted(key)))"
      case .scalar(let value): annotation = "@scalar(\(Self.format(number: value)))"
      case .bytes(let bytes): annotation = "@bytes([\(bytes.map(String.init).joined(separator: ", "))])"
      }
      lines.append("    \(constant.name): \(Self.format(constant.type)) \(annotation);")
    }
    lines.append("  }")
    lines.append("  nodes {")
    for node in nodes {
      let results =
        node.outputsAreList || node.outputs.count != 1 ? "[\(node.outputs.joined(separator: ", "))]" : node.outputs[0]
      let arguments =
        node.positional.map(Self.format(value:))
        + node.named.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.format(value: $0.value))" }
      lines.append("    \(results) = \(node.op)(\(arguments.joined(separator: ", ")));")
    }
    // The text form names outputs by their operands: an output read by another name gets an
    // identity node of that name, made an identifier if it is not one.
    var outputNames: [String] = []
    for output in outputs {
      let name = GraphSaver.identifier(output.name)
      if name != output.operand { lines.append("    \(name) = identity(\(output.operand));") }
      outputNames.append(name)
    }
    lines.append("  }")
    lines.append("  outputs { \(outputNames.joined(separator: ", ")); }")
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  static func quoted(_ text: String) -> String {
    var result = "\""
    for c in text {
      switch c {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      default: result.append(c)
      }
    }
    return result + "\""
  }

  static func format(_ type: TensorType) -> String {
    let dimensions = type.shape.map { dimension -> String in
      switch dimension {
      case .fixed(let size): "\(size)"
      case .dynamic(let name, let maxSize): "dyn(\(quoted(name)), \(maxSize))"
      }
    }
    return "\(type.dataType.shortName)[\(dimensions.joined(separator: ", "))]"
  }

  static func format(number value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
    if let integer = Int(exactly: value), abs(value) < 1e15 { return "\(integer)" }
    // The shortest text that reads back to the same double.
    return "\(value)"
  }

  static func format(value: MLArgumentValue) -> String {
    switch value {
    case .null: "null"
    case .bool(let flag): flag ? "true" : "false"
    case .number(let number): format(number: number)
    case .string(let text): quoted(text)
    case .operand(let name): name
    case .array(let items): "[" + items.map(format(value:)).joined(separator: ", ") + "]"
    }
  }
}
