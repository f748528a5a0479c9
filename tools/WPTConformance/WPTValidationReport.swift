import Foundation

/// What became of one recorded call (or one step of an `api.json` trace).
public enum WPTValidationStatus: String, Codable, Sendable, CaseIterable {
  /// The outcome is the one the vector expects.
  case passed
  /// The outcome differs from the vector's (and no allowlist entry covers it), or an allowlist
  /// entry no longer holds.
  case failed
  /// The vector predates the spec; the outcome is the spec's, as an allowlist entry says.
  case allowlisted
  /// The Swift API cannot express the JavaScript call (a WebIDL-level value); see the reason.
  case notExpressible = "not-expressible"
  /// The builder has no method for the operator yet.
  case unsupportedOp = "unsupported-op"
  /// The call does not exist for this implementation (it depends on support limits or a
  /// maxTensorByteLength this context does not have).
  case notApplicable = "not-applicable"
}

/// The result of one call.
public struct WPTValidationResult: Codable, Sendable {
  /// The vector file's stem (`argMinMax`, `api`, ...).
  public var file: String
  /// The WPT test name.
  public var test: String
  /// The call's `id` (or the step's `i` in `api.json`); -1 for a whole file or allowlist entry.
  public var call: Int
  /// The builder method (or API step) called.
  public var op: String
  /// What became of the call.
  public var status: WPTValidationStatus
  /// The outcome the vector expects, in words.
  public var expected: String
  /// The outcome observed, in words (`not run` when the call was skipped).
  public var actual: String
  /// Why the call was skipped, allowlisted or failed.
  public var reason: String?

  /// `file/test#call`.
  public var identifier: String { "\(file)/\(test)#\(call)" }
}

/// Call counts of one file.
public struct WPTValidationFileSummary: Codable, Sendable {
  /// The vector file's stem.
  public var file: String
  /// Calls per ``WPTValidationStatus`` raw value; statuses with no calls are absent.
  public var counts: [String: Int]

  /// The number of calls with `status`.
  public func count(_ status: WPTValidationStatus) -> Int { counts[status.rawValue] ?? 0 }
}

/// Totals of a replay. `skipped` is every call neither passed nor failed.
public struct WPTValidationTotals: Codable, Sendable {
  /// Calls whose outcome is the vector's.
  public var passed = 0
  /// Calls whose outcome differs, and allowlist entries that no longer hold.
  public var failed = 0
  /// Calls that follow the spec where the vector is older, as the allowlist says.
  public var allowlisted = 0
  /// Calls the Swift API cannot express.
  public var notExpressible = 0
  /// Calls of operators the builder does not have.
  public var unsupportedOp = 0
  /// Calls that do not apply to this context.
  public var notApplicable = 0

  /// Every call neither passed nor failed.
  public var skipped: Int { allowlisted + notExpressible + unsupportedOp + notApplicable }
  /// Every call.
  public var calls: Int { passed + failed + skipped }

  /// `N passed, N failed, N skipped`.
  public var summaryLine: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

  private enum CodingKeys: String, CodingKey {
    case passed, failed, allowlisted, notExpressible, unsupportedOp, notApplicable, skipped, calls
  }

  /// All counts zero.
  public init() {}

  /// Decodes the counts; the derived `skipped` and `calls` are recomputed, not read.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    passed = try c.decode(Int.self, forKey: .passed)
    failed = try c.decode(Int.self, forKey: .failed)
    allowlisted = try c.decode(Int.self, forKey: .allowlisted)
    notExpressible = try c.decode(Int.self, forKey: .notExpressible)
    unsupportedOp = try c.decode(Int.self, forKey: .unsupportedOp)
    notApplicable = try c.decode(Int.self, forKey: .notApplicable)
  }

  /// The counts, plus `skipped` and `calls`.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(passed, forKey: .passed)
    try c.encode(failed, forKey: .failed)
    try c.encode(allowlisted, forKey: .allowlisted)
    try c.encode(notExpressible, forKey: .notExpressible)
    try c.encode(unsupportedOp, forKey: .unsupportedOp)
    try c.encode(notApplicable, forKey: .notApplicable)
    try c.encode(skipped, forKey: .skipped)
    try c.encode(calls, forKey: .calls)
  }

  mutating func add(_ status: WPTValidationStatus) {
    switch status {
    case .passed: passed += 1
    case .failed: failed += 1
    case .allowlisted: allowlisted += 1
    case .notExpressible: notExpressible += 1
    case .unsupportedOp: unsupportedOp += 1
    case .notApplicable: notApplicable += 1
    }
  }
}

