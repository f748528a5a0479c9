import WebNNCore

/// GLSL for one element-wise operator: an expression over `x` (or `a`, `b`) in the compute type,
/// with options read from the parameter block at word 3 onwards (unary kernels).
extension UnaryOperator {
  func glsl(input: MLOperandDataType, output: MLOperandDataType) -> (expression: String, options: Parameters) {
    var p = Parameters()
    let isFloat = input.isFloatingPoint
    let zero = "\(input.glslCompute)(0)"
    switch self {
    case .abs: return ("abs(x)", p)
    case .neg: return ("-x", p)
    case .sign: return ("sign(x)", p)
    case .identity: return ("x", p)
    case .ceil: return ("ceil(x)", p)
    case .floor: return ("floor(x)", p)
    case .cos: return ("cos(x)", p)
    case .sin: return ("sin(x)", p)
    case .tan: return ("tan(x)", p)
    case .erf: return ("erfFloat(x)", p)
    case .exp: return ("exp(x)", p)
    case .log: return ("log(x)", p)
    case .reciprocal: return ("(1.0 / x)", p)
    case .roundEven: return ("roundEven(x)", p)
    case .sqrt: return ("sqrt(x)", p)
    case .isNaN: return ("uint(isnan(x))", p)
    case .isInfinite: return ("uint(isinf(x))", p)
    case .logicalNot: return ("uint(x == 0u)", p)
    case .relu: return (isFloat ? "reluFloat(x)" : "max(x, \(zero))", p)
    case .sigmoid: return ("sigmoidFloat(x)", p)
    case .tanh: return ("tanhFloat(x)", p)
    case .softsign: return ("softsignFloat(x)", p)
    case .softplus: return ("softplusFloat(x)", p)
    case .gelu: return ("geluFloat(x)", p)
    case .hardSwish: return ("hardSwishFloat(x)", p)
    case .elu(let alpha):
      p.append(float: alpha)
      return ("eluFloat(x, Pf(3))", p)
    case .hardSigmoid(let alpha, let beta):
      p.append(float: alpha)
      p.append(float: beta)
      return ("max(0.0, min(1.0, Pf(3) * x + Pf(4)))", p)
    case .leakyRelu(let alpha):
      p.append(float: alpha)
      return ("(x >= 0.0 ? x : Pf(3) * x)", p)
    case .linear(let alpha, let beta):
      p.append(float: alpha)
      p.append(float: beta)
      return ("(Pf(3) * x + Pf(4))", p)
    case .clamp(let low, let high):
      if isFloat {
        p.append(float: low.doubleValue)
        p.append(float: high.doubleValue)
        return ("clampKeepNaN(x, Pf(3), Pf(4))", p)
      }
      for bound in [low, high] {
        switch bound {
        case .uint(let u): p.append(bits64: u)
        case .int(let i): p.append(bits64: UInt64(bitPattern: i))
        case .double(let d): p.append(bits64: UInt64(bitPattern: Int64(d)))
        }
      }
      let t = input.glslCompute
      return ("clamp(x, \(t)(int64_t(P64(3))), \(t)(int64_t(P64(5))))", p)
    case .cast:
      let out = output.glslCompute
      if input.isFloatingPoint && !output.isFloatingPoint {
        // Truncate toward zero through 64 bits, then keep the low bits of the target width.
        // uint64 values from 2^63 up do not fit int64_t and convert directly.
        if output == .uint64 { return ("(x >= 9223372036854775808.0 ? uint64_t(x) : uint64_t(int64_t(x)))", p) }
        return (output.isSignedInteger ? "\(out)(int64_t(x))" : "\(out)(uint64_t(int64_t(x)))", p)
      }
      return ("\(out)(x)", p)
    }
  }
}

