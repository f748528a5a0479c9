import WebNN

// Graph building: builders, inputs, constants, operators by name, build.

/// The handle table's record of a builder: the builder and its context's handle number.
final class BuilderBox: Sendable {
  let builder: MLGraphBuilder
  let context: UInt64
  init(builder: MLGraphBuilder, context: UInt64) {
    self.builder = builder
    self.context = context
  }
}

/// `webnn_builder_create` of `include/webnn.h`, which documents it.
@_cdecl("webnn_builder_create")
public func webnnBuilderCreate(_ context: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> Int32 {
  guarded("webnn_builder_create") {
    let out = try outPointer(out, "out")
    let object = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    try object.checkUsable("webnn_builder_create")
    let id = HandleTable.number(context)
    out.pointee = HandleTable.shared.insert(
      .builder, BuilderBox(builder: MLGraphBuilder(object), context: id), owner: id)
  }
}

/// `webnn_builder_destroy` of `include/webnn.h`, which documents it.
@_cdecl("webnn_builder_destroy")
public func webnnBuilderDestroy(_ builder: OpaquePointer?) -> Int32 {
  guarded("webnn_builder_destroy") { try HandleTable.shared.remove(builder, .builder, argument: "builder") }
}

/// `webnn_builder_input` of `include/webnn.h`, which documents it.
@_cdecl("webnn_builder_input")
public func webnnBuilderInput(
  _ builder: OpaquePointer?, _ name: UnsafePointer<CChar>?, _ type: UnsafePointer<CChar>?,
  _ shape: UnsafePointer<Int64>?, _ rank: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_builder_input") {
    let out = try outPointer(out, "out")
    let box = try HandleTable.shared.lookup(builder, .builder, as: BuilderBox.self, argument: "builder")
    let operand = try box.builder.input(try string(name, "name"), try descriptor(type, shape, rank))
    out.pointee = HandleTable.shared.insert(.operand, operand, owner: HandleTable.number(builder))
  }
}

/// `webnn_builder_constant` of `include/webnn.h`, which documents it.
@_cdecl("webnn_builder_constant")
public func webnnBuilderConstant(
  _ builder: OpaquePointer?, _ type: UnsafePointer<CChar>?, _ shape: UnsafePointer<Int64>?, _ rank: Int,
  _ data: UnsafeRawPointer?, _ byteLength: Int, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_builder_constant") {
    let out = try outPointer(out, "out")
    let box = try HandleTable.shared.lookup(builder, .builder, as: BuilderBox.self, argument: "builder")
    let descriptor = try descriptor(type, shape, rank)
    let bytes = try array(data?.assumingMemoryBound(to: UInt8.self), byteLength, "data")
    guard byteLength == descriptor.byteLength else {
      throw CallError.type("byte_length: \(byteLength) bytes given, \(descriptor) needs \(descriptor.byteLength)")
    }
    let operand = try box.builder.constant(descriptor, bytes: Array(bytes))
    out.pointee = HandleTable.shared.insert(.operand, operand, owner: HandleTable.number(builder))
  }
}

/// `webnn_builder_op` of `include/webnn.h`, which documents it.
@_cdecl("webnn_builder_op")
public func webnnBuilderOp(
  _ builder: OpaquePointer?, _ op: UnsafePointer<CChar>?, _ operands: UnsafePointer<OpaquePointer?>?, _ count: Int,
  _ options: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_builder_op") {
    let out = try outPointer(out, "out")
    let name = try string(op, "op")
    let results = try callOperator(builder, name, operands, count, options)
    guard results.count == 1 else {
      throw CallError.type("\(name) has \(results.count) results; call webnn_builder_op_multi")
    }
    out.pointee = HandleTable.shared.insert(.operand, results[0], owner: HandleTable.number(builder))
  }
}

/// `webnn_builder_op_multi` of `include/webnn.h`, which documents it.
@_cdecl("webnn_builder_op_multi")
public func webnnBuilderOpMulti(
  _ builder: OpaquePointer?, _ op: UnsafePointer<CChar>?, _ operands: UnsafePointer<OpaquePointer?>?, _ count: Int,
  _ options: UnsafePointer<CChar>?, _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
  _ outCount: UnsafeMutablePointer<Int>?
) -> Int32 {
  guarded("webnn_builder_op_multi") {
    let outCount = try outPointer(outCount, "out_count")
    let name = try string(op, "op")
    guard capacity >= 0, capacity == 0 || outs != nil else {
      throw CallError.type("outs: null with capacity \(capacity)")
    }
    let results = try callOperator(builder, name, operands, count, options, capacity: capacity)
    for (index, result) in results.enumerated() {
      outs![index] = HandleTable.shared.insert(.operand, result, owner: HandleTable.number(builder))
    }
    outCount.pointee = results.count
  }
}

