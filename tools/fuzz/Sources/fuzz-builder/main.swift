import FuzzSupport
import WebNN

/// The Vulkan context on this machine's first device (lavapipe without a GPU), one for the
/// whole run: the device keeps at most `WEBNN_IDLE_PIPELINES` pipelines no graph uses, so the
/// thousands of distinct kernels that random graphs make must not grow the process (before that
/// bound, one long run ran out of memory: RELIABILITY.md).
let context = try! blocking { try await ML().createContext() }

/// Graphs whose tensors together stay under this are built and dispatched; larger ones only
/// go through the builder's checks.
let runLimit = 1 << 20

/// Random builder calls through the operator registry: a few inputs and constants of random
/// types and shapes, then up to four operators (any of the registry's, with arguments of the
/// kinds their parameters take), then, when the last call's results make a small graph, build,
/// dispatch on the device and read every output back.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  var maker = ArgumentMaker(data: FuzzData(Array(bytes(data, size))))
  let builder = MLGraphBuilder(context)
  var operands: [String: MLOperand] = [:]
  var inputs: [String: MLOperandDescriptor] = [:]
  for index in 0..<maker.data.int(1...3) {
    let name = "v\(index)"
    let descriptor = MLOperandDescriptor(dataType: maker.dataType(), shape: maker.shape())
    let operand: MLOperand?
    if maker.data.bool() {
      operand = try? builder.input(name, descriptor)
      if operand != nil { inputs[name] = descriptor }
    } else {
      let count = min(descriptor.byteLength, 1 << 12)
      operand = try? builder.constant(descriptor, bytes: maker.data.take(count))
    }
    if let operand {
      operands[name] = operand
      maker.operands.append(name)
    }
  }
  var last: [MLOperand] = []
  for _ in 0..<maker.data.int(1...4) {
    let schema = maker.data.pick(OperatorRegistry.schemas)
    let positional = schema.parameters.map { maker.value($0.kind) }
    var named: [String: MLArgumentValue] = [:]
    for option in schema.options where maker.data.chance(30) { named[option.name] = maker.value(option.kind) }
    let known = operands
    guard
      let results = try? OperatorRegistry.call(
        schema.name, positional: positional, named: named, builder: builder,
        operand: { name in
          guard let operand = known[name] else { throw MLError(.typeError, "no operand \(name)") }
          return operand
        })
    else { continue }
    for result in results {
      let name = "v\(operands.count)"
      operands[name] = result
      maker.operands.append(name)
    }
    last = results
  }
  run(context, builder, inputs: inputs, outputs: last, data: &maker.data)
  return 0
}

/// Builds the graph of `outputs` and dispatches it once on inputs of fuzz bytes, if it is small.
func run(
  _ context: MLContext, _ builder: MLGraphBuilder, inputs: [String: MLOperandDescriptor], outputs: [MLOperand],
  data: inout FuzzData
) {
  guard !outputs.isEmpty else { return }
  let descriptors = Array(inputs.values) + outputs.map(\.descriptor)
  guard descriptors.map(\.byteLength).reduce(0, +) <= runLimit else { return }
  let named = Dictionary(uniqueKeysWithValues: outputs.enumerated().map { ("out\($0.offset)", $0.element) })
  var inputBytes: [String: [UInt8]] = [:]
  for (name, descriptor) in inputs {
    let bytes = data.take(descriptor.byteLength)
    inputBytes[name] = bytes + [UInt8](repeating: 0, count: descriptor.byteLength - bytes.count)
  }
  let feeds = inputBytes
  // A graph the builder refused, or one whose results are not all operations, fails here: fine.
  _ = try? blocking {
    let graph = try await builder.build(named)
    var inputTensors: [String: MLTensor] = [:]
    for (name, bytes) in feeds {
      let tensor = try await context.createTensor(
        .init(dataType: inputs[name]!.dataType, shape: inputs[name]!.shape, writable: true))
      try context.writeTensor(tensor, bytes)
      inputTensors[name] = tensor
    }
    var outputTensors: [String: MLTensor] = [:]
    for (name, operand) in named {
      outputTensors[name] = try await context.createTensor(
        .init(dataType: operand.dataType, shape: operand.shape, readable: true))
    }
    try context.dispatch(graph, inputs: inputTensors, outputs: outputTensors)
    for (name, tensor) in outputTensors {
      let read = try await context.readTensor(tensor)
      precondition(read.count == named[name]!.descriptor.byteLength, "\(name): read \(read.count) bytes")
    }
    graph.destroy()
  }
}

runLibFuzzer { fuzz($0, $1) }
