import WebNNCore

extension ONNXModel {
  /// The opsets of the default domain this importer follows.
  public static let supportedOpsets = 7...23

  /// Converts the model's graph into `builder`: one `input` per graph input (shapes fixed by
  /// `options`), constants for the weights, and the operations of its nodes. Nodes whose inputs
  /// are all known are evaluated at import instead.
  ///
  /// ```swift
  /// let builder = MLGraphBuilder(context)
  /// let imported = try model.build(into: builder, options: .init(dimensions: ["batch_size": 1]))
  /// let graph = try await builder.build(imported.outputs)
  /// ```
  ///
  /// - Throws: ``ONNXImportError``: unsupported operators, attribute values or opsets name the
  ///   node; inputs whose shape is left open name the input and dimension.
  public func build(into builder: MLGraphBuilder, options: ONNXImportOptions = .init()) throws -> ImportedGraph {
    do {
      return try convert(into: builder, options: options)
    } catch let error as MLError {
      // Builder calls outside any node: graph inputs, output identities.
      throw ONNXImportError(.builder, error.description, underlying: error)
    }
  }

  func convert(into builder: MLGraphBuilder, options: ONNXImportOptions) throws -> ImportedGraph {
    guard ONNXModel.supportedOpsets.contains(opsetVersion) else {
      throw ONNXImportError.notSupported(
        "opset \(opsetVersion) of the default domain (supported: \(ONNXModel.supportedOpsets))")
    }
    let graph = proto.graph
    let importer = GraphImporter(builder: builder, options: options, opset: opsetVersion, directory: directory)
    importer.countConsumers(graph)
    importer.graphOutputs = Set(graph.output.map(\.name))
    if !graph.sparseInitializer.isEmpty { throw ONNXImportError.notSupported("sparse initializers") }
    for initializer in graph.initializer {
      importer.set(initializer.name, try HostTensor(proto: initializer, directory: directory))
    }

    var inputs: [(name: String, descriptor: MLOperandDescriptor)] = []
    for info in self.inputs {
      guard let type = info.elementType else {
        throw ONNXImportError.notSupported("input \"\(info.name)\" is not a tensor of a known element type")
      }
      let descriptor = MLOperandDescriptor(
        dataType: try importer.webnnType(type, "input \"\(info.name)\""), shape: try resolveShape(info, options))
      importer.set(info.name, try builder.input(info.name, descriptor), type)
      inputs.append((info.name, descriptor))
    }

    try importer.convert(nodes: graph.node)

    var outputs: [String: MLOperand] = [:]
    var types: [String: ONNXElementType] = [:]
    let inputNames = Set(self.inputs.map(\.name))
    for info in self.outputs {
      let operand = try importer.operand(info.name)
      // A graph output must be computed by an operation: an input or a constant passed
      // straight through goes through identity.
      let isOperation: Bool
      if case .operand = try importer.value(info.name) {
        isOperation = !inputNames.contains(info.name)
      } else {
        isOperation = false
      }
      outputs[info.name] = isOperation ? operand : try builder.identity(operand)
      types[info.name] = try importer.type(info.name)
    }
    return ImportedGraph(
      inputs: inputs, outputs: outputs, outputElementTypes: types, outputNames: self.outputs.map(\.name),
      foldedNodes: importer.foldedCount, emittedNodes: importer.emittedCount)
  }

  /// The shape of a graph input: the options' whole shape, else the declared one with symbolic
  /// dimensions looked up by name.
  func resolveShape(_ info: ONNXValueInfo, _ options: ONNXImportOptions) throws -> [Int] {
    if let shape = options.inputShapes[info.name] {
      if let declared = info.shape {
        guard declared.count == shape.count else {
          throw ONNXImportError.invalid(
            "input \"\(info.name)\": inputShapes gives rank \(shape.count), the model declares \(declared)")
        }
        for (d, dim) in declared.enumerated() {
          if case .fixed(let n) = dim, n != shape[d] {
            throw ONNXImportError.invalid(
              "input \"\(info.name)\": inputShapes gives \(shape[d]) for dimension \(d), the model fixes \(n)")
          }
        }
      }
      guard shape.allSatisfy({ $0 > 0 }) else {
        throw ONNXImportError.invalid("input \"\(info.name)\": inputShapes \(shape) must be positive")
      }
      return shape
    }
    guard let declared = info.shape else {
      throw ONNXImportError(
        .unknownDimension,
        "input \"\(info.name)\" declares no shape; set ONNXImportOptions.inputShapes[\"\(info.name)\"]")
    }
    return try declared.enumerated().map { d, dim in
      switch dim {
      case .fixed(let n):
        guard n > 0 else { throw ONNXImportError.notSupported("input \"\(info.name)\" dimension \(d) is 0") }
        return n
      case .symbolic(let name):
        guard let n = options.dimensions[name] else {
          throw ONNXImportError(
            .unknownDimension,
            "input \"\(info.name)\" dimension \(d) (\"\(name)\") is not fixed; set ONNXImportOptions.dimensions[\"\(name)\"] or inputShapes[\"\(info.name)\"]"
          )
        }
        guard n > 0 else { throw ONNXImportError.invalid("dimension \"\(name)\" = \(n) must be positive") }
        return n
      case .unknown:
        throw ONNXImportError(
          .unknownDimension,
          "input \"\(info.name)\" dimension \(d) has no size or name; set ONNXImportOptions.inputShapes[\"\(info.name)\"]"
        )
      }
    }
  }
}
