import Dispatch
import WebNNCore

/// A backend that claims every data type and runs nothing: the reader targets replay graphs
/// through the builder's validation without a Vulkan device, so they stay fast and deterministic.
///
/// Its tensor limit is 4 MiB: a graph file can declare a constant filled with one value, and an
/// 8 KiB input holds a few hundred such declarations, so a device-sized limit would let one input
/// ask for gigabytes and trip libFuzzer's memory and time limits instead of finding bugs.
final class ValidationBackend: MLBackend {
  let capabilities = MLBackendCapabilities(
    deviceName: "fuzz validation", accelerated: false, maxTensorByteLength: 4 << 20,
    dataTypes: Set(MLOperandDataType.allCases))

  private func unsupported() -> MLError { MLError(.notSupportedError, "the validation backend runs nothing") }
  func createTensor(_ descriptor: MLOperandDescriptor) throws -> any MLBackendTensor { throw unsupported() }
  func writeTensor(_ tensor: any MLBackendTensor, _ bytes: UnsafeRawBufferPointer) throws { throw unsupported() }
  func readTensor(_ tensor: any MLBackendTensor) throws -> [UInt8] { throw unsupported() }
  func compile(_ graph: GraphIR) throws -> any MLBackendGraph { throw unsupported() }
  func dispatch(
    _ graph: any MLBackendGraph, inputs: [String: any MLBackendTensor], outputs: [String: any MLBackendTensor]
  ) throws { throw unsupported() }
  func destroy() {}
}

struct ValidationProvider: MLBackendProvider {
  func makeBackend(options: MLContextOptions) throws -> any MLBackend { ValidationBackend() }
}

/// The result of an async call, handed from the task that ran it to the thread that waits.
private final class Outcome<T>: @unchecked Sendable {
  // Written once by the task before it signals, read once by the waiter after.
  var result: Result<T, any Error>?
}

/// Runs `body` to completion from synchronous code: libFuzzer's callback is synchronous, the
/// builder's `build` and the context's reads are async.
public func blocking<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  let outcome = Outcome<T>()
  let done = DispatchSemaphore(value: 0)
  Task {
    do { outcome.result = .success(try await body()) } catch { outcome.result = .failure(error) }
    done.signal()
  }
  done.wait()
  return try outcome.result!.get()
}

/// A context on ``ValidationBackend``, made once per process.
public let validationContext: MLContext = try! blocking { try await ML(provider: ValidationProvider()).createContext() }
