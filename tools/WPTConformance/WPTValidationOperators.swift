import WebNNCore

/// Maps a recorded builder call (WPT operator name, positional arguments, options) onto the
/// Swift `MLGraphBuilder` method, in the argument order of the spec's IDL.
enum WPTValidationOperators {
  static let unary: Set<String> = [
    "abs", "neg", "sign", "identity", "ceil", "floor", "cos", "sin", "tan", "erf", "exp", "log",
    "reciprocal",
    "roundEven", "sqrt", "isNaN", "isInfinite", "logicalNot", "relu", "sigmoid", "tanh", "softsign",
    "softplus",
    "gelu", "hardSwish",
  ]
  static let binary: Set<String> = [
    "add", "sub", "mul", "div", "max", "min", "pow", "equal", "notEqual", "greater",
    "greaterOrEqual", "lesser",
    "lesserOrEqual", "logicalAnd", "logicalOr", "logicalXor", "matmul", "prelu",
  ]
  static let reductions: Set<String> = [
    "reduceL1", "reduceL2", "reduceLogSum", "reduceLogSumExp", "reduceMax", "reduceMean",
    "reduceMin",
    "reduceProduct", "reduceSum", "reduceSumSquare",
  ]
  static let others: Set<String> = [
    "cast", "clamp", "elu", "leakyRelu", "hardSigmoid", "linear", "softmax", "gemm", "conv2d",
    "convTranspose2d",
    "averagePool2d", "l2Pool2d", "maxPool2d", "argMin", "argMax", "batchNormalization",
    "instanceNormalization",
    "layerNormalization", "reshape", "expand", "tile", "transpose", "concat", "slice", "split",
    "reverse", "pad",
    "gather", "triangular", "cumulativeSum", "resample2d", "quantizeLinear", "dequantizeLinear",
    "where",
  ]

  /// Every operator with a builder method.
  static let supported: Set<String> = unary.union(binary).union(reductions).union(others).union(
    indexingAndRecurrent)

