import WebNNCore

/// If nodes whose condition is known at import: the taken branch's nodes are converted in
/// place, and its outputs become the If's outputs.
extension GraphImporter {
  func convertIf(_ node: ONNXNode) throws {
    guard let c = node.input(0) else { throw node.invalid("If without a condition") }
    guard let condition = constant(c) else {
      throw node.unsupported("an If whose condition is computed at run time (WebNN graphs have no control flow)")
    }
    guard condition.count == 1 else { throw node.invalid("If condition must have one element") }
    let taken = condition.ints[0] != 0 ? "then_branch" : "else_branch"
    guard let branch = node.graph(taken) else { throw node.invalid("If without \(taken)") }
    guard branch.output.count == node.outputs.count else {
      throw node.invalid("\(taken) has \(branch.output.count) outputs, the If \(node.outputs.count)")
    }
    for initializer in branch.initializer {
      set(initializer.name, try HostTensor(proto: initializer, directory: directory))
    }
    do {
      try convert(nodes: branch.node)
    } catch let error as ONNXImportError {
      throw ONNXImportError(
        error.kind, "in \(taken): \(error.description)", underlying: error.underlying)
    }
    for (inner, outer) in zip(branch.output, node.outputs) where !outer.isEmpty {
      values[outer] = try value(inner.name)
      materialized[outer] = materialized[inner.name]
    }
  }
}

/// Loop nodes whose trip count and condition are known at import: the body is converted once
/// per iteration, in place, with the iteration number and condition as constants and the
/// loop-carried values threaded through; scan outputs are stacked along a new first axis.
extension GraphImporter {
  /// More iterations than this would unroll into a graph too large to be useful.
  static let maxUnrolledIterations = 1024

  func convertLoop(_ node: ONNXNode) throws {
    guard let body = node.graph("body") else { throw node.invalid("Loop without a body") }
    let carriedCount = max(node.inputs.count - 2, 0)
    guard body.input.count == carriedCount + 2 else {
      throw node.invalid(
        "the body takes \(body.input.count) inputs for \(carriedCount) loop-carried values (needs \(carriedCount + 2))")
    }
    guard body.output.count >= carriedCount + 1 else {
      throw node.invalid("the body gives \(body.output.count) outputs for \(carriedCount) loop-carried values")
    }
    let scanCount = body.output.count - 1 - carriedCount
    guard node.outputs.count <= carriedCount + scanCount else {
      throw node.invalid(
        "\(node.outputs.count) outputs for \(carriedCount) loop-carried values and \(scanCount) scan outputs")
    }
    var tripCount: Int64?
    if let m = node.input(0), !m.isEmpty {
      let tensor = try requireConstant(m, "the Loop's trip count M")
      guard tensor.count == 1 else { throw node.invalid("M must have one element") }
      tripCount = tensor.ints[0]
    }
    var condition = true
    var conditionGiven = false
    if let c = node.input(1), !c.isEmpty {
      let tensor = try requireConstant(c, "the Loop's initial condition")
      guard tensor.count == 1 else { throw node.invalid("cond must have one element") }
      condition = tensor.ints[0] != 0
      conditionGiven = true
    }
    guard tripCount != nil || conditionGiven else {
      throw node.unsupported("a Loop with neither a trip count nor a condition (it never ends)")
    }
    var carried = try (0..<carriedCount).map { try value(node.inputs[2 + $0]) }
    var scans = [[Value]](repeating: [], count: scanCount)
    var iteration: Int64 = 0
    while condition && (tripCount.map { iteration < $0 } ?? true) {
      guard iteration < Self.maxUnrolledIterations else {
        throw node.unsupported(
          "a Loop of more than \(Self.maxUnrolledIterations) iterations (it is unrolled at import)")
      }
      assign(body.input[0].name, .constant(.scalar(iteration)))
      assign(body.input[1].name, .constant(.scalar(condition ? 1 : 0, type: .bool)))
      for (index, value) in carried.enumerated() { assign(body.input[2 + index].name, value) }
      for initializer in body.initializer {
        set(initializer.name, try HostTensor(proto: initializer, directory: directory))
      }
      do {
        try convert(nodes: body.node)
      } catch let error as ONNXImportError {
        throw ONNXImportError(
          error.kind, "in the body's iteration \(iteration): \(error.description)", underlying: error.underlying)
      }
      let next = body.output[0].name
      if let tensor = constant(next) {
        guard tensor.count == 1 else { throw node.invalid("the body's condition must have one element") }
        condition = tensor.ints[0] != 0
      } else if conditionGiven {
        throw node.unsupported("a Loop whose condition is computed at run time (WebNN graphs have no control flow)")
      }
      carried = try (0..<carriedCount).map { try value(body.output[1 + $0].name) }
      for index in 0..<scanCount { scans[index].append(try value(body.output[1 + carriedCount + index].name)) }
      iteration += 1
    }
    for (index, name) in node.outputs.enumerated() where !name.isEmpty {
      if index < carriedCount {
        assign(name, carried[index])
        continue
      }
      let pieces = scans[index - carriedCount]
      guard let first = pieces.first else {
        throw node.unsupported("a scan output of a Loop that runs no iteration (an empty tensor)")
      }
      let type: ONNXElementType
      switch first {
      case .operand(_, let t): type = t
      case .constant(let tensor): type = tensor.type
      }
      let stacked = try pieces.map { piece -> MLOperand in
        let operand = try self.operand(of: piece)
        return try builder.reshape(operand, [1] + operand.shape)
      }
      set(name, stacked.count == 1 ? stacked[0] : try builder.concat(stacked, axis: 0), type)
    }
  }

  /// Binds `name` to `value`, dropping any builder constant made for an earlier value of it.
  func assign(_ name: String, _ value: Value) {
    values[name] = value
    materialized[name] = nil
  }

  /// A builder operand for a value (a constant is added to the builder).
  func operand(of value: Value) throws -> MLOperand {
    switch value {
    case .operand(let operand, _): operand
    case .constant(let tensor): try tensor.constant(in: builder, as: webnnType(tensor.type, "a loop value"))
    }
  }
}
