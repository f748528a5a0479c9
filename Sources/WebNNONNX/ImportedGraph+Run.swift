import Foundation
import WebNNCore

extension ImportedGraph {
  /// Runs `graph` (built from this import's ``outputs``) once: writes each input from its raw
  /// little-endian bytes, dispatches, and reads every output back as bytes of its WebNN type.
  ///
  /// ```swift
  /// let graph = try await builder.build(imported.outputs)
  /// let results = try await imported.run(graph, in: context, inputs: ["x": pixels.rawBytes])
  /// ```
  ///
  /// - Throws: ``ONNXImportError`` when an input is missing or has the wrong byte count, and
  ///   the context's errors.
  public func run(_ graph: MLGraph, in context: MLContext, inputs values: [String: [UInt8]]) async throws
    -> [String: [UInt8]]
  {
    var inputTensors: [String: MLTensor] = [:]
    for input in inputs {
      guard let bytes = values[input.name] else {
        throw ONNXImportError.invalid("no value for input \"\(input.name)\"")
      }
      guard bytes.count == input.descriptor.byteLength else {
        throw ONNXImportError.invalid(
          "input \"\(input.name)\" has \(bytes.count) bytes, \(input.descriptor) needs \(input.descriptor.byteLength)")
      }
      let tensor = try await context.createTensor(
        MLTensorDescriptor(dataType: input.descriptor.dataType, shape: input.descriptor.shape, writable: true))
      try context.writeTensor(tensor, bytes)
      inputTensors[input.name] = tensor
    }
    var outputTensors: [String: MLTensor] = [:]
    for (name, operand) in outputs {
      outputTensors[name] = try await context.createTensor(
        MLTensorDescriptor(dataType: operand.dataType, shape: operand.shape, readable: true))
    }
    try context.dispatch(graph, inputs: inputTensors, outputs: outputTensors)
    var results: [String: [UInt8]] = [:]
    for (name, tensor) in outputTensors { results[name] = try await context.readTensor(tensor) }
    return results
  }
}

/// How far one output is from a reference: the largest absolute error, and that error
/// relative to the reference's largest magnitude.
///
/// ```swift
/// let difference = OutputDifference(actual: webnn, expected: reference)
/// difference.within(relative: 1e-4, absolute: 1e-5)  // true when close
/// ```
public struct OutputDifference: Sendable, CustomStringConvertible {
  /// The largest |actual − expected|.
  public let maxAbsoluteError: Double
  /// The largest |expected|.
  public let maxMagnitude: Double
  /// Whether the counts differed or a value was NaN where the reference was not.
  public let mismatched: Bool
  /// How many reference values are NaN (matched by NaN, they count as equal).
  public let referenceNaNs: Int

  /// Compares two lists of values element by element.
  ///
  /// ```swift
  /// let d = OutputDifference(actual: [1, 2], expected: [1, 2.001])
  /// ```
  public init(actual: [Double], expected: [Double]) {
    var worst = 0.0
    var magnitude = 0.0
    var mismatched = actual.count != expected.count
    var nans = 0
    for (a, e) in zip(actual, expected) {
      if e.isNaN { nans += 1 }
      magnitude = max(magnitude, abs(e))
      if a.isNaN != e.isNaN { mismatched = true }
      if a.isNaN || e.isNaN { continue }
      if a.isInfinite || e.isInfinite {
        if a != e { mismatched = true }
        continue
      }
      worst = max(worst, abs(a - e))
    }
    maxAbsoluteError = worst
    maxMagnitude = magnitude
    self.mismatched = mismatched
    referenceNaNs = nans
  }

  /// ``maxAbsoluteError`` over ``maxMagnitude`` (0 for an all-zero reference).
  public var relativeError: Double { maxMagnitude > 0 ? maxAbsoluteError / maxMagnitude : maxAbsoluteError }

  /// Whether every element is within `relative · maxMagnitude + absolute`.
  ///
  /// ```swift
  /// difference.within(relative: 1e-4, absolute: 0)
  /// ```
  public func within(relative: Double, absolute: Double) -> Bool {
    !mismatched && maxAbsoluteError <= relative * maxMagnitude + absolute
  }

  /// `max abs error 1.2e-06, relative 3.4e-07`.
  public var description: String {
    (mismatched ? "MISMATCH (count, NaN or infinity), " : "")
      + "max abs error \(format(maxAbsoluteError)), relative \(format(relativeError))"
      + (referenceNaNs > 0 ? " (\(referenceNaNs) NaN in the reference)" : "")
  }

  private func format(_ value: Double) -> String {
    value == 0 ? "0" : String(format: "%.2e", value)
  }
}
