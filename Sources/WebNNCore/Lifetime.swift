/// When a tensor, graph or context may free what it owns: the one lifetime design every object
/// of the API shares.
///
/// `destroy` marks the object dead at once, under the same lock that every call using it takes,
/// and returns without waiting: calls that start later are refused, and the object's memory is
/// released by whichever comes last, the destroy or the end of the last call in progress. So a
/// read racing a destroy either copies from memory that is still there or is refused, never
/// copies from memory that was freed under it. (Device work that outlives the call, a queued
/// dispatch, is the backend's to track: its tensors free their memory only once that work is
/// done.)
///
/// ```swift
/// let lifetime = Lifetime()
/// let bytes = try lifetime.using(refusal: MLError.invalidState("read: destroyed")) { copyBytes() }
/// lifetime.destroy { freeMemory() }  // runs now, or when the last `using` ends
/// ```
final class Lifetime: Sendable {
  private struct State {
    var destroyed = false
    var uses = 0
    var release: (@Sendable () -> Void)?
  }
  private let state = Locked(State())

  /// Whether `destroy` was called.
  var isDestroyed: Bool { state.withLock { $0.destroyed } }

  /// Takes a use, or answers false once the object is destroyed. Every `true` needs one
  /// ``endUse()``.
  func beginUse() -> Bool {
    state.withLock { s in
      guard !s.destroyed else { return false }
      s.uses += 1
      return true
    }
  }

  /// Ends a use; the last one after a destroy runs the release.
  func endUse() {
    let release: (@Sendable () -> Void)? = state.withLock { s in
      precondition(s.uses > 0, "Lifetime.endUse without beginUse")
      s.uses -= 1
      guard s.uses == 0, s.destroyed else { return nil }
      defer { s.release = nil }
      return s.release
    }
    release?()
  }

  /// Runs `body` holding a use; throws what `refusal` makes once the object is destroyed.
  func using<R>(refusal: @autoclosure () -> MLError, _ body: () throws -> R) throws -> R {
    guard beginUse() else { throw refusal() }
    defer { endUse() }
    return try body()
  }

  /// Marks the object destroyed and runs `release` now if no call is using it, else when the
  /// last one ends. Answers false (and drops `release`) when it was destroyed already.
  @discardableResult
  func destroy(then release: @escaping @Sendable () -> Void) -> Bool {
    let now: Bool? = state.withLock { s in
      guard !s.destroyed else { return nil }
      s.destroyed = true
      if s.uses > 0 {
        s.release = release
        return false
      }
      return true
    }
    guard let now else { return false }
    if now { release() }
    return true
  }
}