  /// Calls the builder method for `op` and returns its outputs.
  static func call(_ b: MLGraphBuilder, _ op: String, _ a: inout WPTValidationArguments) throws
    -> [MLOperand]
  {
    if unary.contains(op) {
      let x = try a.operand("input")
      return [try unaryMethod(b, op)(x, MLOperatorLabel(label: try a.label()))]
    }
    if binary.contains(op) {
      let (first, second) = op == "prelu" ? ("input", "slope") : ("a", "b")
      let x = try a.operand(first)
      let y = try a.operand(second)
      return [try binaryMethod(b, op)(x, y, MLOperatorLabel(label: try a.label()))]
    }
    if reductions.contains(op) {
      let x = try a.operand("input")
      var options = MLReduceOptions(label: try a.label())
      options.axes = try a.optionalInts("axes")
      options.keepDimensions = try a.optionalBool("keepDimensions") ?? false
      return [try reduceMethod(b, op)(x, options)]
    }
    if indexingAndRecurrent.contains(op) { return try indexingOrRecurrentCall(b, op, &a) }
    switch op {
    case "cast":
      let x = try a.operand("input")
      let type = try a.enumeration("dataType", MLOperandDataType.self)
      return [try b.cast(x, type, options: MLOperatorLabel(label: try a.label()))]

    case "clamp":
      let x = try a.operand("input")
      let options = MLClampOptions(
        label: try a.label(), minValue: try a.optionalNumber("minValue"),
        maxValue: try a.optionalNumber("maxValue"))
      return [try b.clamp(x, options: options)]

    case "elu", "leakyRelu":
      let x = try a.operand("input")
      let label = try a.label()
      let alpha = try a.optionalDouble("alpha")
      if op == "elu" { return [try b.elu(x, options: MLEluOptions(label: label, alpha: alpha ?? 1))] }
      return [try b.leakyRelu(x, options: MLLeakyReluOptions(label: label, alpha: alpha ?? 0.01))]

    case "hardSigmoid", "linear":
      let x = try a.operand("input")
      let (label, alpha, beta) = (try a.label(), try a.optionalDouble("alpha"), try a.optionalDouble("beta"))
      if op == "linear" {
        return [try b.linear(x, options: MLLinearOptions(label: label, alpha: alpha ?? 1, beta: beta ?? 0))]
      }
      return [try b.hardSigmoid(x, options: MLHardSigmoidOptions(label: label, alpha: alpha ?? 0.2, beta: beta ?? 0.5))]

    case "softmax":
      let x = try a.operand("input")
      let axis = try a.unsignedLong("axis")
      return [try b.softmax(x, axis: axis, options: MLSoftmaxOptions(label: try a.label()))]

    case "gemm":
      let x = try a.operand("a")
      let y = try a.operand("b")
      let options = MLGemmOptions(
        label: try a.label(), c: try a.optionalOperand("c"),
        alpha: try a.optionalDouble("alpha") ?? 1,
        beta: try a.optionalDouble("beta") ?? 1,
        aTranspose: try a.optionalBool("aTranspose") ?? false,
        bTranspose: try a.optionalBool("bTranspose") ?? false)
      return [try b.gemm(x, y, options: options)]

    case "conv2d":
      let input = try a.operand("input")
      let filter = try a.operand("filter")
      var options = MLConv2dOptions(label: try a.label())
      if let v = try a.optionalInts("padding") { options.padding = v }
      if let v = try a.optionalInts("strides") { options.strides = v }
      if let v = try a.optionalInts("dilations") { options.dilations = v }
      if let v = try a.optionalInt("groups") { options.groups = v }
      if let v = try a.optionalEnumeration("inputLayout", MLInputOperandLayout.self) {
        options.inputLayout = v
      }
      if let v = try a.optionalEnumeration("filterLayout", MLConv2dFilterOperandLayout.self) {
        options.filterLayout = v
      }
      options.bias = try a.optionalOperand("bias")
      return [try b.conv2d(input, filter, options: options)]

    case "convTranspose2d":
      let input = try a.operand("input")
      let filter = try a.operand("filter")
      var options = MLConvTranspose2dOptions(label: try a.label())
      if let v = try a.optionalInts("padding") { options.padding = v }
      if let v = try a.optionalInts("strides") { options.strides = v }
      if let v = try a.optionalInts("dilations") { options.dilations = v }
      if let v = try a.optionalInts("outputPadding") { options.outputPadding = v }
      options.outputSizes = try a.optionalInts("outputSizes")
      if let v = try a.optionalInt("groups") { options.groups = v }
      if let v = try a.optionalEnumeration("inputLayout", MLInputOperandLayout.self) {
        options.inputLayout = v
      }
      if let v = try a.optionalEnumeration(
        "filterLayout", MLConvTranspose2dFilterOperandLayout.self)
      {
        options.filterLayout = v
      }
      options.bias = try a.optionalOperand("bias")
      return [try b.convTranspose2d(input, filter, options: options)]

    case "averagePool2d", "l2Pool2d", "maxPool2d":
      let input = try a.operand("input")
      var options = MLPool2dOptions(label: try a.label())
      options.windowDimensions = try a.optionalInts("windowDimensions")
      if let v = try a.optionalInts("padding") { options.padding = v }
      if let v = try a.optionalInts("strides") { options.strides = v }
      if let v = try a.optionalInts("dilations") { options.dilations = v }
      if let v = try a.optionalEnumeration("layout", MLInputOperandLayout.self) {
        options.layout = v
      }
      if let v = try a.optionalEnumeration("outputShapeRounding", MLRoundingType.self) {
        options.outputShapeRounding = v
      }
      options.outputSizes = try a.optionalInts("outputSizes")
      switch op {
      case "averagePool2d": return [try b.averagePool2d(input, options: options)]
      case "l2Pool2d": return [try b.l2Pool2d(input, options: options)]
      default: return [try b.maxPool2d(input, options: options)]
      }

    case "argMin", "argMax":
      let input = try a.operand("input")
      let axis = try a.unsignedLong("axis")
      var options = MLArgMinMaxOptions(label: try a.label())
      options.keepDimensions = try a.optionalBool("keepDimensions") ?? false
      if let v = try a.optionalEnumeration("outputDataType", MLOperandDataType.self) {
        options.outputDataType = v
      }
      return [
        op == "argMax"
          ? try b.argMax(input, axis: axis, options: options)
          : try b.argMin(input, axis: axis, options: options)
      ]

    case "batchNormalization":
      let input = try a.operand("input")
      let mean = try a.operand("mean")
      let variance = try a.operand("variance")
      var options = MLBatchNormalizationOptions(label: try a.label())
      options.scale = try a.optionalOperand("scale")
      options.bias = try a.optionalOperand("bias")
      if let v = try a.optionalInt("axis") { options.axis = v }
      if let v = try a.optionalDouble("epsilon") { options.epsilon = v }
      return [try b.batchNormalization(input, mean: mean, variance: variance, options: options)]

    case "instanceNormalization":
      let input = try a.operand("input")
      var options = MLInstanceNormalizationOptions(label: try a.label())
      options.scale = try a.optionalOperand("scale")
      options.bias = try a.optionalOperand("bias")
      if let v = try a.optionalDouble("epsilon") { options.epsilon = v }
      if let v = try a.optionalEnumeration("layout", MLInputOperandLayout.self) {
        options.layout = v
      }
      return [try b.instanceNormalization(input, options: options)]

    case "layerNormalization":
      let input = try a.operand("input")
      var options = MLLayerNormalizationOptions(label: try a.label())
      options.scale = try a.optionalOperand("scale")
      options.bias = try a.optionalOperand("bias")
      options.axes = try a.optionalInts("axes")
      if let v = try a.optionalDouble("epsilon") { options.epsilon = v }
      return [try b.layerNormalization(input, options: options)]

    case "reshape", "expand":
      let input = try a.operand("input")
      let shape = try a.unsignedLongs("newShape")
      let label = MLOperatorLabel(label: try a.label())
      return [
        op == "reshape"
          ? try b.reshape(input, shape, options: label) : try b.expand(input, shape, options: label)
      ]

    case "tile":
      let input = try a.operand("input")
      let repetitions = try a.unsignedLongs("repetitions")
      return [try b.tile(input, repetitions, options: MLOperatorLabel(label: try a.label()))]

    case "transpose":
      let input = try a.operand("input")
      let options = MLTransposeOptions(
        label: try a.label(), permutation: try a.optionalInts("permutation"))
      return [try b.transpose(input, options: options)]

    case "concat":
      let inputs = try a.operands("inputs")
      let axis = try a.unsignedLong("axis")
      return [try b.concat(inputs, axis: axis, options: MLOperatorLabel(label: try a.label()))]

    case "slice":
      let input = try a.operand("input")
      let starts = try a.unsignedLongs("starts")
      let sizes = try a.unsignedLongs("sizes")
      let options = MLSliceOptions(label: try a.label(), strides: try a.optionalInts("strides"))
      return [try b.slice(input, starts: starts, sizes: sizes, options: options)]

    case "split":
      let input = try a.operand("input")
      let splits = try a.splits("splits")
      let options = MLSplitOptions(label: try a.label(), axis: try a.optionalInt("axis") ?? 0)
      return try b.split(input, splits: splits, options: options)

    case "reverse":
      let input = try a.operand("input")
      return [
        try b.reverse(
          input, options: MLReverseOptions(label: try a.label(), axes: try a.optionalInts("axes")))
      ]

    case "pad":
      let input = try a.operand("input")
      let beginning = try a.unsignedLongs("beginningPadding")
      let ending = try a.unsignedLongs("endingPadding")
      var options = MLPadOptions(label: try a.label())
      if let v = try a.optionalEnumeration("mode", MLPaddingMode.self) { options.mode = v }
      if let v = try a.optionalNumber("value") { options.value = v }
      return [
        try b.pad(input, beginningPadding: beginning, endingPadding: ending, options: options)
      ]

    case "gather":
      let input = try a.operand("input")
      let indices = try a.operand("indices")
      let options = MLGatherOptions(label: try a.label(), axis: try a.optionalInt("axis") ?? 0)
      return [try b.gather(input, indices, options: options)]

    case "triangular":
      let input = try a.operand("input")
      let options = MLTriangularOptions(
        label: try a.label(), upper: try a.optionalBool("upper") ?? true,
        diagonal: try a.optionalInt("diagonal") ?? 0)
      return [try b.triangular(input, options: options)]

    case "cumulativeSum":
      let input = try a.operand("input")
      let axis = try a.unsignedLong("axis")
      let options = MLCumulativeSumOptions(
        label: try a.label(), exclusive: try a.optionalBool("exclusive") ?? false,
        reversed: try a.optionalBool("reversed") ?? false)
      return [try b.cumulativeSum(input, axis: axis, options: options)]

    case "resample2d":
      let input = try a.operand("input")
      var options = MLResample2dOptions(label: try a.label())
      if let v = try a.optionalEnumeration("mode", MLInterpolationMode.self) { options.mode = v }
      options.scales = try a.optionalFloats("scales")
      options.sizes = try a.optionalInts("sizes")
      options.axes = try a.optionalInts("axes")
      return [try b.resample2d(input, options: options)]

    case "quantizeLinear", "dequantizeLinear":
      let input = try a.operand("input")
      let scale = try a.operand("scale")
      let zeroPoint = try a.operand("zeroPoint")
      let label = MLOperatorLabel(label: try a.label())
      return [
        op == "quantizeLinear"
          ? try b.quantizeLinear(input, scale: scale, zeroPoint: zeroPoint, options: label)
          : try b.dequantizeLinear(input, scale: scale, zeroPoint: zeroPoint, options: label)
      ]

    case "where":
      let condition = try a.operand("condition")
      let trueValue = try a.operand("trueValue")
      let falseValue = try a.operand("falseValue")
      return [
        try b.where(
          condition, trueValue, falseValue, options: MLOperatorLabel(label: try a.label()))
      ]

    default:
      throw WPTCaseFileError("\(op) has no mapping onto MLGraphBuilder")
    }
  }

