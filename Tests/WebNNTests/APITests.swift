import Testing
import WebNN

@Suite struct GraphLifecycleTests {
  @Test func buildsAndRunsASmallGraph() async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [2, 3]))
    let bias = try builder.constant(.init(dataType: .float32, shape: [3]), [1, 2, 3] as [Float])
    let y = try builder.relu(try builder.add(x, bias))
    let graph = try await builder.build(["y": y])
    let out = try await run(context, graph, inputs: ["x": ([2, 3], [-5, 0, 1, -1, -2, -3])], outputs: ["y": [2, 3]])
    #expect(out["y"] == [0, 2, 4, 0, 0, 0])
    expectNoValidationMessages()
  }

  @Test func dispatchReusesTheGraphWithNewTensors() async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [4]))
    let graph = try await builder.build(["y": try builder.mul(x, x)])
    for scale in [1, 2, 3] as [Float] {
      let values: [Float] = [1, 2, 3, 4].map { $0 * scale }
      let out = try await run(context, graph, inputs: ["x": ([4], values)], outputs: ["y": [4]])
      #expect(out["y"] == values.map { $0 * $0 })
    }
    expectNoValidationMessages()
  }

  @Test func buildingTwiceIsAnInvalidStateError() async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [1]))
    let y = try builder.abs(x)
    _ = try await builder.build(["y": y])
    await #expect(throws: MLError(.invalidStateError, "build: the builder has already built its graph")) {
      try await builder.build(["y": y])
    }
    expectMLError(.invalidStateError) { _ = try builder.relu(x) }
  }

  @Test func dispatchChecksNamesShapesAndLifetimes() async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [2]))
    let graph = try await builder.build(["y": try builder.neg(x)])
    let input = try await context.createTensor(.init(dataType: .float32, shape: [2], writable: true))
    let output = try await context.createTensor(.init(dataType: .float32, shape: [2], readable: true))
    let wrongShape = try await context.createTensor(.init(dataType: .float32, shape: [3], readable: true))
    expectMLError(.typeError, containing: ["inputs"]) {
      try context.dispatch(graph, inputs: ["z": input], outputs: ["y": output])
    }
    expectMLError(.typeError, containing: ["outputs[y]", "[3]"]) {
      try context.dispatch(graph, inputs: ["x": input], outputs: ["y": wrongShape])
    }
    expectMLError(.typeError, containing: ["more than once"]) {
      try context.dispatch(graph, inputs: ["x": input], outputs: ["y": input])
    }
    expectMLError(.typeError, containing: ["not writable"]) { try context.writeTensor(output, [1, 2] as [Float]) }
    expectMLError(.typeError, containing: ["12 bytes", "needs 8"]) {
      try context.writeTensor(input, [1, 2, 3] as [Float])
    }
    graph.destroy()
    expectMLError(.invalidStateError, containing: ["destroyed"]) {
      try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
    }
    input.destroy()
    expectMLError(.typeError, containing: ["destroyed"]) { try context.writeTensor(input, [1, 2] as [Float]) }
  }

  @Test func destroyingTheContextLosesIt() async throws {
    let context = try await ML().createContext()
    let tensor = try await context.createTensor(.init(dataType: .float32, shape: [1], readable: true))
    context.destroy()
    let info = await context.lost
    #expect(info.message.contains("destroyed"))
    #expect(tensor.isDestroyed)
    await #expect(throws: MLError.self) { try await context.readTensor(tensor) }
    expectMLError(.invalidStateError) {
      _ = try MLGraphBuilder(context).input("x", .init(dataType: .float32, shape: [1]))
    }
  }

  @Test func tensorsDestroyedAfterDispatchStayValidUntilTheRunEnds() async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [1 << 20]))
    let graph = try await builder.build(["y": try builder.sqrt(x)])
    let input = try await context.createTensor(.init(dataType: .float32, shape: [1 << 20], writable: true))
    let output = try await context.createTensor(.init(dataType: .float32, shape: [1 << 20], readable: true))
    try context.writeTensor(input, [Float](repeating: 16, count: 1 << 20))
    try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
    input.destroy()  // waits for the run that reads it before freeing the memory
    let y = try await context.readTensor(output, as: Float.self)
    #expect(y.allSatisfy { $0 == 4 })
    expectNoValidationMessages()
  }

  @Test func integerDivisionByZeroDoesNotCrash() async throws {
    // The spec leaves these results open; they must not trap the device or the process.
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let a = try builder.input("a", .init(dataType: .int32, shape: [3]))
    let b = try builder.input("b", .init(dataType: .int32, shape: [3]))
    let graph = try await builder.build(["q": try builder.div(a, b)])
    let tensors = try await [("a", true), ("b", true), ("q", false)].asyncMap { name, writable in
      try await context.createTensor(.init(dataType: .int32, shape: [3], readable: !writable, writable: writable))
    }
    try context.writeTensor(tensors[0], [7, Int32.min, -9] as [Int32])
    try context.writeTensor(tensors[1], [0, -1, 2] as [Int32])
    try context.dispatch(graph, inputs: ["a": tensors[0], "b": tensors[1]], outputs: ["q": tensors[2]])
    #expect(try await context.readTensor(tensors[2], as: Int32.self) == [0, Int32.min, -4])
    expectNoValidationMessages()
  }

  @Test func tensorsLargerThanOneStorageBindingWork() async throws {
    // 40M float32 elements = 160 MB, beyond lavapipe's 128 MiB maxStorageBufferRange.
    let context = try await sharedContext()
    let count = 40_000_000
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [count]))
    let graph = try await builder.build(["y": try builder.add(x, try builder.constant(.float32, 1))])
    let values = (0..<count).map { Float($0 % 1000) }
    let out = try await run(context, graph, inputs: ["x": ([count], values)], outputs: ["y": [count]])
    let y = try #require(out["y"])
    #expect(
      y[0] == 1 && y[count - 1] == Float((count - 1) % 1000) + 1
        && y[count / 2 + 7] == Float((count / 2 + 7) % 1000) + 1)
    expectNoValidationMessages()
  }
}

