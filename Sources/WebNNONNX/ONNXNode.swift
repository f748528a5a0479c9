import Foundation

/// One node being converted, with typed access to its attributes.
struct ONNXNode {
  let proto: Onnx_NodeProto
  let index: Int
  let opset: Int

  var op: String { proto.opType }
  var inputs: [String] { proto.input }
  var outputs: [String] { proto.output }

  func attribute(_ name: String) -> Onnx_AttributeProto? {
    proto.attribute.first { $0.name == name }
  }

  func has(_ name: String) -> Bool { attribute(name) != nil }

  func int(_ name: String) -> Int? {
    attribute(name).map { Int(clamping: $0.i) }
  }

  func int(_ name: String, default value: Int) -> Int { int(name) ?? value }

  func ints(_ name: String) -> [Int]? {
    attribute(name).map { $0.ints.map { Int(clamping: $0) } }
  }

  func float(_ name: String) -> Float? { attribute(name).map(\.f) }

  func float(_ name: String, default value: Float) -> Float { float(name) ?? value }

  func floats(_ name: String) -> [Float]? { attribute(name).map(\.floats) }

  func string(_ name: String) -> String? {
    attribute(name).map { String(decoding: $0.s, as: UTF8.self) }
  }

  func string(_ name: String, default value: String) -> String { string(name) ?? value }

  func strings(_ name: String) -> [String]? {
    attribute(name).map { $0.strings.map { String(decoding: $0, as: UTF8.self) } }
  }

  func graph(_ name: String) -> Onnx_GraphProto? {
    attribute(name).flatMap { $0.hasG ? $0.g : nil }
  }

  /// The input at `i`, nil when absent or given as the empty name (an omitted optional input).
  func input(_ i: Int) -> String? {
    i < proto.input.count && !proto.input[i].isEmpty ? proto.input[i] : nil
  }

  /// The input at `i`, which the operator requires.
  func required(_ i: Int) throws -> String {
    guard let name = input(i) else { throw invalid("\(op) needs input \(i)") }
    return name
  }

  /// Whether output `i` exists and is used by name.
  func hasOutput(_ i: Int) -> Bool { i < proto.output.count && !proto.output[i].isEmpty }

  func unsupported(_ what: String) -> ONNXImportError { ONNXImportError.notSupported(what) }

  func invalid(_ what: String) -> ONNXImportError { ONNXImportError.invalid(what) }

  /// Throws unless `name` is absent or has one of `allowed` values.
  func requireString(_ name: String, in allowed: [String], default value: String) throws -> String {
    let v = string(name, default: value)
    guard allowed.contains(v) else {
      throw unsupported("\(name)=\"\(v)\" (supported: \(allowed.joined(separator: ", ")))")
    }
    return v
  }
}