  private static func unaryMethod(_ b: MLGraphBuilder, _ op: String) -> (MLOperand, MLOperatorLabel)
    throws -> MLOperand
  {
    switch op {
    case "abs": b.abs
    case "neg": b.neg
    case "sign": b.sign
    case "identity": b.identity
    case "ceil": b.ceil
    case "floor": b.floor
    case "cos": b.cos
    case "sin": b.sin
    case "tan": b.tan
    case "erf": b.erf
    case "exp": b.exp
    case "log": b.log
    case "reciprocal": b.reciprocal
    case "roundEven": b.roundEven
    case "sqrt": b.sqrt
    case "isNaN": b.isNaN
    case "isInfinite": b.isInfinite
    case "logicalNot": b.logicalNot
    case "relu": b.relu
    case "sigmoid": b.sigmoid
    case "tanh": b.tanh
    case "softsign": b.softsign
    case "softplus": b.softplus
    case "gelu": b.gelu
    default: b.hardSwish
    }
  }

  private static func binaryMethod(_ b: MLGraphBuilder, _ op: String)
    -> (MLOperand, MLOperand, MLOperatorLabel) throws -> MLOperand
  {
    switch op {
    case "add": b.add
    case "sub": b.sub
    case "mul": b.mul
    case "div": b.div
    case "max": b.max
    case "min": b.min
    case "pow": b.pow
    case "equal": b.equal
    case "notEqual": b.notEqual
    case "greater": b.greater
    case "greaterOrEqual": b.greaterOrEqual
    case "lesser": b.lesser
    case "lesserOrEqual": b.lesserOrEqual
    case "logicalAnd": b.logicalAnd
    case "logicalOr": b.logicalOr
    case "logicalXor": b.logicalXor
    case "prelu": b.prelu
    default: b.matmul
    }
  }

  private static func reduceMethod(_ b: MLGraphBuilder, _ op: String) -> (
    MLOperand, MLReduceOptions
  ) throws -> MLOperand {
    switch op {
    case "reduceL1": b.reduceL1
    case "reduceL2": b.reduceL2
    case "reduceLogSum": b.reduceLogSum
    case "reduceLogSumExp": b.reduceLogSumExp
    case "reduceMax": b.reduceMax
    case "reduceMean": b.reduceMean
    case "reduceMin": b.reduceMin
    case "reduceProduct": b.reduceProduct
    case "reduceSum": b.reduceSum
    default: b.reduceSumSquare
    }
  }
}
