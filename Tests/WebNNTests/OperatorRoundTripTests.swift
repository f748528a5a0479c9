import Testing
import WebNN

@testable import WebNNCore

/// describe → call rebuilds every operation the builder makes: for random calls of every
/// operator (the fuzzer's), each new IR node is written back as a call and called through the
/// registry on the same operands; the rebuilt node must be the same operation, label and
/// output descriptors. A sample of small graphs is then saved and loaded this way onto a fresh
/// builder and run: both graphs must produce the same bytes.
@Suite struct OperatorRoundTripTests {
  static func snapshot(_ builder: MLGraphBuilder) -> GraphIR { builder.state.withLock { $0.ir } }

  static func operand(_ builder: MLGraphBuilder, _ ir: GraphIR, _ id: OperandID) -> MLOperand {
    MLOperand(descriptor: ir.operands[id], builderID: builder.id, id: id)
  }

  /// Rebuilds one node through describe and the registry on its own builder; returns what differs.
  static func rebuild(_ node: Node, _ builder: MLGraphBuilder) throws -> String? {
    let before = snapshot(builder)
    let call = OperatorRegistry.describe(node, in: before) { "t\($0)" }
    let results = try OperatorRegistry.call(
      call.op, positional: call.positional, named: call.named, builder: builder
    ) { name in
      guard name.hasPrefix("t"), let id = Int(name.dropFirst()), before.operands.indices.contains(id) else {
        throw MLError(.typeError, "unknown operand \(name)")
      }
      return operand(builder, before, id)
    }
    let after = snapshot(builder)
    guard after.nodes.count == before.nodes.count + 1, let rebuilt = after.nodes.last else {
      return "\(call.op) added \(after.nodes.count - before.nodes.count) nodes"
    }
    // NaN options (clamp bounds) never compare equal; their descriptions do.
    if rebuilt.operation != node.operation && "\(rebuilt.operation)" != "\(node.operation)" {
      return "\(call): \(rebuilt.operation) != \(node.operation)"
    }
    if rebuilt.label != node.label { return "\(call): label \(rebuilt.label) != \(node.label)" }
    let original = node.outputs.map { before.operands[$0] }
    if results.map(\.descriptor) != original { return "\(call): outputs \(results) != \(original)" }
    return nil
  }

  /// Generators of valid calls for operators whose fuzzer rarely makes one, so that describe's
  /// non-trivial inversions (convTranspose2d's folded output padding) are exercised.
  static let wellFormed: [String: FuzzOp] = [
    "convTranspose2d": FuzzOp(
      "convTranspose2d",
      one: { f in
        let layout = f.pick(MLInputOperandLayout.allCases)
        let filterLayout = f.pick(MLConvTranspose2dFilterOperandLayout.allCases)
        let (c, h, w, og, kh, kw) = (f.int(1...3), f.int(1...4), f.int(1...4), f.int(1...3), f.int(1...3), f.int(1...3))
        let x = f.constant(.float32, layout == .nchw ? [1, c, h, w] : [1, h, w, c])
        let filterShape: [Int] =
          switch filterLayout {
          case .iohw: [c, og, kh, kw]
          case .hwoi: [kh, kw, og, c]
          case .ohwi: [og, kh, kw, c]
          }
        let strides = [f.int(1...3), f.int(1...3)]
        let groups = f.int(1...2)
        var options = MLConvTranspose2dOptions(
          label: f.label(), padding: (0..<4).map { _ in f.int(0...2) }, strides: strides,
          dilations: [f.int(1...2), f.int(1...2)], groups: groups, inputLayout: layout, filterLayout: filterLayout,
          bias: f.chance(0.5) ? f.constant(.float32, [og * groups]) : nil)
        if f.bool() {
          options.outputPadding = strides.map { f.int(0...$0 - 1) }
        } else {
          var sizes: [Int] = []
          for (axis, (size, k)) in [(h, kh), (w, kw)].enumerated() {
            let grown: Int = (size - 1) * strides[axis] + (k - 1) * options.dilations[axis] + 1
            let padding: Int = options.padding[2 * axis] + options.padding[2 * axis + 1]
            sizes.append(grown - padding + f.int(0...strides[axis] - 1))
          }
          options.outputSizes = sizes
        }
        return try f.builder.convTranspose2d(x, f.constant(.float32, filterShape), options: options)
      })
  ]

