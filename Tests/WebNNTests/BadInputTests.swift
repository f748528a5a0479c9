import Testing
import WebNN

/// Bad input to each operator family throws TypeError whose message names the operator, its
/// label and the offending argument, and leaves the builder usable.
@Suite struct BadInputTests {
  struct BadCall: CustomTestStringConvertible, Sendable {
    let op: String
    let argument: String
    let call: @Sendable (MLGraphBuilder, Operands) throws -> Void
    var testDescription: String { "\(op): \(argument)" }
  }

  /// A few operands of common shapes, made on the builder under test.
  struct Operands {
    let image: MLOperand  // float32 [1, 2, 4, 4]
    let matrix: MLOperand  // float32 [3, 4]
    let vector: MLOperand  // float32 [4]
    let indices: MLOperand  // int32 [2]
    let bytes: MLOperand  // uint8 [4]
    let ints: MLOperand  // int32 [3, 4]

    init(_ b: MLGraphBuilder) throws {
      image = try b.input("image", .init(dataType: .float32, shape: [1, 2, 4, 4]))
      matrix = try b.input("matrix", .init(dataType: .float32, shape: [3, 4]))
      vector = try b.input("vector", .init(dataType: .float32, shape: [4]))
      indices = try b.input("indices", .init(dataType: .int32, shape: [2]))
      bytes = try b.input("bytes", .init(dataType: .uint8, shape: [4]))
      ints = try b.input("ints", .init(dataType: .int32, shape: [3, 4]))
    }
  }

