import Foundation
import WebNNCore

/// Replays the WPT validation vectors (shared/wpt-validation) against `MLGraphBuilder`: every
/// recorded call runs on fresh builders of one context, and its outcome (a `TypeError` with the
/// label in the message, or an output of the recorded type and shape) is compared with the one
/// the WPT test asserts, chosen against this context's `opSupportLimits()`.
///
/// ```swift
/// let runner = WPTValidationRunner()  // $WEBNN_WPT_VALIDATION_DIR or ../shared/wpt-validation
/// let report = await runner.run(context: context, ml: ML(), filter: "conv2d")
/// print(report.textTable())
/// ```
public struct WPTValidationRunner: Sendable {
  /// The folder of validation vectors.
  public var directory: String
  /// The deliberate deviations from the vectors.
  public var allowlist: [WPTValidationAllowlistEntry]

  /// A runner for the vectors in `directory` (default: `$WEBNN_WPT_VALIDATION_DIR`, else
  /// `../shared/wpt-validation`) with the checked-in allowlist.
  public init(
    directory: String? = nil,
    allowlist: [WPTValidationAllowlistEntry] = WPTValidationAllowlistEntry.all
  ) {
    self.directory = directory ?? WPTValidationLoader.defaultDirectory()
    self.allowlist = allowlist
  }

  /// Whether a test is selected by `filter`: a case-insensitive substring of `file/test`, or
  /// the exact name of an operator it calls. nil or empty selects everything.
  public static func matches(file: String, test: String, operators: [String], filter: String?)
    -> Bool
  {
    guard let filter = filter?.trimmingCharacters(in: .whitespaces).lowercased(), !filter.isEmpty
    else { return true }
    return "\(file)/\(test)".lowercased().contains(filter)
      || operators.contains { $0.lowercased() == filter }
  }

  /// Replays every selected call of the call files, then the `api.json` traces (which create
  /// contexts with `ml`; without it they are not applicable). Never throws.
  public func run(context: MLContext, ml: ML? = nil, filter: String? = nil) async
    -> WPTValidationReport
  {
    let limits = context.opSupportLimits()
    var results: [WPTValidationResult] = []
    var used = Set<Int>()
    let paths: [String]
    do {
      paths = try WPTValidationLoader.callFilePaths(in: directory)
    } catch {
      paths = []
      results.append(
        WPTValidationResult(
          file: "(directory)", test: "", call: -1, op: "", status: .failed, expected: "call files",
          actual: "cannot list \(directory): \(error)"))
    }
    for path in paths {
      let file = WPTValidationLoader.load(path: path)
      if let problem = file.problem {
        results.append(
          WPTValidationResult(
            file: file.file, test: "(file)", call: -1, op: "", status: .failed,
            expected: "a readable call file",
            actual: problem))
        continue
      }
      for testCase in file.cases
      where Self.matches(
        file: file.file, test: testCase.name, operators: testCase.calls.map(\.op), filter: filter)
      {
        var replay = WPTValidationCaseReplay(
          file: file.file, testCase: testCase, context: context, limits: limits,
          allowlist: allowlist)
        results += replay.run()
        used.formUnion(replay.usedAllowlistEntries)
      }
    }
    let apiPath = (directory as NSString).appendingPathComponent("api.json")
    if FileManager.default.fileExists(atPath: apiPath) {
      var api = WPTValidationAPIReplay(
        path: apiPath, fixture: context, ml: ml, allowlist: allowlist)
      results += await api.run(filter: filter)
      used.formUnion(api.usedAllowlistEntries)
    }
    if filter?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
      for (index, entry) in allowlist.enumerated() where !used.contains(index) {
        results.append(
          WPTValidationResult(
            file: entry.file, test: entry.test, call: -1, op: "", status: .failed,
            expected: "a call this entry matches",
            actual: "no call matched", reason: "stale allowlist entry: \(entry.reason)"))
      }
    }
    return WPTValidationReport(
      directory: directory, device: context.deviceName,
      maxTensorByteLength: limits.maxTensorByteLength,
      results: results)
  }
}

/// What a replayed call did.
enum WPTCallOutcome: CustomStringConvertible {
  case outputs([MLOperand])
  /// The call itself threw.
  case threw(any Error)
  /// Creating an operand argument (`input()` or `constant()`) threw before the call.
  case argumentThrew(any Error, String)
  case notExpressible(String)

