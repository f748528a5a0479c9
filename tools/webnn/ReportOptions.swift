import ArgumentParser
import Foundation
import WebNN

/// The options the report commands (`wpt`, `wpt-validation`) share.
struct ReportOptions: ParsableArguments {
  @Option(
    name: .customLong("json"), help: ArgumentHelp("Also write the report as JSON to this file.", valueName: "file"))
  var jsonPath: String?

  @Option(help: ArgumentHelp("Run only the cases whose name contains this text.", valueName: "text"))
  var filter: String?

  /// Destroys the context and reports Vulkan validation messages; true when there were none.
  static func finish(_ context: MLContext) -> Bool {
    context.destroy()
    let messages = VulkanValidation.drainMessages()
    if !messages.isEmpty { print("\(messages.count) Vulkan validation messages (see above): failing") }
    return messages.isEmpty
  }
}
