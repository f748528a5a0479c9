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

  static let unaryOperators: Set<String> = [
    "abs", "neg", "sign", "identity", "ceil", "floor", "cos", "sin", "tan", "erf", "exp", "log",
    "reciprocal",
    "roundEven", "sqrt", "isNaN", "isInfinite", "logicalNot", "relu", "sigmoid", "tanh", "softsign",
    "softplus",
    "gelu", "hardSwish",
  ]
  static let binaryOperators: Set<String> = [
    "add", "sub", "mul", "div", "max", "min", "pow", "equal", "notEqual", "greater",
    "greaterOrEqual", "lesser",
    "lesserOrEqual", "logicalAnd", "logicalOr", "logicalXor", "matmul",
  ]
  static let reduceOperators: Set<String> = [
    "reduceL1", "reduceL2", "reduceLogSum", "reduceLogSumExp", "reduceMax", "reduceMean",
    "reduceMin",
    "reduceProduct", "reduceSum", "reduceSumSquare",
  ]
  static let otherOperators: Set<String> = [
    "prelu", "clamp", "elu", "leakyRelu", "hardSigmoid", "linear", "softmax", "cast", "where",
    "gemm", "conv2d",
    "convTranspose2d", "averagePool2d", "l2Pool2d", "maxPool2d", "argMax", "argMin",
    "batchNormalization",
    "instanceNormalization", "layerNormalization", "reshape", "transpose", "concat", "slice",
    "split", "expand",
    "tile", "reverse", "pad", "gather", "triangular",
    "gru", "gruCell", "lstm", "lstmCell",
    "cumulativeSum", "resample2d", "quantizeLinear", "dequantizeLinear",
    "gatherElements", "gatherND", "scatterElements", "scatterND",
  ]

  /// The WebNN operator names this runner maps onto an `MLGraphBuilder` method.
  static let supportedOperators: Set<String> = unaryOperators.union(binaryOperators).union(
    reduceOperators
  )
  .union(otherOperators)

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

  /// Calls the builder method for one operator and names its results.
  mutating func apply(_ call: WPTOperatorCall) throws {
    let op = call.name
    guard Self.supportedOperators.contains(op) else {
      throw WPTUnsupported("MLGraphBuilder has no method for \(op)")
    }
    var args = ArgReader(op: op, arguments: call.arguments, operands: operands, limits: limits[op])
    let results = try call1(op, &args)
    try args.finish()

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

  private func call1(_ op: String, _ args: inout ArgReader) throws -> [MLOperand] {
    let b = builder
    if Self.unaryOperators.contains(op) {
      let x = try args.operand("input")
      let label = MLOperatorLabel(label: try args.options().label())
      return [try unary(op)(x, label)]
    }
    if Self.binaryOperators.contains(op) {
      let a = try args.operand("a")
      let c = try args.operand("b")
      let label = MLOperatorLabel(label: try args.options().label())
      return [try binary(op)(a, c, label)]
    }
    if Self.reduceOperators.contains(op) {
      let x = try args.operand("input")
      let o = try args.options()
      var options = MLReduceOptions(label: try o.label())
      options.axes = try o.ints("axes")
      options.keepDimensions = try o.bool("keepDimensions") ?? false
      return [try reduce(op)(x, options)]
    }
    switch op {
    case "prelu":
      let x = try args.operand("input")
      let slope = try args.operand("slope")
      return [try b.prelu(x, slope, options: MLOperatorLabel(label: try args.options().label()))]

    case "clamp":
      let x = try args.operand("input")
      let o = try args.options()
      let options = MLClampOptions(
        label: try o.label(), minValue: try o.number("minValue"), maxValue: try o.number("maxValue")
      )
      return [try b.clamp(x, options: options)]

    case "elu", "leakyRelu":
      let x = try args.operand("input")
      let o = try args.options()
      let label = try o.label()
      let alpha = try o.double("alpha")
      if op == "elu" { return [try b.elu(x, options: MLEluOptions(label: label, alpha: alpha ?? 1))] }
      return [try b.leakyRelu(x, options: MLLeakyReluOptions(label: label, alpha: alpha ?? 0.01))]

    case "hardSigmoid", "linear":
      let x = try args.operand("input")
      let o = try args.options()
      let (label, alpha, beta) = (try o.label(), try o.double("alpha"), try o.double("beta"))
      if op == "linear" {
        return [try b.linear(x, options: MLLinearOptions(label: label, alpha: alpha ?? 1, beta: beta ?? 0))]
      }
      return [try b.hardSigmoid(x, options: MLHardSigmoidOptions(label: label, alpha: alpha ?? 0.2, beta: beta ?? 0.5))]

    case "softmax":
      let x = try args.operand("input")
      // Older WPT calls softmax(input) without its now-required axis; the vectors match the last axis.
      let axis = try args.optionalInt("axis") ?? Swift.max(x.rank - 1, 0)
      return [
        try b.softmax(x, axis: axis, options: MLSoftmaxOptions(label: try args.options().label()))
      ]

    case "cast":
      let x = try args.operand("input")
      let type = try args.dataType("dataType")  // older WPT spells it `type`
      try args.requireListed(type, "output")
      return [try b.cast(x, type, options: MLOperatorLabel(label: try args.options().label()))]

    case "where":
      let condition = try args.operand("condition")
      let t = try args.operand("trueValue")
      let f = try args.operand("falseValue")
      return [
        try b.where(condition, t, f, options: MLOperatorLabel(label: try args.options().label()))
      ]

    case "gemm":
      let a = try args.operand("a")
      let c = try args.operand("b")
      let o = try args.options()
      let options = MLGemmOptions(
        label: try o.label(), c: try o.operand("c"), alpha: try o.double("alpha") ?? 1,
        beta: try o.double("beta") ?? 1,
        aTranspose: try o.bool("aTranspose") ?? false, bTranspose: try o.bool("bTranspose") ?? false
      )
      return [try b.gemm(a, c, options: options)]

    case "conv2d":
      let input = try args.operand("input")
      let filter = try args.operand("filter")
      let o = try args.options()
      var options = MLConv2dOptions(label: try o.label())
      if let v = try o.ints("padding") { options.padding = v }
      if let v = try o.ints("strides") { options.strides = v }
      if let v = try o.ints("dilations") { options.dilations = v }
      if let v = try o.int("groups") { options.groups = v }
      if let v = try o.enumeration("inputLayout", MLInputOperandLayout.self) {
        options.inputLayout = v
      }
      if let v = try o.enumeration("filterLayout", MLConv2dFilterOperandLayout.self) {
        options.filterLayout = v
      }
      options.bias = try o.operand("bias")
      return [try b.conv2d(input, filter, options: options)]

    case "convTranspose2d":
      let input = try args.operand("input")
      let filter = try args.operand("filter")
      let o = try args.options()
      var options = MLConvTranspose2dOptions(label: try o.label())
      if let v = try o.ints("padding") { options.padding = v }
      if let v = try o.ints("strides") { options.strides = v }
      if let v = try o.ints("dilations") { options.dilations = v }
      if let v = try o.ints("outputPadding") { options.outputPadding = v }
      options.outputSizes = try o.ints("outputSizes")
      if let v = try o.int("groups") { options.groups = v }
      if let v = try o.enumeration("inputLayout", MLInputOperandLayout.self) {
        options.inputLayout = v
      }
      if let v = try o.enumeration("filterLayout", MLConvTranspose2dFilterOperandLayout.self) {
        options.filterLayout = v
      }
      options.bias = try o.operand("bias")
      return [try b.convTranspose2d(input, filter, options: options)]

    case "averagePool2d", "l2Pool2d", "maxPool2d":
      let input = try args.operand("input")
      let o = try args.options()
      var options = MLPool2dOptions(label: try o.label())
      options.windowDimensions = try o.ints("windowDimensions")
      if let v = try o.ints("padding") { options.padding = v }
      if let v = try o.ints("strides") { options.strides = v }
      if let v = try o.ints("dilations") { options.dilations = v }
      if let v = try o.enumeration("layout", MLInputOperandLayout.self) { options.layout = v }
      // Older WPT spells outputShapeRounding `roundingType`.
      if let v = try o.enumeration(
        "outputShapeRounding", MLRoundingType.self, alias: "roundingType")
      {
        options.outputShapeRounding = v
      }
      options.outputSizes = try o.ints("outputSizes")
      switch op {
      case "averagePool2d": return [try b.averagePool2d(input, options: options)]
      case "l2Pool2d": return [try b.l2Pool2d(input, options: options)]
      default: return [try b.maxPool2d(input, options: options)]
      }

    case "argMax", "argMin":
      let input = try args.operand("input")
      let axis = try args.int("axis")
      let o = try args.options()
      var options = MLArgMinMaxOptions(label: try o.label())
      options.keepDimensions = try o.bool("keepDimensions") ?? false
      if let type = try o.enumeration("outputDataType", MLOperandDataType.self) {
        try args.requireListed(type, "output")
        options.outputDataType = type
      }
      return [
        op == "argMax"
          ? try b.argMax(input, axis: axis, options: options)
          : try b.argMin(input, axis: axis, options: options)
      ]

    case "batchNormalization":
      let input = try args.operand("input")
      let mean = try args.operand("mean")
      let variance = try args.operand("variance")
      let o = try args.options()
      var options = MLBatchNormalizationOptions(label: try o.label())
      options.scale = try o.operand("scale")
      options.bias = try o.operand("bias")
      if let v = try o.int("axis") { options.axis = v }
      if let v = try o.double("epsilon") { options.epsilon = v }
      return [try b.batchNormalization(input, mean: mean, variance: variance, options: options)]

    case "instanceNormalization":
      let input = try args.operand("input")
      let o = try args.options()
      var options = MLInstanceNormalizationOptions(label: try o.label())
      options.scale = try o.operand("scale")
      options.bias = try o.operand("bias")
      if let v = try o.double("epsilon") { options.epsilon = v }
      if let v = try o.enumeration("layout", MLInputOperandLayout.self) { options.layout = v }
      return [try b.instanceNormalization(input, options: options)]

    case "layerNormalization":
      let input = try args.operand("input")
      let o = try args.options()
      var options = MLLayerNormalizationOptions(label: try o.label())
      options.scale = try o.operand("scale")
      options.bias = try o.operand("bias")
      options.axes = try o.ints("axes")
      if let v = try o.double("epsilon") { options.epsilon = v }
      return [try b.layerNormalization(input, options: options)]

    case "reshape", "expand":
      let input = try args.operand("input")
      let shape = try args.ints("newShape")
      let label = MLOperatorLabel(label: try args.options().label())
      return [
        op == "reshape"
          ? try b.reshape(input, shape, options: label) : try b.expand(input, shape, options: label)
      ]

    case "tile":
      let input = try args.operand("input")
      let repetitions = try args.ints("repetitions")
      return [
        try b.tile(input, repetitions, options: MLOperatorLabel(label: try args.options().label()))
      ]

    case "transpose":
      let input = try args.operand("input")
      let o = try args.options()
      return [
        try b.transpose(
          input,
          options: MLTransposeOptions(label: try o.label(), permutation: try o.ints("permutation")))
      ]

    case "concat":
      let inputs = try args.operandList("inputs")
      let axis = try args.int("axis")
      return [
        try b.concat(
          inputs, axis: axis, options: MLOperatorLabel(label: try args.options().label()))
      ]

    case "slice":
      let input = try args.operand("input")
      let starts = try args.ints("starts")
      let sizes = try args.ints("sizes")
      let o = try args.options()
      return [
        try b.slice(
          input, starts: starts, sizes: sizes,
          options: MLSliceOptions(label: try o.label(), strides: try o.ints("strides")))
      ]

    case "split":
      let input = try args.operand("input")
      let splits = try args.splits("splits")
      let o = try args.options()
      return try b.split(
        input, splits: splits,
        options: MLSplitOptions(label: try o.label(), axis: try o.int("axis") ?? 0))

    case "reverse":
      let input = try args.operand("input")
      let o = try args.options()
      return [
        try b.reverse(
          input, options: MLReverseOptions(label: try o.label(), axes: try o.ints("axes")))
      ]

    case "pad":
      let input = try args.operand("input")
      let beginning = try args.ints("beginningPadding")
      let ending = try args.ints("endingPadding")
      let o = try args.options()
      var options = MLPadOptions(label: try o.label())
      // An unknown mode (such as the removed "symmetric") is a TypeError, as for any WebIDL enum.
      if let mode = try o.enumeration("mode", MLPaddingMode.self) { options.mode = mode }
      if let value = try o.number("value") { options.value = value }
      return [
        try b.pad(input, beginningPadding: beginning, endingPadding: ending, options: options)
      ]

    case "gather":
      let input = try args.operand("input")
      let indices = try args.operand("indices")
      let o = try args.options()
      return [
        try b.gather(
          input, indices,
          options: MLGatherOptions(label: try o.label(), axis: try o.int("axis") ?? 0))
      ]

    case "gatherElements", "gatherND":
      let input = try args.operand("input")
      let indices = try args.operand("indices")
      let o = try args.options()
      if op == "gatherND" {
        return [try b.gatherND(input, indices, options: MLOperatorLabel(label: try o.label()))]
      }
      let options = MLGatherOptions(label: try o.label(), axis: try o.int("axis") ?? 0)
      return [try b.gatherElements(input, indices, options: options)]

    case "scatterElements", "scatterND":
      let input = try args.operand("input")
      let indices = try args.operand("indices")
      let updates = try args.operand("updates")
      let o = try args.options()
      if op == "scatterND" {
        return [try b.scatterND(input, indices, updates, options: MLOperatorLabel(label: try o.label()))]
      }
      let options = MLGatherOptions(label: try o.label(), axis: try o.int("axis") ?? 0)
      return [try b.scatterElements(input, indices, updates, options: options)]

    case "triangular":
      let input = try args.operand("input")
      let o = try args.options()
      return [
        try b.triangular(
          input,
          options: MLTriangularOptions(
            label: try o.label(), upper: try o.bool("upper") ?? true,
            diagonal: try o.int("diagonal") ?? 0))
      ]

    case "cumulativeSum":
      let input = try args.operand("input")
      let axis = try args.int("axis")
      let o = try args.options()
      let options = MLCumulativeSumOptions(
        label: try o.label(), exclusive: try o.bool("exclusive") ?? false, reversed: try o.bool("reversed") ?? false)
      return [try b.cumulativeSum(input, axis: axis, options: options)]

    case "resample2d":
      let input = try args.operand("input")
      let o = try args.options()
      var options = MLResample2dOptions(label: try o.label())
      if let mode = try o.enumeration("mode", MLInterpolationMode.self) { options.mode = mode }
      options.scales = try o.floats("scales")
      options.sizes = try o.ints("sizes")
      options.axes = try o.ints("axes")
      return [try b.resample2d(input, options: options)]

    case "quantizeLinear", "dequantizeLinear":
      // The cases' castToSupportedType flag needs nothing here: 4-bit outputs are read back packed.
      let input = try args.operand("input")
      let scale = try args.operand("scale")
      let zeroPoint = try args.operand("zeroPoint")
      let label = MLOperatorLabel(label: try args.options().label())
      return [
        op == "quantizeLinear"
          ? try b.quantizeLinear(input, scale: scale, zeroPoint: zeroPoint, options: label)
          : try b.dequantizeLinear(input, scale: scale, zeroPoint: zeroPoint, options: label)
      ]

    case "gru", "gruCell", "lstm", "lstmCell":
      return try recurrent(op, &args)

    default:
      throw WPTUnsupported("MLGraphBuilder has no method for \(op)")
    }
  }

  private func unary(_ op: String) -> (MLOperand, MLOperatorLabel) throws -> MLOperand {
    let b = builder
    switch op {
    case "abs": return b.abs
    case "neg": return b.neg
    case "sign": return b.sign
    case "identity": return b.identity
    case "ceil": return b.ceil
    case "floor": return b.floor
    case "cos": return b.cos
    case "sin": return b.sin
    case "tan": return b.tan
    case "erf": return b.erf
    case "exp": return b.exp
    case "log": return b.log
    case "reciprocal": return b.reciprocal
    case "roundEven": return b.roundEven
    case "sqrt": return b.sqrt
    case "isNaN": return b.isNaN
    case "isInfinite": return b.isInfinite
    case "logicalNot": return b.logicalNot
    case "relu": return b.relu
    case "sigmoid": return b.sigmoid
    case "tanh": return b.tanh
    case "softsign": return b.softsign
    case "softplus": return b.softplus
    case "gelu": return b.gelu
    default: return b.hardSwish
    }
  }

  private func binary(_ op: String) -> (MLOperand, MLOperand, MLOperatorLabel) throws -> MLOperand {
    let b = builder
    switch op {
    case "add": return b.add
    case "sub": return b.sub
    case "mul": return b.mul
    case "div": return b.div
    case "max": return b.max
    case "min": return b.min
    case "pow": return b.pow
    case "equal": return b.equal
    case "notEqual": return b.notEqual
    case "greater": return b.greater
    case "greaterOrEqual": return b.greaterOrEqual
    case "lesser": return b.lesser
    case "lesserOrEqual": return b.lesserOrEqual
    case "logicalAnd": return b.logicalAnd
    case "logicalOr": return b.logicalOr
    case "logicalXor": return b.logicalXor
    default: return b.matmul
    }
  }

  private func reduce(_ op: String) -> (MLOperand, MLReduceOptions) throws -> MLOperand {
    let b = builder
    switch op {
    case "reduceL1": return b.reduceL1
    case "reduceL2": return b.reduceL2
    case "reduceLogSum": return b.reduceLogSum
    case "reduceLogSumExp": return b.reduceLogSumExp
    case "reduceMax": return b.reduceMax
    case "reduceMean": return b.reduceMean
    case "reduceMin": return b.reduceMin
    case "reduceProduct": return b.reduceProduct
    case "reduceSum": return b.reduceSum
    default: return b.reduceSumSquare
    }
  }
}

