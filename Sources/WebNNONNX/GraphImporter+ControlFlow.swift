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
