import Foundation
import Synchronization
import WebNN
import WebNNStress
import XCTest

/// Object lifetime: destroy racing every call (``LifetimeRaces``), memory kept for queued work,
/// destroyed constant tensors, and faults injected behind the backend protocol (a lost device,
/// a refused allocation). XCTest, so that the device-memory figures are not shared with other
/// tests running at the same time.
final class LifetimeTests: XCTestCase {
  /// Every (destroy tensor, graph or context) x (readTensor, writeTensor, dispatch, build,
  /// createTensor) pair, `WEBNN_STRESS_SECONDS` (default 0.4) each from three threads.
  func testEveryDestroyRacingEveryCallGivesDataOrARefusal() throws {
    let seconds = Double(ProcessInfo.processInfo.environment["WEBNN_STRESS_SECONDS"] ?? "") ?? 0.4
    let results = try LifetimeRaces.run(
      ml: ML(), options: .init(secondsPerPair: seconds), deviceBytes: { DeviceMemory.currentBytes })
    XCTAssertEqual(results.count, LifetimeRaces.Target.allCases.count * LifetimeRaces.Call.allCases.count)
    for result in results {
      XCTAssertEqual(result.failures, [], result.summary)
      XCTAssertGreaterThan(result.rounds, 0, result.summary)
      XCTAssertEqual(result.succeeded + result.refused, result.rounds * 2, result.summary)
    }
    // Both outcomes happen: the races are real, not always won by one side.
    XCTAssertGreaterThan(results.map(\.succeeded).reduce(0, +), 0)
    XCTAssertGreaterThan(results.map(\.refused).reduce(0, +), 0)
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }

  /// A run already queued keeps the memory of the tensors it binds: destroying its input right
  /// after dispatch (and the graph, too) still leaves the right output, and the memory goes once
  /// the run is done.
  func testTensorsAndGraphsDestroyedWhileARunIsQueuedStayUntilItEnds() throws {
    let context = try ML().createContextSync()
    defer { context.destroy() }
    let count = 1 << 20
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [count]))
    let graph = try builder.buildSync(["y": try builder.sqrt(try builder.abs(x))])
    let before = DeviceMemory.currentBytes
    for _ in 0..<20 {
      let input = try context.createTensorSync(.init(dataType: .float32, shape: [count], writable: true))
      let output = try context.createTensorSync(.init(dataType: .float32, shape: [count], readable: true))
      try context.writeTensor(input, [Float](repeating: -16, count: count))
      try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
      input.destroy()
      XCTAssertTrue(input.isDestroyed)
      let y = try context.readTensorSync(output, as: Float.self)
      XCTAssertEqual(y.first, 4)
      XCTAssertTrue(y.allSatisfy { $0 == 4 })
      output.destroy()
    }
    XCTAssertEqual(DeviceMemory.currentBytes, before, "the destroyed tensors' memory was freed")
    graph.destroy()
    XCTAssertLessThan(DeviceMemory.currentBytes, before, "the destroyed graph's memory was freed")
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }

  /// The spec: build fails with TypeError when a constant tensor was destroyed before it.
  func testBuildRefusesAConstantTensorDestroyedBeforeIt() throws {
    let context = try ML().createContextSync()
    defer { context.destroy() }
    let builder = MLGraphBuilder(context)
    let table = try context.createConstantTensorSync(
      .init(dataType: .float32, shape: [2]), [0, 0, 128, 63, 0, 0, 0, 64])
    let x = try builder.input("x", .init(dataType: .float32, shape: [2]))
    let sum = try builder.add(x, try builder.constantSync(table))
    table.destroy()
    XCTAssertThrowsError(try builder.buildSync(["y": sum])) { error in
      XCTAssertEqual((error as? MLError)?.kind, .typeError)
      XCTAssertTrue("\(error)".contains("destroyed before build"), "\(error)")
    }
  }

  /// A backend that reports its device lost loses the context: `lost` resolves with the cause,
  /// the failing call and every later one throw InvalidStateError, and everything is released.
  func testALostDeviceLosesTheContext() async throws {
    let faults = FaultPlan()
    let context = try await ML(provider: FaultInjectingProvider(faults)).createContext()
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [4]))
    let graph = try await builder.build(["y": try builder.neg(x)])
    let input = try await context.createTensor(.init(dataType: .float32, shape: [4], writable: true))
    let output = try await context.createTensor(.init(dataType: .float32, shape: [4], readable: true))
    try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
    faults.loseDevice.store(true, ordering: .relaxed)
    XCTAssertThrowsError(try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])) { error in
      XCTAssertEqual((error as? MLError)?.kind, .invalidStateError)
      XCTAssertTrue("\(error)".contains("injected device loss"), "\(error)")
    }
    let info = await context.lost
    XCTAssertTrue(info.message.contains("injected device loss"), info.message)
    XCTAssertTrue(context.isLost)
    for call in [
      { _ = try context.createTensorSync(.init(dataType: .float32, shape: [4])) },
      { _ = try context.readTensorSync(output) },
      { try context.writeTensor(input, [1, 2, 3, 4] as [Float]) },
      { try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output]) },
      { _ = try MLGraphBuilder(context).input("x", .init(dataType: .float32, shape: [1])) },
    ] as [() throws -> Void] {
      XCTAssertThrowsError(try call()) { XCTAssertEqual(($0 as? MLError)?.kind, .invalidStateError, "\($0)") }
    }
    XCTAssertTrue(graph.isDestroyed && input.isDestroyed && output.isDestroyed)
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }

  /// An allocation the driver refuses is an UnknownError naming the call, and the context stays
  /// usable: the next allocation works.
  func testARefusedAllocationLeavesTheContextUsable() throws {
    let faults = FaultPlan()
    let context = try ML(provider: FaultInjectingProvider(faults)).createContextSync()
    defer { context.destroy() }
    faults.refuseAllocations.store(true, ordering: .relaxed)
    XCTAssertThrowsError(try context.createTensorSync(.init(dataType: .float32, shape: [1 << 20]))) { error in
      XCTAssertEqual((error as? MLError)?.kind, .unknownError)
      XCTAssertTrue("\(error)".contains("injected allocation failure"), "\(error)")
    }
    XCTAssertThrowsError(try context.createConstantTensorSync(.init(dataType: .uint8, shape: [4]), [1, 2, 3, 4]))
    faults.refuseAllocations.store(false, ordering: .relaxed)
    let tensor = try context.createTensorSync(.init(dataType: .float32, shape: [4], readable: true))
    XCTAssertEqual(try context.readTensorSync(tensor, as: Float.self), [0, 0, 0, 0])
    XCTAssertFalse(context.isLost)
  }

  /// The device memory budget (`WEBNN_DEVICE_MEMORY_LIMIT` here, the heap size otherwise):
  /// what does not fit is an UnknownError naming the tensor or graph and the sizes, refused
  /// before the driver is asked, and the context stays usable.
  func testAllocationsPastTheMemoryBudgetAreRefusedAndTheContextStaysUsable() throws {
    setenv("WEBNN_DEVICE_MEMORY_LIMIT", "40M", 1)
    let context: MLContext
    do {
      defer { unsetenv("WEBNN_DEVICE_MEMORY_LIMIT") }
      context = try ML().createContextSync()
    }
    defer { context.destroy() }
    let descriptor = MLTensorDescriptor(dataType: .float32, shape: [4 << 20], readable: true)  // 16 MiB
    let first = try context.createTensorSync(descriptor)
    let second = try context.createTensorSync(descriptor)
    XCTAssertThrowsError(try context.createTensorSync(descriptor)) { error in
      XCTAssertEqual((error as? MLError)?.kind, .unknownError)
      for fragment in ["createTensor: tensor float32[4194304]", "41943040", "device memory budget"] {
        XCTAssertTrue("\(error)".contains(fragment), "\(error) lacks \(fragment)")
      }
    }
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [4 << 20]))
    let w = try builder.constant(.init(dataType: .float32, shape: [4 << 20]), [Float](repeating: 1, count: 4 << 20))
    XCTAssertThrowsError(try builder.buildSync(["y": try builder.add(x, w)])) { error in
      XCTAssertEqual((error as? MLError)?.kind, .unknownError)
      XCTAssertTrue("\(error)".contains("build: graph of 1 operations with 16777216 bytes of constants"), "\(error)")
    }
    second.destroy()
    let third = try context.createTensorSync(descriptor)
    XCTAssertEqual(try context.readTensorSync(third, as: Float.self).prefix(4), [0, 0, 0, 0])
    first.destroy()
    third.destroy()
    XCTAssertFalse(context.isLost)
  }

  /// A limit that does not parse is refused, not read as no limit.
  func testAMalformedMemoryLimitIsRefused() throws {
    setenv("WEBNN_DEVICE_MEMORY_LIMIT", "lots", 1)
    defer { unsetenv("WEBNN_DEVICE_MEMORY_LIMIT") }
    XCTAssertThrowsError(try ML().createContextSync()) { error in
      XCTAssertTrue("\(error)".contains("WEBNN_DEVICE_MEMORY_LIMIT=lots"), "\(error)")
    }
  }
}