  var description: String {
    switch self {
    case .outputs(let outputs):
      if outputs.count == 1 { return "ok \(outputs[0].dataType.rawValue)\(outputs[0].shape)" }
      return "ok [" + outputs.map { "\($0.dataType.rawValue)\($0.shape)" }.joined(separator: ", ")
        + "]"
    case .threw(let error): return Self.describe(error)
    case .argumentThrew(let error, let what): return "\(what) threw \(Self.describe(error))"
    case .notExpressible(let reason): return "not expressible: \(reason)"
    }
  }

  static func describe(_ error: any Error) -> String {
    if let error = error as? MLError { return "\(error.kind.rawValue): \(error.message)" }
    return "\(type(of: error)): \(error)"
  }

  /// Whether this outcome is the one `expectation` describes.
  func satisfies(_ expectation: WPTValidationExpectation) -> Bool {
    switch (expectation, self) {
    case (.throwsError(let name, let pattern), .threw(let error)):
      return Self.isError(error, named: name, matching: pattern)
    case (.ok(let dataType, let shape), .outputs(let outputs)):
      guard dataType != nil || shape != nil else { return true }
      guard outputs.count == 1 else { return false }
      return (dataType.map { $0 == outputs[0].dataType.rawValue } ?? true)
        && (shape.map { $0 == outputs[0].shape } ?? true)
    case (.okOutputs(let count, let expected), .outputs(let outputs)):
      if let count, count != outputs.count { return false }
      guard let expected else { return true }
      return expected.count == outputs.count
        && zip(expected, outputs).allSatisfy {
          $0.dataType == $1.dataType.rawValue && $0.shape == $1.shape
        }
    case (.unchecked, .outputs):
      return true
    case (.unchecked(let name, let pattern), .threw(let error)):
      return Self.isError(error, named: name, matching: pattern)
    default:
      return false
    }
  }

  /// Whether this outcome is the one an allowlist entry says the spec prescribes.
  func satisfies(_ spec: WPTSpecOutcome) -> Bool {
    switch (spec, self) {
    case (.typeError, .threw(let error)): return (error as? MLError)?.kind == .typeError
    case (.ok(let shape), .outputs(let outputs)):
      return shape == nil || (outputs.count == 1 && outputs[0].shape == shape)
    default: return false
    }
  }

  static func isError(_ error: any Error, named name: String, matching pattern: String?) -> Bool {
    guard let error = error as? MLError, error.kind.rawValue == name else { return false }
    guard let pattern else { return true }
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
    let range = NSRange(error.message.startIndex..., in: error.message)
    return regex.firstMatch(in: error.message, range: range) != nil
  }
}

/// Replays the calls of one case on fresh builders.
struct WPTValidationCaseReplay {
  let file: String
  let testCase: WPTValidationCase
  let context: MLContext
  let limits: MLOpSupportLimits
  let allowlist: [WPTValidationAllowlistEntry]
  private(set) var usedAllowlistEntries = Set<Int>()
  private var builders: [MLGraphBuilder] = []
  private var outputs: [Int: [MLOperand]] = [:]
  private var inputCount = 0

  init(
    file: String, testCase: WPTValidationCase, context: MLContext, limits: MLOpSupportLimits,
    allowlist: [WPTValidationAllowlistEntry]
  ) {
    self.file = file
    self.testCase = testCase
    self.context = context
    self.limits = limits
    self.allowlist = allowlist
  }

  mutating func run() -> [WPTValidationResult] {
    builders = (0..<Swift.max(1, testCase.builders)).map { _ in MLGraphBuilder(context) }
    return testCase.calls.map { replay($0) }
  }

  /// Whether this context supports a `(limit, dataType)` pair of the vectors.
  func supports(_ check: WPTLimitCheck) -> Bool {
    guard let type = MLOperandDataType(rawValue: check.dataType) else { return false }
    if check.isTopLevel {
      switch check.limit {
      case "input": return limits.input.dataTypes.contains(type)
      case "constant": return limits.constant.dataTypes.contains(type)
      case "output": return limits.output.dataTypes.contains(type)
      default: return false
      }
    }
    let parts = check.limit.split(separator: ".", maxSplits: 1).map(String.init)
    return limits[parts[0]]?[parts[1]]?.dataTypes.contains(type) ?? false
  }