// MARK: - Argument conversion

/// A TypeError as WebIDL would throw it for a bad argument.
private func typeError(_ op: String, _ param: String, _ message: String) -> MLError {
  MLError(.typeError, "\(op): \(param): \(message)")
}

private func integer(_ value: WPTValue, _ op: String, _ param: String) throws -> Int {
  guard let d = value.numberValue, d.isFinite, d == d.rounded(),
    Swift.abs(d) <= 9_007_199_254_740_991
  else {
    throw typeError(op, param, "expected an integer, got \(value)")
  }
  return Int(d)
}

private func integers(_ value: WPTValue, _ op: String, _ param: String) throws -> [Int] {
  guard case .array(let items) = value else {
    throw typeError(op, param, "expected a list of integers, got \(value)")
  }
  return try items.map { try integer($0, op, param) }
}

private func checkListed(
  _ operand: MLOperand, _ op: String, _ param: String, _ limits: [String: MLTensorLimits]?
) throws {
  if let allowed = limits?[param], !allowed.dataTypes.contains(operand.dataType) {
    throw WPTUnsupported(
      "opSupportLimits(): \(op) \(param) does not list \(operand.dataType.rawValue)")
  }
}

/// Reads an operator's positional arguments in order.
struct ArgReader {
  let op: String
  let arguments: [WPTArgument]
  let operands: [String: MLOperand]
  let limits: [String: MLTensorLimits]?
  private var index = 0
  private var optionReader: OptionReader?

