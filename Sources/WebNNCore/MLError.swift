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
    case typeError = "TypeError"
    case dataError = "DataError"
    case operationError = "OperationError"
    case notSupportedError = "NotSupportedError"
    case invalidStateError = "InvalidStateError"
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

  public var description: String { "\(kind.rawValue): \(message)" }

  static func type(_ message: String) -> MLError { MLError(.typeError, message) }
  static func invalidState(_ message: String) -> MLError { MLError(.invalidStateError, message) }
  static func notSupported(_ message: String) -> MLError { MLError(.notSupportedError, message) }
}