  private mutating func replay(_ call: WPTValidationCall) -> WPTValidationResult {
    var result = WPTValidationResult(
      file: file, test: testCase.name, call: call.id, op: call.op, status: .failed,
      expected: call.expect.description,
      actual: "")

    // The expectation that applies to this context's opSupportLimits().
    var expectation = call.expect
    var inputMustThrow: String?
    if let only = call.onlyIfNotSupported {
      let lacking = only.filter { !supports($0) }
      guard !lacking.isEmpty else {
        result.status = .notApplicable
        result.expected = "run only if opSupportLimits() lacks one of \(only)"
        result.actual = "not run"
        result.reason =
          "onlyIfNotSupported: the call exists only for an implementation lacking a listed data type"
        return result
      }
      if !expectation.isThrow { expectation = .throwsError("TypeError", messageMatches: nil) }
      if let top = lacking.first(where: \.isTopLevel) { inputMustThrow = top.description }
    } else {
      let lacking = call.opSupportLimitsChecks.filter { !supports($0) }
      if let top = lacking.first(where: \.isTopLevel) {
        inputMustThrow = top.description
      } else if !lacking.isEmpty {
        expectation = call.ifNotSupported ?? .throwsError("TypeError", messageMatches: nil)
        if call.ifNotSupportedPairedCase != nil {
          // The labelled throw is the paired test's; this call passes no label.
          expectation = .throwsError("TypeError", messageMatches: nil)
        }
      }
    }
    if inputMustThrow == nil, let lacking = unsupportedOperandType(call) {
      // The tests skip data types opSupportLimits().input lacks (only the first call of a type
      // records the query); creating such an operand must fail.
      inputMustThrow = lacking
    }
    if let limit = testCase.dependsOnMaxTensorByteLength, limit != limits.maxTensorByteLength {
      result.status = .notApplicable
      result.actual = "not run"
      result.reason =
        "the shapes assume maxTensorByteLength \(limit); this context has \(limits.maxTensorByteLength)"
      return result
    }
    result.expected =
      inputMustThrow.map { "input() throws TypeError (opSupportLimits() lacks \($0))" }
      ?? expectation.description

    guard
      ["input", "constant"].contains(call.op) || WPTValidationOperators.supported.contains(call.op)
    else {
      result.status = .unsupportedOp
      result.actual = "not run"
      result.reason = "MLGraphBuilder has no \(call.op) method"
      return result
    }

    let outcome = perform(call)
    result.actual = outcome.description
    if case .notExpressible(let reason) = outcome {
      result.status = .notExpressible
      result.reason = reason
      return result
    }
    let matchesVector: Bool
    if inputMustThrow != nil {
      if case .argumentThrew(let error, _) = outcome {
        matchesVector = (error as? MLError)?.kind == .typeError
      } else {
        matchesVector = false
      }
    } else {
      matchesVector = outcome.satisfies(expectation)
    }

    let arguments = Self.render(call)
    if let index = allowlist.firstIndex(where: {
      $0.matches(file: file, test: testCase.name, call: call.id, arguments: arguments)
    }) {
      usedAllowlistEntries.insert(index)
      let entry = allowlist[index]
      if matchesVector {
        result.status = .failed
        result.reason =
          "allowlisted, but the outcome now matches the vector: remove the entry (\(entry.reason))"
      } else if outcome.satisfies(entry.spec) {
        result.status = .allowlisted
        result.reason = "spec: \(entry.spec): \(entry.reason)"
      } else {
        result.status = .failed
        result.reason =
          "allowlisted, but the outcome is neither the vector's nor the spec's (\(entry.spec))"
      }
      return result
    }
    result.status = matchesVector ? .passed : .failed
    if !matchesVector, case .argumentThrew = outcome {
      result.reason = "an operand argument could not be created"
    }
    return result
  }

  /// `input <type>` or `constant <type>` for the first operand argument whose data type the
  /// context's top-level limits lack.
  func unsupportedOperandType(_ call: WPTValidationCall) -> String? {
    var found: String?
    func visit(_ value: WPTValue) {
      guard found == nil else { return }
      if let reference = try? WPTOperandReference(value) {
        guard reference.kind != "output" else { return }
        let allowed = reference.kind == "constant" ? limits.constant : limits.input
        if !(MLOperandDataType(rawValue: reference.dataType).map(allowed.dataTypes.contains)
          ?? false)
        {
          found = "\(reference.kind) \(reference.dataType)"
        }
        return
      }
      switch value {
      case .array(let items): items.forEach(visit)
      case .object(let o): o.values.forEach(visit)
      default: break
      }
    }
    call.args.forEach(visit)
    call.options?.values.forEach(visit)
    return found
  }

  /// The call's arguments as text, for the allowlist's `argumentsContaining`.
  static func render(_ call: WPTValidationCall) -> String {
    "\(call.op)(" + call.args.map(\.description).joined(separator: ", ")
      + (call.options.map { ", " + WPTValue.object($0).description } ?? "") + ")"
  }