  init(
    op: String, arguments: [WPTArgument], operands: [String: MLOperand],
    limits: [String: MLTensorLimits]?
  ) {
    self.op = op
    self.arguments = arguments
    self.operands = operands
    self.limits = limits
  }

  private var peek: WPTArgument? { index < arguments.count ? arguments[index] : nil }

  private mutating func next(_ param: String) throws -> WPTArgument {
    guard let argument = peek else { throw typeError(op, param, "missing argument") }
    index += 1
    return argument
  }

  func resolve(_ value: WPTValue, _ param: String) throws -> MLOperand {
    guard case .string(let name) = value else {
      throw WPTCaseFileError("\(op): \(param): expected an operand name, got \(value)")
    }
    guard let operand = operands[name] else {
      throw WPTCaseFileError("\(op): \(param): \"\(name)\" names no input or earlier output")
    }
    try checkListed(operand, op, param, limits)
    return operand
  }

  mutating func operand(_ param: String) throws -> MLOperand {
    try resolve(try next(param).value, param)
  }

  mutating func operandList(_ param: String) throws -> [MLOperand] {
    let value = try next(param).value
    guard case .array(let items) = value else {
      throw WPTCaseFileError("\(op): \(param): expected a list of operand names, got \(value)")
    }
    return try items.map { try resolve($0, param) }
  }

