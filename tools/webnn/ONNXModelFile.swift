import Foundation
import WebNN
import WebNNONNX

/// ONNX models as ``ModelFile``s: imported through ``WebNNONNX/ONNXModel`` with the
/// dimensions the options and the given inputs fix.
enum ONNXModelFile {
  static func load(
    _ url: URL, options: ModelOptions, shapes: [String: [Int]], into builder: MLGraphBuilder
  ) throws -> ModelFile {
    let model = try ONNXModel(contentsOf: url)
    let imported = try model.build(
      into: builder, options: ONNXImportOptions(inputShapes: shapes, dimensions: try options.dimensionSizes()))
    return ModelFile(inputs: imported.inputs, outputs: imported.outputs, keepAlive: [model])
  }
}
