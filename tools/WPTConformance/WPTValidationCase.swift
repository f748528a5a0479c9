import Foundation
import WebNNCore

// The validation vectors of shared/wpt-validation (WPT's webnn/validation_tests as JSON): one
// file per test file, each case a list of builder calls with the outcome the test asserts.

/// One `<file>.json` of the validation vectors.
public struct WPTValidationFile: Sendable {
  /// The file's stem, such as `argMinMax`.
  public var file: String
  /// The path it was read from.
  public var path: String
  /// The tests of the file, in file order.
  public var cases: [WPTValidationCase]
  /// Why the file could not be read, if it could not.
  public var problem: String?
}

/// One WPT test: the builder calls it makes on `builders` builders of one context.
public struct WPTValidationCase: Sendable {
  /// The WPT file, such as `argMinMax.https.any.js`.
  public var file: String
  /// The WPT test name.
  public var name: String
  /// The query string of the test variant that was recorded, such as `?op=add&device=cpu`
  /// (per-operator files only).
  public var variant: String?
  /// How many builders the test creates on its context (1 unless the test mixes builders).
  public var builders: Int
  /// The `maxTensorByteLength` the case's shapes were computed from.
  public var dependsOnMaxTensorByteLength: Int?
  /// The recorded builder calls, in order.
  public var calls: [WPTValidationCall]
}

/// A `(limit, dataType)` pair the test looked up in `opSupportLimits()`, such as
/// `("argMin.output", "int64")` or the top-level `("input", "float16")`.
public struct WPTLimitCheck: Sendable, CustomStringConvertible {
  /// The limit's path: an operator and argument (`argMin.output`) or a top-level limit (`input`).
  public var limit: String
  /// The data type looked up, such as `int64`.
  public var dataType: String
  /// Whether the test found the pair by going through the limits' data type lists rather
  /// than by looking it up directly.
  public var viaEnumeration: Bool

  /// True for the top-level `input`, `constant` and `output` limits.
  public var isTopLevel: Bool { !limit.contains(".") }

  /// `limit dataType`, as in `argMin.output int64`.
  public var description: String { "\(limit) \(dataType)" }
}

/// The outcome a WPT test asserts for one call.
public enum WPTValidationExpectation: Sendable, CustomStringConvertible {
  /// The call throws `error` (a JavaScript error or DOMException name); when given, the message
  /// matches the regular expression `messageMatches`.
  case throwsError(String, messageMatches: String?)
  /// The call succeeds; a single output with this data type and shape when they are given.
  case ok(dataType: String?, shape: [Int]?)
  /// The call succeeds with a sequence of outputs.
  case okOutputs(count: Int?, outputs: [(dataType: String, shape: [Int])]?)
  /// The test does not check success; if the call throws, it must be `ifThrows`.
  case unchecked(ifThrows: String, messageMatches: String?)

  /// The expectation in words, for the report (`throws TypeError`, `ok float32[2, 3]`, ...).
  public var description: String {
    switch self {
    case .throwsError(let name, let pattern):
      return pattern.map { "throws \(name) matching /\($0)/" } ?? "throws \(name)"
    case .ok(let dataType, let shape):
      guard let dataType, let shape else { return "ok" }
      return "ok \(dataType)\(shape)"
    case .okOutputs(let count, let outputs):
      if let outputs {
        return "ok [" + outputs.map { "\($0.dataType)\($0.shape)" }.joined(separator: ", ") + "]"
      }
      return count.map { "ok (\($0) outputs)" } ?? "ok"
    case .unchecked(let name, _):
      return "unchecked (a throw must be \(name))"
    }
  }

  /// True for an expected throw.
  public var isThrow: Bool {
    if case .throwsError = self { return true }
    return false
  }
}

