import Foundation
import Testing
import WebNNCore

@testable import WPTConformance

// Pure-Swift tests of the conformance runner: tolerance rules, data encoding, case parsing and
// one end-to-end case on a tiny in-process backend (no device needed).

@Suite("WPT tolerance")
struct WPTToleranceTests {
  private func ulp32(_ actual: Float, _ expected: Double) -> Double {
    WPTComparison.error(actual: WPTScalar(float: actual), expected: expected, metric: .ulp)
  }

  @Test func float32ULPCountsRepresentableSteps() {
    #expect(ulp32(1, 1) == 0)
    #expect(ulp32(Float(1).nextUp, 1) == 1)
    #expect(ulp32(Float(1).nextUp.nextUp.nextUp, 1) == 3)
    #expect(ulp32(Float(1).nextDown, 1) == 1)
    // The expected value is rounded to float32 first.
    #expect(ulp32(Float(0.1), 0.1) == 0)
  }

  @Test func float32ULPAcrossZeroUsesSignMagnitude() {
    let tiny = Float.leastNonzeroMagnitude
    #expect(ulp32(tiny, -Double(tiny)) == 2)
    #expect(ulp32(-tiny, 0) == 1)
    #expect(ulp32(-0.0, 0) == 0)
    #expect(ulp32(0, -0.0) == 0)
    // -1 vs 1: two magnitudes of 0x3F800000.
    #expect(ulp32(-1, 1) == 2 * Double(Float(1).bitPattern))
  }

  @Test func float32NaNAndInfinity() {
    #expect(ulp32(.nan, .nan) == 0)
    let otherNaN = Float(bitPattern: 0xFFC0_0001)
    #expect(otherNaN.isNaN)
    #expect(ulp32(otherNaN, .nan) == 0)
    #expect(ulp32(.nan, 1) == .infinity)
    #expect(ulp32(1, .nan) == .infinity)
    #expect(ulp32(.infinity, .infinity) == 0)
    #expect(ulp32(-.infinity, -.infinity) == 0)
    #expect(ulp32(.greatestFiniteMagnitude, .infinity) == 1)
  }

  @Test func float16ULPIsRawBitDistance() {
    func ulp16(_ bits: UInt16, _ expected: Double, _ expectedBits: UInt16? = nil) -> Double {
      WPTComparison.error(
        actual: .float16(bits), expected: expected, expectedFloat16Bits: expectedBits, metric: .ulp)
    }
    #expect(ulp16(0x3C00, 1) == 0)
    #expect(ulp16(0x3C01, 1) == 1)
    #expect(ulp16(0x3C00, 1, 0x3BFE) == 2)  // float16Bits wins over the decimal value
    #expect(ulp16(0x8000, 0) == 0)  // -0 vs +0
    #expect(ulp16(0x0000, 0, 0x8000) == 0)
    // A raw uint16 difference: crossing the sign bit is a large distance.
    #expect(ulp16(0x8001, 0, 0x0001) == Double(0x8000))
    // NaN vs NaN matches whatever the payload; the file writes NaN as 0x7E00.
    #expect(ulp16(0x7C01, .nan, 0x7E00) == 0)
    #expect(ulp16(0xFE00, .nan) == 0)
    #expect(ulp16(0x7C00, .nan, 0x7E00) == .infinity)  // +Inf is not NaN
    #expect(ulp16(0x7E00, 1) == .infinity)
  }

