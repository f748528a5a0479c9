import Foundation

/// The outcome of one case.
public enum WPTCaseStatus: String, Sendable, Codable, CaseIterable {
  /// Every output matched within the tolerance (or the graph was rejected as the spec requires).
  case passed
  /// Wrong values, an error, or an unexpected pass of a listed case.
  case failed
  /// Not run: an operator without a builder method, a data type outside `opSupportLimits()`,
  /// or `NotSupportedError` while building.
  case unsupported
  /// Failed, and listed in ``WPTExpectedFailure/all``.
  case expectedFailure = "expected-failure"
}

/// The result of one case.
public struct WPTCaseResult: Sendable, Codable {
  /// The case file stem.
  public var file: String
  /// The case name.
  public var name: String
  /// The case's data type.
  public var dataType: String
  /// The distinct operators the case uses.
  public var operators: [String]
  /// The outcome.
  public var status: WPTCaseStatus
  /// How outputs were compared, when they were.
  public var metric: WPTMetric?
  /// The allowed error in `metric`'s unit; nil when values were not checked.
  public var tolerance: Double?
  /// The largest element error in `metric`'s unit, when the outputs were compared.
  public var worstError: Double?
  /// Why the case failed or was not run.
  public var message: String?
  /// Wall-clock time of the case, building and running included.
  public var seconds: Double

  /// A result; the optional fields default to nil and `seconds` to 0.
  public init(
    file: String, name: String, dataType: String, operators: [String], status: WPTCaseStatus,
    metric: WPTMetric? = nil,
    tolerance: Double? = nil, worstError: Double? = nil, message: String? = nil, seconds: Double = 0
  ) {
    self.file = file
    self.name = name
    self.dataType = dataType
    self.operators = operators
    self.status = status
    self.metric = metric
    self.tolerance = tolerance
    self.worstError = worstError
    self.message = message
    self.seconds = seconds
  }

  /// `file/name`.
  public var identifier: String { "\(file)/\(name)" }

  private enum CodingKeys: String, CodingKey {
    case file, name, dataType, operators, status, metric, tolerance, worstError, message, seconds
  }

  /// Encodes the result. Non-finite errors are written as the strings `"NaN"`, `"Infinity"`
  /// and `"-Infinity"`, so any JSONEncoder can encode a report.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(file, forKey: .file)
    try c.encode(name, forKey: .name)
    try c.encode(dataType, forKey: .dataType)
    try c.encode(operators, forKey: .operators)
    try c.encode(status, forKey: .status)
    try c.encodeIfPresent(metric, forKey: .metric)
    try c.encodeNumber(tolerance, forKey: .tolerance)
    try c.encodeNumber(worstError, forKey: .worstError)
    try c.encodeIfPresent(message, forKey: .message)
    try c.encode(seconds, forKey: .seconds)
  }

  /// Decodes a result written by ``encode(to:)``; numbers may be JSON numbers or those strings.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    file = try c.decode(String.self, forKey: .file)
    name = try c.decode(String.self, forKey: .name)
    dataType = try c.decode(String.self, forKey: .dataType)
    operators = try c.decode([String].self, forKey: .operators)
    status = try c.decode(WPTCaseStatus.self, forKey: .status)
    metric = try c.decodeIfPresent(WPTMetric.self, forKey: .metric)
    tolerance = try c.decodeNumber(forKey: .tolerance)
    worstError = try c.decodeNumber(forKey: .worstError)
    message = try c.decodeIfPresent(String.self, forKey: .message)
    seconds = try c.decodeIfPresent(Double.self, forKey: .seconds) ?? 0
  }
}

/// Counts for one operator: a case counts under every distinct operator it uses.
public struct WPTOperatorResult: Sendable, Codable {
  /// The operator name.
  public var name: String
  /// Cases that passed.
  public var passed = 0
  /// Cases that failed.
  public var failed = 0
  /// Cases not run on this device.
  public var unsupported = 0
  /// Cases that failed as listed in ``WPTExpectedFailure/all``.
  public var expectedFailures = 0
  /// The worst error of the cases that used ULP tolerances.
  public var worstULP: Double?
  /// The worst error of the cases that used ATOL tolerances.
  public var worstATOL: Double?

  /// Zero counts for the operator `name`.
  public init(name: String) { self.name = name }

