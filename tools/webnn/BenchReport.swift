import Foundation

/// The results of one `webnn bench` run: the printed table and the `--json` document.
struct BenchReport {
  /// A benchmark that failed to run or failed a check.
  struct Failure: Encodable {
    var name: String
    var message: String
  }

  /// The per-operator overhead: (median of 200 chained adds - median of 1 add) / 199.
  struct Overhead: Encodable {
    var oursMicroseconds: Double?
    var ortMicroseconds: Double?
  }

  let device: String
  let options: BenchOptions
  let results: [BenchResult]
  /// Benchmarks that threw while building or running.
  let errors: [Failure]

  var failures: [Failure] {
    errors + results.flatMap { result in result.failures.map { Failure(name: result.name, message: $0) } }
  }

  var overhead: Overhead {
    func lookup(_ count: Int) -> BenchResult? { results.first { $0.name == "overhead/add-x\(count)" } }
    guard let one = lookup(1), let chain = lookup(BenchSuite.overheadChain) else { return Overhead() }
    let operators = Double(BenchSuite.overheadChain - 1)
    var ort: Double?
    if let a = one.ort?.medianMs, let b = chain.ort?.medianMs { ort = (b - a) / operators * 1000 }
    return Overhead(oursMicroseconds: (chain.medianMs - one.medianMs) / operators * 1000, ortMicroseconds: ort)
  }

  func table() -> String {
    var header = ["name", "kind", "min ms", "median ms", "rate", "build ms", "peak MB", "arena MB", "kernels"]
    if options.buildTimes { header += ["build cold", "new process", "warm"] }
    if options.onnxruntime { header += ["ORT min", "ORT median", "ours/ORT", "ORT rate", "max abs", "max rel"] }
    header.append("check")
    var rows = [header]
    for result in results {
      let unit = result.rateUnit.map { " " + $0 } ?? ""
      var row = [
        result.name, result.kind, Self.number(result.minMs), Self.number(result.medianMs),
        result.rate.map { Self.number($0) + unit } ?? "-", Self.number(result.buildMs),
        String(format: "%.2f", Double(result.memoryBytes) / 1e6),
        result.arenaBytes.map { arena in
          String(format: "%.2f/%.2f", Double(arena) / 1e6, Double(result.intermediateBytes ?? 0) / 1e6)
        } ?? "-",
        result.dispatches.map { "\($0)/\(result.pipelines ?? 0)" } ?? "-",
      ]
      if options.buildTimes {
        let times = result.buildTimes
        row += [times?.coldMs, times?.newProcessMs, times?.warmInProcessMs].map { $0.map { Self.number($0) } ?? "-" }
      }
      if options.onnxruntime {
        let ort = result.ort
        row += [
          ort?.minMs.map { Self.number($0) } ?? "-", ort?.medianMs.map { Self.number($0) } ?? "-",
          result.ratioToORT.map { Self.number($0) } ?? "-", ort?.rate.map { Self.number($0) + unit } ?? "-",
          result.maxAbsDifference.map { Self.scientific($0) } ?? "-",
          result.maxRelativeDifference.map { Self.scientific($0) } ?? "-",
        ]
      }
      let compared = result.referenceRelativeError != nil || result.maxRelativeDifference != nil
      row.append(result.failures.isEmpty ? (compared ? "ok" : "finite") : "FAIL")
      rows.append(row)
    }
    var lines = Self.align(rows)
    let overhead = overhead
    if let ours = overhead.oursMicroseconds {
      var line = "per-op overhead (median, \(BenchSuite.overheadChain) chained adds vs 1): \(Self.number(ours)) us"
      if let ort = overhead.ortMicroseconds { line += ", ONNX Runtime \(Self.number(ort)) us" }
      lines.append(line)
    }
    if let resident = Self.peakResidentBytes() {
      lines.append(String(format: "process peak resident memory: %.1f MB", Double(resident) / 1e6))
    }
    for error in errors { lines.append("error: \(error.name): \(error.message)") }
    lines += Self.legend(results, onnxruntime: options.onnxruntime)
    return lines.joined(separator: "\n")
  }

  /// The process's peak resident set (VmHWM of /proc/self/status), where the system reports it.
  static func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return nil }
    return kilobytes * 1024
  }

  static func legend(_ results: [BenchResult], onnxruntime: Bool) -> [String] {
    var lines = [
      "time: dispatch + readTensor of every output, min and median over the runs; rate from the min time",
      "GFLOP/s: conv2d/matmul/gemm multiply-adds x 2 only; peak MB: device memory while built and run (constants, intermediates, scratch, tensors)",
      "arena MB: the graph's intermediates placed by liveness in one buffer / the same with a buffer each",
      "kernels: dispatches per run / distinct kernel variants (pipelines) of the graph",
      "check: ok = finite, and within tolerance of a sampled CPU reference (1e-3 relative, float16 1e-2) and/or ONNX"
        + " Runtime; finite = finite, nothing to compare with",
    ]
    var notes: [String: [String]] = [:]
    for result in results { if let note = result.bytesNote { notes[note, default: []].append(result.name) } }
    for (note, names) in notes.sorted(by: { $0.key < $1.key }) {
      lines.append("GB/s \(names.joined(separator: ", ")): \(note)")
    }
    if onnxruntime {
      lines.append(
        "ONNX Runtime: CPU provider, default threads, same graphs, weights, inputs and run counts; ours/ORT from min times"
      )
      lines.append(
        "max rel = max |ours - ORT| / max |ORT| per output tensor; --check fails above 1e-4 (float16: 1e-2)")
    }
    return lines
  }

  func json() throws -> Data {
    struct Document: Encodable {
      var device: String
      var runs: Int
      var warmup: Int
      var reduced: Bool
      var results: [BenchResult]
      var perOpOverhead: BenchReport.Overhead
      var failures: [BenchReport.Failure]
      var legend: [String]
    }
    let document = Document(
      device: device, runs: options.runs, warmup: options.warmup, reduced: options.reduced, results: results,
      perOpOverhead: overhead, failures: failures, legend: Self.legend(results, onnxruntime: options.onnxruntime))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    // A failed comparison can be infinite; JSON has no such number.
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(document)
  }

  /// Three significant digits, without exponent for the usual range of times and rates.
  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    let magnitude = Swift.abs(value)
    if magnitude >= 100 || magnitude == 0 { return String(format: "%.0f", value) }
    if magnitude >= 10 { return String(format: "%.1f", value) }
    if magnitude >= 1 { return String(format: "%.2f", value) }
    if magnitude >= 0.01 { return String(format: "%.3f", value) }
    return String(format: "%.2e", value)
  }

  static func scientific(_ value: Double) -> String { value.isFinite ? String(format: "%.1e", value) : "\(value)" }

  /// Columns padded to their widest cell: the first left-aligned, the others right-aligned.
  static func align(_ rows: [[String]]) -> [String] {
    let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
    return rows.map { row in
      row.enumerated().map { column, cell in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 ? cell + padding : padding + cell
      }.joined(separator: "  ")
    }
  }
}
