import Foundation
import WebNN

/// `webnn wpt`: placeholder until the conformance runner lands.
enum ConformanceCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    throw MLError(.notSupportedError, "the conformance runner is not built yet")
  }
}