extension BinaryOperator {
  func glsl(_ type: MLOperandDataType) -> String {
    let t = type.glslCompute
    switch self {
    case .add: return "(a + b)"
    case .sub: return "(a - b)"
    case .mul: return "(a * b)"
    case .div:
      // Integer division by zero (and INT_MIN / -1) traps on some devices: give 0 (and the
      // wrapped negation) instead, which the spec leaves implementation-defined.
      if type.isFloatingPoint { return "(a / b)" }
      // Both sides of ?: may be evaluated, so the divisor itself is made safe too.
      if type.isUnsignedInteger { return "(b == \(t)(0) ? \(t)(0) : a / max(b, \(t)(1)))" }
      let safe = "((b == \(t)(0) || b == \(t)(-1)) ? \(t)(1) : b)"
      return "(b == \(t)(0) ? \(t)(0) : (b == \(t)(-1) ? -a : a / \(safe)))"
    case .max: return "max(a, b)"
    case .min: return "min(a, b)"
    case .pow: return type.isFloatingPoint ? "powFloat(a, b)" : "powInt(a, b)"
    case .equal: return "uint(a == b)"
    case .notEqual: return "uint(a != b)"
    case .greater: return "uint(a > b)"
    case .greaterOrEqual: return "uint(a >= b)"
    case .lesser: return "uint(a < b)"
    case .lesserOrEqual: return "uint(a <= b)"
    case .logicalAnd: return "uint(a != 0u && b != 0u)"
    case .logicalOr: return "uint(a != 0u || b != 0u)"
    case .logicalXor: return "uint((a != 0u) != (b != 0u))"
    case .prelu: return "(a >= \(t)(0) ? a : a * b)"
    }
  }
}

extension BinaryOperator {
  /// Operators whose float16 result is the same whether computed in float16 or in float32 and
  /// rounded once (float32 has more than twice binary16's precision), so devices with float16
  /// arithmetic run them natively.
  static let exactInFloat16: Set<BinaryOperator> = [.add, .sub, .mul, .div, .max, .min]
}

extension UnaryOperator {
  /// See ``BinaryOperator/exactInFloat16``.
  var isExactInFloat16: Bool {
    switch self {
    case .abs, .neg, .identity: true
    default: false
    }
  }
}

extension GraphPlan {
  /// Computes in float16 for the given roles (their `_C` define) and enables the extension.
  func useFloat16Arithmetic(_ defines: inout [String: String], roles: [String]) {
    for role in roles { defines["\(role)_C"] = "float16_t" }
    defines["FLOAT16_ARITHMETIC"] = "1"
  }

  mutating func emitUnary(_ op: UnaryOperator, _ input: OperandID, _ output: OperandID) throws {
    let x = descriptor(input)
    let y = descriptor(output)
    let (expression, options) = op.glsl(input: x.dataType, output: y.dataType)
    var defines = typeDefines("X", x.dataType).merging(typeDefines("Y", y.dataType)) { $1 }
    defines["UNARY(x)"] = expression
    if x.dataType == .float16 && y.dataType == .float16 && hasFloat16Arithmetic && op.isExactInFloat16 {
      useFloat16Arithmetic(&defines, roles: ["X", "Y"])
    }
    // 32-bit data moves a vec4 per invocation.
    var invocations = y.elementCount
    if let xv = x.dataType.glslVector4, let yv = y.dataType.glslVector4, y.elementCount % 4 == 0 {
      defines["VECTORIZED"] = "1"
      defines["X_V"] = xv
      defines["Y_V"] = yv
      invocations /= 4
    }
    var p = Parameters()
    p.bind(slot(input))
    p.bind(slot(output))
    p.append(invocations)
    p.words += options.words
    var kernel = Kernel(shader: "elementwise_unary.comp", defines: defines)
    if defines["VECTORIZED"] != nil, x.dataType == .float32 {
      kernel = streaming(kernel, binding: 1, slot: slot(input), as: .float32)
    }
    add(kernel, p, invocations: invocations, reads: [slot(input)], writes: [slot(output)])
  }

