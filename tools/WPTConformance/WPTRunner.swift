import Foundation
import WebNNCore

/// Runs the WebNN conformance cases (shared/wpt/*.json) on a context.
///
/// ```swift
/// let runner = WPTRunner()  // $WEBNN_WPT_DIR or ../shared/wpt
/// let report = await runner.run(context: context, filter: "conv2d")
/// print(report.textTable(), terminator: "")
/// try report.json().write(to: URL(fileURLWithPath: "wpt-report.json"))
/// ```
public struct WPTRunner: Sendable {
  /// The directory holding the case files.
  public var directory: String
  /// Cases expected to fail; defaults to ``WPTExpectedFailure/all``.
  public var expectedFailures: [WPTExpectedFailure]

  /// A runner for the case files in `directory` (default: ``WPTLoader/defaultDirectory(environment:)``).
  public init(
    directory: String? = nil, expectedFailures: [WPTExpectedFailure] = WPTExpectedFailure.all
  ) {
    self.directory = directory ?? WPTLoader.defaultDirectory()
    self.expectedFailures = expectedFailures
  }

  /// Parses the case files (problems are kept per file, never thrown).
  public func loadCaseFiles() -> [WPTCaseFile] {
    WPTLoader.load(directory: directory)
  }

  /// Whether a case is selected by `filter`: a case-insensitive substring of `file/name`, or the
  /// exact name of one of its operators. nil or empty selects every case.
  public static func matches(file: String, name: String, operators: [String], filter: String?)
    -> Bool
  {
    guard let filter = filter?.trimmingCharacters(in: .whitespaces).lowercased(), !filter.isEmpty
    else { return true }
    return "\(file)/\(name)".lowercased().contains(filter)
      || operators.contains { $0.lowercased() == filter }
  }

  /// Runs every selected case, one after another. Never throws: each case's error becomes its
  /// result.
  public func run(context: MLContext, filter: String? = nil) async -> WPTReport {
    await run(context: context, filter: filter, progress: { _ in })
  }

  /// Runs every selected case, calling `progress` after each one.
  public func run(
    context: MLContext, filter: String?, progress: @escaping @Sendable (WPTCaseResult) -> Void
  ) async -> WPTReport {
    let files = loadCaseFiles()
    var results: [WPTCaseResult] = []
    var seen = Set<String>()
    for file in files {
      for problem in file.problems
      where Self.matches(file: file.file, name: problem.name, operators: [], filter: filter) {
        let result = WPTCaseResult(
          file: file.file, name: problem.name.isEmpty ? "(file)" : problem.name, dataType: "",
          operators: [],
          status: .failed, message: problem.message)
        results.append(result)
        progress(result)
      }
      for testCase in file.cases {
        seen.insert(testCase.identifier)
        guard
          Self.matches(
            file: testCase.file, name: testCase.name, operators: testCase.operatorNames,
            filter: filter)
        else { continue }
        let result = await run(testCase, context: context)
        results.append(result)
        progress(result)
      }
    }
    var notes: [String] = []
    if filter?.trimmingCharacters(in: .whitespaces).isEmpty ?? true {
      for entry in expectedFailures where !seen.contains("\(entry.file)/\(entry.name)") {
        notes.append("expected-failure entry \(entry.file)/\(entry.name) matches no case")
      }
    }
    return WPTReport(
      directory: directory, deviceName: context.deviceName, filter: filter, cases: results,
      notes: notes)
  }

  /// Runs one case and applies the expected-failure list.
  public func run(_ testCase: WPTCase, context: MLContext) async -> WPTCaseResult {
    let clock = ContinuousClock()
    let start = clock.now
    var result = WPTCaseResult(
      file: testCase.file, name: testCase.name, dataType: testCase.dataType,
      operators: testCase.operatorNames,
      status: .failed, metric: testCase.tolerance.metric, tolerance: testCase.tolerance.value)
    let missing = testCase.operatorNames.filter { !WPTGraphReplay.supportedOperators.contains($0) }
    if !missing.isEmpty {
      result.status = .unsupported
      result.message = "MLGraphBuilder has no method for \(missing.joined(separator: ", "))"
    } else {
      do {
        let comparison = try await execute(testCase, context: context)
        result.worstError = comparison.worst
        if comparison.badElements == 0 {
          result.status = .passed
          if testCase.tolerance.value == nil {
            result.message = "no tolerance value: values not checked (as in WPT)"
          }
        } else {
          result.status = .failed
          result.message =
            "\(comparison.badElements) of \(comparison.checked) elements out of tolerance; first: \(comparison.first ?? "?")"
        }
      } catch let rejection as BuildRejected {
        result.message = rejection.description
        if let entry = WPTSpecRejection.lookup(file: testCase.file, name: testCase.name),
          rejection.error.kind == .typeError
        {
          result.status = .passed
          result.message = "rejected with TypeError as the current spec requires (\(entry.reason))"
        }
      } catch let error as WPTUnsupported {
        result.status = .unsupported
        result.message = error.message
      } catch let error as WPTCaseFileError {
        result.message = "invalid case: \(error.message)"
      } catch {
        result.message = "\(error)"
      }
    }
    if let entry = WPTSpecRejection.lookup(file: testCase.file, name: testCase.name),
      result.status == .passed, result.message?.hasPrefix("rejected") != true
    {
      result.status = .failed
      result.message = "the current spec rejects this case (\(entry.reason)), but it built and ran"
    }
    if let entry = WPTExpectedFailure.lookup(
      file: testCase.file, name: testCase.name, in: expectedFailures)
    {
      switch result.status {
      case .failed:
        result.status = .expectedFailure
        result.message = "\(entry.reason) | \(result.message ?? "failed")"
      case .passed:
        result.status = .failed
        result.message =
          "unexpected pass: the case is listed as an expected failure (\(entry.reason)); remove it from the list"
      case .unsupported, .expectedFailure:
        break
      }
    }
    let elapsed = start.duration(to: clock.now)
    result.seconds =
      Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return result
  }

