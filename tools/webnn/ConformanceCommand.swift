import ArgumentParser
import Foundation
import WPTConformance
import WebNN

/// `webnn wpt [--json FILE] [--filter TEXT]`: runs every conformance case on the default
/// device, prints the per-operator table and `N passed, N failed, N skipped`, and exits 1 on
/// any failure or Vulkan validation message.
struct ConformanceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wpt",
    abstract: "Run the WebNN conformance vectors on the default device.",
    discussion:
      "The vectors are read from WEBNN_WPT_DIR (default ../shared/wpt). Exits 1 on any failure or Vulkan validation message."
  )

  @OptionGroup var options: ReportOptions

  func run() async throws {
    let context = try await ML().createContext()
    let report = await WPTRunner().run(context: context, filter: options.filter)
    print(report.textTable())
    if let jsonPath = options.jsonPath { try report.json().write(to: URL(fileURLWithPath: jsonPath)) }
    let clean = ReportOptions.finish(context)
    // The summary stays the last line.
    if !clean { print(report.totals.summaryLine) }
    if !(report.totals.failed == 0 && clean && report.totals.cases > 0) { throw ExitCode.failure }
  }
}