  mutating func int(_ param: String) throws -> Int {
    try integer(try next(param).value, op, param)
  }

  /// An integer argument that older spellings may leave out (softmax's axis).
  mutating func optionalInt(_ param: String) throws -> Int? {
    guard let argument = peek, argument.value.numberValue != nil else { return nil }
    return try int(param)
  }

  mutating func ints(_ param: String) throws -> [Int] {
    try integers(try next(param).value, op, param)
  }

  mutating func dataType(_ param: String) throws -> MLOperandDataType {
    let value = try next(param).value
    guard case .string(let name) = value, let type = MLOperandDataType(rawValue: name) else {
      throw typeError(op, param, "\(value) is not an MLOperandDataType")
    }
    return type
  }

  mutating func splits(_ param: String) throws -> MLSplits {
    let value = try next(param).value
    if case .array = value { return .sizes(try integers(value, op, param)) }
    return .count(try integer(value, op, param))
  }

  /// Unsupported when the context's limits for this operator leave out `type` for `param`.
  func requireListed(_ type: MLOperandDataType, _ param: String) throws {
    if let allowed = limits?[param], !allowed.dataTypes.contains(type) {
      throw WPTUnsupported("opSupportLimits(): \(op) \(param) does not list \(type.rawValue)")
    }
  }

