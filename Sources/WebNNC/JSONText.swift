import WebNNCore

/// JSON the C API hands out (operator lists, limits, graph descriptions); members keep the
/// order they are written in, so the output is the same on every run.
indirect enum JSONText {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONText])
  case object([(String, JSONText)])

  var text: String {
    switch self {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .int(let value): return String(value)
    case .string(let value): return Self.quoted(value)
    case .array(let items): return "[" + items.map(\.text).joined(separator: ",") + "]"
    case .object(let members):
      return "{" + members.map { Self.quoted($0.0) + ":" + $0.1.text }.joined(separator: ",") + "}"
    }
  }

  static func quoted(_ value: String) -> String {
    var result = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        result +=
          "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
          + String(scalar.value, radix: 16)
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }

  static func descriptor(_ descriptor: MLOperandDescriptor) -> JSONText {
    .object([("dataType", .string(descriptor.dataType.rawValue)), ("shape", .array(descriptor.shape.map { .int($0) }))])
  }

  static func limits(_ limits: MLTensorLimits) -> JSONText {
    .object([
      ("dataTypes", .array(limits.dataTypes.map { .string($0.rawValue) })),
      ("rankRange", .object([("min", .int(limits.rankRange.lowerBound)), ("max", .int(limits.rankRange.upperBound))])),
    ])
  }
}
