import ArgumentParser
import Foundation
import WebNN

/// The options every command that loads a model file shares: how to fix its free dimensions.
struct ModelOptions: ParsableArguments {
  @Argument(help: ArgumentHelp("The model: a .webnn graph, its .json twin, or an .onnx model.", valueName: "model"))
  var model: String

  @Option(
    name: .customLong("dim"), parsing: .singleValue,
    help: ArgumentHelp("Fix a named (dynamic or symbolic) dimension, e.g. --dim batch=1.", valueName: "name=size"))
  var dimensions: [String] = []

  @Option(
    name: .customLong("input-shape"), parsing: .singleValue,
    help: ArgumentHelp("Fix an input's whole shape, e.g. --input-shape x=1,3,224,224.", valueName: "name=d0,d1,..."))
  var inputShapes: [String] = []

  /// `--dim` values by name.
  func dimensionSizes() throws -> [String: Int] {
    var sizes: [String: Int] = [:]
    for text in dimensions {
      let parts = text.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, let size = Int(parts[1]), size >= 1 else {
        throw ValidationError("--dim \(text): expected name=size with a size of at least 1")
      }
      sizes[String(parts[0])] = size
    }
    return sizes
  }

  /// `--input-shape` values by input name.
  func shapesByInput() throws -> [String: [Int]] {
    var shapes: [String: [Int]] = [:]
    for text in inputShapes {
      let parts = text.split(separator: "=", maxSplits: 1)
      let sizes =
        parts.count == 2 ? parts[1].split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) } : []
      guard parts.count == 2, sizes.allSatisfy({ $0 != nil && $0! >= 0 }) else {
        throw ValidationError("--input-shape \(text): expected name=d0,d1,... with sizes of at least 0")
      }
      shapes[String(parts[0])] = sizes.map { $0! }
    }
    return shapes
  }

  var url: URL { URL(fileURLWithPath: model) }
}

/// Progress lines on standard error, shown only when it is a terminal.
enum Progress {
  static let enabled = isatty(STDERR_FILENO) == 1

  static func note(_ line: String) {
    guard enabled else { return }
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