  /// The trailing options dictionary (empty when absent).
  mutating func options() throws -> OptionReader {
    if let reader = optionReader { return reader }
    var values: [String: WPTValue] = [:]
    if let argument = peek, case .object(let dict) = argument.value {
      index += 1
      values = dict
    }
    let reader = OptionReader(op: op, values: values, operands: operands, limits: limits)
    optionReader = reader
    return reader
  }

  /// Fails on arguments or option keys that no parameter consumed, so nothing is silently dropped.
  func finish() throws {
    if index < arguments.count {
      let extra = arguments[index...].map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
      throw WPTCaseFileError("\(op): unexpected extra argument(s) \(extra)")
    }
    try optionReader?.finish()
  }
}

/// Reads an options dictionary; strings of operand-valued keys are operand references.
final class OptionReader {
  let op: String
  let values: [String: WPTValue]
  let operands: [String: MLOperand]
  let limits: [String: MLTensorLimits]?
  private var used: Set<String> = []

  init(
    op: String, values: [String: WPTValue], operands: [String: MLOperand],
    limits: [String: MLTensorLimits]?
  ) {
    self.op = op
    self.values = values
    self.operands = operands
    self.limits = limits
  }

  private func value(_ key: String, alias: String? = nil) -> (String, WPTValue)? {
    if let v = values[key] {
      used.insert(key)
      return (key, v)
    }
    if let alias, let v = values[alias] {
      used.insert(alias)
      return (alias, v)
    }
    return nil
  }