/// One builder call of a case.
public struct WPTValidationCall: Sendable {
  /// The call's index in its case; `from` references and allowlist entries use it.
  public var id: Int
  /// Which of the case's builders makes the call (0-based).
  public var builder: Int
  /// The builder method, or `input` / `constant` when the test checks those calls.
  public var op: String
  /// The positional arguments before the options dictionary, as recorded.
  public var args: [WPTValue]
  /// The options dictionary, if the call passed one.
  public var options: [String: WPTValue]?
  /// The `label` of the options, if the call passed one.
  public var label: String?
  /// The outcome the test asserts, assuming every data type is supported.
  public var expect: WPTValidationExpectation
  /// The `opSupportLimits()` entries the test consulted before choosing its expectation.
  public var opSupportLimitsChecks: [WPTLimitCheck]
  /// The outcome the test asserts instead when one of `opSupportLimitsChecks` is unsupported
  /// (nil: a `TypeError`).
  public var ifNotSupported: WPTValidationExpectation?
  /// The test whose calls check the unsupported case instead (with their own label); this
  /// call then only has to throw.
  public var ifNotSupportedPairedCase: String?
  /// The call exists only for an implementation that lacks one of these pairs.
  public var onlyIfNotSupported: [WPTLimitCheck]?
  /// An operand comes from an earlier call of the case whose descriptor the recording inferred
  /// from the spec's formulas; the replay chains the real result instead.
  public var dependsOnMockShape: Bool
  /// A remark of the recording about the call, if any.
  public var note: String?
}

/// An operand argument: a graph input or zero-filled constant to create with this descriptor,
/// or (`from`) the result of an earlier call of the case.
public struct WPTOperandReference: Sendable {
  /// The operand's data type, such as `float32`.
  public var dataType: String
  /// The operand's shape.
  public var shape: [Int]
  /// The builder that creates or created the operand; a different one than the call's tests
  /// cross-builder errors.
  public var builder: Int
  /// `input`, `constant` or `output`.
  public var kind: String
  /// For `output`: the id of the earlier call that produced the operand.
  public var from: Int?
  /// For `output`: which result of that call, when it has several (default 0).
  public var outputIndex: Int?

  /// Reads `{"operand": {...}}`, or nil when `value` is not an operand argument.
  init?(_ value: WPTValue) throws {
    guard case .object(let wrapper) = value, wrapper.count == 1,
      case .object(let o)? = wrapper["operand"]
    else {
      return nil
    }
    guard case .string(let dataType)? = o["dataType"], case .array(let dims)? = o["shape"] else {
      throw WPTCaseFileError("operand without dataType or shape: \(value)")
    }
    self.dataType = dataType
    self.shape = try dims.map { d in
      guard let n = d.numberValue, n == n.rounded(), Swift.abs(n) < 9.0e15 else {
        throw WPTCaseFileError("operand dimension \(d) is not an integer")
      }
      return Int(n)
    }
    builder = o["builder"]?.numberValue.map { Int($0) } ?? 0
    guard case .string(let kind)? = o["kind"] else {
      throw WPTCaseFileError("operand without kind: \(value)")
    }
    self.kind = kind
    from = o["from"]?.numberValue.map { Int($0) }
    outputIndex = o["outputIndex"]?.numberValue.map { Int($0) }
  }
}

/// Reads the validation vectors.
public enum WPTValidationLoader {
  /// The environment variable that overrides the default directory.
  public static let environmentVariable = "WEBNN_WPT_VALIDATION_DIR"

  /// `$WEBNN_WPT_VALIDATION_DIR` when set and non-empty, else `../shared/wpt-validation`
  /// relative to the current directory.
  public static func defaultDirectory(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    if let dir = environment[environmentVariable], !dir.isEmpty { return dir }
    return "../shared/wpt-validation"
  }