/// `webnn_operand_json` of `include/webnn.h`, which documents it.
@_cdecl("webnn_operand_json")
public func webnnOperandJson(_ operand: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
  -> Int32
{
  guarded("webnn_operand_json") {
    let operand = try HandleTable.shared.lookup(operand, .operand, as: MLOperand.self, argument: "operand")
    try writeString(
      JSONText.descriptor(MLOperandDescriptor(dataType: operand.dataType, shape: operand.shape)).text, to: out)
  }
}

/// `webnn_builder_build` of `include/webnn.h`, which documents it.
@_cdecl("webnn_builder_build")
public func webnnBuilderBuild(
  _ builder: OpaquePointer?, _ count: Int, _ names: UnsafePointer<UnsafePointer<CChar>?>?,
  _ operands: UnsafePointer<OpaquePointer?>?, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_builder_build") {
    let out = try outPointer(out, "out")
    let box = try HandleTable.shared.lookup(builder, .builder, as: BuilderBox.self, argument: "builder")
    let nameList = try array(names, count, "names")
    let operandList = try array(operands, count, "operands")
    var outputs: [String: MLOperand] = [:]
    for index in 0..<count {
      let name = try string(nameList[index], "names[\(index)]")
      guard outputs[name] == nil else { throw CallError.type("names[\(index)]: \"\(name)\" is given twice") }
      outputs[name] = try HandleTable.shared.lookup(
        operandList[index], .operand, as: MLOperand.self, argument: "operands[\(index)]")
    }
    let ir = try? box.builder.graphIR(outputs)
    let graph = try box.builder.buildSync(outputs)
    registerGraph(GraphBox(graph: graph, ir: ir), context: box.context, out: out)
  }
}

/// Calls `op` through the operator registry. Operands that the options do not name by index
/// fill the operator's operand parameters in order.
private func callOperator(
  _ builder: OpaquePointer?, _ op: String, _ operands: UnsafePointer<OpaquePointer?>?, _ count: Int,
  _ options: UnsafePointer<CChar>?, capacity: Int? = nil
) throws -> [MLOperand] {
  let box = try HandleTable.shared.lookup(builder, .builder, as: BuilderBox.self, argument: "builder")
  guard let schema = OperatorRegistry.schema(op) else { throw CallError.type("op: no operator named \"\(op)\"") }
  let handles = try array(operands, count, "operands")
  let resolved = try handles.enumerated().map { index, handle in
    try HandleTable.shared.lookup(handle, .operand, as: MLOperand.self, argument: "operands[\(index)]")
  }
  var used = Set<Int>()
  func reference(_ value: MLArgumentValue, _ name: String) throws -> MLArgumentValue {
    guard case .number(let number) = value, let index = Int(exactly: number), resolved.indices.contains(index) else {
      throw CallError.type("options_json: \(name): \(value) is not an index into the \(count) operands")
    }
    used.insert(index)
    return .operand(String(index))
  }
  var named: [String: MLArgumentValue] = [:]
  for (key, value) in try jsonMembers(options, "options_json") {
    guard named[key] == nil else { throw CallError.type("options_json: \(key) is given twice") }
    switch (schema.parameter(key)?.kind, value) {
    case (_, .null): named[key] = value
    case (.operand, _): named[key] = try reference(value, key)
    case (.operandList, .array(let items)): named[key] = .array(try items.map { try reference($0, key) })
    case (.operandList, _): throw CallError.type("options_json: \(key): expected a list of operand indices")
    default: named[key] = value
    }
  }
  var remaining = resolved.indices.filter { !used.contains($0) }
  for parameter in schema.parameters where named[parameter.name] == nil {
    if parameter.kind == .operand, !remaining.isEmpty {
      named[parameter.name] = .operand(String(remaining.removeFirst()))
    } else if parameter.kind == .operandList {
      named[parameter.name] = .array(remaining.map { .operand(String($0)) })
      remaining = []
    }
  }
  guard remaining.isEmpty else {
    throw CallError.type("operands: \(op) takes no operand for operands\(remaining) (name options by index)")
  }
  let results = try OperatorRegistry.call(op, named: named, builder: box.builder) { resolved[Int($0)!] }
  if let capacity, capacity < results.count {
    // The results stay in the builder unreachable; build drops what no output needs.
    throw CallError.type("capacity: \(capacity) is less than the \(results.count) results of \(op)")
  }
  return results
}

extension MLContext {
  func checkUsable(_ function: String) throws {
    if isLost { throw MLError(.invalidStateError, "context: the context is lost") }
  }
}
