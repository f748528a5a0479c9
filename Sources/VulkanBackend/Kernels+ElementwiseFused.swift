import WebNNCore

extension GraphPlan {
  /// One generated kernel for a fused element-wise chain (see ``GraphFusion``).
  mutating func emitChain(_ chain: ElementwiseChain) {
    let output = descriptor(chain.output)
    let graph = GraphRewriter(ir)
    // Measured on lavapipe (8 unary operators over 4M float32): four outputs per invocation with
    // vec4 loads and stores take 25 ms where one output per invocation took 62 (unfused: 70).
    let vectorized = output.dataType == .float32 && output.elementCount % 4 == 0
    let (shape, strides, loads) = GraphFusion.chainLoads(
      chain.inputs, shape: output.shape, graph, vectorized: vectorized)!
    var defines = typeDefines("Y", output.dataType)
    let invocations = vectorized ? output.elementCount / 4 : output.elementCount
    if vectorized { defines["VECTORIZED"] = "1" }
    defines["INPUTS"] = "\(chain.inputs.count)"
    var body = ""
    for (j, operand) in chain.inputs.enumerated() {
      let type = descriptor(operand).dataType
      defines["IN\(j)_T"] = type.glslStorage
      defines["IN\(j)_ALIGN"] = "\(type.glslAlignment)"
      defines["IN\(j)_VEC"] = loads[j] == GraphFusion.vectorLoad(j) ? "1" : "0"
      body += "float I\(j) = \(loads[j]); "
    }
    defines["FUSED_BODY"] = body + chain.body
    var p = Parameters()
    p.bind(slot(chain.output))
    for operand in chain.inputs { p.bind(slot(operand)) }
    while p.words.count < 8 { p.append(0) }
    p.append(invocations)
    p.append(shape.count)
    p.append(shape, padTo: Self.maxKernelRank, fill: 1)
    for j in 0..<ElementwiseChain.maxInputs {
      p.append(j < strides.count ? strides[j] : [], padTo: Self.maxKernelRank)
    }
    var kernel = Kernel(shader: "elementwise_fused.comp", defines: defines)
    for (j, operand) in chain.inputs.enumerated() where defines["IN\(j)_VEC"] == "1" {
      kernel = streaming(kernel, binding: j + 2, slot: slot(operand), as: .float32)
    }
    add(kernel, p, invocations: invocations, reads: chain.inputs.map { slot($0) }, writes: [slot(chain.output)])
  }
}