  /// The `*.json` files of `directory` except `api.json`, sorted by name.
  public static func callFilePaths(in directory: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory)
      .filter { $0.hasSuffix(".json") && $0 != "api.json" }
      .sorted()
      .map { (directory as NSString).appendingPathComponent($0) }
  }

  /// Parses one call file; a broken file becomes a `problem` instead of an error.
  public static func load(path: String) -> WPTValidationFile {
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      return try parse(data, file: stem, path: path)
    } catch {
      return WPTValidationFile(file: stem, path: path, cases: [], problem: "\(error)")
    }
  }

  /// Parses the JSON text of a call file.
  public static func parse(_ data: Data, file: String, path: String) throws -> WPTValidationFile {
    let root = try WPTValue(
      foundation: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    guard case .object(let top) = root, case .array(let cases)? = top["cases"] else {
      throw WPTCaseFileError("\(path): no \"cases\" array")
    }
    return WPTValidationFile(file: file, path: path, cases: try cases.map(parseCase), problem: nil)
  }

  static func parseCase(_ value: WPTValue) throws -> WPTValidationCase {
    guard case .object(let o) = value, case .string(let name)? = o["name"],
      case .array(let calls)? = o["calls"]
    else {
      throw WPTCaseFileError("a case without name or calls: \(value.description.prefix(200))")
    }
    return WPTValidationCase(
      file: o["file"]?.stringValue ?? "", name: name, variant: o["variant"]?.stringValue,
      builders: o["builders"]?.numberValue.map { Int($0) } ?? 1,
      dependsOnMaxTensorByteLength: o["dependsOnMaxTensorByteLength"]?.numberValue.map { Int($0) },
      calls: try calls.map { try parseCall($0, caseName: name) })
  }

  static func parseCall(_ value: WPTValue, caseName: String) throws -> WPTValidationCall {
    guard case .object(let o) = value, case .string(let op)? = o["op"],
      let id = o["id"]?.numberValue,
      case .array(let args)? = o["args"], let expect = o["expect"]
    else {
      throw WPTCaseFileError("\(caseName): a call without id, op, args or expect")
    }
    var options: [String: WPTValue]?
    if case .object(let dict)? = o["options"] { options = dict }
    return WPTValidationCall(
      id: Int(id), builder: o["builder"]?.numberValue.map { Int($0) } ?? 0, op: op, args: args,
      options: options,
      label: o["label"]?.stringValue, expect: try parseExpectation(expect, caseName),
      opSupportLimitsChecks: try parseChecks(o["opSupportLimitsChecks"]),
      ifNotSupported: try o["ifNotSupported"].flatMap {
        $0 == .null ? nil : try parseExpectation($0, caseName)
      },
      ifNotSupportedPairedCase: {
        if case .object(let d)? = o["ifNotSupported"] { return d["pairedCase"]?.stringValue }
        return nil
      }(),
      onlyIfNotSupported: o["onlyIfNotSupported"] == nil
        ? nil : try parseChecks(o["onlyIfNotSupported"]),
      dependsOnMockShape: o["dependsOnMockShape"] == .bool(true), note: o["note"]?.stringValue)
  }

  static func parseChecks(_ value: WPTValue?) throws -> [WPTLimitCheck] {
    guard let value else { return [] }
    guard case .array(let items) = value else {
      throw WPTCaseFileError("limit checks are not a list: \(value)")
    }
    return try items.map { item in
      guard case .object(let o) = item, let limit = o["limit"]?.stringValue,
        let type = o["dataType"]?.stringValue
      else {
        throw WPTCaseFileError("a limit check without limit or dataType: \(item)")
      }
      return WPTLimitCheck(
        limit: limit, dataType: type, viaEnumeration: o["viaEnumeration"] == .bool(true))
    }
  }

  static func parseExpectation(_ value: WPTValue, _ caseName: String) throws
    -> WPTValidationExpectation
  {
    guard case .object(let o) = value else {
      throw WPTCaseFileError("\(caseName): expectation \(value) is not an object")
    }
    let pattern = o["messageMatches"]?.stringValue
    if let name = o["throws"]?.stringValue { return .throwsError(name, messageMatches: pattern) }
    if o["unchecked"] == .bool(true) {
      return .unchecked(
        ifThrows: o["ifThrows"]?.stringValue ?? "TypeError", messageMatches: pattern)
    }
    guard o["ok"] == .bool(true) else {
      throw WPTCaseFileError("\(caseName): unknown expectation \(value)")
    }
    if o["outputs"] != nil || o["outputCount"] != nil {
      var outputs: [(dataType: String, shape: [Int])]?
      if case .array(let items)? = o["outputs"] {
        outputs = try items.map { item in
          guard case .object(let d) = item, let type = d["dataType"]?.stringValue,
            let shape = d["shape"]?.integerList
          else {
            throw WPTCaseFileError("\(caseName): output descriptor \(item) lacks dataType or shape")
          }
          return (type, shape)
        }
      }
      return .okOutputs(count: o["outputCount"]?.numberValue.map { Int($0) }, outputs: outputs)
    }
    return .ok(dataType: o["dataType"]?.stringValue, shape: o["shape"]?.integerList)
  }
}

extension WPTValue {
  var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// A JSON list of integers.
  var integerList: [Int]? {
    guard case .array(let items) = self else { return nil }
    var result: [Int] = []
    for item in items {
      guard case .number(let d) = item, d == d.rounded(), Swift.abs(d) < 9.0e15 else { return nil }
      result.append(Int(d))
    }
    return result
  }
}
