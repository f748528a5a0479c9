import WebNNCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Library-wide entry points of webnn.h: version, status names, the last error, freeing
// strings and the operator list.

private let versionString: StaticString = "0.1.0"

/// `webnn_version` of `include/webnn.h`, which documents it.
@_cdecl("webnn_version")
public func webnnVersion() -> UnsafePointer<CChar> {
  UnsafeRawPointer(versionString.utf8Start).assumingMemoryBound(to: CChar.self)
}

private let statusNames: [StaticString] = [
  "OK", "TypeError", "DataError", "OperationError", "NotSupportedError", "InvalidStateError", "UnknownError",
]

/// `webnn_status_name` of `include/webnn.h`, which documents it.
@_cdecl("webnn_status_name")
public func webnnStatusName(_ status: Int32) -> UnsafePointer<CChar> {
  let name = statusNames.indices.contains(Int(status)) ? statusNames[Int(status)] : statusNames[6]
  return UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// `webnn_last_error_kind` of `include/webnn.h`, which documents it.
@_cdecl("webnn_last_error_kind")
public func webnnLastErrorKind() -> Int32 { LastError.status }

private let emptyString: StaticString = ""

/// `webnn_last_error_message` of `include/webnn.h`, which documents it.
@_cdecl("webnn_last_error_message")
public func webnnLastErrorMessage() -> UnsafePointer<CChar> {
  LastError.message ?? UnsafeRawPointer(emptyString.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// `webnn_clear_error` of `include/webnn.h`, which documents it.
@_cdecl("webnn_clear_error")
public func webnnClearError() { LastError.clear() }

/// `webnn_free` of `include/webnn.h`, which documents it.
@_cdecl("webnn_free")
public func webnnFree(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }

/// `webnn_operators_json` of `include/webnn.h`, which documents it.
@_cdecl("webnn_operators_json")
public func webnnOperatorsJson(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
  guarded("webnn_operators_json") {
    try writeString(JSONText.array(OperatorRegistry.schemas.map(operatorJSON)).text, to: out)
  }
}

private func operatorJSON(_ schema: OperatorSchema) -> JSONText {
  func parameter(_ p: OperatorParameter) -> JSONText {
    var members: [(String, JSONText)] = [("name", .string(p.name))]
    switch p.kind {
    case .operand: members.append(("kind", "operand"))
    case .operandList: members.append(("kind", "operandList"))
    case .integer: members.append(("kind", "integer"))
    case .integerList: members.append(("kind", "integerList"))
    case .double: members.append(("kind", "double"))
    case .floatList: members.append(("kind", "floatList"))
    case .number: members.append(("kind", "number"))
    case .boolean: members.append(("kind", "boolean"))
    case .string: members.append(("kind", "string"))
    case .splits: members.append(("kind", "splits"))
    case .enumeration(let values):
      members += [("kind", "enumeration"), ("values", .array(values.map { .string($0) }))]
    case .enumerationList(let values):
      members += [("kind", "enumerationList"), ("values", .array(values.map { .string($0) }))]
    }
    if let types = p.dataTypes { members.append(("dataTypes", .array(types.map { .string($0.rawValue) }))) }
    if let ranks = p.ranks { members.append(("ranks", .array([.int(ranks.lowerBound), .int(ranks.upperBound)]))) }
    if !p.aliases.isEmpty { members.append(("aliases", .array(p.aliases.map { .string($0) }))) }
    return .object(members)
  }
  return .object([
    ("name", .string(schema.name)), ("parameters", .array(schema.parameters.map(parameter))),
    ("options", .array(schema.options.map(parameter))), ("decomposed", .bool(schema.isDecomposed)),
  ])
}

extension JSONText: ExpressibleByStringLiteral {
  init(stringLiteral value: String) { self = .string(value) }
}
