import ArgumentParser
import Foundation
import WebNN
import WebNNFormats

/// `webnn run MODEL --input name=file.npy ...`: runs a model once (or `--runs` times) on the
/// default device and writes every output as `OUTPUTNAME.npy`.
struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a model on .npy inputs and write its outputs as .npy files.",
    discussion: """
      Every input needs a --input name=file.npy, unless --random-inputs fills the missing ones \
      with seeded values (floats in [-1, 1), integers in [0, 10)). Outputs go to --output-dir \
      (default: the current folder) as OUTPUTNAME.npy.
      """)

  @OptionGroup var model: ModelOptions

  @Option(
    name: .customLong("input"), parsing: .singleValue,
    help: ArgumentHelp("An input's value, e.g. --input image=cat.npy.", valueName: "name=file.npy"))
  var inputs: [String] = []

  @Option(help: ArgumentHelp("Where to write OUTPUTNAME.npy.", valueName: "dir")) var outputDir = "."
  @Flag(help: "Fill inputs without --input with seeded random values.") var randomInputs = false
  @Option(help: "The seed of --random-inputs.") var seed: UInt64 = 1
  @Option(help: "Timed runs (the first output is the one written).") var runs = 1
  @Flag(help: "Print no output preview.") var quiet = false

  func validate() throws {
    guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
  }

  func run() async throws {
    var given: [String: NumpyArray] = [:]
    for text in inputs {
      let parts = text.split(separator: "=", maxSplits: 1)
      guard parts.count == 2 else { throw ValidationError("--input \(text): expected name=file.npy") }
      given[String(parts[0])] = try NumpyArray(contentsOf: URL(fileURLWithPath: String(parts[1])))
    }
    let context = try await ML().createContext()
    defer { context.destroy() }
    let start = Date()
    let builder = MLGraphBuilder(context)
    let file = try ModelFile.load(model, into: builder, inputShapes: given.mapValues(\.shape))
    let unknown = Set(given.keys).subtracting(file.inputs.map(\.name))
    guard unknown.isEmpty else {
      throw ValidationError(
        "--input \(unknown.sorted().joined(separator: ", ")): the model has no such input (its inputs: \(file.inputs.map(\.name).joined(separator: ", ")))"
      )
    }
    var random = Demo.Seeded(state: seed)
    var values: [String: NumpyArray] = [:]
    for input in file.inputs {
      if let array = given[input.name] {
        guard array.descriptor == input.descriptor else {
          throw ValidationError(
            "--input \(input.name): the file holds \(InfoCommand.format(array.descriptor)), the model takes \(InfoCommand.format(input.descriptor))"
          )
        }
        values[input.name] = array
      } else if randomInputs {
        values[input.name] = try Self.randomArray(input.descriptor, &random)
      } else {
        throw ValidationError(
          "input \(input.name) (\(InfoCommand.format(input.descriptor))) has no --input \(input.name)=file.npy (or pass --random-inputs)"
        )
      }
    }
    let graph = try await builder.build(file.outputs)
    let buildMs = Date().timeIntervalSince(start) * 1000
    var inputTensors: [String: MLTensor] = [:]
    for input in file.inputs {
      let tensor = try await context.createTensor(
        .init(dataType: input.descriptor.dataType, shape: input.descriptor.shape, writable: true))
      try context.writeTensor(tensor, values[input.name]!.bytes)
      inputTensors[input.name] = tensor
    }
    var outputTensors: [String: MLTensor] = [:]
    for (name, descriptor) in graph.outputDescriptors {
      outputTensors[name] = try await context.createTensor(
        .init(dataType: descriptor.dataType, shape: descriptor.shape, readable: true))
    }
    var times: [Double] = []
    var results: [String: [UInt8]] = [:]
    for run in 0..<runs {
      let runStart = Date()
      try context.dispatch(graph, inputs: inputTensors, outputs: outputTensors)
      for (name, tensor) in outputTensors {
        let bytes = try await context.readTensor(tensor)
        if run == 0 { results[name] = bytes }
      }
      times.append(Date().timeIntervalSince(runStart) * 1000)
    }
    let folder = URL(fileURLWithPath: outputDir, isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for name in results.keys.sorted() {
      let descriptor = graph.outputDescriptors[name]!
      let array = try Self.npyArray(descriptor, results[name]!)
      let target = folder.appendingPathComponent(Self.fileName(name) + ".npy")
      try array.write(to: target)
      print("\(name): \(InfoCommand.format(descriptor)) -> \(target.path)")
      if !quiet { print("  " + Self.preview(array)) }
    }
    let timing =
      times.count == 1
      ? "\(Self.ms(times[0]))" : "min \(Self.ms(times.min()!)), median \(Self.ms(times.sorted()[times.count / 2]))"
    print("device: \(context.deviceName); build \(Self.ms(buildMs)); run \(timing)")
  }

  static func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }

  /// Output names may hold characters a file name cannot.
  static func fileName(_ name: String) -> String {
    String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
  }

  /// The first values and the range, for a glance at an output.
  static func preview(_ array: NumpyArray) -> String {
    let values = array.floats()
    guard !values.isEmpty else { return "(empty)" }
    let head = values.prefix(8).map { String(format: "%.6g", $0) }.joined(separator: ", ")
    let finite = values.filter(\.isFinite)
    let range = finite.isEmpty ? "no finite values" : String(format: "min %.6g, max %.6g", finite.min()!, finite.max()!)
    return "[\(head)\(values.count > 8 ? ", ..." : "")]  (\(values.count) values; \(range))"
  }

  /// 4-bit outputs widen to 8 bits: NumPy has no 4-bit dtype.
  static func npyArray(_ descriptor: MLOperandDescriptor, _ bytes: [UInt8]) throws -> NumpyArray {
    switch descriptor.dataType {
    case .int4, .uint4:
      let signed = descriptor.dataType == .int4
      let widened = (0..<descriptor.elementCount).map { index -> UInt8 in
        let nibble = (bytes[index / 2] >> (index % 2 == 0 ? 0 : 4)) & 0x0F
        return signed && nibble >= 8 ? nibble | 0xF0 : nibble
      }
      return try NumpyArray(dataType: signed ? .int8 : .uint8, shape: descriptor.shape, bytes: widened)
    default: return try NumpyArray(dataType: descriptor.dataType, shape: descriptor.shape, bytes: bytes)
    }
  }

  /// Seeded values of the input's type.
  static func randomArray(_ descriptor: MLOperandDescriptor, _ random: inout Demo.Seeded) throws -> NumpyArray {
    let count = descriptor.elementCount
    switch descriptor.dataType {
    case .float32: return NumpyArray(shape: descriptor.shape, floats: random.values(count, scale: 1))
    case .float16:
      let halves = random.values(count, scale: 1).map { Float16($0).bitPattern }
      return try NumpyArray(dataType: .float16, shape: descriptor.shape, bytes: halves.withUnsafeBytes { Array($0) })
    case .int4, .uint4:
      // Two values per byte, each in 0..<8 so that both types read them alike.
      let bytes = (0..<descriptor.byteLength).map { _ in UInt8(Int((random.next() + 1) * 4) % 8) * 0x11 }
      return try NumpyArray(dataType: descriptor.dataType, shape: descriptor.shape, bytes: bytes)
    default:
      let bytes = (0..<count).flatMap { _ -> [UInt8] in
        MLNumber(Double(Int((random.next() + 1) * 5) % 10)).bytes(as: descriptor.dataType)
      }
      return try NumpyArray(dataType: descriptor.dataType, shape: descriptor.shape, bytes: bytes)
    }
  }
}
