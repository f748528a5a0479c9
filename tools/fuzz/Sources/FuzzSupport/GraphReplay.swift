import WebNNCore
import WebNNFormats

/// Replays a parsed graph document through the builder on the validation context, the way
/// `webnn run` loads a graph file: every dynamic dimension is given size 1, and there are no
/// weights, so `@weights` constants must fail cleanly.
public func replay(_ document: GraphDocument, file: String) {
  var dimensions: [String: Int] = [:]
  for input in document.inputs {
    for case .dynamic(let name, _) in input.type.shape { dimensions[name] = 1 }
  }
  let builder = MLGraphBuilder(validationContext)
  _ = try? GraphLoader(file: file, dimensions: dimensions).load(document, weights: nil, into: builder)
}
