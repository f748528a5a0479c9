import Foundation

/// One thread per context that waits for the device on behalf of async callers: a caller
/// registers what to run once everything submitted so far has finished, and returns; the
/// thread waits on the device's timeline semaphore for the smallest value still awaited and
/// runs what became due. So a thousand pending `readTensor` calls hold no thread at all (not
/// one of the Swift concurrency pool's, not one of Dispatch's), only this one.
///
/// ```swift
/// waiter.notify(after: device.lastSubmittedValue) { continuation.resume() }
/// ```
final class ProgressWaiter: @unchecked Sendable {
  private let device: VulkanDevice
  private let condition = NSCondition()
  /// What to run, with the progress value each waits for (guarded by ``condition``).
  private var pending: [(value: UInt64, body: @Sendable () -> Void)] = []
  private var started = false
  private var stopped = false
  /// How long one wait on the device lasts before the thread looks at new registrations (a
  /// registration for a smaller value than the one being waited for is rare: values only grow).
  static let pollNanoseconds: UInt64 = 50_000_000

  init(device: VulkanDevice) {
    self.device = device
  }

  /// Runs `body` on the waiter's thread once the device's progress reaches `value`, or at once
  /// (on a Dispatch thread) when the waiter has stopped or the device has no timeline semaphore.
  func notify(after value: UInt64, _ body: @escaping @Sendable () -> Void) {
    condition.lock()
    guard !stopped, device.progress != nil else {
      condition.unlock()
      DispatchQueue.global().async(execute: body)
      return
    }
    pending.append((value, body))
    if !started {
      started = true
      let thread = Thread { [self] in loop() }
      thread.name = "webnn-progress-waiter"
      thread.start()
    }
    condition.signal()
    condition.unlock()
  }

  /// Runs what is pending once it is due, then lets the thread end; later registrations run at
  /// once. Called when the context is destroyed.
  func stop() {
    condition.lock()
    stopped = true
    condition.signal()
    condition.unlock()
  }

  private func loop() {
    while true {
      condition.lock()
      while pending.isEmpty && !stopped { condition.wait() }
      if pending.isEmpty {
        started = false
        condition.unlock()
        return
      }
      let target = pending.map(\.value).min()!
      condition.unlock()

      // A lost device ends every wait: the callers' next call reports the loss.
      let reached = (try? device.waitForProgress(target, timeout: Self.pollNanoseconds)) ?? UInt64.max

      condition.lock()
      let due = pending.filter { $0.value <= reached }
      pending.removeAll { $0.value <= reached }
      condition.unlock()
      for entry in due { entry.body() }
    }
  }
}
