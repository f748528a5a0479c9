import Testing
import WebNN

/// One context for the whole test process: contexts are cheap, but pipelines compile once per device.
enum Shared {
  static let context: Task<MLContext, any Error> = Task { try await ML().createContext() }
}

func sharedContext() async throws -> MLContext { try await Shared.context.value }

/// Runs a built graph on float32 inputs and returns float32 outputs.
func run(
  _ context: MLContext, _ graph: MLGraph, inputs: [String: (shape: [Int], values: [Float])], outputs: [String: [Int]]
) async throws -> [String: [Float]] {
  var inputTensors: [String: MLTensor] = [:]
  for (name, input) in inputs {
    let tensor = try await context.createTensor(.init(dataType: .float32, shape: input.shape, writable: true))
    try context.writeTensor(tensor, input.values)
    inputTensors[name] = tensor
  }
  var outputTensors: [String: MLTensor] = [:]
  for (name, shape) in outputs {
    outputTensors[name] = try await context.createTensor(.init(dataType: .float32, shape: shape, readable: true))
  }
  try context.dispatch(graph, inputs: inputTensors, outputs: outputTensors)
  var results: [String: [Float]] = [:]
  for (name, tensor) in outputTensors { results[name] = try await context.readTensor(tensor, as: Float.self) }
  return results
}

/// Fails the current test if the Vulkan validation layer reported anything.
func expectNoValidationMessages() {
  let messages = VulkanValidation.drainMessages()
  #expect(messages.isEmpty, "Vulkan validation: \(messages.joined(separator: "\n"))")
}

/// Asserts that `body` throws an MLError of `kind` whose message contains every fragment.
func expectMLError(_ kind: MLError.Kind, containing fragments: [String] = [], _ body: () throws -> Void) {
  do {
    try body()
    Issue.record("expected \(kind.rawValue), nothing was thrown")
  } catch let error as MLError {
    #expect(error.kind == kind, "\(error)")
    for fragment in fragments { #expect(error.message.contains(fragment), "\(error.message) lacks \(fragment)") }
  } catch {
    Issue.record("expected MLError, got \(error)")
  }
}
