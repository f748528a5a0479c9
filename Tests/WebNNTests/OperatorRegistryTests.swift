import Testing
import WebNN

@testable import WebNNCore

/// The registry's declarations are consistent, every declared parameter is decoded, and calls
/// written as data are bound and checked as the spec's bindings would.
@Suite struct OperatorRegistryTests {
  @Test func namesAreUniqueAndLimitsCoverEveryOperator() async throws {
    let names = OperatorRegistry.names
    #expect(Set(names).count == names.count)
    let limits = try await sharedContext().opSupportLimits()
    #expect(Set(limits.operators.keys) == Set(names))
    for schema in OperatorRegistry.schemas {
      let spellings = (schema.parameters + schema.options).flatMap { [$0.name] + $0.aliases }
      #expect(Set(spellings).count == spellings.count, "\(schema.name): a name is declared twice: \(spellings)")
      for parameter in schema.parameters + schema.options where parameter.kind.takesOperands {
        #expect(parameter.dataTypes?.isEmpty == false, "\(schema.name).\(parameter.name) has no data types")
        #expect(
          limits[schema.name]?[parameter.name] != nil, "\(schema.name).\(parameter.name) is not in opSupportLimits()")
      }
      #expect(!schema.outputs.isEmpty, "\(schema.name) declares no results")
    }
  }

  /// A value of `kind` that decodes (operands resolve to one float32 [1, 1, 1, 1] constant).
  static func sample(_ kind: OperatorValueKind) -> MLArgumentValue {
    switch kind {
    case .operand: .operand("x")
    case .operandList: [.operand("x")]
    case .integer, .double, .number, .splits: 1
    case .integerList, .floatList: [1]
    case .boolean: true
    case .string: "label"
    case .enumeration(let values): .string(values[0])
    case .enumerationList(let values): [.string(values[0])]
    }
  }

  /// Every declared parameter and option is read by the operator's decoder, and the decoder reads
  /// nothing it does not declare (which would throw `UnknownError`).
  @Test func everyDeclaredParameterIsDecoded() async throws {
    let context = try await sharedContext()
    for schema in OperatorRegistry.schemas {
      let builder = MLGraphBuilder(context)
      let x = try builder.constant(.init(dataType: .float32, shape: [1, 1, 1, 1]), [1] as [Float])
      var named: [String: MLArgumentValue] = [:]
      for parameter in schema.parameters + schema.options { named[parameter.name] = Self.sample(parameter.kind) }
      let call = try OperatorRegistry.bind(schema.name, named: named)
      let arguments = OperatorArguments(call: call, builder: builder) { _ in x }
      do {
        _ = try schema.build(arguments)
        try arguments.finish()
      } catch let error as MLError {
        #expect(error.kind != .unknownError, "\(schema.name): \(error)")
      }
      let declared = Set((schema.parameters + schema.options).map(\.name)).subtracting(["label"])
      #expect(arguments.readNames == declared, "\(schema.name) decodes \(arguments.readNames.sorted())")
    }
  }

  @Test func callsTakeArgumentsPositionallyOrByName() async throws {
    let builder = MLGraphBuilder(try await sharedContext())
    let x = try builder.constant(.init(dataType: .float32, shape: [2, 3]), [1, 2, 3, 4, 5, 6] as [Float])
    let operands = ["x": x]
    func call(_ op: String, _ positional: [MLArgumentValue], _ named: [String: MLArgumentValue] = [:]) throws
      -> [MLOperand]
    {
      try OperatorRegistry.call(op, positional: positional, named: named, builder: builder) { operands[$0]! }
    }
    #expect(try call("softmax", [.operand("x"), 0])[0].shape == [2, 3])
    #expect(try call("softmax", [.operand("x")], ["axis": 0])[0].shape == [2, 3])
    #expect(try call("softmax", [], ["input": "x", "axis": 1])[0].shape == [2, 3])
    #expect(try call("cast", [.operand("x")], ["type": "int32"])[0].dataType == .int32)
    #expect(try call("split", [.operand("x"), [1, 2]], ["axis": 1]).map(\.shape) == [[2, 1], [2, 2]])
    #expect(try call("reduceSum", [.operand("x")], ["axes": [1], "keepDimensions": true])[0].shape == [2, 1])
    #expect(try call("clamp", [.operand("x")], ["minValue": "-Infinity", "maxValue": nil])[0].shape == [2, 3])
  }

  @Test func badArgumentsNameTheOperatorLabelAndArgument() async throws {
    let builder = MLGraphBuilder(try await sharedContext())
    let x = try builder.constant(.init(dataType: .float32, shape: [2, 3]), [1, 2, 3, 4, 5, 6] as [Float])
    func call(_ op: String, _ positional: [MLArgumentValue], _ named: [String: MLArgumentValue] = [:]) throws {
      _ = try OperatorRegistry.call(op, positional: positional, named: named, builder: builder) { _ in x }
    }
    expectMLError(.typeError, containing: ["conv2d [c1]", "groop"]) {
      try call("conv2d", ["x", "x"], ["groop": 2, "label": "c1"])
    }
    expectMLError(.typeError, containing: ["softmax [s]", "axis", "integer"]) {
      try call("softmax", ["x", 0.5], ["label": "s"])
    }
    expectMLError(.typeError, containing: ["softmax", "axis", "given twice"]) {
      try call("softmax", ["x", 0], ["axis": 1])
    }
    expectMLError(.typeError, containing: ["relu", "2 positional"]) { try call("relu", ["x", "x"]) }
    expectMLError(.typeError, containing: ["gemm [g]", "b", "missing"]) { try call("gemm", ["x"], ["label": "g"]) }
    expectMLError(.typeError, containing: ["pad", "mode", "MLPaddingMode"]) {
      try call("pad", ["x", [0, 0], [0, 0]], ["mode": "symmetric"])
    }
    expectMLError(.typeError, containing: ["frobnicate", "no such operator"]) { try call("frobnicate", ["x"]) }
    // The builder's own checks still name the argument.
    expectMLError(.typeError, containing: ["softmax [s]", "axis", "out of range"]) {
      try call("softmax", ["x", 5], ["label": "s"])
    }
  }

  @Test func describeKeepsRequiredAndInputDependentArguments() async throws {
    let builder = MLGraphBuilder(try await sharedContext())
    let x = try builder.constant(.init(dataType: .float32, shape: [2, 3]), [1, 2, 3, 4, 5, 6] as [Float])
    _ = try builder.softmax(x, axis: 1)
    _ = try builder.reduceMean(x)
    _ = try builder.transpose(x, options: .init(label: "t"))
    let ir = builder.state.withLock { $0.ir }
    let calls = ir.nodes.map { OperatorRegistry.describe($0, in: ir) { "t\($0)" } }
    #expect(calls[0] == OperatorDescription(op: "softmax", positional: [.operand("t0"), 1], named: [:]))
    #expect(calls[1] == OperatorDescription(op: "reduceMean", positional: [.operand("t0")], named: ["axes": [0, 1]]))
    #expect(
      calls[2]
        == OperatorDescription(
          op: "transpose", positional: [.operand("t0")], named: ["permutation": [1, 0], "label": "t"]))
  }
}
