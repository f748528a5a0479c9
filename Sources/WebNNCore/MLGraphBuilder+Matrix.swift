// matmul and gemm.

/// Options of ``MLGraphBuilder/gemm(_:_:options:)``.
public struct MLGemmOptions: MLOperatorOptions {
  /// A name for the operation, quoted in its error messages. Default `""`.
  public var label: String
  /// Added after scaling by `beta`; broadcasts unidirectionally to [M, N]. Default `nil`.
  public var c: MLOperand?
  /// The scale of A · B; finite. Default `1`.
  public var alpha: Double
  /// The scale of C; finite. Default `1`.
  public var beta: Double
  /// Use the transpose of A. Default `false`.
  public var aTranspose: Bool
  /// Use the transpose of B. Default `false`.
  public var bTranspose: Bool
  /// Creates options; each argument defaults to the value its property documents.
  public init(
    label: String = "", c: MLOperand? = nil, alpha: Double = 1, beta: Double = 1, aTranspose: Bool = false,
    bTranspose: Bool = false
  ) {
    self.label = label
    self.c = c
    self.alpha = alpha
    self.beta = beta
    self.aTranspose = aTranspose
    self.bTranspose = bTranspose
  }
}

extension MLGraphBuilder {
  /// Matrix product over the last two dimensions; leading (batch) dimensions broadcast.
  ///
  /// ```swift
  /// let y = try builder.matmul(a, b)  // [2, 3, 4] x [4, 5] -> [2, 3, 5]
  /// ```
  public func matmul(_ a: MLOperand, _ b: MLOperand, options: MLOperatorLabel = .init()) throws -> MLOperand {
    let check = try begin("matmul", options.label)
    try check.operand(a, "a")
    try check.operand(b, "b")
    try check.sameType(b, as: a.dataType, "b")
    let k = a.shape[a.rank - 1]
    try check.require(
      b.shape[b.rank - 2] == k, "b",
      "rows \(b.shape[b.rank - 2]) do not match a's columns \(k) (a \(a.shape), b \(b.shape))")
    guard let batch = Broadcast.bidirectional(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2))) else {
      throw check.error("b", "batch dimensions of \(b.shape) do not broadcast with a \(a.shape)")
    }
    let shape = batch + [a.shape[a.rank - 2], b.shape[b.rank - 1]]
    return try add1(.matmul(a: a.id, b: b.id), output: .init(dataType: a.dataType, shape: shape), check)
  }

  /// alpha · A · B + beta · C for 2-D A and B (optionally transposed).
  public func gemm(_ a: MLOperand, _ b: MLOperand, options: MLGemmOptions = .init()) throws -> MLOperand {
    let check = try begin("gemm", options.label)
    try check.operand(a, "a")
    try check.operand(b, "b")
    try check.sameType(b, as: a.dataType, "b")
    try check.require(options.alpha.isFinite, "alpha", "must be finite")
    try check.require(options.beta.isFinite, "beta", "must be finite")
    let (m, ka) = options.aTranspose ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = options.bTranspose ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    try check.require(ka == kb, "b", "inner dimensions differ: a gives \(ka), b gives \(kb)")
    if let c = options.c {
      try check.operand(c, "c")
      try check.sameType(c, as: a.dataType, "c")
      try check.require(
        Broadcast.unidirectional(c.shape, to: [m, n]), "c", "shape \(c.shape) does not broadcast to [\(m), \(n)]")
    }
    let cast = { (v: Double) in MLNumber.double(v).cast(to: a.dataType).doubleValue }
    return try add1(
      .gemm(
        a: a.id, b: b.id, c: options.c?.id, alpha: cast(options.alpha), beta: cast(options.beta),
        aTranspose: options.aTranspose, bTranspose: options.bTranspose),
      output: .init(dataType: a.dataType, shape: [m, n]), check)
  }
}
