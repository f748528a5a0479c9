import ArgumentParser
import Foundation
import WPTConformance
import WebNN

/// `webnn wpt-validation [--json FILE] [--filter TEXT]`: replays the WPT validation vectors
/// against the builder on the default device, prints the per-file table, the failing calls and
/// `N passed, N failed, N skipped`, and exits 1 on any failed call.
struct ValidationCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wpt-validation",
    abstract: "Replay the WPT validation vectors against the graph builder.",
    discussion:
      "The vectors are read from WEBNN_WPT_VALIDATION_DIR (default ../shared/wpt-validation). Exits 1 on any failed call."
  )

  @OptionGroup var options: ReportOptions

  func run() async throws {
    let ml = ML()
    let context = try await ml.createContext()
    let report = await WPTValidationRunner().run(context: context, ml: ml, filter: options.filter)
    print(report.textTable())
    if let jsonPath = options.jsonPath { try report.json().write(to: URL(fileURLWithPath: jsonPath)) }
    let clean = ReportOptions.finish(context)
    // The summary stays the last line.
    if !clean { print(report.totals.summaryLine) }
    if !(report.totals.failed == 0 && report.totals.calls > 0 && clean) { throw ExitCode.failure }
  }
}