  // MARK: Running a call

  private mutating func perform(_ call: WPTValidationCall) -> WPTCallOutcome {
    guard builders.indices.contains(call.builder) else {
      return .threw(
        WPTCaseFileError("call \(call.id) uses builder \(call.builder) of \(builders.count)"))
    }
    let builder = builders[call.builder]
    let positional: [WPTResolvedArgument]
    let options: [String: WPTResolvedArgument]
    do {
      positional = try call.args.map { try resolve($0) }
      options = try (call.options ?? [:]).mapValues { try resolve($0) }
    } catch let failure as ArgumentFailure {
      return .argumentThrew(failure.error, failure.what)
    } catch {
      return .threw(error)
    }
    do {
      let results: [MLOperand]
      switch call.op {
      case "input":
        var a = WPTValidationArguments(op: call.op, positional: positional, options: options)
        let name = try a.string("name")
        let descriptor = try Self.descriptor(try a.raw("descriptor"), call.op)
        _ = try a.finish()
        results = [try builder.input(name, descriptor)]
      case "constant":
        var a = WPTValidationArguments(op: call.op, positional: positional, options: options)
        let descriptor = try Self.descriptor(try a.raw("descriptor"), call.op)
        let buffer = try a.raw("buffer")
        _ = try a.finish()
        results = [try WPTValidationBuffers.constant(builder, descriptor, buffer)]
      default:
        results = try WPTValidationOperators.call(builder, call.op, positional: positional, options: options)
      }
      outputs[call.id] = results
      return .outputs(results)
    } catch let error as WPTNotExpressible {
      return .notExpressible(error.reason)
    } catch {
      return .threw(error)
    }
  }

  private struct ArgumentFailure: Error {
    let error: any Error
    let what: String
  }

  /// Creates the operands of an argument: a fresh input, a zero-filled constant, or the output
  /// of an earlier call.
  private mutating func resolve(_ value: WPTValue) throws -> WPTResolvedArgument {
    if let reference = try WPTOperandReference(value) {
      return .operand(try materialize(reference))
    }
    switch value {
    case .array(let items): return .list(try items.map { try resolve($0) })
    case .object(let o) where value.specialKey == nil:
      return .dictionary(try o.mapValues { try resolve($0) })
    default: return .value(value)
    }
  }

  private mutating func materialize(_ reference: WPTOperandReference) throws -> MLOperand {
    if reference.kind == "output" {
      guard let from = reference.from, let results = outputs[from] else {
        throw WPTCaseFileError(
          "an operand from call \(reference.from.map(String.init) ?? "?"), which produced none")
      }
      let index = reference.outputIndex ?? 0
      guard results.indices.contains(index) else {
        throw WPTCaseFileError("call \(from) has \(results.count) outputs, not \(index + 1)")
      }
      return results[index]
    }
    guard builders.indices.contains(reference.builder) else {
      throw WPTCaseFileError("an operand of builder \(reference.builder) of \(builders.count)")
    }
    let builder = builders[reference.builder]
    let descriptorText = "\(reference.dataType)\(reference.shape)"
    guard let type = MLOperandDataType(rawValue: reference.dataType) else {
      throw WPTCaseFileError("operand data type \(reference.dataType) is not an MLOperandDataType")
    }
    let descriptor = MLOperandDescriptor(dataType: type, shape: reference.shape)
    do {
      if reference.kind == "constant" {
        return try builder.constant(
          descriptor, bytes: [UInt8](repeating: 0, count: descriptor.byteLength))
      }
      inputCount += 1
      return try builder.input("wpt·\(inputCount)", descriptor)
    } catch {
      throw ArgumentFailure(error: error, what: "\(reference.kind)(\(descriptorText))")
    }
  }

  /// An `MLOperandDescriptor` dictionary (`{dataType, shape}`).
  static func descriptor(_ value: WPTResolvedArgument, _ op: String) throws -> MLOperandDescriptor {
    guard case .dictionary(let d) = value, let typeValue = d["dataType"],
      let shapeValue = d["shape"]
    else {
      throw WPTNotExpressible("\(op): the descriptor is not an MLOperandDescriptor dictionary")
    }
    let type = try WPTValidationArguments.enumeration(
      typeValue, MLOperandDataType.self, op, "descriptor.dataType")
    let shape = try WPTValidationArguments.integers(shapeValue, op, "descriptor.shape")
    return MLOperandDescriptor(dataType: type, shape: shape)
  }
}
