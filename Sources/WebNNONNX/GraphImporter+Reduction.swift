import WebNNCore

/// Reductions, ArgMax/ArgMin, CumSum and Trilu.
extension GraphImporter {
  func convertReduce(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    let x = try operand(xName)
    let type = try self.type(xName)
    guard let axes = try reductionAxes(node, rank: x.rank) else {
      return set(node.outputs[0], try builder.identity(x), type)
    }
    let options = MLReduceOptions(axes: axes, keepDimensions: node.int("keepdims", default: 1) != 0)
    let b = builder
    let y: MLOperand
    switch node.op {
    case "ReduceSum": y = try b.reduceSum(x, options: options)
    case "ReduceMean": y = try b.reduceMean(x, options: options)
    case "ReduceMax": y = try b.reduceMax(x, options: options)
    case "ReduceMin": y = try b.reduceMin(x, options: options)
    case "ReduceProd": y = try b.reduceProduct(x, options: options)
    case "ReduceL1": y = try b.reduceL1(x, options: options)
    case "ReduceL2": y = try b.reduceL2(x, options: options)
    case "ReduceLogSum": y = try b.reduceLogSum(x, options: options)
    case "ReduceLogSumExp": y = try b.reduceLogSumExp(x, options: options)
    default: y = try b.reduceSumSquare(x, options: options)
    }
    set(node.outputs[0], y, type)
  }

  func convertArgMinMax(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    if node.int("select_last_index", default: 0) != 0 {
      throw node.unsupported("select_last_index=1 (WebNN leaves ties to the implementation)")
    }
    let x = try operand(xName)
    let axis = try ShapeRules.axis(node.int("axis", default: 0), rank: x.rank)
    let options = MLArgMinMaxOptions(keepDimensions: node.int("keepdims", default: 1) != 0, outputDataType: int64Type)
    let y =
      node.op == "ArgMax"
      ? try builder.argMax(x, axis: axis, options: options) : try builder.argMin(x, axis: axis, options: options)
    set(node.outputs[0], y, .int64)
  }

  func convertCumSum(_ node: ONNXNode) throws {
    guard let xName = node.input(0), let axisName = node.input(1) else { throw node.invalid("needs x and axis") }
    let x = try operand(xName)
    guard let axisValue = try requireConstant(axisName, "axis").scalarInt else {
      throw node.invalid("axis must be a scalar")
    }
    let axis = try ShapeRules.axis(axisValue, rank: x.rank)
    let options = MLCumulativeSumOptions(
      exclusive: node.int("exclusive", default: 0) != 0, reversed: node.int("reverse", default: 0) != 0)
    set(node.outputs[0], try builder.cumulativeSum(x, axis: axis, options: options), try type(xName))
  }

  func convertTrilu(_ node: ONNXNode) throws {
    guard let xName = node.input(0) else { throw node.invalid("needs an input") }
    var k = 0
    if let kName = node.input(1) {
      guard let value = try requireConstant(kName, "k").scalarInt else { throw node.invalid("k must be a scalar") }
      k = value
    }
    let options = MLTriangularOptions(upper: node.int("upper", default: 1) != 0, diagonal: k)
    set(node.outputs[0], try builder.triangular(try operand(xName), options: options), try type(xName))
  }
}
