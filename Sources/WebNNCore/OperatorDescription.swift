/// One IR node written back as an operator call: what a graph file saves. Calling
/// ``OperatorRegistry/call(_:positional:named:builder:operand:)`` with it on the same operands
/// makes the same operation.
///
/// ```swift
/// let d = OperatorRegistry.describe(node, in: ir) { "t\($0)" }
/// // d.op == "softmax", d.positional == [.operand("t0"), 1], d.named == [:]
/// ```
public struct OperatorDescription: Sendable, Hashable {
  /// The builder method's name.
  public var op: String
  /// The positional arguments, in the schema's order (every positional parameter).
  public var positional: [MLArgumentValue]
  /// The options that differ from the spec's defaults, every option whose default depends on
  /// the input (axes, permutations, window sizes) included, and the label when it is not empty.
  public var named: [String: MLArgumentValue]
}

extension OperatorRegistry {
  /// The operator call that makes `node` of `graph`: its name, positional arguments and options,
  /// with operands referenced by `name`. Resolved values (padding that folds in output sizes,
  /// shapes that live in the operand table) are written in a form the builder accepts.
  ///
  /// ```swift
  /// for node in ir.nodes {
  ///   let call = OperatorRegistry.describe(node, in: ir) { names[$0]! }
  ///   print(call.op, call.positional, call.named)
  /// }
  /// ```
  public static func describe(_ node: Node, in graph: GraphIR, name: (OperandID) -> String) -> OperatorDescription {
    withoutActuallyEscaping(name) { name in
      var writer = DescriptionWriter(graph: graph, node: node, name: name)
      writer.write(node.operation)
      if !node.label.isEmpty { writer.named["label"] = .string(node.label) }
      return OperatorDescription(op: node.operation.name, positional: writer.positional, named: writer.named)
    }
  }
}

/// Collects the arguments of one node; one method per family of operations.
struct DescriptionWriter {
  let graph: GraphIR
  let node: Node
  let name: (OperandID) -> String
  var positional: [MLArgumentValue] = []
  var named: [String: MLArgumentValue] = [:]

  var output: MLOperandDescriptor { graph.operands[node.outputs[0]] }
  func shape(_ id: OperandID) -> [Int] { graph.operands[id].shape }
  func type(_ id: OperandID) -> MLOperandDataType { graph.operands[id].dataType }

  func operand(_ id: OperandID) -> MLArgumentValue { .operand(name(id)) }

  mutating func args(_ values: MLArgumentValue...) { positional += values }

  mutating func option(_ key: String, _ value: MLArgumentValue, unless defaultValue: MLArgumentValue? = nil) {
    if value != defaultValue { named[key] = value }
  }

  mutating func optionalOperand(_ key: String, _ id: OperandID?) {
    if let id { named[key] = operand(id) }
  }

  /// A float option as the IR holds it (already cast to the operand's type), left out when it
  /// equals the default cast the same way.
  mutating func real(_ key: String, _ value: Double, default defaultValue: Double, as type: MLOperandDataType) {
    guard value != MLNumber.double(defaultValue).cast(to: type).doubleValue else { return }
    // A finite option beyond the type's range casts to infinity, which the builder refuses as an
    // option; the largest finite Double casts to the same infinity.
    named[key] = .number(value.isInfinite ? (value < 0 ? -.greatestFiniteMagnitude : .greatestFiniteMagnitude) : value)
  }

  mutating func write(_ operation: Operation) {
    switch operation {
    case .unary(let op, let x): unary(op, x)
    case .binary(_, let a, let b), .matmul(let a, let b): args(operand(a), operand(b))
    case .whereSelect(let c, let t, let f): args(operand(c), operand(t), operand(f))
    case .gemm(let a, let b, let c, let alpha, let beta, let aT, let bT):
      args(operand(a), operand(b))
      optionalOperand("c", c)
      real("alpha", alpha, default: 1, as: type(a))
      real("beta", beta, default: 1, as: type(a))
      option("aTranspose", .bool(aT), unless: false)
      option("bTranspose", .bool(bT), unless: false)
    case .conv2d, .convTranspose2d, .pool2d: convolution(operation)
    case .softmax(let x, let axis): args(operand(x), integer(axis))
    case .reduce(_, let x, let axes):
      args(operand(x))
      option("axes", integers(axes))
      option("keepDimensions", .bool(!axes.isEmpty && output.shape.count == shape(x).count), unless: false)
    case .argMinMax(_, let x, let axis):
      args(operand(x), integer(axis))
      option("keepDimensions", .bool(output.shape.count == shape(x).count), unless: false)
      option("outputDataType", .string(output.dataType.rawValue), unless: "int32")
    case .batchNormalization, .instanceNormalization, .layerNormalization: normalization(operation)
    default: shapeOrIndexing(operation)
    }
  }

