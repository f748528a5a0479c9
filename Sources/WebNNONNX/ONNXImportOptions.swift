/// How ``ONNXModel/build(into:options:)`` fixes the shapes the model leaves open.
///
/// WebNN graphs have static shapes, so every free or symbolic dimension of a graph input must be
/// known at import. `inputShapes` sets whole shapes per input name; `dimensions` sets symbolic
/// dimensions (`dim_param`) by name wherever they appear.
///
/// ```swift
/// var options = ONNXImportOptions()
/// options.dimensions = ["batch_size": 1, "sequence_length": 16]
/// options.inputShapes["pixel_values"] = [1, 3, 224, 224]
/// ```
public struct ONNXImportOptions: Sendable {
  /// Whole shapes per graph input name; they override the model's shape (whose rank they must
  /// match, and whose fixed dimensions they must agree with).
  public var inputShapes: [String: [Int]]
  /// Values of symbolic dimensions (`dim_param`) by name.
  public var dimensions: [String: Int]
  /// The most elements a tensor computed at import (constant folding) may have; nodes whose
  /// result would be larger run in the graph instead.
  public var maxFoldedElements: Int

  /// Options with nothing fixed.
  ///
  /// ```swift
  /// let options = ONNXImportOptions(dimensions: ["batch": 1])
  /// ```
  public init(inputShapes: [String: [Int]] = [:], dimensions: [String: Int] = [:], maxFoldedElements: Int = 1 << 22) {
    self.inputShapes = inputShapes
    self.dimensions = dimensions
    self.maxFoldedElements = maxFoldedElements
  }
}