  mutating func emitBinary(_ op: BinaryOperator, _ a: OperandID, _ b: OperandID, _ output: OperandID) {
    let z = descriptor(output)
    let type = descriptor(a).dataType
    var defines = typeDefines("A", type).merging(typeDefines("Z", z.dataType)) { $1 }
    defines["BINARY(a, b)"] = op.glsl(type)
    if type == .float16 && hasFloat16Arithmetic && BinaryOperator.exactInFloat16.contains(op) {
      useFloat16Arithmetic(&defines, roles: ["A", "Z"])
    }
    let (shape, strides) = collapseDimensions(
      z.shape, [broadcastStrides(descriptor(a).shape, to: z.shape), broadcastStrides(descriptor(b).shape, to: z.shape)])
    // 32-bit data with a vec4-divisible innermost dimension computes 4 outputs per invocation;
    // each input is then read as a vec4 (innermost stride 1) or one broadcast scalar (stride 0).
    var invocations = z.elementCount
    if let av = type.glslVector4, let zv = z.dataType.glslVector4, let inner = shape.last, inner % 4 == 0,
      strides.allSatisfy({ [0, 1].contains($0.last!) && ($0.last! == 0 || $0.dropLast().allSatisfy { $0 % 4 == 0 }) })
    {
      defines["VECTORIZED"] = "1"
      defines["A_V"] = av
      defines["Z_V"] = zv
      invocations /= 4
    }
    let vectorized = defines["VECTORIZED"] != nil
    if shape.count == 1 || vectorized {
      defines["A_MODE"] = strides[0].last! == 1 ? "1" : "2"
      defines["B_MODE"] = strides[1].last! == 1 ? "1" : "2"
    }
    if shape.count == 1 { defines["FLAT"] = "1" }
    // [rows, columns] with every input whole, a row, a column or a scalar (a bias, a mask):
    // indexed from a constant number of columns rather than by stridedOffset.
    let rowModes = shape.count == 2 ? strides.map { Self.rowsMode($0, columns: shape[1]) } : []
    if rowModes.count == 2, let aMode = rowModes[0], let bMode = rowModes[1] {
      defines["ROWS"] = "1"
      defines["INNER"] = "\(vectorized ? shape[1] / 4 : shape[1])"
      defines["A_MODE"] = "\(aMode)"
      defines["B_MODE"] = "\(bMode)"
    }
    var p = Parameters()
    p.bind(slot(a))
    p.bind(slot(b))
    p.bind(slot(output))
    p.append(invocations)
    p.append(shape.count)
    p.append(shape, padTo: Self.maxKernelRank, fill: 1)
    p.append(strides[0], padTo: Self.maxKernelRank)
    p.append(strides[1], padTo: Self.maxKernelRank)
    var kernel = Kernel(shader: "elementwise_binary.comp", defines: defines)
    if vectorized, type == .float32, defines["FLAT"] != nil || defines["ROWS"] != nil {
      for (binding, operand, role) in [(1, a, "A_MODE"), (2, b, "B_MODE")] {
        // vec4 texels where the input is read a vec4 at a time, one-element ones otherwise.
        let perVector = ["1", "3"].contains(defines[role])
        kernel = streaming(kernel, binding: binding, slot: slot(operand), as: TexelType(.float32, vector: perVector))
      }
    }
    add(kernel, p, invocations: invocations, reads: [slot(a), slot(b)], writes: [slot(output)])
  }

  /// How a [rows, columns] kernel reads an input with these collapsed strides: 1 whole, 2 one
  /// scalar, 3 one value per column, 4 one value per row; nil for any other layout.
  static func rowsMode(_ strides: [Int], columns: Int) -> Int? {
    switch (strides[0], strides[1]) {
    case (columns, 1): 1
    case (0, 0): 2
    case (0, 1): 3
    case (1, 0): 4
    default: nil
    }
  }

  mutating func emitWhere(_ condition: OperandID, _ trueValue: OperandID, _ falseValue: OperandID, _ output: OperandID)
  {
    let out = descriptor(output)
    var p = Parameters()
    for operand in [condition, trueValue, falseValue, output] { p.bind(slot(operand)) }
    p.append(out.elementCount)
    p.append(out.shape.count)
    p.append(out.shape, padTo: Self.maxKernelRank, fill: 1)
    for operand in [condition, trueValue, falseValue] {
      p.append(broadcastStrides(descriptor(operand).shape, to: out.shape), padTo: Self.maxKernelRank)
    }
    let type = out.dataType
    add(
      Kernel(shader: "where.comp", defines: ["V_T": type.glslBits, "V_ALIGN": "\(type.glslAlignment)"]), p,
      invocations: out.elementCount, reads: [slot(condition), slot(trueValue), slot(falseValue)], writes: [slot(output)]
    )
  }
}
