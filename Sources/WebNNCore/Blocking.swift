import Dispatch

/// Runs blocking backend work (kernel compilation, waiting for the device) on a Dispatch
/// thread and resumes the caller when it is done, so that the async API never parks a thread
/// of the Swift concurrency pool. The synchronous API calls the same work directly.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
  }
}
