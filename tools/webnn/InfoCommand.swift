import ArgumentParser
import Foundation
import WebNN
import WebNNFormats

/// `webnn info MODEL`: what a model takes and gives, which operators it uses, and how big its
/// weights are.
struct InfoCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Print a model's inputs and outputs, an operator histogram and its parameter count.")

  @OptionGroup var model: ModelOptions

  func run() async throws {
    let context = try await ML().createContext()
    defer { context.destroy() }
    let builder = MLGraphBuilder(context)
    let file = try ModelFile.load(model, into: builder)
    let ir = try builder.graphIR(file.outputs)
    print("model: \(model.model)")
    print("inputs:")
    for input in file.inputs { print("  \(input.name): \(Self.format(input.descriptor))") }
    print("outputs:")
    for (name, operand) in ir.outputs { print("  \(name): \(Self.format(ir.operands[operand]))") }
    var histogram: [String: Int] = [:]
    for node in ir.nodes { histogram[node.operation.name, default: 0] += 1 }
    print("operators: \(ir.nodes.count) (\(histogram.count) kinds)")
    for (op, count) in histogram.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
      print("  \(String(count).leftPad(6))  \(op)")
    }
    var parameters = 0
    var bytes = 0
    for (operand, source) in ir.sources.enumerated() {
      guard case .constant = source else { continue }
      parameters += ir.operands[operand].elementCount
      bytes += ir.operands[operand].byteLength
    }
    print(
      "parameters: \(parameters) in \(ir.sources.filter { if case .constant = $0 { true } else { false } }.count) constants, \(Self.format(bytes: bytes))"
    )
  }

  static func format(_ descriptor: MLOperandDescriptor) -> String {
    "\(descriptor.dataType.rawValue) [\(descriptor.shape.map(String.init).joined(separator: ", "))]"
  }

  static func format(bytes: Int) -> String {
    if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
    if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / Double(1 << 10)) }
    return "\(bytes) bytes"
  }
}

extension String {
  func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
