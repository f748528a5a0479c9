import Foundation
import WPTConformance
import WebNN

/// `webnn wpt [--json FILE] [--filter TEXT]`: runs every conformance case on the default
/// device, prints the per-operator table and `N passed, N failed, N skipped`, and exits 1 on
/// any failure or Vulkan validation message.
enum ConformanceCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    var jsonPath: String?
    var filter: String?
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      guard index + 1 < arguments.count, ["--json", "--filter"].contains(argument) else {
        throw MLError(.typeError, "wpt: unknown argument \(argument) (expected --json FILE or --filter TEXT)")
      }
      if argument == "--json" { jsonPath = arguments[index + 1] } else { filter = arguments[index + 1] }
      index += 2
    }
    let context = try await ML().createContext()
    let report = await WPTRunner().run(context: context, filter: filter)
    print(report.textTable())
    if let jsonPath {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(report).write(to: URL(fileURLWithPath: jsonPath))
    }
    context.destroy()
    let messages = VulkanValidation.drainMessages()
    if !messages.isEmpty {
      print("\(messages.count) Vulkan validation messages (see above): failing")
      print(report.totals.summaryLine)
    }
    return report.totals.failed == 0 && messages.isEmpty && report.totals.cases > 0 ? 0 : 1
  }
}
