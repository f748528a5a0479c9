import Foundation
import Testing
import WPTConformance
import WebNN

/// Every WPT validation call under ../shared/wpt-validation (or WEBNN_WPT_VALIDATION_DIR) is
/// replayed against the builder; any failed call fails the test, including an allowlisted
/// call that starts matching its vector and an allowlist entry that matches no call.
@Test func validationVectorsReplay() async throws {
  let runner = WPTValidationRunner()
  let context = try await sharedContext()
  let report = await runner.run(context: context, ml: ML())
  print(report.textTable())
  #expect(report.totals.calls > 20_000, "validation vectors not found in \(runner.directory)")
  let failures = report.results.filter { $0.status == .failed }
  #expect(
    failures.isEmpty,
    "\(failures.map { "\($0.identifier): expected \($0.expected), got \($0.actual)" }.joined(separator: "\n"))"
  )
  expectNoValidationMessages()
}

@Suite struct ValidationReplayUnitTests {
  /// A call file of three calls: a pass, a stale expectation on the allowlist and a failure.
  static let sample = Data(
    #"""
    {"cases": [{"file": "relu.https.any.js", "name": "sample", "calls": [
      {"id": 0, "builder": 0, "op": "relu",
       "args": [{"operand": {"dataType": "float32", "shape": [2], "builder": 0, "kind": "input", "name": "x"}}],
       "options": {"label": "l1"}, "expect": {"ok": true, "dataType": "float32", "shape": [2]}},
      {"id": 1, "builder": 0, "op": "relu",
       "args": [{"operand": {"dataType": "float32", "shape": [2], "builder": 0, "kind": "input", "name": "x"}}],
       "options": {"label": "l2"}, "expect": {"throws": "TypeError", "messageMatches": "\\[l2\\]"}},
      {"id": 2, "builder": 0, "op": "relu",
       "args": [{"operand": {"dataType": "uint32", "shape": [2], "builder": 0, "kind": "input", "name": "x"}}],
       "options": {"label": "l3"}, "expect": {"ok": true, "dataType": "uint32", "shape": [2]}}
    ]}]}
    """#.utf8)

  @Test func statusesFollowTheVectorsAndTheAllowlist() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "wpt-validation-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.sample.write(to: directory.appendingPathComponent("relu.json"))
    let entry = WPTValidationAllowlistEntry(
      file: "relu", test: "sample", calls: [1], spec: .ok(shape: [2]), reason: "a test entry")
    let runner = WPTValidationRunner(directory: directory.path, allowlist: [entry])
    let report = await runner.run(context: try await sharedContext())
    #expect(report.results.map(\.status) == [.passed, .allowlisted, .failed])
    #expect(report.results[2].actual.contains("TypeError: relu [l3]: input: data type uint32"))
    #expect(report.textTable().hasSuffix("1 passed, 1 failed, 1 skipped"))
  }

  @Test func anUnusedAllowlistEntryFails() async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "wpt-validation-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try Self.sample.write(to: directory.appendingPathComponent("relu.json"))
    let entry = WPTValidationAllowlistEntry(
      file: "relu", test: "no such test", spec: .typeError, reason: "stale")
    let report = await WPTValidationRunner(directory: directory.path, allowlist: [entry])
      .run(context: try await sharedContext())
    #expect(report.results.last?.status == .failed)
    #expect(report.results.last?.reason?.contains("stale allowlist entry") == true)
  }

  @Test func theDirectoryComesFromTheEnvironment() {
    #expect(WPTValidationLoader.defaultDirectory(environment: [:]) == "../shared/wpt-validation")
    #expect(
      WPTValidationLoader.defaultDirectory(environment: ["WEBNN_WPT_VALIDATION_DIR": "/tmp/v"])
        == "/tmp/v")
  }
}
