extension GraphPasses {
  /// conv2d with a constant float32 filter (and bias, if any) followed only by a
  /// batchNormalization over its channel axis with constant statistics becomes one conv2d:
  /// filter · s and (bias − mean) · s + β, with s = scale / √(variance + ε) per output channel.
  @Sendable public static func foldBatchNormalization(_ graph: inout GraphRewriter) {
    for index in graph.liveNodes {
      guard
        case .batchNormalization(let input, let mean, let variance, let scale, let beta, let axis, let epsilon) =
          graph.ir.nodes[index].operation,
        let convIndex = graph.producer(input), graph.soleConsumer(input) == index,
        case .conv2d(let x, let filter, let bias, let window, let groups, let inputLayout, let filterLayout) =
          graph.ir.nodes[convIndex].operation,
        axis == (inputLayout == .nchw ? 1 : 3),
        let filterBytes = graph.constantBytes(filter), graph.descriptor(filter).dataType == .float32
      else { continue }
      func floats(_ operand: OperandID?) -> [Float]?? {
        guard let operand else { return .some(nil) }
        guard graph.descriptor(operand).dataType == .float32, let bytes = graph.constantBytes(operand) else {
          return nil
        }
        return CPUTensor(graph.descriptor(operand), bytes: bytes.arrayCopy).floats
      }
      guard let meanValues = floats(mean) ?? nil, let varianceValues = floats(variance) ?? nil,
        let scaleValues = floats(scale), let betaValues = floats(beta), let biasValues = floats(bias)
      else { continue }
      let filterDescriptor = graph.descriptor(filter)
      var weights = CPUTensor(filterDescriptor, bytes: filterBytes.arrayCopy).floats
      let channels = meanValues.count
      let eps = Float(epsilon)
      var factors = [Float](repeating: 1, count: channels)
      var newBias = [Float](repeating: 0, count: channels)
      for c in 0..<channels {
        let gamma: Float = scaleValues?[c] ?? 1
        factors[c] = gamma / (varianceValues[c] + eps).squareRoot()
        let shifted: Float = (biasValues?[c] ?? 0) - meanValues[c]
        newBias[c] = shifted * factors[c] + (betaValues?[c] ?? 0)
      }
      // The output-channel axis of each filter layout: outermost or innermost.
      let outermost = filterLayout == .oihw || filterLayout == .ohwi
      let perChannel = weights.count / channels
      for i in weights.indices { weights[i] *= factors[outermost ? i / perChannel : i % channels] }
      let newFilter = graph.addConstant(filterDescriptor, CPUTensor(filterDescriptor, floats: weights).bytes)
      let biasDescriptor = MLOperandDescriptor(dataType: .float32, shape: [channels])
      let newBiasOperand = graph.addConstant(biasDescriptor, CPUTensor(biasDescriptor, floats: newBias).bytes)
      let output = graph.ir.nodes[index].outputs
      graph.remove(index)
      graph.replaceOperation(
        convIndex,
        .conv2d(
          input: x, filter: newFilter, bias: newBiasOperand, window: window, groups: groups, inputLayout: inputLayout,
          filterLayout: filterLayout))
      graph.redirectOutputs(convIndex, to: output)
    }
  }
}
