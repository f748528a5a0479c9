// Element-wise operators: binary arithmetic, comparisons, logic, unary math and `where`.

extension MLGraphBuilder {
  func binary(_ op: BinaryOperator, _ a: MLOperand, _ b: MLOperand, _ label: String) throws -> MLOperand {
    let check = try begin(op.rawValue, label)
    let (argA, argB) = op == .prelu ? ("input", "slope") : ("a", "b")
    try check.operand(a, argA)
    try check.operand(b, argB)
    try check.sameType(b, as: a.dataType, argB)
    guard let shape = Broadcast.bidirectional(a.shape, b.shape) else {
      throw check.error(argB, "shape \(b.shape) does not broadcast with \(argA) shape \(a.shape)")
    }
    let outType: MLOperandDataType = op.producesUInt8 ? .uint8 : a.dataType
    return try add1(.binary(op, a: a.id, b: b.id), output: .init(dataType: outType, shape: shape), check)
  }

  /// `a + b` with bidirectional broadcasting.
  public func add(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.add, a, b, options.label)
  }
  /// `a - b` with bidirectional broadcasting.
  public func sub(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.sub, a, b, options.label)
  }
  /// `a * b` with bidirectional broadcasting.
  public func mul(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.mul, a, b, options.label)
  }
  /// `a / b`; integer division truncates toward zero.
  public func div(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.div, a, b, options.label)
  }
  /// Element-wise maximum.
  public func max(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.max, a, b, options.label)
  }
  /// Element-wise minimum.
  public func min(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.min, a, b, options.label)
  }
  /// `a` raised to `b`.
  public func pow(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.pow, a, b, options.label)
  }
  /// `a == b` as uint8 0/1.
  public func equal(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.equal, a, b, options.label)
  }
  /// `a != b` as uint8 0/1.
  public func notEqual(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.notEqual, a, b, options.label)
  }
  /// `a > b` as uint8 0/1.
  public func greater(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.greater, a, b, options.label)
  }
  /// `a >= b` as uint8 0/1.
  public func greaterOrEqual(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.greaterOrEqual, a, b, options.label)
  }
  /// `a < b` as uint8 0/1.
  public func lesser(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.lesser, a, b, options.label)
  }
  /// `a <= b` as uint8 0/1.
  public func lesserOrEqual(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.lesserOrEqual, a, b, options.label)
  }
  /// Logical and of uint8 operands (nonzero is true).
  public func logicalAnd(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.logicalAnd, a, b, options.label)
  }
  /// Logical or of uint8 operands.
  public func logicalOr(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.logicalOr, a, b, options.label)
  }
  /// Logical exclusive or of uint8 operands.
  public func logicalXor(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.logicalXor, a, b, options.label)
  }
  /// `x >= 0 ? x : slope * x`, with `slope` broadcast bidirectionally.
  public func prelu(_ input: MLOperand, _ slope: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try binary(.prelu, input, slope, options.label)
  }

  func unary(_ op: UnaryOperator, _ x: MLOperand, _ label: String) throws -> MLOperand {
    let check = try begin(op.name, label)
    try check.operand(x, "input")
    var outType = x.dataType
    switch op {
    case .isNaN, .isInfinite: outType = .uint8
    case .cast(let target): outType = target
    default: break
    }
    return try add1(.unary(op, input: x.id), output: .init(dataType: outType, shape: x.shape), check)
  }

  /// Absolute value.
  public func abs(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.abs, x, options.label)
  }
  /// Negation.
  public func neg(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.neg, x, options.label)
  }
  /// -1, 0 or 1.
  public func sign(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.sign, x, options.label)
  }
  /// A copy of the input.
  public func identity(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.identity, x, options.label)
  }
  /// Round up.
  public func ceil(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.ceil, x, options.label)
  }
  /// Round down.
  public func floor(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.floor, x, options.label)
  }
  /// Cosine.
  public func cos(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.cos, x, options.label)
  }
  /// Sine.
  public func sin(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.sin, x, options.label)
  }
  /// Tangent.
  public func tan(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.tan, x, options.label)
  }
  /// The error function.
  public func erf(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.erf, x, options.label)
  }
  /// e raised to x.
  public func exp(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.exp, x, options.label)
  }
  /// Natural logarithm.
  public func log(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.log, x, options.label)
  }
  /// 1 / x.
  public func reciprocal(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.reciprocal, x, options.label)
  }
  /// Round to nearest, halves to even.
  public func roundEven(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.roundEven, x, options.label)
  }
  /// Square root.
  public func sqrt(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.sqrt, x, options.label)
  }
  /// 1 where x is NaN, else 0 (uint8).
  public func isNaN(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.isNaN, x, options.label)
  }
  /// 1 where x is ±infinity, else 0 (uint8).
  public func isInfinite(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.isInfinite, x, options.label)
  }
  /// 1 where x is 0, else 0 (uint8 in and out).
  public func logicalNot(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.logicalNot, x, options.label)
  }
  /// max(0, x).
  public func relu(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.relu, x, options.label)
  }
  /// 1 / (1 + e^-x).
  public func sigmoid(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.sigmoid, x, options.label)
  }
  /// Hyperbolic tangent.
  public func tanh(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.tanh, x, options.label)
  }
  /// x / (1 + |x|).
  public func softsign(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.softsign, x, options.label)
  }
  /// ln(1 + e^x).
  public func softplus(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.softplus, x, options.label)
  }
  /// 0.5 x (1 + erf(x / √2)).
  public func gelu(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.gelu, x, options.label)
  }
  /// x · max(0, min(6, x + 3)) / 6.
  public func hardSwish(_ x: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    try unary(.hardSwish, x, options.label)
  }

  /// Converts to `dataType` (float→int truncates; int→int wraps to the low bits).
  public func cast(_ x: MLOperand, _ dataType: MLOperandDataType, options: MLOperatorLabel = .init()) throws
    -> MLOperand
  {
    let check = try begin("cast", options.label)
    try check.require(
      OperatorTable.all.contains(dataType) && supportedTypes.contains(dataType), "dataType",
      "\(dataType.rawValue) is not supported")
    return try unary(.cast(dataType), x, options.label)
  }

  /// `condition ? trueValue : falseValue`, all three broadcast bidirectionally.
  public func `where`(
    _ condition: MLOperand, _ trueValue: MLOperand, _ falseValue: MLOperand, options: MLOperatorLabel = .init()
  ) throws -> MLOperand {
    let check = try begin("where", options.label)
    try check.operand(condition, "condition")
    try check.operand(trueValue, "trueValue")
    try check.operand(falseValue, "falseValue")
    try check.sameType(falseValue, as: trueValue.dataType, "falseValue")
    guard let values = Broadcast.bidirectional(trueValue.shape, falseValue.shape) else {
      throw check.error(
        "falseValue", "shape \(falseValue.shape) does not broadcast with trueValue shape \(trueValue.shape)")
    }
    guard let shape = Broadcast.bidirectional(condition.shape, values) else {
      throw check.error("condition", "shape \(condition.shape) does not broadcast with the values' shape \(values)")
    }
    return try add1(
      .whereSelect(condition: condition.id, trueValue: trueValue.id, falseValue: falseValue.id),
      output: .init(dataType: trueValue.dataType, shape: shape), check)
  }
}
