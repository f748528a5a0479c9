import Foundation
import WPTConformance
import WebNN

/// `webnn wpt [--json FILE] [--filter TEXT]`: runs every conformance case on the default
/// device, prints the per-operator table and `N passed, N failed, N skipped`, and exits 1 on
/// any failure or Vulkan validation message.
enum ConformanceCommand {
  static func run(_ arguments: [String]) async throws -> Int32 {
    let options = try ReportOptions(arguments, command: "wpt")
    let context = try await ML().createContext()
    let report = await WPTRunner().run(context: context, filter: options.filter)
    print(report.textTable())
    if let jsonPath = options.jsonPath { try report.json().write(to: URL(fileURLWithPath: jsonPath)) }
    let clean = ReportOptions.finish(context)
    // The summary stays the last line.
    if !clean { print(report.totals.summaryLine) }
    return report.totals.failed == 0 && clean && report.totals.cases > 0 ? 0 : 1
  }
}