  struct Comparison {
    var worst = 0.0
    var badElements = 0
    var checked = 0
    var first: String?
  }

  /// The builder refused the case's graph; `error` keeps the kind for spec-rejected cases.
  struct BuildRejected: Error, CustomStringConvertible {
    let error: MLError
    var description: String { "building the graph failed: \(error)" }
  }

  /// An error of a phase, with the phase named in its message.
  struct PhaseError: Error, CustomStringConvertible {
    let description: String
  }

  /// Builds, runs and compares one case.
  func execute(_ testCase: WPTCase, context: MLContext) async throws -> Comparison {
    // Build the graph. NotSupportedError here means the backend lacks a kernel.
    let graph: MLGraph
    var outputOperands: [String: MLOperand] = [:]
    do {
      let builder = MLGraphBuilder(context)
      var replay = WPTGraphReplay(builder: builder, limits: context.opSupportLimits())
      try replay.addInputs(testCase.inputs)
      for call in testCase.operators { try replay.apply(call) }
      for output in testCase.expectedOutputs {
        guard let operand = replay.operands[output.name] else {
          throw WPTCaseFileError(
            "expected output \"\(output.name)\" is not produced by any operator")
        }
        guard operand.descriptor == output.tensor.descriptor else {
          throw PhaseError(
            description:
              "output \(output.name): the graph gives \(operand.descriptor), expected \(output.tensor.descriptor)"
          )
        }
        outputOperands[output.name] = operand
      }
      graph = try await builder.build(outputOperands)
    } catch let error as MLError where error.kind == .notSupportedError {
      throw WPTUnsupported("NotSupportedError while building: \(error.message)")
    } catch let error as MLError {
      throw BuildRejected(error: error)
    }
    defer { graph.destroy() }

    // Run it.
    var tensors: [MLTensor] = []
    defer { for tensor in tensors { tensor.destroy() } }
    var outputBytes: [String: [UInt8]] = [:]
    do {
      let graphInputs = graph.inputDescriptors
      var inputTensors: [String: MLTensor] = [:]
      for input in testCase.inputs where !input.tensor.constant && graphInputs[input.name] != nil {
        let t = input.tensor
        let tensor = try await context.createTensor(
          MLTensorDescriptor(dataType: t.dataType, shape: t.shape, writable: true))
        tensors.append(tensor)
        try context.writeTensor(tensor, WPTTensorCoding.encode(t))
        inputTensors[input.name] = tensor
      }
      var outputTensors: [String: MLTensor] = [:]
      for output in testCase.expectedOutputs {
        let t = output.tensor
        let tensor = try await context.createTensor(
          MLTensorDescriptor(dataType: t.dataType, shape: t.shape, readable: true))
        tensors.append(tensor)
        outputTensors[output.name] = tensor
      }
      try context.dispatch(graph, inputs: inputTensors, outputs: outputTensors)
      for output in testCase.expectedOutputs {
        outputBytes[output.name] = try await context.readTensor(outputTensors[output.name]!)
      }
    } catch let error as MLError {
      throw PhaseError(description: "running the graph failed: \(error)")
    }

    // Compare.
    var comparison = Comparison()
    let metric = testCase.tolerance.metric
    let tolerance = testCase.tolerance.value
    for output in testCase.expectedOutputs {
      let expected = output.tensor
      let bytes = outputBytes[output.name] ?? []
      let count = expected.elementCount
      guard bytes.count >= expected.dataType.byteLength(elementCount: count) else {
        throw PhaseError(
          description:
            "output \(output.name): read \(bytes.count) bytes, expected \(expected.descriptor)")
      }
      let checked = expected.splat ? Swift.min(count, 1000) : count
      for i in 0..<checked {
        let j = expected.splat ? 0 : i
        let value = expected.data[j]
        let actual = WPTTensorCoding.element(bytes, i, expected.dataType)
        let error = WPTComparison.error(
          actual: actual, expected: value, expectedFloat16Bits: expected.float16Bits?[j],
          metric: metric)
        comparison.worst = Swift.max(comparison.worst, error)
        comparison.checked += 1
        if !WPTComparison.passes(error, tolerance: tolerance) {
          comparison.badElements += 1
          if comparison.first == nil {
            comparison.first =
              "\(output.name)[\(i)] = \(actual), expected \(WPTFormat.number(value)) (error \(WPTReport.format(error)) \(metric.rawValue) > \(tolerance.map(WPTReport.format) ?? "-"))"
          }
        }
      }
    }
    return comparison
  }
}
