import Foundation
import WebNNCore

/// Element-wise operators and activations.
extension GraphImporter {
  func convertBinary(_ node: ONNXNode) throws {
    guard let aName = node.input(0), let bName = node.input(1) else { throw node.invalid("needs two inputs") }
    let type = try self.type(aName)
    var a = try operand(aName)
    let out = node.outputs[0]
    if node.op == "Pow" {
      // Small integral exponents known at import become products: pow of a negative base is
      // undefined for the GPU's float pow, and x·x is exact.
      if let e = constant(bName), e.count == 1, let p = e.scalarFloat {
        switch p {
        case 1: return set(out, try builder.identity(a), type)
        case 2: return set(out, try builder.mul(a, a), type)
        case 3: return set(out, try builder.mul(try builder.mul(a, a), a), type)
        case 0.5: return set(out, try builder.sqrt(a), type)
        case -1: return set(out, try builder.reciprocal(a), type)
        default: break
        }
      }
      var b = try operand(bName)
      if b.dataType != a.dataType { b = try builder.cast(b, a.dataType) }
      return set(out, try builder.pow(a, b), type)
    }
    var b = try operand(bName)
    if node.op == "PRelu" { return set(out, try builder.prelu(a, b), type) }
    if node.op == "Mod" {
      // fmod (C remainder) for floats or fmod=1; Python-style for integers with fmod=0.
      guard b.dataType == a.dataType else { throw node.invalid("Mod inputs differ in type") }
      let quotient = try builder.div(a, b)
      let fmod = node.int("fmod", default: 0) != 0
      if a.dataType.isFloatingPoint {
        guard fmod else { throw node.invalid("Mod on floats requires fmod=1") }
        // trunc(q) = sign(q)·floor(|q|)
        let truncated = try builder.mul(try builder.sign(quotient), try builder.floor(try builder.abs(quotient)))
        return set(out, try builder.sub(a, try builder.mul(truncated, b)), type)
      }
      let remainder = try builder.sub(a, try builder.mul(quotient, b))
      if fmod { return set(out, remainder, type) }
      // Python modulo: add b where the remainder is nonzero and its sign differs from b's.
      let zero = try scalar(0, like: a)
      let differs = try builder.notEqual(
        try builder.lesser(remainder, zero), try builder.lesser(b, zero))
      let adjust = try builder.logicalAnd(try builder.notEqual(remainder, zero), differs)
      return set(out, try builder.where(adjust, try builder.add(remainder, b), remainder), type)
    }
    if a.dataType != b.dataType {
      throw node.invalid("inputs have different types (\(a.dataType.rawValue), \(b.dataType.rawValue))")
    }
    let result: MLOperand
    var outType = type
    switch node.op {
    case "Add": result = try builder.add(a, b)
    case "Sub": result = try builder.sub(a, b)
    case "Mul": result = try builder.mul(a, b)
    case "Div": result = try builder.div(a, b)
    default:
      outType = .bool
      switch node.op {
      case "Equal": result = try builder.equal(a, b)
      case "Greater": result = try builder.greater(a, b)
      case "GreaterOrEqual": result = try builder.greaterOrEqual(a, b)
      case "Less": result = try builder.lesser(a, b)
      case "LessOrEqual": result = try builder.lesserOrEqual(a, b)
      default:
        // Logical operators take uint8 0/1, which is how bools are held.
        if a.dataType != .uint8 { a = try builder.cast(a, .uint8) }
        if b.dataType != .uint8 { b = try builder.cast(b, .uint8) }
        switch node.op {
        case "And": result = try builder.logicalAnd(a, b)
        case "Or": result = try builder.logicalOr(a, b)
        default: result = try builder.logicalXor(a, b)
        }
      }
    }
    set(out, result, outType)
  }

