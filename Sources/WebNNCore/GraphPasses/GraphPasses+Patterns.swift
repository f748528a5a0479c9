extension GraphRewriter {
  /// The value of a float32 constant with one element.
  func scalarConstant(_ operand: OperandID) -> Float? {
    guard descriptor(operand).dataType == .float32, descriptor(operand).elementCount == 1,
      let bytes = constantBytes(operand)
    else { return nil }
    return CPUTensor(descriptor(operand), bytes: bytes.arrayCopy).floats[0]
  }

  /// The operation of the live node producing `operand`.
  func operation(producing operand: OperandID) -> Operation? { producer(operand).map { ir.nodes[$0].operation } }

  /// The only reader of `operand`, with its operation and output.
  func soleReader(_ operand: OperandID) -> (index: Int, operation: Operation, output: OperandID)? {
    guard let index = soleConsumer(operand), ir.nodes[index].outputs.count == 1 else { return nil }
    return (index, ir.nodes[index].operation, ir.nodes[index].outputs[0])
  }

  /// The other operand of binary `op` when one of `a`, `b` is `known`.
  static func other(_ a: OperandID, _ b: OperandID, than known: OperandID) -> OperandID? {
    a == known ? b : b == known ? a : nil
  }
}

extension GraphPasses {
  /// Decomposed forms that ONNX exports produce, mapped to the fused operators (the nodes left
  /// unread go with dead-code removal):
  /// - gelu: x · 0.5 · (1 + erf(x / √2)), the 0.5 on either side, x / √2 also as x · (1/√2);
  /// - layer normalization: (x − mean(x)) / √(mean((x − mean(x))²) + ε), optionally · γ + β,
  ///   over the same axes in both means, squares as pow(d, 2) or d · d.
  @Sendable public static func recognizePatterns(_ graph: inout GraphRewriter) {
    for index in graph.liveNodes where !graph.dead.contains(index) {
      switch graph.ir.nodes[index].operation {
      case .unary(.erf, let scaled): recognizeGelu(&graph, erf: index, scaled)
      case .reduce(.mean, let x, let axes): recognizeLayerNormalization(&graph, mean: index, x, axes)
      default: break
      }
    }
  }

  static func close(_ value: Float?, _ target: Float) -> Bool { value.map { abs($0 - target) <= 1e-4 } ?? false }

  static func recognizeGelu(_ graph: inout GraphRewriter, erf: Int, _ scaled: OperandID) {
    guard graph.soleConsumer(scaled) == erf else { return }
    let x: OperandID
    switch graph.operation(producing: scaled) {
    case .binary(.div, let a, let b) where close(graph.scalarConstant(b), Float(2).squareRoot()): x = a
    case .binary(.mul, let a, let b) where close(graph.scalarConstant(b), Float(0.5).squareRoot()): x = a
    case .binary(.mul, let a, let b) where close(graph.scalarConstant(a), Float(0.5).squareRoot()): x = b
    default: return
    }
    let shape = graph.descriptor(x).shape
    guard graph.descriptor(x).dataType == .float32,
      let plusOne = graph.soleReader(graph.ir.nodes[erf].outputs[0]),
      case .binary(.add, let p, let q) = plusOne.operation,
      let one = GraphRewriter.other(p, q, than: graph.ir.nodes[erf].outputs[0]), close(graph.scalarConstant(one), 1),
      let product = graph.soleReader(plusOne.output), case .binary(.mul, let m1, let m2) = product.operation,
      let factor = GraphRewriter.other(m1, m2, than: plusOne.output)
    else { return }
    var final = product.index
    if factor == x {
      // x · (1 + erf) · 0.5
      guard let half = graph.soleReader(product.output), case .binary(.mul, let h1, let h2) = half.operation,
        let constant = GraphRewriter.other(h1, h2, than: product.output), close(graph.scalarConstant(constant), 0.5)
      else { return }
      final = half.index
    } else if close(graph.scalarConstant(factor), 0.5) {
      // (1 + erf) · 0.5 · x
      guard let outer = graph.soleReader(product.output), case .binary(.mul, let o1, let o2) = outer.operation,
        GraphRewriter.other(o1, o2, than: product.output) == x
      else { return }
      final = outer.index
    } else {
      // (x · 0.5) · (1 + erf)
      guard case .binary(.mul, let h1, let h2) = graph.operation(producing: factor),
        let constant = GraphRewriter.other(h1, h2, than: x), close(graph.scalarConstant(constant), 0.5)
      else { return }
    }
    guard graph.descriptor(graph.ir.nodes[final].outputs[0]).shape == shape else { return }
    graph.replaceOperation(final, .unary(.gelu, input: x))
  }

  static func recognizeLayerNormalization(_ graph: inout GraphRewriter, mean: Int, _ x: OperandID, _ axes: [Int]) {
    let xDescriptor = graph.descriptor(x)
    let meanOutput = graph.ir.nodes[mean].outputs[0]
    guard xDescriptor.dataType == .float32, graph.descriptor(meanOutput).shape.count == xDescriptor.shape.count,
      let centered = graph.soleReader(meanOutput), case .binary(.sub, x, meanOutput) = centered.operation,
      let readers = graph.consumers[centered.output], readers.count == 2,
      !graph.graphOutputs.contains(centered.output)
    else { return }
    // One reader squares the centered values, the other divides them by the deviation.
    let squares = readers.first { reader in
      switch graph.ir.nodes[reader].operation {
      case .binary(.pow, centered.output, let e): close(graph.scalarConstant(e), 2)
      case .binary(.mul, centered.output, centered.output): true
      default: false
      }
    }
    guard let squares, let variance = graph.soleReader(graph.ir.nodes[squares].outputs[0]),
      case .reduce(.mean, _, axes) = variance.operation,
      let shifted = graph.soleReader(variance.output), case .binary(.add, let a, let b) = shifted.operation,
      let epsilonOperand = GraphRewriter.other(a, b, than: variance.output),
      let epsilon = graph.scalarConstant(epsilonOperand),
      let deviation = graph.soleReader(shifted.output), case .unary(.sqrt, _) = deviation.operation,
      let normalized = graph.soleReader(deviation.output),
      case .binary(.div, centered.output, deviation.output) = normalized.operation,
      readers.contains(normalized.index), graph.descriptor(normalized.output).shape == xDescriptor.shape
    else { return }
    // A following scale and shift of the normalized axes' shape joins the operator.
    let parameterShape = axes.map { xDescriptor.shape[$0] }
    func parameter(after operand: OperandID, _ op: BinaryOperator) -> (index: Int, value: OperandID)? {
      guard let reader = graph.soleReader(operand), case .binary(op, let p, let q) = reader.operation,
        let value = GraphRewriter.other(p, q, than: operand), graph.constantBytes(value) != nil,
        graph.descriptor(value).shape == parameterShape, graph.descriptor(value).dataType == .float32,
        axes == Array((xDescriptor.shape.count - axes.count)..<xDescriptor.shape.count)
      else { return nil }
      return (reader.index, value)
    }
    var final = normalized.index
    let scale = parameter(after: normalized.output, .mul)
    var bias: (index: Int, value: OperandID)?
    if let scale {
      final = scale.index
      bias = parameter(after: graph.ir.nodes[scale.index].outputs[0], .add)
      if let bias { final = bias.index }
    }
    graph.replaceOperation(
      final,
      .layerNormalization(input: x, scale: scale?.value, bias: bias?.value, axes: axes, epsilon: Double(epsilon)))
  }
}