  func label() throws -> String {
    guard let (key, v) = value("label") else { return "" }
    guard case .string(let s) = v else {
      throw typeError(op, "options.\(key)", "expected a string")
    }
    return s
  }

  func int(_ key: String) throws -> Int? {
    guard let (k, v) = value(key) else { return nil }
    return try integer(v, op, "options.\(k)")
  }

  func ints(_ key: String) throws -> [Int]? {
    guard let (k, v) = value(key) else { return nil }
    return try integers(v, op, "options.\(k)")
  }

  func double(_ key: String) throws -> Double? {
    guard let (k, v) = value(key) else { return nil }
    guard let d = v.numberValue else {
      throw typeError(op, "options.\(k)", "expected a number, got \(v)")
    }
    return d
  }

  /// A `sequence<float>` option: finite numbers rounded to float32.
  func floats(_ key: String) throws -> [Float]? {
    guard let (k, v) = value(key) else { return nil }
    guard case .array(let items) = v else {
      throw typeError(op, "options.\(k)", "expected a list of numbers, got \(v)")
    }
    return try items.map { item in
      guard let d = item.numberValue, d.isFinite, Float(d).isFinite else {
        throw typeError(op, "options.\(k)", "expected finite numbers, got \(item)")
      }
      return Float(d)
    }
  }

