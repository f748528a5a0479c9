import Foundation
import WebNN

/// The options the report commands (`wpt`, `wpt-validation`) share: `--json FILE` and
/// `--filter TEXT`.
struct ReportOptions {
  var jsonPath: String?
  var filter: String?

  init(_ arguments: [String], command: String) throws {
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      guard index + 1 < arguments.count, ["--json", "--filter"].contains(argument) else {
        throw MLError(.typeError, "\(command): unknown argument \(argument) (expected --json FILE or --filter TEXT)")
      }
      if argument == "--json" { jsonPath = arguments[index + 1] } else { filter = arguments[index + 1] }
      index += 2
    }
  }

  /// Destroys the context and reports Vulkan validation messages; true when there were none.
  static func finish(_ context: MLContext) -> Bool {
    context.destroy()
    let messages = VulkanValidation.drainMessages()
    if !messages.isEmpty { print("\(messages.count) Vulkan validation messages (see above): failing") }
    return messages.isEmpty
  }
}
