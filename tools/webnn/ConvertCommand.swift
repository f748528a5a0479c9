import ArgumentParser
import Foundation
import WebNN
import WebNNFormats

/// `webnn convert IN -o OUT`: ONNX to a WebNN graph file, or between the text and JSON forms.
struct ConvertCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract:
      "Convert an ONNX model to a .webnn graph (weights as .safetensors beside it), or between .webnn and .json.",
    discussion: """
      An ONNX model is imported with its free dimensions fixed by --dim and --input-shape, \
      checked by the graph builder, and written with its weights in OUT's folder as \
      <stem>.safetensors (or <stem>.weights with <stem>.manifest.json when a weight has a 4-bit \
      type). Between the graph forms, the weights file is copied when the new graph would not \
      find it.
      """)

  @OptionGroup var model: ModelOptions

  @Option(name: .shortAndLong, help: ArgumentHelp("The graph to write: .webnn or .json.", valueName: "file"))
  var output: String

  func run() async throws {
    let source = model.url
    let target = URL(fileURLWithPath: output)
    guard ["webnn", "json"].contains(target.pathExtension.lowercased()) else {
      throw ValidationError("-o \(output): the output must be a .webnn or .json graph file")
    }
    let start = Date()
    switch try ModelFile.kind(of: source) {
    case .onnx:
      Progress.note("importing \(source.lastPathComponent)")
      let context = try await ML().createContext()
      defer { context.destroy() }
      let builder = MLGraphBuilder(context)
      let file = try ModelFile.load(model, into: builder)
      let ir = try builder.graphIR(file.outputs)
      Progress.note("writing \(target.lastPathComponent) (\(ir.nodes.count) operators)")
      let weights = try GraphSaver(name: source.deletingPathExtension().lastPathComponent).save(ir, to: target)
      print("wrote \(target.path)\(weights.map { " and \($0.path)" } ?? "") (\(ir.nodes.count) operators)")
    case .text, .json:
      let document = try ModelFile.document(source)
      if target.pathExtension.lowercased() == "json" {
        try document.json().write(to: target, options: .atomic)
      } else {
        try Data(document.text.utf8).write(to: target, options: .atomic)
      }
      var note = ""
      if let weights = GraphWeights.locate(besideGraph: source) {
        let found = GraphWeights.locate(besideGraph: target)
        if found?.standardizedFileURL != weights.standardizedFileURL {
          let copy = target.deletingLastPathComponent().appendingPathComponent(
            target.deletingPathExtension().lastPathComponent + "." + weights.pathExtension)
          try? FileManager.default.removeItem(at: copy)
          try FileManager.default.copyItem(at: weights, to: copy)
          if weights.pathExtension == "weights" {
            let manifests = [
              weights.deletingPathExtension().appendingPathExtension("manifest.json"),
              weights.deletingLastPathComponent().appendingPathComponent("manifest.json"),
            ]
            if let manifest = manifests.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
              let manifestCopy = copy.deletingPathExtension().appendingPathExtension("manifest.json")
              try? FileManager.default.removeItem(at: manifestCopy)
              try FileManager.default.copyItem(at: manifest, to: manifestCopy)
            }
          }
          note = " and \(copy.path)"
        }
      }
      print("wrote \(target.path)\(note) (\(document.nodes.count) operators)")
    }
    Progress.note(String(format: "done in %.1f s", Date().timeIntervalSince(start)))
  }
}
