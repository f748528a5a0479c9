import WebNNCore

/// One operand of a batched matrix product: its slot, the strides of its batch dimensions
/// (0 where it is broadcast) and of its rows and columns, in elements.
struct MatrixOperand {
  var slot: Int
  var batchStrides: [Int]
  var row: Int
  var column: Int
  /// Whether each row may be read past its end up to a multiple of 4 elements (a scratch
  /// matrix whose rows are padded), so a ragged last vec4 can still be loaded whole.
  var paddedRows = false

  /// Whether rows can be read or written as vec4: unit column stride and every other stride a
  /// multiple of 4 (tensors start 16-byte aligned), and whole vec4s per row.
  func isVectorizable(columns: Int) -> Bool {
    column == 1 && row % 4 == 0 && (columns % 4 == 0 || paddedRows) && batchStrides.allSatisfy { $0 % 4 == 0 }
  }
}

/// out[batch, m, n] = alpha * sum_k a[batch, m, k] * b[batch, k, n] + beta * c[batch, m, n]: the
/// one kernel behind matmul, gemm and the convolutions lowered to matrix products.
struct MatrixProduct {
  var m: Int
  var n: Int
  var k: Int
  var batch: [Int]
  var a: MatrixOperand
  var b: MatrixOperand
  var c: MatrixOperand?
  var output: MatrixOperand
  var alpha: Double = 1
  var beta: Double = 0
  var type: MLOperandDataType

  /// "MxNxK" (with the batch), for profiles.
  var profileDetail: String {
    let batchCount = batch.reduce(1, *)
    return (batchCount > 1 ? "\(batchCount)x " : "") + "\(m)x\(n)x\(k)"
  }
}

extension GraphPlan {
  mutating func emitMatrixProduct(_ product: MatrixProduct) {
    precondition(product.batch.count <= Self.maxKernelRank)
    var p = Parameters()
    p.bind(product.a.slot)
    p.bind(product.b.slot)
    p.bind(product.c?.slot ?? product.a.slot)
    p.bind(product.output.slot)
    p.append(product.m)
    p.append(product.n)
    p.append(product.k)
    p.append(product.batch.count)
    p.append(product.batch, padTo: Self.maxKernelRank, fill: 1)
    let noC = MatrixOperand(slot: 0, batchStrides: [], row: 0, column: 0)
    for operand in [product.a, product.b, product.c ?? noC, product.output] {
      p.append(operand.batchStrides, padTo: Self.maxKernelRank)
    }
    for operand in [product.a, product.b, product.c ?? noC, product.output] {
      p.append(operand.row)
      p.append(operand.column)
    }
    p.append(float: product.alpha)
    p.append(float: product.beta)

    let reads = [product.a.slot, product.b.slot] + (product.c.map { [$0.slot] } ?? [])
    let batchCount = max(product.batch.reduce(1, *), 1)
    if selection.matrixProduct == .sharedMemoryTiled {
      add(
        Kernel(
          shader: "gemm_shared_tiled.comp",
          defines: elementDefines(product.type).merging(["HAS_C": product.c == nil ? "0" : "1"]) { $1 }), p,
        grid: Grid(x: (product.n + 63) / 64, y: (product.m + 63) / 64, z: batchCount), reads: reads,
        writes: [product.output.slot])
      dispatches[dispatches.count - 1].detail = product.profileDetail
      return
    }
    // vec4 rows for float32 and float16 (f16vec4 storage, converted to float32 to compute).
    let vectorizable = product.type == .float32 || product.type == .float16
    // Measured on lavapipe (matmul 1024^3): 8 rows x 16 columns per invocation and 8 lanes per
    // workgroup beat smaller tiles by 1.3-3x despite the register spills; narrow outputs use
    // fewer columns per invocation so that lanes are not wasted.
    let rows = min(8, product.m.nextPowerOfTwo)
    let lanes = 8
    let quadsPerLane = product.n <= 32 ? 1 : product.n <= 64 ? 2 : 4
    let defines = elementDefines(product.type).merging([
      "TM": "\(rows)", "WG_X": "\(lanes)",
      "VEC_A": vectorizable && product.a.column == 1 && product.a.row % 4 == 0
        && product.a.batchStrides.allSatisfy({ $0 % 4 == 0 }) ? "1" : "0",
      "VEC_B": vectorizable && product.b.isVectorizable(columns: product.n) ? "1" : "0",
      "B_PADDED": product.b.paddedRows ? "1" : "0",
      "VEC_OUT": vectorizable && product.output.isVectorizable(columns: product.n) ? "1" : "0",
      "HAS_C": product.c == nil ? "0" : "1", "T4": product.type == .float16 ? "f16vec4" : "vec4",
      "T4_ALIGN": product.type == .float16 ? "8" : "16", "TNV": "\(quadsPerLane)",
    ]) { $1 }
    let columnsPerGroup = lanes * 4 * quadsPerLane
    let grid = Grid(
      x: (product.n + columnsPerGroup - 1) / columnsPerGroup, y: (product.m + rows - 1) / rows, z: batchCount)
    var kernel = Kernel(shader: "gemm_register_tiled.comp", defines: defines)
    // B stored transposed (the keys of q · kᵀ): vec4 loads along k.
    let transposedB =
      vectorizable && defines["VEC_A"] == "1" && defines["VEC_B"] == "0" && product.b.row == 1
      && product.b.column % 4 == 0 && product.k % 4 == 0 && product.b.batchStrides.allSatisfy { $0 % 4 == 0 }
    if transposedB { kernel = kernel.with("VEC_BT", "1") }
    let vectorB = defines["VEC_B"] == "1" || transposedB
    kernel = streaming(kernel, binding: 2, slot: product.b.slot, as: TexelType(product.type, vector: vectorB))
    // A too: its loads are workgroup-uniform, but on lavapipe a storage-buffer load loops over
    // the lanes all the same, and a texel fetch is cheaper (matmul 1024^3 and the whole
    // networks about 20% faster).
    kernel = streaming(
      kernel, binding: 1, slot: product.a.slot, as: TexelType(product.type, vector: defines["VEC_A"] == "1"))
    if let c = product.c {
      kernel = streaming(kernel, binding: 3, slot: c.slot, as: TexelType(product.type, vector: false))
    }
    add(kernel, p, grid: grid, reads: reads, writes: [product.output.slot])
    dispatches[dispatches.count - 1].detail = product.profileDetail
  }
}

extension Int {
  /// The smallest power of two at least self (1 for 0 and 1).
  var nextPowerOfTwo: Int {
    var value = 1
    while value < self { value <<= 1 }
    return value
  }
}