  @Test(arguments: FuzzOp.all) func describeThenCallRebuildsTheOperation(_ op: FuzzOp) async throws {
    let context = try await sharedContext()
    let builder = MLGraphBuilder(context)
    let f = BuilderFuzzer(seed: BuilderFuzzTests.seed(op.name) &+ 7, builder: builder, foreign: nil, small: false)
    var rebuilt = 0
    for i in 0..<BuilderFuzzTests.callsPerOperator {
      let start = Self.snapshot(builder).nodes.count
      let generator = i.isMultiple(of: 2) ? Self.wellFormed[op.name] ?? op : op
      guard let outputs = try? generator.call(f) else { continue }
      f.pool.append(contentsOf: outputs.prefix(2))
      let nodes = Self.snapshot(builder).nodes[start...]
      for node in nodes {
        do {
          if let difference = try Self.rebuild(node, builder) { Issue.record("\(op.name): \(difference)") }
        } catch {
          Issue.record("\(op.name): rebuilding \(node.operation) failed: \(error)")
        }
        rebuilt += 1
      }
    }
    #expect(rebuilt > 0, "\(op.name): no successful call to rebuild")
  }

  /// Every IR operation is rebuilt above: the fuzzer's successful calls reach every operator
  /// name that an IR node can carry.
  @Test func everyOperationNameIsAnOperator() {
    let direct = Set(OperatorRegistry.schemas.filter { !$0.isDecomposed }.map(\.name))
    #expect(Set(FuzzOp.all.map(\.name)).isSuperset(of: direct))
  }

  /// Saves a small graph as calls and loads it onto a fresh builder, with its constants copied;
  /// returns the loaded builder's outputs by the original output names.
  static func load(_ ir: GraphIR, outputs: [String: OperandID], on builder: MLGraphBuilder) throws -> [String:
    MLOperand]
  {
    var loaded: [OperandID: MLOperand] = [:]
    for (id, source) in ir.sources.enumerated() {
      if case .constant(let bytes) = source { loaded[id] = try builder.constant(ir.operands[id], bytes: bytes) }
    }
    for node in ir.nodes {
      let call = OperatorRegistry.describe(node, in: ir) { "t\($0)" }
      let results = try OperatorRegistry.call(
        call.op, positional: call.positional, named: call.named, builder: builder
      ) { name in
        guard let id = Int(name.dropFirst()), let operand = loaded[id] else {
          throw MLError(.typeError, "\(name) is not loaded yet")
        }
        return operand
      }
      for (id, result) in zip(node.outputs, results) { loaded[id] = result }
    }
    return outputs.mapValues { loaded[$0]! }
  }

  static func bytes(_ context: MLContext, _ graph: MLGraph) async throws -> [String: [UInt8]] {
    var tensors: [String: MLTensor] = [:]
    for (name, descriptor) in graph.outputDescriptors {
      tensors[name] = try await context.createTensor(
        .init(dataType: descriptor.dataType, shape: descriptor.shape, readable: true))
    }
    try context.dispatch(graph, inputs: [:], outputs: tensors)
    var result: [String: [UInt8]] = [:]
    for (name, tensor) in tensors { result[name] = try await context.readTensor(tensor) }
    return result
  }

  @Test(arguments: FuzzOp.all) func savedAndLoadedGraphsComputeTheSame(_ op: FuzzOp) async throws {
    let context = try await sharedContext()
    for attempt in 0..<300 {
      let builder = MLGraphBuilder(context)
      let f = BuilderFuzzer(
        seed: BuilderFuzzTests.seed(op.name) &+ UInt64(attempt), builder: builder, foreign: nil, small: true)
      guard let outputs = BuilderFuzzTests.attempt(Self.wellFormed[op.name] ?? op, f), !outputs.isEmpty,
        outputs.allSatisfy({ $0.descriptor.elementCount <= 4096 })
      else { continue }
      let ir = Self.snapshot(builder)
      var named: [String: MLOperand] = [:]
      for (i, output) in outputs.enumerated() { named["out\(i)"] = output }
      let fresh = MLGraphBuilder(context)
      let reloaded = try Self.load(ir, outputs: named.mapValues(\.id), on: fresh)
      let original = try await Self.bytes(context, try await builder.build(named))
      let copy = try await Self.bytes(context, try await fresh.build(reloaded))
      #expect(original == copy, "\(op.name): the loaded graph computes other bytes")
      expectNoValidationMessages()
      return
    }
    Issue.record("\(op.name): no small call succeeded to save and load")
  }
}