  static let label = "bad"
  static let calls: [BadCall] = [
    BadCall(op: "add", argument: "b") { b, o in _ = try b.add(o.matrix, o.ints, options: .init(label: label)) },
    BadCall(op: "equal", argument: "b") { b, o in _ = try b.equal(o.matrix, o.image, options: .init(label: label)) },
    BadCall(op: "logicalAnd", argument: "a") { b, o in
      _ = try b.logicalAnd(o.vector, o.bytes, options: .init(label: label))
    },
    BadCall(op: "exp", argument: "input") { b, o in _ = try b.exp(o.ints, options: .init(label: label)) },
    BadCall(op: "clamp", argument: "minValue") { b, o in
      _ = try b.clamp(o.vector, options: .init(label: label, minValue: 3, maxValue: -3))
    },
    BadCall(op: "elu", argument: "alpha") { b, o in
      _ = try b.elu(o.vector, options: .init(label: label, alpha: .nan))
    },
    BadCall(op: "softmax", argument: "axis") { b, o in
      _ = try b.softmax(o.matrix, axis: 2, options: .init(label: label))
    },
    BadCall(op: "conv2d", argument: "padding") { b, o in
      let w = try b.input("w", .init(dataType: .float32, shape: [2, 2, 3, 3]))
      _ = try b.conv2d(o.image, w, options: .init(label: label, padding: [1, 1]))
    },
    BadCall(op: "conv2d", argument: "bias") { b, o in
      let w = try b.input("w", .init(dataType: .float32, shape: [2, 2, 3, 3]))
      _ = try b.conv2d(o.image, w, options: .init(label: label, bias: o.vector))
    },
    BadCall(op: "convTranspose2d", argument: "outputPadding") { b, o in
      let w = try b.input("w", .init(dataType: .float32, shape: [2, 2, 3, 3]))
      _ = try b.convTranspose2d(o.image, w, options: .init(label: label, outputPadding: [1, 1]))
    },
    BadCall(op: "maxPool2d", argument: "windowDimensions") { b, o in
      _ = try b.maxPool2d(o.image, options: .init(label: label, windowDimensions: [9, 9]))
    },
    BadCall(op: "averagePool2d", argument: "outputSizes") { b, o in
      _ = try b.averagePool2d(o.image, options: .init(label: label, windowDimensions: [2, 2], outputSizes: [7, 7]))
    },
    BadCall(op: "matmul", argument: "b") { b, o in _ = try b.matmul(o.matrix, o.matrix, options: .init(label: label)) },
    BadCall(op: "gemm", argument: "c") { b, o in
      let t = try b.input("t", .init(dataType: .float32, shape: [4, 3]))
      _ = try b.gemm(o.matrix, t, options: .init(label: label, c: o.vector))
    },
    BadCall(op: "reduceSum", argument: "axes") { b, o in
      _ = try b.reduceSum(o.matrix, options: .init(label: label, axes: [1, 1]))
    },
    BadCall(op: "argMax", argument: "outputDataType") { b, o in
      _ = try b.argMax(o.matrix, axis: 0, options: .init(label: label, outputDataType: .float32))
    },
    BadCall(op: "batchNormalization", argument: "mean") { b, o in
      _ = try b.batchNormalization(o.image, mean: o.vector, variance: o.vector, options: .init(label: label))
    },
    BadCall(op: "layerNormalization", argument: "axes") { b, o in
      _ = try b.layerNormalization(o.matrix, options: .init(label: label, axes: [2]))
    },
    BadCall(op: "reshape", argument: "newShape") { b, o in
      _ = try b.reshape(o.matrix, [5, 3], options: .init(label: label))
    },
    BadCall(op: "transpose", argument: "permutation") { b, o in
      _ = try b.transpose(o.matrix, options: .init(label: label, permutation: [0]))
    },
    BadCall(op: "concat", argument: "inputs[1]") { b, o in
      _ = try b.concat([o.matrix, o.vector], axis: 0, options: .init(label: label))
    },
    BadCall(op: "slice", argument: "starts") { b, o in
      _ = try b.slice(o.matrix, starts: [2, 0], sizes: [2, 4], options: .init(label: label))
    },
    BadCall(op: "split", argument: "splits") { b, o in
      _ = try b.split(o.matrix, splits: [1, 1], options: .init(label: label))
    },
    BadCall(op: "expand", argument: "newShape") { b, o in
      _ = try b.expand(o.matrix, [2, 4], options: .init(label: label))
    },
    BadCall(op: "tile", argument: "repetitions") { b, o in _ = try b.tile(o.matrix, [2], options: .init(label: label))
    },
    BadCall(op: "pad", argument: "beginningPadding") { b, o in
      _ = try b.pad(o.matrix, beginningPadding: [1], endingPadding: [1, 1], options: .init(label: label))
    },
    BadCall(op: "gather", argument: "axis") { b, o in
      _ = try b.gather(o.matrix, o.indices, options: .init(label: label, axis: 2))
    },
    BadCall(op: "gatherND", argument: "indices") { b, o in
      let i = try b.input("i", .init(dataType: .int32, shape: [2, 3]))
      _ = try b.gatherND(o.matrix, i, options: .init(label: label))
    },
    BadCall(op: "where", argument: "condition") { b, o in
      _ = try b.where(o.vector, o.vector, o.vector, options: .init(label: label))
    },
    BadCall(op: "cast", argument: "dataType") { b, o in _ = try b.cast(o.vector, .int4, options: .init(label: label)) },
    BadCall(op: "gru", argument: "steps") { b, o in
      let x = try b.input("x", .init(dataType: .float32, shape: [2, 1, 4]))
      let w = try b.input("w", .init(dataType: .float32, shape: [1, 9, 4]))
      let r = try b.input("r", .init(dataType: .float32, shape: [1, 9, 3]))
      _ = try b.gru(x, w, r, steps: 3, hiddenSize: 3, options: .init(label: label))
    },
  ]

  @Test(arguments: calls) func errorNamesOperatorLabelAndArgument(_ bad: BadCall) async throws {
    let builder = MLGraphBuilder(try await sharedContext())
    let operands = try Operands(builder)
    expectMLError(.typeError, containing: ["\(bad.op) [\(Self.label)]", bad.argument]) {
      try bad.call(builder, operands)
    }
    // The builder is still usable after the rejected call.
    let graph = try await builder.build(["ok": try builder.relu(operands.vector)])
    graph.destroy()
  }
}