  @Test func integerULPIsExactDifference() {
    #expect(WPTComparison.error(actual: .signed(-3), expected: 2, metric: .ulp) == 5)
    #expect(WPTComparison.error(actual: .signed(7), expected: 7, metric: .ulp) == 0)
    #expect(WPTComparison.error(actual: .unsigned(255), expected: 254, metric: .ulp) == 1)
    // Exact beyond 2^53 on the actual side.
    let big: Int64 = (1 << 53) + 1
    #expect(
      WPTComparison.error(actual: .signed(big), expected: 9_007_199_254_740_992, metric: .ulp) == 1)
    #expect(WPTComparison.error(actual: .unsigned(UInt64.max), expected: 0, metric: .ulp) > 0)
  }

  @Test func atolIsAbsoluteDifference() {
    let tol = 1.0 / 1024
    let e = WPTComparison.error(actual: WPTScalar(float: 0.5005), expected: 0.5, metric: .atol)
    #expect(Swift.abs(e - 0.0005) < 1e-6)
    #expect(WPTComparison.passes(e, tolerance: tol))
    let far = WPTComparison.error(actual: WPTScalar(float: 0.502), expected: 0.5, metric: .atol)
    #expect(!WPTComparison.passes(far, tolerance: tol))
    let half = WPTComparison.error(
      actual: WPTScalar(half: Float16(0.25)), expected: 0.25, metric: .atol)
    #expect(half == 0)
    #expect(WPTComparison.error(actual: WPTScalar(float: .nan), expected: .nan, metric: .atol) == 0)
    #expect(WPTComparison.passes(12, tolerance: nil))  // WPT skips the check without a value
  }
}

@Suite("WPT data coding")
struct WPTCodingTests {
  @Test func packsFourBitValuesLowNibbleFirst() {
    let t = WPTTensor(shape: [4], dataType: .int4, data: [1, -1, 10, -15])
    // 10 and -15 wrap to their low four bits: 0xA and 0x1.
    #expect(WPTTensorCoding.encode(t) == [0xF1, 0x1A])
    let bytes: [UInt8] = [0xF1, 0x1A]
    #expect(WPTTensorCoding.element(bytes, 0, .int4) == .signed(1))
    #expect(WPTTensorCoding.element(bytes, 1, .int4) == .signed(-1))
    #expect(WPTTensorCoding.element(bytes, 2, .uint4) == .unsigned(0xA))
    let odd = WPTTensor(shape: [3], dataType: .uint4, data: [15, 0, 7])
    #expect(WPTTensorCoding.encode(odd) == [0x0F, 0x07])
  }

  @Test func encodesLittleEndianPerType() {
    #expect(
      WPTTensorCoding.encode(WPTTensor(shape: [], dataType: .float32, data: [1])) == [
        0, 0, 0x80, 0x3F,
      ])
    #expect(
      WPTTensorCoding.encode(WPTTensor(shape: [1], dataType: .int32, data: [-2])) == [
        0xFE, 0xFF, 0xFF, 0xFF,
      ])
    #expect(WPTTensorCoding.encode(WPTTensor(shape: [1], dataType: .uint8, data: [256 + 7])) == [7])
    let int64 = WPTTensorCoding.encode(
      WPTTensor(shape: [1], dataType: .int64, data: [-9_007_199_254_740_991]))
    #expect(WPTTensorCoding.element(int64, 0, .int64) == .signed(-9_007_199_254_740_991))
    let uint64 = WPTTensorCoding.encode(
      WPTTensor(shape: [1], dataType: .uint64, data: [9_007_199_254_740_991]))
    #expect(WPTTensorCoding.element(uint64, 0, .uint64) == .unsigned(9_007_199_254_740_991))
    #expect(
      WPTTensorCoding.encode(WPTTensor(shape: [1], dataType: .float32, data: [-0.0])) == [
        0, 0, 0, 0x80,
      ])
  }

  @Test func float16UsesGivenBits() {
    let t = WPTTensor(
      shape: [2], dataType: .float16, data: [.nan, 0.1], float16Bits: [0x7E00, 0x2E66])
    #expect(WPTTensorCoding.encode(t) == [0x00, 0x7E, 0x66, 0x2E])
    let computed = WPTTensor(shape: [1], dataType: .float16, data: [1])
    #expect(WPTTensorCoding.encode(computed) == [0x00, 0x3C])
  }

  @Test func splatFillsTheTensor() {
    let t = WPTTensor(shape: [2, 3], dataType: .float32, data: [2], splat: true)
    let bytes = WPTTensorCoding.encode(t)
    #expect(bytes.count == 24)
    #expect(
      (0..<6).allSatisfy { WPTTensorCoding.element(bytes, $0, .float32) == WPTScalar(float: 2) })
  }
}