  mutating func unary(_ op: UnaryOperator, _ x: OperandID) {
    args(operand(x))
    let t = type(x)
    switch op {
    case .elu(let alpha): real("alpha", alpha, default: 1, as: t)
    case .leakyRelu(let alpha): real("alpha", alpha, default: 0.01, as: t)
    case .hardSigmoid(let alpha, let beta):
      real("alpha", alpha, default: 0.2, as: t)
      real("beta", beta, default: 0.5, as: t)
    case .linear(let alpha, let beta):
      real("alpha", alpha, default: 1, as: t)
      real("beta", beta, default: 0, as: t)
    case .clamp(let low, let high):
      // The builder stores the bounds cast to the input's type; unbounded ones are ±infinity cast.
      if low != MLNumber.double(-.infinity).cast(to: t) { named["minValue"] = number(low) }
      if high != MLNumber.double(.infinity).cast(to: t) { named["maxValue"] = number(high) }
    case .cast(let dataType): args(.string(dataType.rawValue))
    default: break
    }
  }

  mutating func convolution(_ operation: Operation) {
    switch operation {
    case .conv2d(let x, let w, let bias, let window, let groups, let inputLayout, let filterLayout):
      args(operand(x), operand(w))
      windowOptions(window)
      option("groups", integer(groups), unless: 1)
      option("inputLayout", .string(inputLayout.rawValue), unless: "nchw")
      option("filterLayout", .string(filterLayout.rawValue), unless: "oihw")
      optionalOperand("bias", bias)
    case .convTranspose2d(let x, let w, let bias, let window, let groups, let inputLayout, let filterLayout):
      args(operand(x), operand(w))
      // The builder folds the extra output rows and columns into the ending padding (which may
      // go negative); give them back as the smallest outputPadding that keeps padding ≥ 0.
      var padding = window.padding
      var outputPadding = [0, 0]
      for axis in 0..<2 where padding[2 * axis + 1] < 0 {
        outputPadding[axis] = -padding[2 * axis + 1]
        padding[2 * axis + 1] = 0
      }
      windowOptions(Window2D(padding: padding, strides: window.strides, dilations: window.dilations))
      option("outputPadding", integers(outputPadding), unless: [0, 0])
      option("groups", integer(groups), unless: 1)
      option("inputLayout", .string(inputLayout.rawValue), unless: "nchw")
      option("filterLayout", .string(filterLayout.rawValue), unless: "iohw")
      optionalOperand("bias", bias)
    case .pool2d(_, let x, let windowDimensions, let window, let layout):
      args(operand(x))
      option("windowDimensions", integers(windowDimensions))
      windowOptions(window)
      option("layout", .string(layout.rawValue), unless: "nchw")
      let (_, _, h, w) = imageDimensions(shape(x), layout)
      let (_, _, outH, outW) = imageDimensions(output.shape, layout)
      var rounding: MLRoundingType = .floor
      for (axis, (size, out)) in [(h, outH), (w, outW)].enumerated() {
        let effective = (windowDimensions[axis] - 1) * window.dilations[axis] + 1
        let padded = size + window.padding[2 * axis] + window.padding[2 * axis + 1]
        if out != (padded - effective) / window.strides[axis] + 1 { rounding = .ceil }
      }
      option("outputShapeRounding", .string(rounding.rawValue), unless: "floor")
    default: preconditionFailure("not a convolution or pooling: \(operation.name)")
    }
  }

  mutating func windowOptions(_ window: Window2D) {
    option("padding", integers(window.padding), unless: [0, 0, 0, 0])
    option("strides", integers(window.strides), unless: [1, 1])
    option("dilations", integers(window.dilations), unless: [1, 1])
  }

  mutating func normalization(_ operation: Operation) {
    switch operation {
    case .batchNormalization(let x, let mean, let variance, let scale, let bias, let axis, let epsilon):
      args(operand(x), operand(mean), operand(variance))
      optionalOperand("scale", scale)
      optionalOperand("bias", bias)
      option("axis", integer(axis), unless: 1)
      real("epsilon", epsilon, default: 1e-5, as: type(x))
    case .instanceNormalization(let x, let scale, let bias, let epsilon, let layout):
      args(operand(x))
      optionalOperand("scale", scale)
      optionalOperand("bias", bias)
      real("epsilon", epsilon, default: 1e-5, as: type(x))
      option("layout", .string(layout.rawValue), unless: "nchw")
    case .layerNormalization(let x, let scale, let bias, let axes, let epsilon):
      args(operand(x))
      optionalOperand("scale", scale)
      optionalOperand("bias", bias)
      option("axes", integers(axes))
      real("epsilon", epsilon, default: 1e-5, as: type(x))
    default: preconditionFailure("not a normalization: \(operation.name)")
    }
  }

  // MARK: Values

  /// An integer as a number, or as its digits when a Double cannot hold it exactly.
  func integer(_ value: Int) -> MLArgumentValue {
    value.magnitude <= 9_007_199_254_740_992 ? .number(Double(value)) : .string(String(value))
  }

  func integers(_ values: [Int]) -> MLArgumentValue { .array(values.map(integer)) }

  /// An `MLNumber` as a number, or as its digits when a Double cannot hold the integer exactly.
  func number(_ value: MLNumber) -> MLArgumentValue {
    switch value {
    case .double(let d): .number(d)
    case .int(let i): Int64(exactly: Double(i)) == i ? .number(Double(i)) : .string(String(i))
    case .uint(let u): UInt64(exactly: Double(u)) == u ? .number(Double(u)) : .string(String(u))
    }
  }
}
