import CVulkan
import Foundation
import XCTest

@testable import VulkanBackend
@testable import WebNNCore

/// What a build does when a kernel cannot be made (a shader that does not compile, a pipeline
/// the driver refuses, both injected into ``PipelineCache``), and the bound on idle pipelines.
/// XCTest, so that the device-memory figures are not shared with tests running at the same time.
final class PipelineFaultTests: XCTestCase {
  /// A context of its own whose pipelines are destroyed as soon as no graph uses them, so that
  /// every build compiles and creates its pipelines again.
  private func makeContext() throws -> (MLContext, PipelineCache) {
    let context = try ML().createContextSync()
    let pipelines = (context.backend as! VulkanMLBackend).device.pipelines
    pipelines.idleLimit = 0
    return (context, pipelines)
  }

  /// y = relu(x @ w), labelled "projection" and "activation".
  private func build(_ context: MLContext) throws -> MLGraph {
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [2, 3]))
    let w = try builder.constant(.init(dataType: .float32, shape: [3, 2]), [Float]([1, 0, 0, 1, 1, 1]))
    let product = try builder.matmul(x, w, options: .init(label: "projection"))
    return try builder.buildSync(["y": try builder.relu(product, options: .init(label: "activation"))])
  }

  private func check(_ graph: MLGraph, _ context: MLContext) throws {
    let input = try context.createTensorSync(.init(dataType: .float32, shape: [2, 3], writable: true))
    let output = try context.createTensorSync(.init(dataType: .float32, shape: [2, 2], readable: true))
    defer {
      input.destroy()
      output.destroy()
    }
    try context.writeTensor(input, [Float]([1, 2, 3, -4, -5, -6]))
    try context.dispatch(graph, inputs: ["x": input], outputs: ["y": output])
    XCTAssertEqual(try context.readTensorSync(output, as: Float.self), [4, 5, 0, 0])
  }

  /// The shaders of the graph's dispatches, from a build without faults.
  private func shaders(_ context: MLContext) throws -> [String] {
    let graph = try build(context)
    defer { graph.destroy() }
    try check(graph, context)
    return (graph.backendGraph as! VulkanGraph).shaders
  }

  /// Injects `fault` into each of the graph's shaders in turn: the build fails with
  /// OperationError naming the operation and the shader, gives back every pipeline and byte it
  /// took, and the context builds and runs the same graph right once the fault is gone.
  private func expectBuildFails(
    with fault: InjectedPipelineFault, saying fragment: String, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let (context, pipelines) = try makeContext()
    defer { context.destroy() }
    let shaders = try shaders(context)
    XCTAssertFalse(shaders.isEmpty, file: file, line: line)
    for shader in Set(shaders) {
      XCTAssertEqual(pipelines.counts.live, 0, "no graph is left, so no pipeline either", file: file, line: line)
      let before = DeviceMemory.currentBytes
      pipelines.injectedFaults = [shader: fault]
      XCTAssertThrowsError(try build(context), file: file, line: line) { error in
        guard let error = error as? MLError else { return XCTFail("\(error)", file: file, line: line) }
        XCTAssertEqual(error.kind, .operationError, error.message, file: file, line: line)
        XCTAssertTrue(error.message.contains(shader), error.message, file: file, line: line)
        XCTAssertTrue(error.message.contains(fragment), error.message, file: file, line: line)
        XCTAssertTrue(
          error.message.contains("[projection]") || error.message.contains("[activation]")
            || error.message.contains("fused"), error.message, file: file, line: line)
      }
      XCTAssertEqual(pipelines.counts.live, 0, "the failed build gave its pipelines back", file: file, line: line)
      XCTAssertEqual(DeviceMemory.currentBytes, before, "the failed build freed its memory", file: file, line: line)
      pipelines.injectedFaults = [:]
      let graph = try build(context)
      try check(graph, context)
      graph.destroy()
    }
    XCTAssertEqual(VulkanValidation.drainMessages(), [], file: file, line: line)
  }

  func testAShaderThatDoesNotCompileFailsTheBuildNamingTheOperationAndTheShader() throws {
    try expectBuildFails(with: .compileError, saying: "compiling shader")
  }

  func testAPipelineTheDriverRefusesFailsTheBuildNamingTheOperationAndTheShader() throws {
    try expectBuildFails(
      with: .pipelineCreation(VK_ERROR_INITIALIZATION_FAILED), saying: "VK_ERROR_INITIALIZATION_FAILED")
  }

  /// Graphs share their pipelines while they live; once none uses one, it is kept for reuse up to
  /// the idle limit, the least recently used going first.
  func testIdlePipelinesAreKeptUpToTheLimitAndTheOldestGoFirst() throws {
    let context = try ML().createContextSync()
    defer { context.destroy() }
    let pipelines = (context.backend as! VulkanMLBackend).device.pipelines
    pipelines.idleLimit = 2
    // Four graphs with one distinct kernel each (a different unary operator).
    let operators: [(MLGraphBuilder, MLOperand) throws -> MLOperand] = [
      { try $0.abs($1) }, { try $0.neg($1) }, { try $0.floor($1) }, { try $0.ceil($1) },
    ]
    var graphs: [MLGraph] = []
    for op in operators {
      let builder = MLGraphBuilder(context)
      let x = try builder.input("x", .init(dataType: .float32, shape: [8]))
      graphs.append(try builder.buildSync(["y": try op(builder, x)]))
    }
    let live = pipelines.counts.live
    XCTAssertGreaterThanOrEqual(live, 4)
    XCTAssertEqual(pipelines.counts.idle, 0, "every pipeline has a graph")
    let evictedBefore = pipelines.evictedCount
    for graph in graphs { graph.destroy() }
    XCTAssertEqual(pipelines.counts.idle, 2, "two idle pipelines are kept")
    XCTAssertEqual(pipelines.counts.live, 2)
    XCTAssertEqual(pipelines.evictedCount - evictedBefore, live - 2)
    // The two kept are the last released (ceil's and floor's): building ceil again creates nothing.
    let created = pipelines.createdCount
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [8]))
    let again = try builder.buildSync(["y": try builder.ceil(x)])
    XCTAssertEqual(pipelines.createdCount, created, "ceil's pipeline was reused")
    XCTAssertEqual(pipelines.counts.idle, 1)
    again.destroy()
    XCTAssertEqual(VulkanValidation.drainMessages(), [])
  }
}
