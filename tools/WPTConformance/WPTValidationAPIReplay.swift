import Foundation
import WebNNCore

/// Replays the lifecycle traces of `api.json` (createContext, build twice, destroy, dispatch,
/// read and write tensors). Every step is awaited in order; a promise the test neither awaits
/// nor checks (`unchecked`) is awaited too and its outcome ignored.
struct WPTValidationAPIReplay {
  let path: String
  let fixture: MLContext
  let ml: ML?
  let allowlist: [WPTValidationAllowlistEntry]
  private(set) var usedAllowlistEntries = Set<Int>()

  init(path: String, fixture: MLContext, ml: ML?, allowlist: [WPTValidationAllowlistEntry]) {
    self.path = path
    self.fixture = fixture
    self.ml = ml
    self.allowlist = allowlist
  }

  /// A step's target or result.
  private enum Object {
    case context(MLContext)
    case builder(MLGraphBuilder)
    case operand(MLOperand)
    case graph(MLGraph)
    case tensor(MLTensor)
  }

  /// What a step did.
  private enum Outcome: CustomStringConvertible {
    case ok(String)
    case threw(any Error)
    case notExpressible(String)

    var description: String {
      switch self {
      case .ok(let detail): detail.isEmpty ? "ok" : "ok \(detail)"
      case .threw(let error): WPTCallOutcome.describe(error)
      case .notExpressible(let reason): "not expressible: \(reason)"
      }
    }
  }

