import Foundation
import FuzzSupport
import WebNNCore
import WebNNONNX

/// The ONNX protobuf reader, then the importer (constant folding included) into a builder on the
/// validation context. Every symbolic dimension is fixed to 2.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let model = try? ONNXModel(serialized: Data(bytes(data, size))) else { return 0 }
  var dimensions: [String: Int] = [:]
  for input in model.inputs {
    for case .symbolic(let name) in input.shape ?? [] { dimensions[name] = 2 }
  }
  let builder = MLGraphBuilder(validationContext)
  _ = try? model.build(into: builder, options: ONNXImportOptions(dimensions: dimensions))
  return 0
}

runLibFuzzer { fuzz($0, $1) }
