import Foundation
import WebNNCore

extension GraphDocument {
  /// Parses a JSON object of operator arguments, such as the options a C API caller writes,
  /// into its members in order, with values decoded as the JSON form decodes node options.
  /// A nested object becomes a list of `[name, value]` pairs.
  ///
  /// ```swift
  /// let members = try GraphDocument.arguments(json: Data(#"{"axis": 1, "label": "p"}"#.utf8))
  /// // [("axis", .number(1)), ("label", .string("p"))]
  /// ```
  ///
  /// - Throws: ``GraphSyntaxError`` for malformed JSON (with its line and column) or a top
  ///   level that is not an object.
  public static func arguments(json data: Data, file: String = "options") throws -> [(String, MLArgumentValue)] {
    let root = try JSONValue.parse(data, file: file)
    guard let members = root.members else {
      throw GraphSyntaxError(file: file, location: nil, "the top level is not a JSON object")
    }
    return members.map { ($0.0, argument($0.1)) }
  }
}
