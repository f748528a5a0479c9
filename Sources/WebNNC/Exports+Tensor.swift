import WebNN

// Tensors, dispatch and the synchronous compute convenience.

/// `webnn_tensor_create` of `include/webnn.h`, which documents it.
@_cdecl("webnn_tensor_create")
public func webnnTensorCreate(
  _ context: OpaquePointer?, _ type: UnsafePointer<CChar>?, _ shape: UnsafePointer<Int64>?, _ rank: Int,
  _ usage: UInt32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_tensor_create") {
    let out = try outPointer(out, "out")
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    guard usage & ~3 == 0 else { throw CallError.type("usage: unknown flags \(usage & ~3)") }
    let descriptor = try descriptor(type, shape, rank)
    let tensor = try object.createTensorSync(
      MLTensorDescriptor(
        dataType: descriptor.dataType, shape: descriptor.shape, readable: usage & 1 != 0, writable: usage & 2 != 0))
    out.pointee = HandleTable.shared.insert(.tensor, tensor, owner: HandleTable.number(context))
  }
}

/// `webnn_tensor_write` of `include/webnn.h`, which documents it.
@_cdecl("webnn_tensor_write")
public func webnnTensorWrite(
  _ context: OpaquePointer?, _ tensor: OpaquePointer?, _ data: UnsafeRawPointer?, _ byteLength: Int
) -> Int32 {
  guarded("webnn_tensor_write") {
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let tensor = try HandleTable.shared.lookup(tensor, .tensor, as: MLTensor.self, argument: "tensor")
    let bytes = try array(data?.assumingMemoryBound(to: UInt8.self), byteLength, "data")
    try object.writeTensor(tensor, Array(bytes))
  }
}

/// `webnn_tensor_read` of `include/webnn.h`, which documents it.
@_cdecl("webnn_tensor_read")
public func webnnTensorRead(
  _ context: OpaquePointer?, _ tensor: OpaquePointer?, _ buffer: UnsafeMutableRawPointer?, _ byteLength: Int
) -> Int32 {
  guarded("webnn_tensor_read") {
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let tensor = try HandleTable.shared.lookup(tensor, .tensor, as: MLTensor.self, argument: "tensor")
    try read(object, tensor, into: buffer, byteLength, argument: "buffer")
  }
}

/// `webnn_tensor_destroy` of `include/webnn.h`, which documents it.
@_cdecl("webnn_tensor_destroy")
public func webnnTensorDestroy(_ tensor: OpaquePointer?) -> Int32 {
  guarded("webnn_tensor_destroy") {
    let removed = try HandleTable.shared.remove(tensor, .tensor, argument: "tensor")
    (removed.first?.object as? MLTensor)?.destroy()
  }
}

/// Reads `tensor` into a caller's buffer of exactly its byte length.
private func read(
  _ context: MLContext, _ tensor: MLTensor, into buffer: UnsafeMutableRawPointer?, _ byteLength: Int, argument: String
) throws {
  guard byteLength == tensor.descriptor.byteLength else {
    throw CallError.type(
      "\(argument): \(byteLength) bytes given, \(tensor.descriptor) needs \(tensor.descriptor.byteLength)")
  }
  let bytes = try context.readTensorSync(tensor)
  guard byteLength > 0 else { return }
  guard let buffer else { throw CallError.type("\(argument): null buffer for \(byteLength) bytes") }
  bytes.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: byteLength) }
}

/// `count` names with one handle each, as a dictionary; a name given twice is an error.
private func namedTensors(
  _ count: Int, _ names: UnsafePointer<UnsafePointer<CChar>?>?, _ handles: UnsafePointer<OpaquePointer?>?,
  _ what: String
) throws -> [String: MLTensor] {
  let nameList = try array(names, count, "\(what)_names")
  let handleList = try array(handles, count, what)
  var result: [String: MLTensor] = [:]
  for index in 0..<count {
    let name = try string(nameList[index], "\(what)_names[\(index)]")
    guard result[name] == nil else { throw CallError.type("\(what)_names[\(index)]: \"\(name)\" is given twice") }
    result[name] = try HandleTable.shared.lookup(
      handleList[index], .tensor, as: MLTensor.self, argument: "\(what)[\(index)]")
  }
  return result
}