/// The outcome of replaying the validation vectors.
public struct WPTValidationReport: Codable, Sendable {
  /// The folder the vectors came from.
  public var directory: String
  /// The device the builder validated for.
  public var device: String
  /// The context's `maxTensorByteLength`, which decides the cases that depend on it.
  public var maxTensorByteLength: Int
  /// One result per call, in replay order.
  public var results: [WPTValidationResult]

  /// Counts over all results.
  public var totals: WPTValidationTotals {
    var totals = WPTValidationTotals()
    for result in results { totals.add(result.status) }
    return totals
  }

  /// Per-file counts, in file order.
  public var files: [WPTValidationFileSummary] {
    var order: [String] = []
    var counts: [String: [String: Int]] = [:]
    for result in results {
      if counts[result.file] == nil { order.append(result.file) }
      counts[result.file, default: [:]][result.status.rawValue, default: 0] += 1
    }
    return order.map { WPTValidationFileSummary(file: $0, counts: counts[$0]!) }
  }

  private enum CodingKeys: String, CodingKey {
    case directory, device, maxTensorByteLength, results, totals, files
  }

  /// A report of `results`; the totals and per-file counts are computed from them.
  public init(
    directory: String, device: String, maxTensorByteLength: Int, results: [WPTValidationResult]
  ) {
    self.directory = directory
    self.device = device
    self.maxTensorByteLength = maxTensorByteLength
    self.results = results
  }

  /// Decodes a report written by ``encode(to:)``; the derived totals and files are recomputed.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    directory = try c.decode(String.self, forKey: .directory)
    device = try c.decode(String.self, forKey: .device)
    maxTensorByteLength = try c.decode(Int.self, forKey: .maxTensorByteLength)
    results = try c.decode([WPTValidationResult].self, forKey: .results)
  }

  /// Encodes the results with the derived totals and per-file counts.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(directory, forKey: .directory)
    try c.encode(device, forKey: .device)
    try c.encode(maxTensorByteLength, forKey: .maxTensorByteLength)
    try c.encode(results, forKey: .results)
    try c.encode(totals, forKey: .totals)
    try c.encode(files, forKey: .files)
  }

  /// The per-file table, the failing calls with expected and actual outcomes, the reasons of
  /// the skipped calls (grouped), and the summary line last.
  public func textTable() -> String {
    var lines: [String] = []
    let columns: [(String, WPTValidationStatus)] = [
      ("passed", .passed), ("failed", .failed), ("allowlisted", .allowlisted),
      ("not-expr", .notExpressible),
      ("unsupported", .unsupportedOp), ("n/a", .notApplicable),
    ]
    let width = Swift.max(36, (files.map(\.file.count).max() ?? 0) + 2)
    func row(_ name: String, _ values: [String]) -> String {
      name.padding(toLength: width, withPad: " ", startingAt: 0)
        + values.map { String(repeating: " ", count: Swift.max(0, 12 - $0.count)) + $0 }.joined()
    }
    lines.append("WebNN validation vectors: \(directory)")
    lines.append("device: \(device), maxTensorByteLength \(maxTensorByteLength)")
    lines.append(row("file", columns.map(\.0)))
    for summary in files {
      lines.append(row(summary.file, columns.map { String(summary.count($0.1)) }))
    }
    let t = totals
    lines.append(
      row(
        "total",
        [t.passed, t.failed, t.allowlisted, t.notExpressible, t.unsupportedOp, t.notApplicable].map(
          String.init)))

    let failures = results.filter { $0.status == .failed }
    if !failures.isEmpty {
      lines.append("")
      lines.append("FAILED (\(failures.count)):")
      for f in failures {
        lines.append("  \(f.identifier) \(f.op)")
        lines.append("      expected: \(f.expected)")
        lines.append("      actual:   \(f.actual)")
        if let reason = f.reason { lines.append("      \(reason)") }
      }
    }
    for status in [
      WPTValidationStatus.allowlisted, .notExpressible, .unsupportedOp, .notApplicable,
    ] {
      let group = results.filter { $0.status == status }
      guard !group.isEmpty else { continue }
      lines.append("")
      lines.append("\(status.rawValue) (\(group.count)):")
      var reasons: [String] = []
      var counts: [String: (Int, String)] = [:]
      for r in group {
        let key = "\(r.file): \(r.reason ?? "")"
        if counts[key] == nil { reasons.append(key) }
        counts[key] = ((counts[key]?.0 ?? 0) + 1, counts[key]?.1 ?? r.identifier)
      }
      for key in reasons {
        let (n, example) = counts[key]!
        lines.append("  \(n)x \(key)" + (n == 1 ? "  [\(example)]" : ""))
      }
    }
    lines.append("")
    lines.append(t.summaryLine)
    return lines.joined(separator: "\n")
  }

  /// The report as pretty-printed JSON.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return try encoder.encode(self)
  }
}