private let inlineCaseFile = #"""
  {"file": "inline", "cases": [
    {"name": "relu float32 1D", "dataType": "float32",
     "inputs": {"x": {"shape": [4], "dataType": "float32", "data": [-1, "-0", 2.5, "Infinity"], "constant": false}},
     "operators": [{"name": "relu", "arguments": [{"input": "x"}], "outputs": "y"}],
     "expectedOutputs": {"y": {"shape": [4], "dataType": "float32", "data": [0, 0, 2.5, "Infinity"]}},
     "tolerance": {"metric": "ULP", "value": 0, "function": "getPrecisionTolerance"}},
    {"name": "relu float32 wrong", "dataType": "float32",
     "inputs": {"x": {"shape": [2], "dataType": "float32", "data": [1, 2], "constant": true}},
     "operators": [{"name": "relu", "arguments": [{"input": "x"}], "outputs": "y"}],
     "expectedOutputs": {"y": {"shape": [2], "dataType": "float32", "data": [1, 3]}},
     "tolerance": {"metric": "ULP", "value": 1, "function": "getPrecisionTolerance"}},
    {"name": "quantized", "dataType": "float32",
     "inputs": {"input": {"shape": [2], "dataType": "float32", "data": [1, 2], "constant": false},
                "scale": {"shape": [1], "dataType": "float32", "data": [0.5], "constant": true},
                "zp": {"shape": [1], "dataType": "int8", "data": [0], "constant": true}},
     "operators": [{"name": "quantizeLinear", "arguments": [{"input": "input"}, {"zeroPoint": "zp", "scale": "scale"}],
                    "outputs": "q"},
                   {"name": "softmax", "arguments": [{"input": "input"}, null, {"axis": 0}], "outputs": "s"}],
     "expectedOutputs": {"q": {"shape": [2], "dataType": "int8", "data": [2, 4]}},
     "tolerance": {"metric": "ULP", "value": 1, "function": "getQuantizeLinearPrecisionTolerance"}},
    {"name": "broken", "dataType": "float32", "inputs": {}, "operators": [],
     "expectedOutputs": {"y": {"shape": [3], "dataType": "float32", "data": [1]}},
     "tolerance": {"metric": "ULP", "value": 0, "function": "f"}}
  ]}
  """#

@Suite("WPT case parsing")
struct WPTParsingTests {
  let file = WPTLoader.parse(Data(inlineCaseFile.utf8), file: "fallback")

  @Test func parsesCasesAndKeepsProblems() throws {
    #expect(file.file == "inline")
    #expect(file.cases.map(\.name) == ["relu float32 1D", "relu float32 wrong", "quantized"])
    #expect(file.problems.count == 1)
    #expect(file.problems.first?.name == "broken")
    let relu = file.cases[0]
    #expect(relu.inputs.map(\.name) == ["x"])
    let x = relu.inputs[0].tensor
    #expect(x.shape == [4] && x.dataType == .float32 && !x.constant)
    #expect(x.data[1] == 0 && x.data[1].sign == .minus)
    #expect(x.data[3] == .infinity)
    #expect(relu.tolerance.metric == .ulp && relu.tolerance.value == 0)
    #expect(file.cases[1].inputs[0].tensor.constant)
  }

  @Test func argumentsArePositionalAndHolesDropped() throws {
    let q = file.cases[2]
    #expect(q.operatorNames == ["quantizeLinear", "softmax"])
    // One object with two keys: put back in WebNN order (scale before zeroPoint).
    #expect(q.operators[0].arguments.map(\.name) == ["input", "scale", "zeroPoint"])
    #expect(q.operators[0].arguments[1].value == .string("scale"))
    #expect(q.operators[1].arguments.map(\.name) == ["input", "axis"])
    #expect(q.operators[1].arguments[1].value.numberValue == 0)
    #expect(!q.operators[0].outputsIsArray && q.operators[0].outputs == ["q"])
  }

  @Test func numberStrings() {
    #expect(WPTValue.string("NaN").numberValue?.isNaN == true)
    #expect(WPTValue.string("-Infinity").numberValue == -.infinity)
    #expect(WPTValue.string("-0").numberValue?.sign == .minus)
    #expect(WPTValue.bool(true).numberValue == nil)
  }

  @Test func filterAndDirectory() {
    #expect(
      WPTRunner.matches(
        file: "pooling", name: "l2Pool2d float32", operators: ["l2Pool2d"], filter: "POOLING"))
    #expect(
      WPTRunner.matches(file: "subgraph", name: "x", operators: ["conv2d", "relu"], filter: "relu"))
    #expect(!WPTRunner.matches(file: "subgraph", name: "x", operators: ["conv2d"], filter: "conv"))
    #expect(WPTRunner.matches(file: "a", name: "b", operators: [], filter: nil))
    #expect(WPTLoader.defaultDirectory(environment: [:]) == "../shared/wpt")
    #expect(WPTLoader.defaultDirectory(environment: ["WEBNN_WPT_DIR": "/data/wpt"]) == "/data/wpt")
  }

  @Test func expectedFailureList() {
    #expect(WPTExpectedFailure.all.count == 3)
    #expect(WPTSpecRejection.lookup(file: "pad", name: "pad float32 4D tensor options.mode='symmetric'") != nil)
    #expect(
      WPTExpectedFailure.lookup(file: "subgraph", name: "batchNormalization options.axis=0 + gelu")
        != nil)
    #expect(WPTExpectedFailure.all.allSatisfy { !$0.reason.isEmpty })
  }

  @Test func reportTotalsAndSummaryLine() throws {
    let cases = [
      WPTCaseResult(
        file: "f", name: "a", dataType: "float32", operators: ["conv2d", "relu"], status: .passed,
        metric: .ulp, worstError: 3),
      WPTCaseResult(
        file: "f", name: "b", dataType: "float32", operators: ["relu"], status: .failed,
        metric: .ulp, worstError: 9, message: "bad"),
      WPTCaseResult(
        file: "f", name: "c", dataType: "float32", operators: ["gru"], status: .unsupported),
      WPTCaseResult(
        file: "f", name: "d", dataType: "float32", operators: ["relu"], status: .expectedFailure),
    ]
    let report = WPTReport(directory: "d", deviceName: "test", filter: nil, cases: cases)
    #expect(report.totals.cases == 4)
    #expect(report.totals.skipped == 2)
    let relu = try #require(report.operators.first { $0.name == "relu" })
    #expect(
      relu.passed == 1 && relu.failed == 1 && relu.expectedFailures == 1 && relu.worstULP == 9)
    let text = report.textTable()
    #expect(text.hasSuffix("\n1 passed, 1 failed, 2 skipped"))
    #expect(text.contains("FAIL f/b: bad"))
    let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
    let totals = json?["totals"] as? [String: Any]
    #expect(totals?["skipped"] as? Int == 2)
    // A plain JSONEncoder works too: infinite errors are written as strings.
    var withInfinity = report
    withInfinity.cases[1].worstError = .infinity
    let data = try JSONEncoder().encode(withInfinity)
    let decoded = try JSONDecoder().decode(WPTReport.self, from: data)
    #expect(decoded.cases[1].worstError == .infinity)
    #expect(decoded.totals == report.totals)
  }
}

// MARK: - End to end on an in-process backend

/// Host memory standing in for device memory.
private final class WPTHostTensor: MLBackendTensor, @unchecked Sendable {
  var bytes: [UInt8]
  let descriptor: MLOperandDescriptor
  init(_ descriptor: MLOperandDescriptor) {
    self.descriptor = descriptor
    self.bytes = [UInt8](repeating: 0, count: descriptor.byteLength)
  }
  func destroy() {}
}

private final class WPTHostGraph: MLBackendGraph, @unchecked Sendable {
  let ir: GraphIR
  init(_ ir: GraphIR) { self.ir = ir }
  func destroy() {}
}

/// Runs float32 `relu` graphs only; compiling anything else throws NotSupportedError.
private final class WPTReluBackend: MLBackend, @unchecked Sendable {
  let capabilities = MLBackendCapabilities(
    deviceName: "relu-only host backend", accelerated: false, maxTensorByteLength: 1 << 20,
    dataTypes: Set(MLOperandDataType.allCases))
  func createTensor(_ descriptor: MLOperandDescriptor) throws -> any MLBackendTensor {
    WPTHostTensor(descriptor)
  }
  func writeTensor(_ tensor: any MLBackendTensor, _ bytes: UnsafeRawBufferPointer) throws {
    (tensor as! WPTHostTensor).bytes = Array(bytes)
  }
  func readTensor(_ tensor: any MLBackendTensor) throws -> [UInt8] {
    (tensor as! WPTHostTensor).bytes
  }
  func compile(_ graph: GraphIR) throws -> any MLBackendGraph {
    for node in graph.nodes where node.operation.name != "relu" {
      throw MLError(.notSupportedError, "no \(node.operation.name) kernel")
    }
    return WPTHostGraph(graph)
  }
  func dispatch(
    _ graph: any MLBackendGraph, inputs: [String: any MLBackendTensor],
    outputs: [String: any MLBackendTensor]
  ) throws {
    let ir = (graph as! WPTHostGraph).ir
    var values: [OperandID: [Float]] = [:]
    func floats(_ bytes: [UInt8]) -> [Float] {
      stride(from: 0, to: bytes.count, by: 4).map { i in
        Float(
          bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
            | UInt32(bytes[i + 3]) << 24)
      }
    }
    for (name, id) in ir.inputs { values[id] = floats((inputs[name] as! WPTHostTensor).bytes) }
    func value(_ id: OperandID) -> [Float] { values[id] ?? floats(ir.constantBytes(id)?.arrayCopy ?? []) }
    for node in ir.nodes {
      if case .unary(.relu, let x) = node.operation {
        values[node.outputs[0]] = value(x).map { Swift.max($0, 0) }
      }
    }
    for (name, id) in ir.outputs {
      (outputs[name] as! WPTHostTensor).bytes = value(id).flatMap { f in
        (0..<4).map { UInt8(truncatingIfNeeded: f.bitPattern >> (8 * $0)) }
      }
    }
  }
  func destroy() {}
}

private struct WPTReluProvider: MLBackendProvider {
  func makeBackend(options: MLContextOptions) throws -> any MLBackend { WPTReluBackend() }
}

@Suite("WPT runner")
struct WPTRunnerTests {
  let file = WPTLoader.parse(Data(inlineCaseFile.utf8), file: "inline")

  @Test func passFailAndUnsupported() async throws {
    let context = try await ML(provider: WPTReluProvider()).createContext()
    let runner = WPTRunner(directory: "/nonexistent", expectedFailures: [])
    let pass = await runner.run(file.cases[0], context: context)
    #expect(pass.status == .passed, "\(pass.message ?? "")")
    #expect(pass.worstError == 0)
    let fail = await runner.run(file.cases[1], context: context)
    #expect(fail.status == .failed)
    #expect(fail.worstError == Double(Float(3).bitPattern - Float(2).bitPattern))
    let unsupported = await runner.run(file.cases[2], context: context)
    #expect(unsupported.status == .unsupported)
    #expect(unsupported.message?.contains("quantizeLinear") == true)
  }

  @Test func expectedFailuresAreChecked() async throws {
    let context = try await ML(provider: WPTReluProvider()).createContext()
    let list = [
      WPTExpectedFailure(file: "inline", name: "relu float32 1D", reason: "test"),
      WPTExpectedFailure(file: "inline", name: "relu float32 wrong", reason: "test"),
    ]
    let runner = WPTRunner(directory: "/nonexistent", expectedFailures: list)
    let unexpectedPass = await runner.run(file.cases[0], context: context)
    #expect(unexpectedPass.status == .failed)
    #expect(unexpectedPass.message?.hasPrefix("unexpected pass") == true)
    let expected = await runner.run(file.cases[1], context: context)
    #expect(expected.status == .expectedFailure)
  }

  @Test func missingDirectoryIsAFailureNotACrash() async throws {
    let context = try await ML(provider: WPTReluProvider()).createContext()
    let report = await WPTRunner(directory: "/nonexistent/wpt").run(context: context, filter: nil)
    #expect(report.totals.failed == 1)
    #expect(report.textTable().split(separator: "\n").last == "0 passed, 1 failed, 0 skipped")
  }
}