  /// An `MLNumber` option: a JavaScript number is a double.
  func number(_ key: String) throws -> MLNumber? {
    try double(key).map(MLNumber.double)
  }

  func bool(_ key: String) throws -> Bool? {
    guard let (k, v) = value(key) else { return nil }
    guard case .bool(let b) = v else {
      throw typeError(op, "options.\(k)", "expected a boolean, got \(v)")
    }
    return b
  }

  func enumeration<T: RawRepresentable>(_ key: String, _ type: T.Type, alias: String? = nil) throws
    -> T?
  where T.RawValue == String {
    guard let (k, v) = value(key, alias: alias) else { return nil }
    guard case .string(let s) = v, let result = T(rawValue: s) else {
      throw typeError(op, "options.\(k)", "\(v) is not a valid \(T.self) value")
    }
    return result
  }

  /// A list of enum values, such as the recurrent operators' `activations`.
  func enumerations<T: RawRepresentable>(_ key: String, _ type: T.Type) throws -> [T]? where T.RawValue == String {
    guard let (k, v) = value(key) else { return nil }
    guard case .array(let items) = v else { throw typeError(op, "options.\(k)", "expected a list, got \(v)") }
    return try items.map { item in
      guard case .string(let s) = item, let result = T(rawValue: s) else {
        throw typeError(op, "options.\(k)", "\(item) is not a valid \(T.self) value")
      }
      return result
    }
  }

  func operand(_ key: String) throws -> MLOperand? {
    guard let (k, v) = value(key) else { return nil }
    guard case .string(let name) = v, let operand = operands[name] else {
      throw WPTCaseFileError("\(op): options.\(k): \(v) names no input or earlier output")
    }
    try checkListed(operand, op, key, limits)
    return operand
  }

  func finish() throws {
    let unknown = Set(values.keys).subtracting(used).sorted()
    if !unknown.isEmpty {
      throw WPTCaseFileError(
        "\(op): unknown option(s) \(unknown.joined(separator: ", ")) (the runner does not map them)"
      )
    }
  }
}