  /// All cases that use the operator.
  public var cases: Int { passed + failed + unsupported + expectedFailures }

  private enum CodingKeys: String, CodingKey {
    case name, passed, failed, unsupported, expectedFailures, worstULP, worstATOL
  }

  /// Encodes the counts; NaN and infinite errors become strings, as in ``WPTCaseResult``.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(name, forKey: .name)
    try c.encode(passed, forKey: .passed)
    try c.encode(failed, forKey: .failed)
    try c.encode(unsupported, forKey: .unsupported)
    try c.encode(expectedFailures, forKey: .expectedFailures)
    try c.encodeNumber(worstULP, forKey: .worstULP)
    try c.encodeNumber(worstATOL, forKey: .worstATOL)
  }

  /// Decodes counts written by ``encode(to:)``.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    passed = try c.decode(Int.self, forKey: .passed)
    failed = try c.decode(Int.self, forKey: .failed)
    unsupported = try c.decode(Int.self, forKey: .unsupported)
    expectedFailures = try c.decode(Int.self, forKey: .expectedFailures)
    worstULP = try c.decodeNumber(forKey: .worstULP)
    worstATOL = try c.decodeNumber(forKey: .worstATOL)
  }
}

extension KeyedEncodingContainer {
  /// A finite number as a JSON number; NaN and ±infinity as "NaN", "Infinity", "-Infinity".
  mutating func encodeNumber(_ value: Double?, forKey key: Key) throws {
    guard let value else { return }
    if value.isFinite {
      try encode(value, forKey: key)
    } else {
      try encode(WPTFormat.number(value), forKey: key)
    }
  }
}

extension KeyedDecodingContainer {
  func decodeNumber(forKey key: Key) throws -> Double? {
    if let string = try? decodeIfPresent(String.self, forKey: key) { return Double(string) }
    return try decodeIfPresent(Double.self, forKey: key)
  }
}

/// Case counts; each case counts once.
public struct WPTTotals: Sendable, Codable, Equatable {
  /// Every case that was selected.
  public var cases = 0
  /// Cases that passed.
  public var passed = 0
  /// Cases that failed.
  public var failed = 0
  /// Cases not run on this device.
  public var unsupported = 0
  /// Cases that failed as listed in ``WPTExpectedFailure/all``.
  public var expectedFailures = 0

  /// All counts zero.
  public init() {}

  /// Unsupported plus expected failures.
  public var skipped: Int { unsupported + expectedFailures }

  /// `N passed, N failed, N skipped`.
  public var summaryLine: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }

  private enum CodingKeys: String, CodingKey {
    case cases, passed, failed, unsupported, expectedFailures
  }
  private enum DerivedKeys: String, CodingKey { case skipped }

  /// Encodes the counts and the derived `skipped`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(cases, forKey: .cases)
    try container.encode(passed, forKey: .passed)
    try container.encode(failed, forKey: .failed)
    try container.encode(unsupported, forKey: .unsupported)
    try container.encode(expectedFailures, forKey: .expectedFailures)
    var derived = encoder.container(keyedBy: DerivedKeys.self)
    try derived.encode(skipped, forKey: .skipped)
  }
}

/// The results of a run, with a text table and a JSON form.
public struct WPTReport: Sendable, Codable {
  /// The folder the case files came from.
  public var directory: String
  /// The device the cases ran on.
  public var deviceName: String
  /// The `--filter` text, if one was given.
  public var filter: String?
  /// Every case result, in run order.
  public var cases: [WPTCaseResult]
  /// Per operator, sorted by name.
  public var operators: [WPTOperatorResult]
  /// Counts over all cases.
  public var totals: WPTTotals
  /// Remarks about the run itself (for example an expected-failure entry that matched no case).
  public var notes: [String]

