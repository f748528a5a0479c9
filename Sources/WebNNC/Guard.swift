import Foundation
import WebNNCore
import WebNNFormats
import WebNNONNX

/// Runs one C entry point: any error becomes its status, recorded with its message as this
/// thread's last error, so that no Swift error (and no crash) crosses into C.
func guarded(_ function: String, _ body: () throws -> Void) -> Int32 {
  let status: Status
  let message: String
  do {
    try body()
    return Status.ok.rawValue
  } catch let error as CallError {
    (status, message) = (error.status, error.message)
  } catch let error as MLError {
    (status, message) = (Status(error.kind), error.message)
  } catch let error as GraphLoadError {
    // The builder rejected what the file asks for (the builder's message, with the position).
    (status, message) = (.typeError, error.description)
  } catch let error as GraphSyntaxError {
    (status, message) = (.operationError, error.description)
  } catch let error as FormatError {
    (status, message) = (.operationError, error.description)
  } catch let error as ONNXImportError {
    switch error.kind {
    case .notSupported, .unknownDimension: status = .notSupportedError
    case .builder: status = error.underlying.map { Status($0.kind) } ?? .typeError
    case .invalidModel, .io: status = .operationError
    }
    message = error.description
  } catch {
    (status, message) = (.operationError, "\(error)")
  }
  return LastError.set(status, "\(function): \(message)")
}

/// A required C string argument.
func string(_ pointer: UnsafePointer<CChar>?, _ argument: String) throws -> String {
  guard let pointer else { throw CallError.type("\(argument): null string") }
  return String(cString: pointer)
}

/// A required out-parameter.
func outPointer<T>(_ pointer: UnsafeMutablePointer<T>?, _ argument: String) throws -> UnsafeMutablePointer<T> {
  guard let pointer else { throw CallError.type("\(argument): null out-pointer") }
  return pointer
}

/// `count` elements at `pointer`; a null pointer is allowed only for zero elements.
func array<T>(_ pointer: UnsafePointer<T>?, _ count: Int, _ argument: String) throws -> UnsafeBufferPointer<T> {
  guard count >= 0 else { throw CallError.type("\(argument): negative count") }
  if count == 0 { return UnsafeBufferPointer(start: nil, count: 0) }
  guard let pointer else { throw CallError.type("\(argument): null pointer for \(count) elements") }
  return UnsafeBufferPointer(start: pointer, count: count)
}

/// A data type by its specification name.
func dataType(_ pointer: UnsafePointer<CChar>?, _ argument: String) throws -> MLOperandDataType {
  let name = try string(pointer, argument)
  guard let type = MLOperandDataType(rawValue: name) else {
    throw CallError.type("\(argument): unknown data type \"\(name)\"")
  }
  return type
}

/// A descriptor from a data type name and a C shape.
func descriptor(_ type: UnsafePointer<CChar>?, _ shape: UnsafePointer<Int64>?, _ rank: Int) throws
  -> MLOperandDescriptor
{
  let dimensions = try array(shape, rank, "shape").map { size -> Int in
    guard size >= 0, size <= Int64(Int32.max) else { throw CallError.type("shape: dimension \(size) is out of range") }
    return Int(size)
  }
  return MLOperandDescriptor(dataType: try dataType(type, "data_type"), shape: dimensions)
}

/// Hands `text` to C as a string the caller frees with `webnn_free`.
func writeString(_ text: String, to out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws {
  let out = try outPointer(out, "out_json")
  guard let copy = strdup(text) else { throw CallError(status: .unknownError, message: "out of memory") }
  out.pointee = copy
}

/// A JSON object argument (NULL or an object), members in order.
func jsonMembers(_ pointer: UnsafePointer<CChar>?, _ argument: String) throws -> [(String, MLArgumentValue)] {
  guard let pointer else { return [] }
  do {
    return try GraphDocument.arguments(json: Data(String(cString: pointer).utf8), file: argument)
  } catch let error as GraphSyntaxError {
    throw CallError.type("\(argument): malformed JSON: \(error.description)")
  }
}
