import ArgumentParser
import Foundation
import WebNN
import WebNNFormats
import WebNNONNX
import WebNNStress

/// `webnn compare model.onnx`: imports an ONNX model, runs it here and in ONNX Runtime on the
/// same inputs (given .npy files or seeded random values), and prints per output the largest
/// absolute and relative error and both run times. Exits 1 when an output is out of tolerance.
struct CompareCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract: "Run an ONNX model in swift-webnn and in ONNX Runtime and compare the outputs.",
    discussion: """
      Inputs not given are seeded random values: floats in [-1, 1), integers in [0, 100), bools \
      and inputs whose name contains "mask" 0 or 1. \
      ONNX Runtime runs in the virtual environment .build/ort-venv, which \
      tools/onnxruntime/ort-python.sh creates on first use (python3 and python3-venv needed). An \
      output passes when its largest absolute error is at most rtol times its largest magnitude \
      in ONNX Runtime plus atol.
      """)

  @Argument(help: "The .onnx file.") var model: String
  @Option(
    name: .customLong("input"), help: ArgumentHelp("An input's value from a .npy file.", valueName: "name=file.npy"))
  var inputFiles: [String] = []
  @Option(
    name: .customLong("input-shape"), help: ArgumentHelp("An input's whole shape.", valueName: "name=1,3,224,224"))
  var inputShapes: [String] = []
  @Option(name: .customLong("dim"), help: ArgumentHelp("A symbolic dimension's value.", valueName: "name=1"))
  var dimensions: [String] = []
  @Option(help: "Relative tolerance, times each output's largest magnitude.") var rtol = 1e-4
  @Option(help: "Absolute tolerance added to the relative one.") var atol = 1e-5
  @Option(help: "Seed of the random inputs.") var seed: UInt64 = 1

  func run() async throws {
    var options = ONNXImportOptions()
    for item in dimensions {
      let (name, value) = try Self.pair(item, "--dim")
      guard let n = Int(value) else { throw ValidationError("--dim \(item): \(value) is not an integer") }
      options.dimensions[name] = n
    }
    for item in inputShapes {
      let (name, value) = try Self.pair(item, "--input-shape")
      let shape = value.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard shape.count == value.split(separator: ",").count else {
        throw ValidationError("--input-shape \(item): not a comma-separated list of integers")
      }
      options.inputShapes[name] = shape
    }
    var given: [String: NumpyArray] = [:]
    for item in inputFiles {
      let (name, path) = try Self.pair(item, "--input")
      let array = try NumpyArray(contentsOf: URL(fileURLWithPath: path))
      given[name] = array
      if options.inputShapes[name] == nil { options.inputShapes[name] = array.shape }
    }

    let url = URL(fileURLWithPath: model)
    let onnx = try ONNXModel(contentsOf: url)
    let context = try await ML().createContext()
    let builder = MLGraphBuilder(context)
    let imported = try onnx.build(into: builder, options: options)
    let graph = try await builder.build(imported.outputs)

    var generator = SplitMix64(seed: seed)
    var inputs: [String: NumpyArray] = [:]
    for input in imported.inputs {
      if let array = given[input.name] {
        guard array.descriptor == input.descriptor else {
          throw ValidationError(
            "--input \(input.name): the file holds \(array.descriptor), the model takes \(input.descriptor)")
        }
        inputs[input.name] = array
      } else {
        let elementType = onnx.inputs.first { $0.name == input.name }?.elementType ?? .float
        inputs[input.name] = try Self.random(input.name, input.descriptor, elementType, &generator)
      }
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("webnn-compare-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var arguments = [url.path, folder.path]
    for (name, array) in inputs {
      let file = folder.appendingPathComponent("input.\(arguments.count).npy")
      try array.write(to: file)
      arguments.append("\(name)=\(file.path)")
    }

    let bytes = inputs.mapValues(\.bytes)
    _ = try await imported.run(graph, in: context, inputs: bytes)
    let start = Date()
    let results = try await imported.run(graph, in: context, inputs: bytes)
    let webnnSeconds = Date().timeIntervalSince(start)

    try Self.runONNXRuntime(arguments)
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("ort.json")))
    guard let json = report as? [String: Any], let outputs = json["outputs"] as? [[String: String]] else {
      throw ValidationError("ONNX Runtime wrote no usable report")
    }
    let ortSeconds = json["seconds"] as? Double ?? 0
    var failed = false
    for output in outputs {
      guard let name = output["name"], let file = output["file"], let operand = imported.outputs[name],
        let mine = results[name]
      else { continue }
      let reference = try NumpyArray(contentsOf: URL(fileURLWithPath: file))
      let actual = try NumpyArray(dataType: operand.dataType, shape: operand.shape, bytes: mine)
      let difference = OutputDifference(
        actual: actual.floats().map(Double.init), expected: reference.floats().map(Double.init))
      let shapeOK = reference.shape == actual.shape
      let ok = shapeOK && difference.within(relative: rtol, absolute: atol)
      failed = failed || !ok
      let shapeNote = shapeOK ? "" : " SHAPE \(actual.shape) vs ONNX Runtime \(reference.shape)"
      print("\(ok ? "ok  " : "FAIL") \(name) \(actual.shape): \(difference)\(shapeNote)")
    }
    print(
      String(
        format: "time: swift-webnn %.3f ms, ONNX Runtime %.3f ms (one run each after a warm-up)", webnnSeconds * 1000,
        ortSeconds * 1000))
    print("nodes: \(imported.emittedNodes) converted, \(imported.foldedNodes) folded at import")
    if failed { throw ExitCode.failure }
  }

  static func pair(_ item: String, _ option: String) throws -> (String, String) {
    guard let equals = item.lastIndex(of: "=") else { throw ValidationError("\(option) \(item): expected name=value") }
    return (String(item[..<equals]), String(item[item.index(after: equals)...]))
  }

  /// Random values: floats uniform in [-1, 1), integers in [0, 100) (valid token ids and
  /// indices for most models), bools and inputs named like masks 0 or 1.
  static func random(
    _ name: String, _ descriptor: MLOperandDescriptor, _ type: ONNXElementType, _ generator: inout SplitMix64
  ) throws -> NumpyArray {
    let count = descriptor.elementCount
    let high = type == .bool || name.lowercased().contains("mask") ? 2 : 100
    func bytes<T>(_ make: (inout SplitMix64) -> T) -> [UInt8] {
      var values: [T] = []
      values.reserveCapacity(count)
      for _ in 0..<count { values.append(make(&generator)) }
      return values.withUnsafeBytes { Array($0) }
    }
    let raw: [UInt8]
    switch descriptor.dataType {
    case .float32: raw = bytes { Float.random(in: -1..<1, using: &$0) }
    case .float16: raw = bytes { Float16(Float.random(in: -1..<1, using: &$0)) }
    case .int64: raw = bytes { Int64.random(in: 0..<Int64(high), using: &$0) }
    case .int32: raw = bytes { Int32.random(in: 0..<Int32(high), using: &$0) }
    case .uint8: raw = bytes { UInt8.random(in: 0..<UInt8(high), using: &$0) }
    case .int8: raw = bytes { Int8.random(in: 0..<Int8(high), using: &$0) }
    case .uint32: raw = bytes { UInt32.random(in: 0..<UInt32(high), using: &$0) }
    case .uint64: raw = bytes { UInt64.random(in: 0..<UInt64(high), using: &$0) }
    default: throw ValidationError("no random values for \(descriptor.dataType.rawValue) inputs; pass --input")
    }
    return try NumpyArray(dataType: descriptor.dataType, shape: descriptor.shape, bytes: raw)
  }

  static func runONNXRuntime(_ arguments: [String]) throws {
    let relative = "tools/onnxruntime/ort-python.sh"
    guard let root = PackageFiles.root(holding: relative) else {
      throw ValidationError("\(relative) not found beside the webnn executable or in the current folder")
    }
    if isatty(2) != 0 {
      FileHandle.standardError.write(Data("compare: running the model in ONNX Runtime...\n".utf8))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments =
      [root.appendingPathComponent(relative).path, root.appendingPathComponent("tools/onnxruntime/ort_run.py").path]
      + arguments
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw ValidationError("ONNX Runtime failed (\(relative) exited with status \(process.terminationStatus))")
    }
  }
}