  func convertVariadic(_ node: ONNXNode) throws {
    let names = node.inputs.filter { !$0.isEmpty }
    guard let first = names.first else { throw node.invalid("needs at least one input") }
    var result = try operand(first)
    for name in names.dropFirst() {
      let next = try operand(name)
      switch node.op {
      case "Max": result = try builder.max(result, next)
      case "Min": result = try builder.min(result, next)
      default: result = try builder.add(result, next)
      }
    }
    if names.count == 1 { result = try builder.identity(result) }
    if node.op == "Mean" { result = try builder.div(result, try scalar(Double(names.count), like: result)) }
    set(node.outputs[0], result, try type(first))
  }

  func convertUnary(_ node: ONNXNode) throws {
    guard let name = node.input(0) else { throw node.invalid("needs an input") }
    let x = try operand(name)
    var type = try self.type(name)
    let b = builder
    let result: MLOperand
    switch node.op {
    case "Relu": result = try b.relu(x)
    case "Sigmoid": result = try b.sigmoid(x)
    case "Tanh": result = try b.tanh(x)
    case "Erf": result = try b.erf(x)
    case "Softplus": result = try b.softplus(x)
    case "Softsign": result = try b.softsign(x)
    case "Exp": result = try b.exp(x)
    case "Log": result = try b.log(x)
    case "Abs": result = try b.abs(x)
    case "Neg": result = try b.neg(x)
    case "Sqrt": result = try b.sqrt(x)
    case "Reciprocal": result = try b.reciprocal(x)
    case "Floor": result = try b.floor(x)
    case "Ceil": result = try b.ceil(x)
    case "Round": result = try b.roundEven(x)
    case "Sin": result = try b.sin(x)
    case "Cos": result = try b.cos(x)
    case "Tan": result = try b.tan(x)
    case "Sign": result = try b.sign(x)
    case "Not":
      result = try b.logicalNot(x.dataType == .uint8 ? x : try b.cast(x, .uint8))
      type = .bool
    case "IsNaN":
      result = try b.isNaN(x)
      type = .bool
    case "IsInf":
      let positive = node.int("detect_positive", default: 1) != 0
      let negative = node.int("detect_negative", default: 1) != 0
      var r = try b.isInfinite(x)
      if !(positive && negative) {
        let sideOK = positive ? try b.greater(x, try scalar(0, like: x)) : try b.lesser(x, try scalar(0, like: x))
        r = try b.logicalAnd(r, sideOK)
        if !positive && !negative { r = try b.logicalAnd(r, try b.logicalNot(r)) }
      }
      result = r
      type = .bool
    case "Identity": result = try b.identity(x)
    case "Dropout":
      // Inference: the output is the input; the mask (output 1) is all true.
      result = try b.identity(x)
      if node.hasOutput(1) {
        let ones = HostTensor(type: .bool, shape: x.shape, ints: [Int64](repeating: 1, count: x.shape.reduce(1, *)))
        set(node.outputs[1], ones)
      }
    case "HardSwish": result = try b.hardSwish(x)
    case "LeakyRelu": result = try b.leakyRelu(x, options: .init(alpha: Double(node.float("alpha", default: 0.01))))
    case "HardSigmoid":
      result = try b.hardSigmoid(
        x,
        options: .init(alpha: Double(node.float("alpha", default: 0.2)), beta: Double(node.float("beta", default: 0.5)))
      )
    case "Elu": result = try b.elu(x, options: .init(alpha: Double(node.float("alpha", default: 1))))
    case "Selu":
      let alpha = Double(node.float("alpha", default: 1.67326319217681884765625))
      let gamma = Double(node.float("gamma", default: 1.05070102214813232421875))
      result = try b.mul(try b.elu(x, options: .init(alpha: alpha)), try scalar(gamma, like: x))
    case "Celu":
      // max(0, x) + min(0, α(exp(x/α) − 1)) = elu(x/α)·α
      let alpha = Double(node.float("alpha", default: 1))
      let scaled = try b.div(x, try scalar(alpha, like: x))
      result = try b.mul(try b.elu(scaled), try scalar(alpha, like: x))
    case "ThresholdedRelu":
      let alpha = Double(node.float("alpha", default: 1))
      let zero = try scalar(0, like: x)
      result = try b.where(try b.greater(x, try scalar(alpha, like: x)), x, zero)
    case "Mish":
      result = try b.mul(x, try b.tanh(try b.softplus(x)))
    case "Gelu":
      let approximate = try node.requireString("approximate", in: ["none", "tanh"], default: "none")
      if approximate == "none" {
        result = try b.gelu(x)
      } else {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        let cube = try b.mul(try b.mul(x, x), x)
        let inner = try b.mul(
          try b.add(x, try b.mul(cube, try scalar(0.044715, like: x))),
          try scalar((2 / Double.pi).squareRoot(), like: x))
        let gate = try b.add(try b.tanh(inner), try scalar(1, like: x))
        result = try b.mul(try b.mul(x, gate), try scalar(0.5, like: x))
      }
    default: throw node.unsupported("operator \(node.op)")
    }
    set(node.outputs[0], result, type)
  }

