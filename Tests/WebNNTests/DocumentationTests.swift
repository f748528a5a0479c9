import Foundation
import Testing
import WebNN

// The Operators article of the DocC catalog must list every operator of the table that
// `opSupportLimits()` reports, with the same arguments, data types and ranks. The limits come
// from a context on a backend that claims every data type, so they are the table before any
// device narrows it, and no Vulkan device is needed.

/// A backend that supports every data type and runs nothing.
private final class AllTypesBackend: MLBackend {
  let capabilities = MLBackendCapabilities(
    deviceName: "documentation", accelerated: false, maxTensorByteLength: Int(Int32.max),
    dataTypes: Set(MLOperandDataType.allCases))

  private func unsupported() -> MLError { MLError(.notSupportedError, "the documentation backend runs nothing") }
  func createTensor(_ descriptor: MLOperandDescriptor) throws -> any MLBackendTensor { throw unsupported() }
  func writeTensor(_ tensor: any MLBackendTensor, _ bytes: UnsafeRawBufferPointer) throws { throw unsupported() }
  func readTensor(_ tensor: any MLBackendTensor) throws -> [UInt8] { throw unsupported() }
  func compile(_ graph: GraphIR) throws -> any MLBackendGraph { throw unsupported() }
  func dispatch(
    _ graph: any MLBackendGraph, inputs: [String: any MLBackendTensor], outputs: [String: any MLBackendTensor]
  ) throws { throw unsupported() }
  func destroy() {}
}

private struct AllTypesProvider: MLBackendProvider {
  func makeBackend(options: MLContextOptions) throws -> any MLBackend { AllTypesBackend() }
}

/// One operator's section of Operators.md: its `### name` heading and its argument table rows
/// (`| \`argument\` | \`type\`, ... | ranks |`).
private struct ArticleOperator {
  var name: String
  var arguments: [String: (types: [String], ranks: String)] = [:]
}

private func operatorsArticle() throws -> String {
  let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  let url = root.appendingPathComponent("Sources/WebNNCore/WebNNCore.docc/Operators.md")
  return try String(contentsOf: url, encoding: .utf8)
}

private func parseOperators(_ article: String) -> [String: ArticleOperator] {
  var operators: [String: ArticleOperator] = [:]
  var current: String?
  for line in article.split(separator: "\n", omittingEmptySubsequences: false) {
    if line.hasPrefix("#") {
      current = nil
      if line.hasPrefix("### ") {
        let name = line.dropFirst(4).trimmingCharacters(in: .whitespaces)
        current = name
        operators[name] = ArticleOperator(name: name)
      }
      continue
    }
    guard let name = current, line.hasPrefix("| `") else { continue }
    let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    guard cells.count == 3 else { continue }
    let argument = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
    let types = cells[1].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
    operators[name]?.arguments[argument] = (types, cells[2])
  }
  return operators
}

/// "0–8" for a range, "4" for a single rank, as the article writes them.
private func rankText(_ ranks: ClosedRange<Int>) -> String {
  ranks.lowerBound == ranks.upperBound ? "\(ranks.lowerBound)" : "\(ranks.lowerBound)–\(ranks.upperBound)"
}

@Suite struct DocumentationTests {
  @Test func operatorsArticleListsEveryOperator() async throws {
    let context = try await ML(provider: AllTypesProvider()).createContext()
    let table = context.opSupportLimits().operators
    let article = parseOperators(try operatorsArticle())
    let missing = Set(table.keys).subtracting(article.keys).sorted()
    #expect(missing.isEmpty, "Operators.md has no `### name` section for: \(missing.joined(separator: ", "))")
    let unknown = Set(article.keys).subtracting(table.keys).sorted()
    #expect(
      unknown.isEmpty, "Operators.md has sections for operators the table lacks: \(unknown.joined(separator: ", "))")
  }

  @Test func operatorsArticleMatchesTheTable() async throws {
    let context = try await ML(provider: AllTypesProvider()).createContext()
    let table = context.opSupportLimits().operators
    let article = parseOperators(try operatorsArticle())
    for (name, arguments) in table.sorted(by: { $0.key < $1.key }) {
      guard let documented = article[name] else { continue }  // reported by the test above
      #expect(
        Set(documented.arguments.keys) == Set(arguments.keys),
        "\(name): the article lists arguments \(documented.arguments.keys.sorted()), the table \(arguments.keys.sorted())"
      )
      for (argument, limits) in arguments {
        guard let row = documented.arguments[argument] else { continue }
        #expect(
          row.types == limits.dataTypes.map(\.rawValue),
          "\(name).\(argument): the article lists \(row.types), the table \(limits.dataTypes.map(\.rawValue))")
        #expect(
          row.ranks == rankText(limits.rankRange),
          "\(name).\(argument): the article gives ranks \(row.ranks), the table \(rankText(limits.rankRange))")
      }
    }
  }
}