/// What ``FaultInjectingBackend`` does wrong, switched on by the test.
private final class FaultPlan: Sendable {
  let loseDevice = Atomic<Bool>(false)
  let refuseAllocations = Atomic<Bool>(false)
}

/// The Vulkan backend with faults injected in front of it.
private struct FaultInjectingProvider: MLBackendProvider {
  let faults: FaultPlan
  init(_ faults: FaultPlan) { self.faults = faults }
  func makeBackend(options: MLContextOptions) throws -> any MLBackend {
    FaultInjectingBackend(try VulkanBackendProvider().makeBackend(options: options), faults)
  }
}

private final class FaultInjectingBackend: MLBackend {
  let inner: any MLBackend
  let faults: FaultPlan
  init(_ inner: any MLBackend, _ faults: FaultPlan) {
    self.inner = inner
    self.faults = faults
  }

  var capabilities: MLBackendCapabilities { inner.capabilities }

  private func check(_ call: String) throws {
    if faults.loseDevice.load(ordering: .relaxed) {
      throw MLBackendDeviceLost(message: "\(call): injected device loss")
    }
  }

  func createTensor(_ descriptor: MLOperandDescriptor) throws -> any MLBackendTensor {
    try check("createTensor")
    if faults.refuseAllocations.load(ordering: .relaxed) {
      throw MLError(.unknownError, "createTensor: \(descriptor): injected allocation failure")
    }
    return try inner.createTensor(descriptor)
  }
  func writeTensor(_ tensor: any MLBackendTensor, _ bytes: UnsafeRawBufferPointer) throws {
    try check("writeTensor")
    try inner.writeTensor(tensor, bytes)
  }
  func readTensor(_ tensor: any MLBackendTensor) throws -> [UInt8] {
    try check("readTensor")
    return try inner.readTensor(tensor)
  }
  func compile(_ graph: GraphIR) throws -> any MLBackendGraph {
    try check("build")
    return try inner.compile(graph)
  }
  func dispatch(
    _ graph: any MLBackendGraph, inputs: [String: any MLBackendTensor], outputs: [String: any MLBackendTensor]
  ) throws {
    try check("dispatch")
    try inner.dispatch(graph, inputs: inputs, outputs: outputs)
  }
  func destroy() { inner.destroy() }
}