  func convertClip(_ node: ONNXNode) throws {
    guard let name = node.input(0) else { throw node.invalid("needs an input") }
    let x = try operand(name)
    let type = try self.type(name)
    // Bounds: attributes before opset 11, optional inputs after.
    var minValue: MLNumber? = node.float("min").map { .double(Double($0)) }
    var maxValue: MLNumber? = node.float("max").map { .double(Double($0)) }
    var result = x
    for (i, isMin) in [(1, true), (2, false)] {
      guard let bound = node.input(i) else { continue }
      if let t = constant(bound) {
        guard t.count == 1 else { throw node.invalid("Clip bound must be a scalar") }
        let number: MLNumber = t.isFloat ? .double(Double(t.floats[0])) : .int(t.ints[0])
        if isMin { minValue = number } else { maxValue = number }
      } else {
        let b = try operand(bound)
        result = isMin ? try builder.max(result, b) : try builder.min(result, b)
      }
    }
    if minValue != nil || maxValue != nil {
      result = try builder.clamp(result, options: .init(minValue: minValue, maxValue: maxValue))
    } else if result === x {
      result = try builder.identity(x)
    }
    set(node.outputs[0], result, type)
  }

  func convertCast(_ node: ONNXNode) throws {
    guard let name = node.input(0) else { throw node.invalid("needs an input") }
    let target: ONNXElementType
    if node.op == "CastLike" {
      guard let like = node.input(1) else { throw node.invalid("CastLike needs a target input") }
      target = try type(like)
    } else {
      target = try castTarget(node)
    }
    let x = try operand(name)
    let dataType = try webnnType(target, "the Cast target")
    let result: MLOperand
    if target == .bool {
      result = try builder.notEqual(x, try scalar(0, like: x))
    } else if dataType == x.dataType {
      result = try builder.identity(x)
    } else {
      result = try builder.cast(x, dataType)
    }
    set(node.outputs[0], result, target)
  }

  func convertWhere(_ node: ONNXNode) throws {
    guard let c = node.input(0), let xName = node.input(1), let yName = node.input(2) else {
      throw node.invalid("needs three inputs")
    }
    var condition = try operand(c)
    if condition.dataType != .uint8 { condition = try builder.cast(condition, .uint8) }
    let result = try builder.where(condition, try operand(xName), try operand(yName))
    set(node.outputs[0], result, try type(xName))
  }

  func convertSoftmax(_ node: ONNXNode) throws {
    guard let name = node.input(0) else { throw node.invalid("needs an input") }
    let x = try operand(name)
    let rank = x.rank
    var result: MLOperand
    if node.opset < 13 {
      // Before opset 13 the input is seen as 2-D: [prod(shape[..<axis]), prod(shape[axis...])].
      let axis = try ShapeRules.axis(node.int("axis", default: 1), rank: rank)
      let flat = try builder.reshape(x, try ShapeRules.flatten(x.shape, axis: axis))
      result = try builder.reshape(try builder.softmax(flat, axis: 1), x.shape)
    } else {
      let axis = try ShapeRules.axis(node.int("axis", default: -1), rank: rank)
      result = try builder.softmax(x, axis: axis)
    }
    if node.op == "LogSoftmax" { result = try builder.log(result) }
    set(node.outputs[0], result, try type(name))
  }
}
