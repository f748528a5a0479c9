import WebNNCore

/// Why a case cannot run on this implementation (not a failure): an operator without a builder
/// method, a data type the context's `opSupportLimits()` leaves out, or a `NotSupportedError`.
struct WPTUnsupported: Error, CustomStringConvertible {
  let message: String
  init(_ message: String) { self.message = message }
  var description: String { message }
}

/// Replays a case's builder calls on an `MLGraphBuilder`, keeping every named operand.
struct WPTGraphReplay {
  let builder: MLGraphBuilder
  let limits: MLOpSupportLimits
  /// Inputs, constants and operator outputs by name.
  private(set) var operands: [String: MLOperand] = [:]

  init(builder: MLGraphBuilder, limits: MLOpSupportLimits) {
    self.builder = builder
    self.limits = limits
  }

  /// The WebNN operator names this runner can call: every operator of ``OperatorRegistry``.
  static let supportedOperators = Set(OperatorRegistry.names)

  // MARK: Inputs

  /// Creates the graph inputs (`builder.input`) and constants (`builder.constant`).
  mutating func addInputs(_ inputs: [WPTNamedTensor]) throws {
    for input in inputs {
      let tensor = input.tensor
      let allowed = tensor.constant ? limits.constant : limits.input
      guard allowed.dataTypes.contains(tensor.dataType) else {
        throw WPTUnsupported(
          "opSupportLimits(): graph \(tensor.constant ? "constants" : "inputs") do not list \(tensor.dataType.rawValue) (\(input.name))"
        )
      }
      let operand =
        tensor.constant
        ? try builder.constant(tensor.descriptor, bytes: WPTTensorCoding.encode(tensor))
        : try builder.input(input.name, tensor.descriptor)
      operands[input.name] = operand
    }
  }

  // MARK: Operators

  /// Calls the builder method for one operator through the operator registry and names its
  /// results. Operand arguments and requested output types that the context's
  /// `opSupportLimits()` leaves out make the case unsupported rather than failed.
  mutating func apply(_ call: WPTOperatorCall) throws {
    let op = call.name
    guard OperatorRegistry.schema(op) != nil else {
      throw WPTUnsupported("MLGraphBuilder has no method for \(op)")
    }
    var positional: [MLArgumentValue] = []
    var named: [String: MLArgumentValue] = [:]
    for argument in call.arguments {
      if argument.name == "options", case .object(let options) = argument.value {
        for (key, value) in options { named[key] = try value.argumentValue(op, "options.\(key)") }
      } else {
        positional.append(try argument.value.argumentValue(op, argument.name))
      }
    }
    let bound = try OperatorRegistry.bind(op, positional: positional, named: named)
    try requireListed(bound)
    let known = operands
    let results = try OperatorRegistry.call(bound, builder: builder) { name in
      guard let operand = known[name] else {
        throw WPTCaseFileError("\(op): \"\(name)\" names no input or earlier output")
      }
      return operand
    }

    if call.outputsIsArray {
      guard results.count >= call.outputs.count else {
        throw WPTCaseFileError(
          "\(op): \(call.outputs.count) output names for \(results.count) results")
      }
    } else {
      guard results.count == 1, call.outputs.count == 1 else {
        throw WPTCaseFileError("\(op): \(results.count) results but a single output name")
      }
    }
    for (name, operand) in zip(call.outputs, results) { operands[name] = operand }
  }

  /// Unsupported when the context's limits for the operator leave out the data type of an
  /// operand argument, or the output data type the call asks for (cast, argMin/argMax).
  private func requireListed(_ call: OperatorCall) throws {
    let op = call.schema.name
    guard let opLimits = limits[op] else { return }
    let dataTypeKind = OperatorValueKind.enumeration(MLOperandDataType.allCases.map(\.rawValue))
    for parameter in call.schema.parameters + call.schema.options {
      if parameter.kind == .operand || parameter.kind == .operandList {
        for name in try call.operandNames(parameter.name) {
          guard let operand = operands[name] else {
            throw WPTCaseFileError("\(op): \(parameter.name): \"\(name)\" names no input or earlier output")
          }
          if let allowed = opLimits[parameter.name], !allowed.dataTypes.contains(operand.dataType) {
            throw WPTUnsupported(
              "opSupportLimits(): \(op) \(parameter.name) does not list \(operand.dataType.rawValue)")
          }
        }
      } else if parameter.kind == dataTypeKind, case .string(let name)? = call.arguments[parameter.name],
        let type = MLOperandDataType(rawValue: name), let allowed = opLimits["output"],
        !allowed.dataTypes.contains(type)
      {
        throw WPTUnsupported("opSupportLimits(): \(op) output does not list \(type.rawValue)")
      }
    }
  }
}

extension WPTValue {
  /// The value as an operator argument: strings stay strings (operand names, enum values and
  /// the special numbers, which the registry reads as numbers where it expects one).
  func argumentValue(_ op: String, _ parameter: String) throws -> MLArgumentValue {
    switch self {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .number(let d): return .number(d)
    case .string(let s): return .string(s)
    case .array(let items): return .array(try items.map { try $0.argumentValue(op, parameter) })
    case .object:
      throw WPTCaseFileError("\(op): \(parameter): a dictionary where a value was expected: \(self)")
    }
  }
}
