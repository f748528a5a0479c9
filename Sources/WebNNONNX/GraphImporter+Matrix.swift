import WebNNCore

/// Gemm and MatMul.
extension GraphImporter {
  func convertGemm(_ node: ONNXNode) throws {
    guard let aName = node.input(0), let bName = node.input(1) else { throw node.invalid("needs A and B") }
    let a = try operand(aName)
    let b = try operand(bName)
    var options = MLGemmOptions(
      alpha: Double(node.float("alpha", default: 1)), beta: Double(node.float("beta", default: 1)),
      aTranspose: node.int("transA", default: 0) != 0, bTranspose: node.int("transB", default: 0) != 0)
    if let c = node.input(2) { options.c = try operand(c) }
    set(node.outputs[0], try builder.gemm(a, b, options: options), try type(aName))
  }

  func convertMatMul(_ node: ONNXNode) throws {
    guard let aName = node.input(0), let bName = node.input(1) else { throw node.invalid("needs A and B") }
    var a = try operand(aName)
    var b = try operand(bName)
    // 1-D operands are promoted to matrices and the added dimension removed afterwards, as
    // numpy's matmul does.
    let aVector = a.rank == 1
    let bVector = b.rank == 1
    if aVector { a = try builder.reshape(a, [1, a.shape[0]]) }
    if bVector { b = try builder.reshape(b, [b.shape[0], 1]) }
    let rank = max(a.rank, b.rank)
    if a.rank < rank { a = try builder.reshape(a, [Int](repeating: 1, count: rank - a.rank) + a.shape) }
    if b.rank < rank { b = try builder.reshape(b, [Int](repeating: 1, count: rank - b.rank) + b.shape) }
    var result = try builder.matmul(a, b)
    var shape = result.shape
    if bVector { shape.removeLast() }
    if aVector { shape.remove(at: shape.count - (bVector ? 1 : 2)) }
    if shape != result.shape { result = try builder.reshape(result, shape) }
    set(node.outputs[0], result, try type(aName))
  }
}
