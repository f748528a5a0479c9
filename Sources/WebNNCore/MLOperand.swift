/// A value in a graph under construction: a graph input, a constant, or an operator's output.
///
/// ```swift
/// let x = try builder.input("x", .init(dataType: .float32, shape: [2, 3]))
/// x.shape     // [2, 3]
/// x.dataType  // .float32
/// ```
public final class MLOperand: Sendable, CustomStringConvertible {
  /// The element type.
  public let dataType: MLOperandDataType
  /// The dimensions.
  public let shape: [Int]
  let builderID: Int
  let id: OperandID

  init(descriptor: MLOperandDescriptor, builderID: Int, id: OperandID) {
    self.dataType = descriptor.dataType
    self.shape = descriptor.shape
    self.builderID = builderID
    self.id = id
  }

  /// The number of dimensions.
  public var rank: Int { shape.count }
  /// The data type and shape.
  public var descriptor: MLOperandDescriptor { MLOperandDescriptor(dataType: dataType, shape: shape) }

  /// `MLOperand(float32[2, 3])`: the data type and shape.
  public var description: String { "MLOperand(\(descriptor))" }
}
