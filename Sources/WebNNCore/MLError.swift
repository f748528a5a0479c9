/// The error every WebNN call throws. `kind` mirrors the DOMException name the spec uses.
///
/// Messages name the operator, its label in brackets and the offending argument:
/// ```swift
/// do { _ = try builder.conv2d(x, w, options: .init(label: "stem")) }
/// catch let error as MLError {
///   print(error.kind, error.message)  // typeError conv2d [stem]: filter: expected rank 4, got 3
/// }
/// ```
public struct MLError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The DOMException (or JavaScript error) name the spec prescribes.
  public enum Kind: String, Sendable, Equatable {
    /// A bad argument: a data type, rank, shape or option value the call does not accept.
    case typeError = "TypeError"
    /// Data the call cannot use, where the specification names `DataError`.
    case dataError = "DataError"
    /// A device operation that failed, such as a Vulkan call or a kernel that did not compile.
    case operationError = "OperationError"
    /// Something the device or this implementation cannot do.
    case notSupportedError = "NotSupportedError"
    /// A call on an object in the wrong state: a built builder, a destroyed graph, a lost context.
    case invalidStateError = "InvalidStateError"
    /// An unexpected failure, such as the device running out of memory.
    case unknownError = "UnknownError"
  }

  /// What kind of failure this is.
  public let kind: Kind
  /// A message naming the operation, its label and the argument at fault.
  public let message: String

  /// Creates an error of `kind` with `message`.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  /// The kind's name and the message, as in `TypeError: matmul: b: ...`.
  public var description: String { "\(kind.rawValue): \(message)" }

  static func type(_ message: String) -> MLError { MLError(.typeError, message) }
  static func invalidState(_ message: String) -> MLError { MLError(.invalidStateError, message) }
}
