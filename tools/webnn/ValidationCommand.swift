import Foundation
import WPTConformance
import WebNN

/// `webnn wpt-validation [--json FILE] [--filter TEXT]`: replays the WPT validation vectors
/// (WEBNN_WPT_VALIDATION_DIR, default ../shared/wpt-validation) against the builder on the
/// default device, prints the per-file table, the failing calls and `N passed, N failed, N
/// skipped`, and exits 1 on any failed call.
enum ValidationCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    var jsonPath: String?
    var filter: String?
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      guard index + 1 < arguments.count, ["--json", "--filter"].contains(argument) else {
        throw MLError(
          .typeError,
          "wpt-validation: unknown argument \(argument) (expected --json FILE or --filter TEXT)")
      }
      if argument == "--json" {
        jsonPath = arguments[index + 1]
      } else {
        filter = arguments[index + 1]
      }
      index += 2
    }
    let ml = ML()
    let context = try await ml.createContext()
    let report = await WPTValidationRunner().run(context: context, ml: ml, filter: filter)
    print(report.textTable())
    if let jsonPath { try report.json().write(to: URL(fileURLWithPath: jsonPath)) }
    context.destroy()
    let messages = VulkanValidation.drainMessages()
    if !messages.isEmpty {
      print("\(messages.count) Vulkan validation messages (see above): failing")
    }
    return report.totals.failed == 0 && report.totals.calls > 0 && messages.isEmpty ? 0 : 1
  }
}
