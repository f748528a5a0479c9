/// The data type and shape of an operand or tensor. An empty shape is a scalar.
///
/// ```swift
/// let image = MLOperandDescriptor(dataType: .float32, shape: [1, 3, 224, 224])
/// ```
public struct MLOperandDescriptor: Sendable, Hashable, CustomStringConvertible {
  /// The element type.
  public var dataType: MLOperandDataType
  /// The dimensions, outermost first.
  public var shape: [Int]

  /// Creates a descriptor.
  public init(dataType: MLOperandDataType, shape: [Int]) {
    self.dataType = dataType
    self.shape = shape
  }

  /// The number of elements (1 for a scalar); `Int.max` if the product overflows, so that
  /// size checks on untrusted shapes fail instead of trapping.
  public var elementCount: Int { saturatingProduct(shape) }
  /// The number of bytes the elements occupy.
  public var byteLength: Int { dataType.byteLength(elementCount: elementCount) }

  /// The data type followed by the shape, as in `float32[2, 3]`.
  public var description: String { "\(dataType.rawValue)\(shape)" }
}

/// The descriptor of a tensor created with ``MLContext/createTensor(_:)``.
///
/// ```swift
/// let t = try await context.createTensor(MLTensorDescriptor(dataType: .float32, shape: [4],
///                                                          readable: true, writable: true))
/// ```
public struct MLTensorDescriptor: Sendable, Hashable {
  /// The data type and shape.
  public var descriptor: MLOperandDescriptor
  /// Whether ``MLContext/readTensor(_:)`` may read it.
  public var readable: Bool
  /// Whether ``MLContext/writeTensor(_:_:)-(_,[UInt8])`` may write it.
  public var writable: Bool

  /// Creates a tensor descriptor.
  public init(dataType: MLOperandDataType, shape: [Int], readable: Bool = false, writable: Bool = false) {
    self.descriptor = MLOperandDescriptor(dataType: dataType, shape: shape)
    self.readable = readable
    self.writable = writable
  }

  /// The element type.
  public var dataType: MLOperandDataType { descriptor.dataType }
  /// The dimensions.
  public var shape: [Int] { descriptor.shape }
}