@Suite struct BuilderValidationTests {
  @Test func errorsNameTheOperatorLabelAndArgument() async throws {
    let builder = MLGraphBuilder(try await sharedContext())
    let x = try builder.input("x", .init(dataType: .float32, shape: [1, 3, 8, 8]))
    let w = try builder.input("w", .init(dataType: .float32, shape: [4, 3, 3]))
    expectMLError(.typeError, containing: ["conv2d [stem]", "filter", "rank"]) {
      _ = try builder.conv2d(x, w, options: .init(label: "stem"))
    }
    let w4 = try builder.input("w4", .init(dataType: .float32, shape: [4, 2, 3, 3]))
    expectMLError(.typeError, containing: ["conv2d", "filter", "channels"]) { _ = try builder.conv2d(x, w4) }
    expectMLError(.typeError, containing: ["softmax [probs]", "axis"]) {
      _ = try builder.softmax(x, axis: 4, options: .init(label: "probs"))
    }
    let y = try builder.input("y", .init(dataType: .float32, shape: [2, 5]))
    expectMLError(.typeError, containing: ["add", "b", "broadcast"]) { _ = try builder.add(x, y) }
    let i = try builder.input("i", .init(dataType: .int32, shape: [2]))
    expectMLError(.typeError, containing: ["sigmoid", "input", "int32"]) { _ = try builder.sigmoid(i) }
    expectMLError(.typeError, containing: ["reshape", "newShape"]) { _ = try builder.reshape(x, [5, 5]) }
    expectMLError(.typeError, containing: ["transpose", "permutation"]) {
      _ = try builder.transpose(x, options: .init(permutation: [0, 0, 1, 2]))
    }
    expectMLError(.typeError, containing: ["clamp", "minValue"]) {
      _ = try builder.clamp(x, options: .init(minValue: 2, maxValue: 1))
    }
  }

  @Test func operandsFromAnotherBuilderAreRejected() async throws {
    let context = try await sharedContext()
    let first = MLGraphBuilder(context)
    let second = MLGraphBuilder(context)
    let a = try first.input("a", .init(dataType: .float32, shape: [2]))
    let b = try second.input("b", .init(dataType: .float32, shape: [2]))
    expectMLError(.typeError, containing: ["another MLGraphBuilder"]) { _ = try second.add(a, b) }
  }

  @Test func inputNamesAndDescriptorsAreChecked() async throws {
    let builder = MLGraphBuilder(try await sharedContext())
    _ = try builder.input("x", .init(dataType: .float32, shape: [2]))
    expectMLError(.typeError, containing: ["already used"]) {
      _ = try builder.input("x", .init(dataType: .float32, shape: [2]))
    }
    expectMLError(.typeError, containing: ["empty"]) {
      _ = try builder.input("", .init(dataType: .float32, shape: [2]))
    }
    expectMLError(.typeError, containing: ["dimension"]) {
      _ = try builder.input("z", .init(dataType: .float32, shape: [0]))
    }
    expectMLError(.typeError, containing: ["12 bytes"]) {
      _ = try builder.constant(.init(dataType: .float32, shape: [2]), bytes: [UInt8](repeating: 0, count: 12))
    }
  }

  @Test func opSupportLimitsMatchesValidation() async throws {
    let context = try await sharedContext()
    let limits = context.opSupportLimits()
    #expect(limits["conv2d"]?["input"]?.dataTypes == [.float32, .float16])
    #expect(limits["conv2d"]?["input"]?.rankRange == 4...4)
    #expect(limits["add"]?["a"]?.dataTypes.contains(.int64) == true)
    #expect(limits.maxTensorByteLength > 0)
  }
}

extension Array {
  func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
    var results: [T] = []
    for element in self { results.append(try await transform(element)) }
    return results
  }
}
