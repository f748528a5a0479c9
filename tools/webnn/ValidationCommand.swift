import Foundation
import WPTConformance
import WebNN

/// `webnn wpt-validation [--json FILE] [--filter TEXT]`: replays the WPT validation vectors
/// (WEBNN_WPT_VALIDATION_DIR, default ../shared/wpt-validation) against the builder on the
/// default device, prints the per-file table, the failing calls and `N passed, N failed, N
/// skipped`, and exits 1 on any failed call.
enum ValidationCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    let options = try ReportOptions(arguments, command: "wpt-validation")
    let ml = ML()
    let context = try await ml.createContext()
    let report = await WPTValidationRunner().run(context: context, ml: ml, filter: options.filter)
    print(report.textTable())
    if let jsonPath = options.jsonPath { try report.json().write(to: URL(fileURLWithPath: jsonPath)) }
    let clean = ReportOptions.finish(context)
    // The summary stays the last line.
    if !clean { print(report.totals.summaryLine) }
    return report.totals.failed == 0 && report.totals.calls > 0 && clean ? 0 : 1
  }
}
