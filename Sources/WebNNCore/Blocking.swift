import Dispatch

/// Runs blocking backend work (kernel compilation, waiting for the device) on a Dispatch
/// thread and resumes the caller when it is done, so that the async API never parks a thread
/// of the Swift concurrency pool. The synchronous API calls the same work directly.
///
/// Task-local values do not follow work onto a Dispatch thread, so the one the backends read
/// (``GraphPasses/override``) is carried over by hand.
func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
  let passes = GraphPasses.override
  return try await withCheckedThrowingContinuation { continuation in
    DispatchQueue.global().async {
      continuation.resume(with: Result { try GraphPasses.$override.withValue(passes) { try work() } })
    }
  }
}
