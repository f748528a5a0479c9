import Testing
import WPTConformance
import WebNN

/// Every conformance case under ../shared/wpt (or WEBNN_WPT_DIR) runs on the default device;
/// any failure of an implemented operator fails the test, and so does a listed expected
/// failure that starts passing.
@Test func conformanceVectorsPass() async throws {
  let runner = WPTRunner()
  let context = try await sharedContext()
  let report = await runner.run(context: context)
  print(report.textTable())
  #expect(report.totals.cases > 1700, "conformance vectors not found in \(runner.directory)")
  let failures = report.cases.filter { $0.status == .failed }
  #expect(failures.isEmpty, "\(failures.map { "\($0.identifier): \($0.message ?? "")" }.joined(separator: "\n"))")
  expectNoValidationMessages()
}
