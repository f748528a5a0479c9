import Foundation

/// A value that one thread at a time reads or changes, under a pthread mutex (`NSLock`).
///
/// The package's locks are this rather than `Synchronization.Mutex` so that ThreadSanitizer can
/// check them: Mutex locks and unlocks with a futex inside the standard library, which is not
/// instrumented, so ThreadSanitizer saw none of its synchronization and reported every access
/// it guards as a race (128 reports in one run of the concurrency tests), which would hide a real
/// one. A pthread mutex is intercepted, and costs the same when uncontended.
///
/// ```swift
/// let count = Locked(0)
/// count.withLock { $0 += 1 }
/// ```
package final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  /// A lock around `value`.
  package init(_ value: Value) { self.value = value }

  /// Runs `body` on the value with the lock held.
  package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