  /// A report of `cases`; the per-operator counts and the totals are computed from them.
  public init(
    directory: String, deviceName: String, filter: String?, cases: [WPTCaseResult],
    notes: [String] = []
  ) {
    self.directory = directory
    self.deviceName = deviceName
    self.filter = filter
    self.cases = cases
    self.notes = notes
    var totals = WPTTotals()
    var byOperator: [String: WPTOperatorResult] = [:]
    for result in cases {
      totals.cases += 1
      switch result.status {
      case .passed: totals.passed += 1
      case .failed: totals.failed += 1
      case .unsupported: totals.unsupported += 1
      case .expectedFailure: totals.expectedFailures += 1
      }
      for name in Set(result.operators) {
        var entry = byOperator[name] ?? WPTOperatorResult(name: name)
        switch result.status {
        case .passed: entry.passed += 1
        case .failed: entry.failed += 1
        case .unsupported: entry.unsupported += 1
        case .expectedFailure: entry.expectedFailures += 1
        }
        if let error = result.worstError, let metric = result.metric {
          switch metric {
          case .ulp: entry.worstULP = Swift.max(entry.worstULP ?? error, error)
          case .atol: entry.worstATOL = Swift.max(entry.worstATOL ?? error, error)
          }
        }
        byOperator[name] = entry
      }
    }
    self.totals = totals
    self.operators = byOperator.values.sorted { $0.name < $1.name }
  }

  // MARK: Text

  /// One row per operator, then the failing cases with their messages, the expected failures,
  /// and last the line `N passed, N failed, N skipped` (no trailing newline: `print` it).
  public func textTable() -> String {
    var lines: [String] = []
    let header = [
      "operator", "passed", "failed", "unsupported", "xfail", "worst ULP", "worst ATOL",
    ]
    var rows: [[String]] = operators.map {
      [
        $0.name, "\($0.passed)", "\($0.failed)", "\($0.unsupported)", "\($0.expectedFailures)",
        $0.worstULP.map(Self.format) ?? "-", $0.worstATOL.map(Self.format) ?? "-",
      ]
    }
    rows.append([
      "total (cases)", "\(totals.passed)", "\(totals.failed)", "\(totals.unsupported)",
      "\(totals.expectedFailures)", "",
      "",
    ])
    let widths = header.indices.map { column in
      ([header] + rows).map { $0[column].count }.max() ?? 0
    }
    func render(_ row: [String]) -> String {
      row.enumerated().map { column, cell in
        column == 0
          ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
          : String(repeating: " ", count: widths[column] - cell.count) + cell
      }.joined(separator: "  ")
    }
    lines.append(render(header))
    lines.append(String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)))
    for (i, row) in rows.enumerated() {
      if i == rows.count - 1 {
        lines.append(String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1)))
      }
      lines.append(render(row))
    }

    let failures = cases.filter { $0.status == .failed }
    if !failures.isEmpty {
      lines.append("")
      lines.append("Failures (\(failures.count)):")
      for result in failures {
        lines.append("  FAIL \(result.identifier): \(Self.describe(result))")
      }
    }
    let expected = cases.filter { $0.status == .expectedFailure }
    if !expected.isEmpty {
      lines.append("")
      lines.append("Expected failures (\(expected.count)):")
      for result in expected {
        lines.append("  XFAIL \(result.identifier): \(Self.describe(result))")
      }
    }
    let unsupportedOps = operators.filter { $0.unsupported > 0 }.map(\.name)
    if !unsupportedOps.isEmpty {
      lines.append("")
      lines.append("Operators with unsupported cases: \(unsupportedOps.joined(separator: ", "))")
    }
    if !notes.isEmpty {
      lines.append("")
      for note in notes { lines.append("Note: \(note)") }
    }
    lines.append("")
    lines.append(totals.summaryLine)
    return lines.joined(separator: "\n")
  }

  static func describe(_ result: WPTCaseResult) -> String {
    var text = result.message ?? result.status.rawValue
    if let worst = result.worstError, let metric = result.metric {
      text += " [worst \(format(worst)) \(metric.rawValue)"
      if let tolerance = result.tolerance { text += ", tolerance \(format(tolerance))" }
      text += "]"
    }
    return text
  }

  static func format(_ value: Double) -> String {
    if value.isInfinite || value.isNaN || (value == value.rounded() && Swift.abs(value) < 1e15) {
      return WPTFormat.number(value)
    }
    return String(format: "%.3g", value)
  }

  // MARK: JSON

  /// The report as JSON: totals, per operator and per case. Non-finite numbers are written as
  /// the strings "Infinity", "-Infinity" and "NaN".
  public func json() -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return (try? encoder.encode(self)) ?? Data("{}".utf8)
  }

  /// Writes ``json()`` to `path`.
  public func writeJSON(to path: String) throws {
    try json().write(to: URL(fileURLWithPath: path))
  }
}
