import Foundation
import WebNNCore

/// A graph file's problem that is not syntax: an unknown operand, a weight that does not match
/// its declaration, an operator that rejects its arguments. Names the file, the position of the
/// node where there is one, and the operand or tensor.
///
/// ```swift
/// // model.webnn:12:5: conv2d: filter: unknown operand w9
/// ```
public struct GraphLoadError: Error, CustomStringConvertible, Sendable {
  /// The graph file.
  public let file: String
  /// The node's position, when the problem is in a node.
  public let location: SourceLocation?
  /// What is wrong.
  public let message: String

  /// An error in `file`.
  public init(file: String, location: SourceLocation?, _ message: String) {
    self.file = file
    self.location = location
    self.message = message
  }

  public var description: String { "\(file):\(location.map { "\($0): " } ?? " ")\(message)" }
}

/// A graph file replayed on a builder: the graph inputs with their (now fixed) descriptors and
/// the output operands, ready for `build`.
///
/// ```swift
/// let loaded = try GraphLoader(file: "m.webnn").load(document, weights: weights, into: builder)
/// let graph = try await builder.build(loaded.outputs)
/// ```
public struct LoadedGraph {
  /// The inputs in declaration order.
  public var inputs: [(name: String, descriptor: MLOperandDescriptor)]
  /// The outputs by name.
  public var outputs: [String: MLOperand]
  /// The weights the constants borrow from (kept alive with the graph's constants).
  public var weights: GraphWeights?
}

/// Replays a ``GraphDocument`` through the public builder, so the builder's validation applies
/// to every call; constants borrow their bytes from the mapped weights file.
public struct GraphLoader {
  /// Calls the operator `node.op` on `builder`, resolving operand names with `operand`.
  public typealias Call = (
    _ node: GraphDocument.Node, _ builder: MLGraphBuilder, _ operand: (String) throws -> MLOperand
  ) throws -> [MLOperand]

  /// The graph file's path, for messages.
  public let file: String
  /// Sizes for `dyn(name, max)` dimensions.
  public var dimensions: [String: Int]

  /// A loader for the graph at `file`.
  ///
  /// ```swift
  /// let loader = GraphLoader(file: "model.webnn", dimensions: ["batch": 1])
  /// ```
  public init(file: String, dimensions: [String: Int] = [:]) {
    self.file = file
    self.dimensions = dimensions
  }

  func fail(_ message: String, _ location: SourceLocation? = nil) -> GraphLoadError {
    GraphLoadError(file: file, location: location, message)
  }

  /// The fixed descriptor of a declared type.
  public func descriptor(_ type: GraphDocument.TensorType, of name: String) throws -> MLOperandDescriptor {
    let shape = try type.shape.map { dimension -> Int in
      switch dimension {
      case .fixed(let size): return size
      case .dynamic(let dimension, let maxSize):
        guard let size = dimensions[dimension] else {
          throw fail(
            "input \(name): dimension \"\(dimension)\" is dynamic (at most \(maxSize)); give its size (--dim \(dimension)=N)"
          )
        }
        guard size >= 1, size <= maxSize else {
          throw fail("input \(name): dimension \"\(dimension)\" = \(size) is outside 1...\(maxSize)")
        }
        return size
      }
    }
    return MLOperandDescriptor(dataType: type.dataType, shape: shape)
  }

  /// Declares the inputs and constants on `builder` and calls every node with `call`.
  ///
  /// - Throws: ``GraphLoadError`` naming the node's position and the operand or tensor at
  ///   fault; a builder's ``WebNNCore/MLError`` is wrapped with the node's position.
  public func load(
    _ document: GraphDocument, weights: GraphWeights?, into builder: MLGraphBuilder, call: Call
  ) throws -> LoadedGraph {
    var operands: [String: MLOperand] = [:]
    func define(_ name: String, _ operand: MLOperand, _ location: SourceLocation?) throws {
      guard operands[name] == nil else { throw fail("operand \(name) is defined twice", location) }
      operands[name] = operand
    }
    var inputs: [(name: String, descriptor: MLOperandDescriptor)] = []
    for input in document.inputs {
      let descriptor = try descriptor(input.type, of: input.name)
      do { try define(input.name, try builder.input(input.name, descriptor), nil) } catch let error as MLError {
        throw fail("input \(input.name): \(error.message)")
      }
      inputs.append((input.name, descriptor))
    }
    for constant in document.constants {
      let declared = try descriptor(constant.type, of: constant.name)
      let bytes: MLConstantBytes
      switch constant.initializer {
      case .weights(let key):
        guard let weights else {
          throw fail("constant \(constant.name): @weights(\"\(key)\") but no weights file was found beside the graph")
        }
        let (stored, borrowed) = try weights.constantBytes(key)
        guard stored == declared else {
          throw fail(
            "constant \(constant.name): weights tensor \(key) in \(weights.path) is \(stored.dataType.rawValue) \(stored.shape), the graph declares \(declared.dataType.rawValue) \(declared.shape)"
          )
        }
        bytes = borrowed
      case .scalar(let value):
        // The declaration alone sizes the fill: refuse what the device cannot hold before
        // allocating it.
        let limit = builder.context.opSupportLimits().maxTensorByteLength
        guard declared.byteLength <= limit else {
          throw fail(
            "constant \(constant.name): \(declared) is \(declared.byteLength) bytes, over maxTensorByteLength \(limit)")
        }
        let element = MLNumber(value).bytes(as: declared.dataType)
        if declared.dataType.bitWidth == 4 {
          let nibble = element.first.map { $0 & 0x0F } ?? 0
          bytes = MLConstantBytes(repeating: [nibble | nibble << 4], count: declared.byteLength)
        } else {
          bytes = MLConstantBytes(repeating: element, count: declared.byteLength)
        }
      case .bytes(let inline):
        guard inline.count == declared.byteLength else {
          throw fail(
            "constant \(constant.name): @bytes holds \(inline.count) bytes, \(declared) needs \(declared.byteLength)")
        }
        bytes = MLConstantBytes(inline)
      }
      do { try define(constant.name, try builder.constant(declared, bytes: bytes), nil) } catch let error as MLError {
        throw fail("constant \(constant.name): \(error.message)")
      }
    }
    for node in document.nodes {
      let lookup = { (name: String) throws -> MLOperand in
        guard let operand = operands[name] else {
          throw GraphLoadError(file: file, location: node.location, "\(node.op): unknown operand \(name)")
        }
        return operand
      }
      let results: [MLOperand]
      do { results = try call(node, builder, lookup) } catch let error as MLError {
        throw fail(error.message, node.location)
      } catch let error as GraphLoadError {
        throw error
      } catch {
        throw fail("\(error)", node.location)
      }
      guard node.outputsAreList ? results.count == node.outputs.count : results.count == 1 && node.outputs.count == 1
      else {
        throw fail("\(node.op): \(node.outputs.count) result names for \(results.count) results", node.location)
      }
      for (name, operand) in zip(node.outputs, results) { try define(name, operand, node.location) }
    }
    var outputs: [String: MLOperand] = [:]
    for output in document.outputs {
      guard let operand = operands[output.operand] else {
        throw fail("output \(output.name): unknown operand \(output.operand)")
      }
      outputs[output.name] = operand
    }
    guard !outputs.isEmpty else { throw fail("the graph has no outputs") }
    return LoadedGraph(inputs: inputs, outputs: outputs, weights: weights)
  }
}
