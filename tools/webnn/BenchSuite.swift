import Foundation
import WebNN

/// One benchmark of `webnn bench`: a named graph builder and how its speed is reported.
struct Benchmark {
  /// What the benchmark measures, which decides its rate column.
  enum Kind: String {
    /// One compute-bound operator: GFLOP/s from the recorded conv2d/matmul/gemm FLOPs.
    case compute
    /// One memory-bound operator or chain: GB/s from ``Benchmark/bytes``.
    case memory
    /// Tiny graphs whose time is mostly fixed cost; they yield the per-operator overhead.
    case overhead
    /// A whole network: GFLOP/s from the recorded conv2d/matmul/gemm FLOPs only.
    case model
  }

  let name: String
  let kind: Kind
  /// Bytes one run moves, for `memory` benchmarks.
  var bytes: Double?
  /// How `bytes` is counted, shown in the legend.
  var bytesNote: String?
  /// Declares the graph's inputs, operators and outputs.
  let make: (BenchGraph) throws -> Void
}

/// The benchmark list.
enum BenchSuite {
  /// 4 Mi elements: large enough that element-wise work is bound by memory bandwidth.
  static let large = 4 * 1024 * 1024

  /// Every benchmark; `reduced` shrinks the whole networks (64x64 images, 16 tokens) so that
  /// they can be tried quickly on a slow device.
  static func all(reduced: Bool) -> [Benchmark] {
    micro + overhead + BenchModels.all(reduced: reduced)
  }

  static var micro: [Benchmark] {
    var list: [Benchmark] = []
    for type in [MLOperandDataType.float32, .float16] {
      for size in [256, 1024, 2048] {
        let suffix = type == .float32 ? "f32" : "f16"
        list.append(
          Benchmark(name: "matmul/\(size)-\(suffix)", kind: .compute) { g in
            // Weights of variance 1 / K keep the outputs near 1, well inside float16's range.
            let a = try g.input("a", [size, size], type)
            let b = try g.constant([size, size], scale: (3 / Float(size)).squareRoot(), type)
            g.output("y", try g.matmul(a, b))
          })
      }
    }
    // The encoder's attention products: 12 heads of 32 split from [128, 384] activations, the
    // scores against the keys transposed, then the probabilities times the values.
    func heads(_ g: BenchGraph, _ name: String) throws -> MLOperand {
      try g.transpose(try g.reshape(try g.input(name, [128, 384]), [128, 12, 32]), [1, 0, 2])
    }
    list += [
      Benchmark(name: "attention/scores-12x128x128x32", kind: .compute) { g in
        g.output("y", try g.matmul(try heads(g, "q"), try g.transpose(try heads(g, "k"), [0, 2, 1])))
      },
      Benchmark(name: "attention/context-12x128x32x128", kind: .compute) { g in
        let probabilities = try g.softmax(try g.input("p", [12, 128, 128], scale: 4), axis: 2)
        g.output("y", try g.matmul(probabilities, try heads(g, "v")))
      },
    ]
    list += [
      conv("conv/3x3-64-56", [1, 64, 56, 56], out: 64, kernel: 3),
      conv("conv/1x1-96to24-56", [1, 96, 56, 56], out: 24, kernel: 1),
      conv("conv/dw3x3-144-56", [1, 144, 56, 56], out: 144, kernel: 3, groups: 144),
      conv("conv/3x3s2-64to128-56", [1, 64, 56, 56], out: 128, kernel: 3, stride: 2),
    ]
    for op in ["add", "mul"] {
      list.append(
        Benchmark(
          name: "\(op)/4M", kind: .memory, bytes: Double(3 * large * 4), bytesNote: "2 reads + 1 write"
        ) { g in
          g.output("y", try g.binary(op, try g.input("a", [large]), try g.input("b", [large])))
        })
    }
    // Ops ONNX also has, in an order that keeps every value in a small range.
    let chain = ["abs", "neg", "exp", "sigmoid", "tanh", "sqrt", "relu", "neg"]
    list.append(
      Benchmark(
        name: "unary-chain/8x4M", kind: .memory, bytes: Double(chain.count * 2 * large * 4),
        bytesNote: "1 read + 1 write per op, as if unfused"
      ) { g in
        var x = try g.input("x", [large])
        for op in chain { x = try g.unary(op, x) }
        g.output("y", x)
      })
    let rows = 128 * 384
    list += [
      Benchmark(name: "softmax/128x384", kind: .memory, bytes: Double(2 * rows * 4), bytesNote: "1 read + 1 write") {
        g in
        g.output("y", try g.softmax(try g.input("x", [128, 384], scale: 4), axis: 1))
      },
      Benchmark(
        name: "layerNormalization/128x384", kind: .memory, bytes: Double(2 * rows * 4), bytesNote: "1 read + 1 write"
      ) { g in
        g.output("y", try g.layerNormalization(try g.input("x", [128, 384], scale: 2), axes: [1], epsilon: 1e-5))
      },
      Benchmark(
        name: "reduceSum/1024x4096", kind: .memory, bytes: Double((1024 * 4096 + 1024) * 4),
        bytesNote: "1 read + the output"
      ) { g in
        g.output("y", try g.reduceSum(try g.input("x", [1024, 4096]), axes: [1]))
      },
    ]
    return list
  }

  static func conv(_ name: String, _ shape: [Int], out: Int, kernel: Int, stride: Int = 1, groups: Int = 1)
    -> Benchmark
  {
    Benchmark(name: name, kind: .compute) { g in
      g.output("y", try g.conv(try g.input("x", shape), out, kernel: kernel, stride: stride, groups: groups))
    }
  }

  /// The per-operator overhead is (time of 200 chained adds - time of 1 add) / 199.
  static let overheadChain = 200
  static var overhead: [Benchmark] {
    [1, overheadChain].map { count in
      Benchmark(name: "overhead/add-x\(count)", kind: .overhead) { g in
        var x = try g.input("x", [1, 16])
        let c = try g.constant([1, 16], scale: 0.01)
        for _ in 0..<count { x = try g.binary("add", x, c) }
        g.output("y", x)
      }
    }
  }
}
