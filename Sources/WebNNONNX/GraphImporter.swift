import Foundation
import WebNNCore

/// Converts the nodes of an ONNX graph, in order, into builder calls. Every value is either a
/// tensor known at import (initializers, constants, folded results) or a builder operand;
/// known tensors become builder constants only where an operation needs them as operands.
final class GraphImporter {
  enum Value {
    case constant(HostTensor)
    case operand(MLOperand, ONNXElementType)
  }

  let builder: MLGraphBuilder
  let options: ONNXImportOptions
  let opset: Int
  let directory: URL?
  var values: [String: Value] = [:]
  /// Builder constants made from known tensors, by value name, so each is added once.
  var materialized: [String: MLOperand] = [:]
  /// Outputs already produced by an earlier node (a BatchNormalization folded into its Conv).
  var handled: Set<String> = []
  /// Outputs of a Conv whose only reader, a BatchNormalization, was folded into it.
  var fusedAway: Set<String> = []
  /// The nodes that read each value, across nested subgraphs, and the graph outputs.
  var consumers: [String: [Onnx_NodeProto]] = [:]
  var graphOutputs: Set<String> = []
  var foldedCount = 0
  var emittedCount = 0

  /// The type int64 (and uint64) tensors take: themselves where the context supports them, else
  /// the 32-bit types (token ids and indices fit).
  let int64Type: MLOperandDataType
  let uint64Type: MLOperandDataType
  /// Whether gather-style operators take int64 indices on this context.
  let int64Indices: Bool

  init(builder: MLGraphBuilder, options: ONNXImportOptions, opset: Int, directory: URL?) {
    let limits = builder.context.opSupportLimits()
    int64Type = limits.input.dataTypes.contains(.int64) ? .int64 : .int32
    uint64Type = limits.input.dataTypes.contains(.uint64) ? .uint64 : .uint32
    int64Indices = limits["gather"]?["indices"]?.dataTypes.contains(.int64) ?? false
    self.builder = builder
    self.options = options
    self.opset = opset
    self.directory = directory
  }

  // MARK: Values

  func value(_ name: String) throws -> Value {
    guard let value = values[name] else {
      throw ONNXImportError.invalid("value \"\(name)\" is used before it is defined")
    }
    return value
  }

  /// The known tensor of a value, nil when it is computed by the graph.
  func constant(_ name: String?) -> HostTensor? {
    guard let name, case .constant(let tensor)? = values[name] else { return nil }
    return tensor
  }

  /// A value that must be known at import (a shape, axes, pads...).
  func requireConstant(_ name: String, _ what: String) throws -> HostTensor {
    if let tensor = constant(name) { return tensor }
    _ = try value(name)
    throw ONNXImportError.notSupported(
      "\(what) (\"\(name)\") is computed at run time; WebNN needs it at build time")
  }

  func operand(_ name: String) throws -> MLOperand {
    switch try value(name) {
    case .operand(let operand, _): return operand
    case .constant(let tensor):
      if let operand = materialized[name] { return operand }
      let operand = try tensor.constant(in: builder, as: webnnType(tensor.type, "a constant"))
      materialized[name] = operand
      return operand
    }
  }

  func shape(_ name: String) throws -> [Int] {
    switch try value(name) {
    case .operand(let operand, _): operand.shape
    case .constant(let tensor): tensor.shape
    }
  }

  func type(_ name: String) throws -> ONNXElementType {
    switch try value(name) {
    case .operand(_, let type): type
    case .constant(let tensor): tensor.type
    }
  }

  /// The WebNN type of an ONNX element type on this context.
  func webnnType(_ type: ONNXElementType, _ what: String) throws -> MLOperandDataType {
    switch try type.requireWebNNType(what) {
    case .int64: int64Type
    case .uint64: uint64Type
    case let other: other
    }
  }

  func set(_ name: String, _ operand: MLOperand, _ type: ONNXElementType) {
    values[name] = .operand(operand, type)
  }

  func set(_ name: String, _ tensor: HostTensor) {
    values[name] = .constant(tensor)
    materialized[name] = nil
  }

  /// A scalar of `operand`'s data type, for arithmetic with it.
  func scalar(_ value: Double, like operand: MLOperand) throws -> MLOperand {
    try builder.constant(operand.dataType, .double(value))
  }

  // MARK: Graphs

  func countConsumers(_ graph: Onnx_GraphProto) {
    for node in graph.node {
      for input in node.input where !input.isEmpty { consumers[input, default: []].append(node) }
      for attribute in node.attribute {
        if attribute.hasG { countConsumers(attribute.g) }
        for g in attribute.graphs { countConsumers(g) }
      }
    }
  }

  /// Converts the nodes of a graph in order; errors name the node they come from.
  func convert(nodes: [Onnx_NodeProto]) throws {
    for (index, proto) in nodes.enumerated() {
      if !proto.output.isEmpty && proto.output.allSatisfy({ $0.isEmpty || handled.contains($0) }) { continue }
      let node = ONNXNode(proto: proto, index: index, opset: opset)
      do {
        try convert(node)
      } catch let error as ONNXImportError {
        throw error.at(node: proto.name, index: index, opType: proto.opType)
      } catch let error as MLError {
        throw ONNXImportError(.builder, error.description, underlying: error)
          .at(node: proto.name, index: index, opType: proto.opType)
      }
    }
  }

  func convert(_ node: ONNXNode) throws {
    guard node.proto.domain.isEmpty || node.proto.domain == "ai.onnx" else {
      throw node.unsupported("operator domain \"\(node.proto.domain)\"")
    }
    if let results = try fold(node) {
      for (name, tensor) in zip(node.outputs, results) where !name.isEmpty { set(name, tensor) }
      foldedCount += 1
      return
    }
    try emit(node)
    emittedCount += 1
    for (i, name) in node.outputs.enumerated() where !name.isEmpty && values[name] == nil && !fusedAway.contains(name) {
      throw node.unsupported("output \(i) (\"\(name)\")")
    }
  }
}