/// `webnn_dispatch` of `include/webnn.h`, which documents it.
@_cdecl("webnn_dispatch")
public func webnnDispatch(
  _ context: OpaquePointer?, _ graph: OpaquePointer?, _ inputCount: Int,
  _ inputNames: UnsafePointer<UnsafePointer<CChar>?>?, _ inputs: UnsafePointer<OpaquePointer?>?, _ outputCount: Int,
  _ outputNames: UnsafePointer<UnsafePointer<CChar>?>?, _ outputs: UnsafePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_dispatch") {
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let box = try HandleTable.shared.lookup(graph, .graph, as: GraphBox.self, argument: "graph")
    try object.dispatch(
      box.graph, inputs: try namedTensors(inputCount, inputNames, inputs, "inputs"),
      outputs: try namedTensors(outputCount, outputNames, outputs, "outputs"))
  }
}

/// `webnn_compute` of `include/webnn.h`, which documents it.
@_cdecl("webnn_compute")
public func webnnCompute(
  _ context: OpaquePointer?, _ graph: OpaquePointer?, _ inputCount: Int,
  _ inputNames: UnsafePointer<UnsafePointer<CChar>?>?, _ inputData: UnsafePointer<UnsafeRawPointer?>?,
  _ inputSizes: UnsafePointer<Int>?, _ outputCount: Int, _ outputNames: UnsafePointer<UnsafePointer<CChar>?>?,
  _ outputData: UnsafePointer<UnsafeMutableRawPointer?>?, _ outputSizes: UnsafePointer<Int>?
) -> Int32 {
  guarded("webnn_compute") {
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let box = try HandleTable.shared.lookup(graph, .graph, as: GraphBox.self, argument: "graph")
    let graph = box.graph
    let inNames = try array(inputNames, inputCount, "input_names")
    let inData = try array(inputData, inputCount, "input_data")
    let inSizes = try array(inputSizes, inputCount, "input_sizes")
    let outNames = try array(outputNames, outputCount, "output_names")
    let outData = try array(outputData, outputCount, "output_data")
    let outSizes = try array(outputSizes, outputCount, "output_sizes")
    var feeds: [String: UnsafeBufferPointer<UInt8>] = [:]
    let expectedInputs = graph.inputDescriptors
    for index in 0..<inputCount {
      let name = try string(inNames[index], "input_names[\(index)]")
      guard let descriptor = expectedInputs[name] else {
        throw CallError.type(
          "input_names[\(index)]: the graph has no input \"\(name)\" (it has \(expectedInputs.keys.sorted()))")
      }
      guard feeds[name] == nil else { throw CallError.type("input_names[\(index)]: \"\(name)\" is given twice") }
      guard inSizes[index] == descriptor.byteLength else {
        throw CallError.type(
          "input_sizes[\(index)]: \(inSizes[index]) bytes given for \"\(name)\", \(descriptor) needs \(descriptor.byteLength)"
        )
      }
      feeds[name] = try array(
        inData[index]?.assumingMemoryBound(to: UInt8.self), inSizes[index], "input_data[\(index)]")
    }
    if let missing = expectedInputs.keys.sorted().first(where: { feeds[$0] == nil }) {
      throw CallError.type("input_names: the graph's input \"\(missing)\" is not given")
    }
    var wanted: [(name: String, index: Int)] = []
    for index in 0..<outputCount {
      let name = try string(outNames[index], "output_names[\(index)]")
      guard graph.outputDescriptors[name] != nil else {
        throw CallError.type(
          "output_names[\(index)]: the graph has no output \"\(name)\" (it has \(graph.outputDescriptors.keys.sorted()))"
        )
      }
      wanted.append((name, index))
    }
    try box.computeTensors.withLock { cache in
      if cache == nil {
        cache = (
          inputs: try expectedInputs.mapValues {
            try object.createTensorSync(MLTensorDescriptor(dataType: $0.dataType, shape: $0.shape, writable: true))
          },
          outputs: try graph.outputDescriptors.mapValues {
            try object.createTensorSync(MLTensorDescriptor(dataType: $0.dataType, shape: $0.shape, readable: true))
          }
        )
      }
      let tensors = cache!
      for (name, bytes) in feeds { try object.writeTensor(tensors.inputs[name]!, Array(bytes)) }
      try object.dispatch(graph, inputs: tensors.inputs, outputs: tensors.outputs)
      for (name, index) in wanted {
        try read(
          object, tensors.outputs[name]!, into: outData[index], outSizes[index], argument: "output_data[\(index)]")
      }
    }
  }
}