  mutating func run(filter: String?) async -> [WPTValidationResult] {
    let root: WPTValue
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      root = try WPTValue(foundation: try JSONSerialization.jsonObject(with: data))
    } catch {
      return [fileProblem("\(error)")]
    }
    guard case .object(let top) = root, case .array(let cases)? = top["cases"] else {
      return [fileProblem("no \"cases\" array")]
    }
    var results: [WPTValidationResult] = []
    for item in cases {
      guard case .object(let c) = item, let name = c["name"]?.stringValue,
        case .array(let steps)? = c["steps"]
      else {
        results.append(fileProblem("a case without name or steps"))
        continue
      }
      let methods = steps.compactMap { step -> String? in
        guard case .object(let s) = step else { return nil }
        return s["method"]?.stringValue
      }
      guard WPTValidationRunner.matches(file: "api", test: name, operators: methods, filter: filter)
      else { continue }
      results += await runCase(name: name, steps: steps)
    }
    return results
  }

  private func fileProblem(_ message: String) -> WPTValidationResult {
    WPTValidationResult(
      file: "api", test: "(file)", call: -1, op: "", status: .failed,
      expected: "a readable api.json", actual: message)
  }

  private mutating func runCase(name: String, steps: [WPTValue]) async -> [WPTValidationResult] {
    var objects: [String: Object] = ["context:fixture": .context(fixture)]
    var created: [MLContext] = []
    var results: [WPTValidationResult] = []
    for (position, step) in steps.enumerated() {
      guard case .object(let s) = step, let index = s["i"]?.numberValue,
        let target = s["target"]?.stringValue,
        let method = s["method"]?.stringValue, case .array(let args)? = s["args"],
        case .object(let expect)? = s["expect"]
      else {
        results.append(
          WPTValidationResult(
            file: "api", test: name, call: -1, op: "", status: .failed, expected: "a step",
            actual: "\(step)"))
        break
      }
      var result = WPTValidationResult(
        file: "api", test: name, call: Int(index), op: method, status: .failed,
        expected: Self.describe(expect),
        actual: "")
      let outcome: Outcome
      if method == "readTensor", expect["rejects"] != nil, position + 1 < steps.count,
        case .object(let next) = steps[position + 1], next["target"]?.stringValue == target,
        next["method"]?.stringValue == "destroy"
      {
        outcome = .notExpressible(
          "the test destroys the context while this read is pending; Swift awaits each call, and a read started "
            + "in a task races destroy(), so the rejection cannot be observed deterministically")
      } else {
        outcome = await perform(
          target, method, args, result: s["result"]?.stringValue, &objects, &created)
      }
      result.actual = outcome.description
      if case .notExpressible(let reason) = outcome {
        result.status = .notExpressible
        result.reason = reason
        results.append(result)
        break  // later steps depend on this one
      }
      let matchesVector = Self.satisfies(outcome, expect)
      if let entryIndex = allowlist.firstIndex(where: {
        $0.matches(
          file: "api", test: name, call: Int(index),
          arguments: "\(method)(\(args.map(\.description)))")
      }) {
        usedAllowlistEntries.insert(entryIndex)
        let entry = allowlist[entryIndex]
        let specOutcome: Bool
        switch (entry.spec, outcome) {
        case (.typeError, .threw(let error)): specOutcome = (error as? MLError)?.kind == .typeError
        case (.ok, .ok): specOutcome = true
        default: specOutcome = false
        }
        if matchesVector {
          result.reason =
            "allowlisted, but the outcome now matches the vector: remove the entry (\(entry.reason))"
        } else if specOutcome {
          result.status = .allowlisted
          result.reason = "spec: \(entry.spec): \(entry.reason)"
        } else {
          result.reason =
            "allowlisted, but the outcome is neither the vector's nor the spec's (\(entry.spec))"
        }
      } else {
        result.status = matchesVector ? .passed : .failed
      }
      results.append(result)
    }
    for context in created { context.destroy() }
    return results
  }

  private static func describe(_ expect: [String: WPTValue]) -> String {
    if let name = expect["throws"]?.stringValue { return "throws \(name)" }
    if let name = expect["rejects"]?.stringValue { return "rejects \(name)" }
    if expect["unchecked"] == .bool(true) { return "unchecked" }
    if expect["resolves"] == .bool(true) {
      if case .object(let data)? = expect["data"], let values = data["values"] {
        return "resolves \(values)"
      }
      if let elements = expect["elements"] { return "resolves with elements \(elements)" }
      return "resolves"
    }
    return "ok"
  }

  private static func satisfies(_ outcome: Outcome, _ expect: [String: WPTValue]) -> Bool {
    if expect["unchecked"] == .bool(true) { return true }
    if let name = expect["throws"]?.stringValue ?? expect["rejects"]?.stringValue {
      guard case .threw(let error) = outcome else { return false }
      return (error as? MLError)?.kind.rawValue == name
    }
    guard case .ok(let detail) = outcome else { return false }
    if case .object(let data)? = expect["data"], let values = data["values"] {
      return detail == values.description
    }
    if case .object(let elements)? = expect["elements"] {
      guard case .array(let actual)? = Self.parseList(detail) else { return false }
      return elements.allSatisfy { key, value in
        guard let i = Int(key), actual.indices.contains(i) else { return false }
        return actual[i] == value
      }
    }
    return true
  }

  private static func parseList(_ text: String) -> WPTValue? {
    guard let data = text.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data)
    else {
      return nil
    }
    return try? WPTValue(foundation: object)
  }

  // MARK: Steps

  private func perform(
    _ target: String, _ method: String, _ args: [WPTValue], result: String?,
    _ objects: inout [String: Object],
    _ created: inout [MLContext]
  ) async -> Outcome {
    do {
      let resolved = try args.map { try resolve($0, objects) }
      switch (target, method) {
      case ("ml", "createContext"):
        guard let ml else { throw WPTNotExpressible("no ML instance to create contexts with") }
        let options = try contextOptions(resolved.first)
        let context = try await ml.createContext(options)
        created.append(context)
        if let result { objects[result] = .context(context) }
        return .ok("")

      case ("MLGraphBuilder", "constructor"):
        guard case .context(let context) = try Self.object(resolved.first, objects) else {
          throw WPTCaseFileError("MLGraphBuilder: the argument is not a context")
        }
        if context.isLost {
          throw WPTNotExpressible(
            "MLGraphBuilder(_:) does not throw; on a lost context every later call of the builder throws InvalidStateError"
          )
        }
        if let result { objects[result] = .builder(MLGraphBuilder(context)) }
        return .ok("")

      default:
        break
      }

      guard let object = objects[target] else { throw WPTCaseFileError("unknown target \(target)") }
      switch object {
      case .builder(let builder):
        return try await builderStep(builder, method, resolved, result: result, &objects)
      case .context(let context):
        return try await contextStep(context, method, resolved, result: result, &objects)
      case .graph(let graph):
        guard method == "destroy" else { throw WPTCaseFileError("graph.\(method) is not mapped") }
        graph.destroy()
        return .ok("")
      case .tensor(let tensor):
        guard method == "destroy" else { throw WPTCaseFileError("tensor.\(method) is not mapped") }
        tensor.destroy()
        return .ok("")
      case .operand:
        throw WPTCaseFileError("operand.\(method) is not mapped")
      }
    } catch let error as WPTNotExpressible {
      return .notExpressible(error.reason)
    } catch {
      return .threw(error)
    }
  }

  private func builderStep(
    _ builder: MLGraphBuilder, _ method: String, _ args: [WPTResolvedArgument], result: String?,
    _ objects: inout [String: Object]
  ) async throws -> Outcome {
    switch method {
    case "build":
      guard case .dictionary(let named)? = args.first else {
        throw WPTNotExpressible("build: outputs is not a record")
      }
      let outputs = try named.mapValues {
        try WPTValidationArguments.operand($0, "build", "outputs")
      }
      let graph = try await builder.build(outputs)
      if let result { objects[result] = .graph(graph) }
      return .ok("")
    case "input":
      var a = WPTValidationArguments(op: method, positional: args, options: [:])
      let name = try a.string("name")
      let descriptor = try WPTValidationCaseReplay.descriptor(try a.raw("descriptor"), method)
      _ = try a.finish()
      let operand = try builder.input(name, descriptor)
      if let result { objects[result] = .operand(operand) }
      return .ok("")
    case "constant":
      var a = WPTValidationArguments(op: method, positional: args, options: [:])
      let descriptor = try WPTValidationCaseReplay.descriptor(try a.raw("descriptor"), method)
      let operand = try WPTValidationBuffers.constant(builder, descriptor, try a.raw("buffer"))
      _ = try a.finish()
      if let result { objects[result] = .operand(operand) }
      return .ok("")
    default:
      // An operator: a trailing dictionary is its options.
      var positional = args
      var options: [String: WPTResolvedArgument] = [:]
      if case .dictionary(let d)? = positional.last {
        options = d
        positional.removeLast()
      }
      let outputs = try WPTValidationOperators.call(builder, method, positional: positional, options: options)
      if let result, let first = outputs.first { objects[result] = .operand(first) }
      return .ok("")
    }
  }

  private func contextStep(
    _ context: MLContext, _ method: String, _ args: [WPTResolvedArgument], result: String?,
    _ objects: inout [String: Object]
  ) async throws -> Outcome {
    switch method {
    case "destroy":
      context.destroy()
      return .ok("")
    case "lost":
      _ = await context.lost
      return .ok("")
    case "createTensor":
      guard case .dictionary(let d)? = args.first else {
        throw WPTNotExpressible("createTensor: no descriptor")
      }
      let descriptor = try WPTValidationCaseReplay.descriptor(.dictionary(d), method)
      func flag(_ key: String) -> Bool {
        if case .value(.bool(let b))? = d[key] { return b }
        return false
      }
      let tensor = try await context.createTensor(
        MLTensorDescriptor(
          dataType: descriptor.dataType, shape: descriptor.shape, readable: flag("readable"),
          writable: flag("writable")))
      if let result { objects[result] = .tensor(tensor) }
      return .ok("")
    case "writeTensor":
      let tensor = try Self.tensor(args.first, objects)
      guard args.count == 2 else {
        throw WPTNotExpressible("writeTensor: expected a tensor and a source")
      }
      try context.writeTensor(tensor, try WPTValidationBuffers.bytes(args[1], method))
      return .ok("")
    case "readTensor":
      let tensor = try Self.tensor(args.first, objects)
      let bytes = try await context.readTensor(tensor)
      guard tensor.dataType == .float32 else { return .ok("") }
      let values = stride(from: 0, to: bytes.count - 3, by: 4).map { i in
        let bits =
          UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(
            bytes[i + 3]) << 24
        return WPTValue.number(Double(Float(bitPattern: bits)))
      }
      return .ok(WPTValue.array(values).description)
    case "dispatch":
      guard args.count == 3, case .graph(let graph) = try Self.object(args[0], objects),
        case .dictionary(let inputs) = args[1], case .dictionary(let outputs) = args[2]
      else { throw WPTNotExpressible("dispatch: expected a graph and two records of tensors") }
      try context.dispatch(
        graph, inputs: try inputs.mapValues { try Self.tensor($0, objects) },
        outputs: try outputs.mapValues { try Self.tensor($0, objects) })
      return .ok("")
    default:
      throw WPTCaseFileError("context.\(method) is not mapped")
    }
  }

  // MARK: Arguments

  private func resolve(_ value: WPTValue, _ objects: [String: Object]) throws -> WPTResolvedArgument {
    switch value {
    case .object(let o) where o.count == 1 && o["$ref"] != nil:
      guard let ref = o["$ref"]?.stringValue, let object = objects[ref] else {
        throw WPTCaseFileError("unresolved reference \(value)")
      }
      switch object {
      case .operand(let x): return .operand(x)
      default: return .value(.string("$ref:" + ref))
      }
    case .array(let items): return .list(try items.map { try resolve($0, objects) })
    case .object(let o) where value.specialKey == nil:
      return .dictionary(try o.mapValues { try resolve($0, objects) })
    default: return .value(value)
    }
  }

  private func contextOptions(_ value: WPTResolvedArgument?) throws -> MLContextOptions {
    var options = MLContextOptions()
    guard case .dictionary(let d)? = value else { return options }
    for (key, member) in d {
      switch key {
      case "powerPreference":
        options.powerPreference = try WPTValidationArguments.enumeration(
          member, MLPowerPreference.self, "createContext", "options.powerPreference")
      case "accelerated":
        guard case .value(.bool(let b)) = member else {
          throw WPTNotExpressible("accelerated is not a boolean")
        }
        options.accelerated = b
      case "deviceType":
        break  // removed from the spec (#809): an unknown dictionary member, ignored
      default:
        throw WPTCaseFileError("createContext: option \(key) is not mapped")
      }
    }
    return options
  }

  /// The object a `{"$ref": ...}` argument names (operands resolve to `.operand` directly).
  private static func object(_ value: WPTResolvedArgument?, _ objects: [String: Object]) throws
    -> Object
  {
    guard case .value(.string(let text))? = value, text.hasPrefix("$ref:"),
      let object = objects[String(text.dropFirst(5))]
    else {
      throw WPTCaseFileError("expected a reference, got \(String(describing: value))")
    }
    return object
  }

  private static func tensor(_ value: WPTResolvedArgument?, _ objects: [String: Object]) throws
    -> MLTensor
  {
    guard case .tensor(let tensor) = try object(value, objects) else {
      throw WPTCaseFileError("expected a tensor, got \(String(describing: value))")
    }
    return tensor
  }
}
