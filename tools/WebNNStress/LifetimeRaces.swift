import Dispatch
import Foundation
import Synchronization
import WebNNCore

/// Races the destroy of a tensor, a graph or a context against each call that uses them, from
/// several threads at once, and checks every outcome: a call either succeeds with the right
/// data or is refused (`InvalidStateError`, or `TypeError` for an object destroyed before the
/// call began, as the spec has it); a crash, a hang, garbage, or memory left behind is a failure.
///
/// ```swift
/// let results = try LifetimeRaces.run(ml: ML(), options: .init(secondsPerPair: 1))
/// for result in results { print(result.summary) }
/// ```
public enum LifetimeRaces {
  /// What a round destroys.
  public enum Target: String, CaseIterable, Sendable { case tensor, graph, context }
  /// What the racing threads call.
  public enum Call: String, CaseIterable, Sendable { case readTensor, writeTensor, dispatch, build, createTensor }

  /// How long and how hard to race.
  public struct Options: Sendable {
    /// Wall-clock seconds for each (target, call) pair.
    public var secondsPerPair: Double
    /// Threads making the call in each round (the destroy comes from one more).
    public var callers: Int
    /// Float32 element counts of the tensors, taken in turn: small ones race the calls'
    /// checks, large ones (slow copies) race the copies themselves.
    public var elementCounts: [Int]
    /// A round that has not finished after this long is reported as a hang.
    public var roundTimeout: Double
    /// Only these pairs (all when nil).
    public var pairs: [(Target, Call)]?

    /// Options; the defaults are what CI runs.
    public init(
      secondsPerPair: Double = 0.5, callers: Int = 2, elementCounts: [Int] = [256, 1 << 20],
      roundTimeout: Double = 60, pairs: [(Target, Call)]? = nil
    ) {
      self.secondsPerPair = secondsPerPair
      self.callers = callers
      self.elementCounts = elementCounts
      self.roundTimeout = roundTimeout
      self.pairs = pairs
    }
  }

  /// What one pair did.
  public struct Result: Sendable {
    public let target: Target
    public let call: Call
    /// Rounds run: each a fresh set of objects, `callers` calls and one destroy.
    public var rounds = 0
    /// Calls that succeeded, their data checked.
    public var succeeded = 0
    /// Calls refused with `InvalidStateError` or a "destroyed" `TypeError`.
    public var refused = 0
    /// Device memory (``MLContext`` buffers) before the pair and after its context was gone.
    public var bytesBefore = 0
    public var bytesAfter = 0
    /// Everything that went wrong; empty when the pair passed.
    public var failures: [String] = []

    /// One line for logs and RELIABILITY.md.
    public var summary: String {
      "destroy \(target.rawValue) x \(call.rawValue): \(rounds) rounds, \(succeeded) calls succeeded, "
        + "\(refused) refused, device memory \(bytesBefore) -> \(bytesAfter) bytes"
        + (failures.isEmpty ? "" : ", \(failures.count) FAILURES: " + failures.prefix(3).joined(separator: "; "))
    }
  }

  /// Runs every pair (or `options.pairs`) on contexts from `ml`. `deviceBytes` reads the
  /// device memory the process holds (the Vulkan backend's `DeviceMemory.currentBytes`), for
  /// the check that a pair leaves none behind.
  public static func run(
    ml: ML, options: Options = .init(), deviceBytes: @escaping @Sendable () -> Int = { 0 },
    progress: (Result) -> Void = { _ in }
  ) throws -> [Result] {
    let pairs = options.pairs ?? Target.allCases.flatMap { target in Call.allCases.map { (target, $0) } }
    var results: [Result] = []
    for (target, call) in pairs {
      let result = try race(target, call, ml: ml, options: options, deviceBytes: deviceBytes)
      progress(result)
      results.append(result)
    }
    return results
  }

  private static func race(
    _ target: Target, _ call: Call, ml: ML, options: Options, deviceBytes: @escaping @Sendable () -> Int
  ) throws -> Result {
    var result = Result(target: target, call: call)
    result.bytesBefore = deviceBytes()
    let pairIndex = Target.allCases.firstIndex(of: target)! * Call.allCases.count + Call.allCases.firstIndex(of: call)!
    var random = SplitMix64(seed: UInt64(pairIndex))
    let shared = target == .context ? nil : try ml.createContextSync()
    let deadline = Date().addingTimeInterval(options.secondsPerPair)
    while Date() < deadline && result.failures.isEmpty {
      let count = options.elementCounts[result.rounds % options.elementCounts.count]
      let context = try shared ?? ml.createContextSync()
      let round = try Round(context: context, count: count, call: call, target: target)
      let outcome = round.run(
        callers: options.callers, delayMicroseconds: Int(random.next() % UInt64(count > 4096 ? 5000 : 300)),
        timeout: options.roundTimeout)
      result.rounds += 1
      result.succeeded += outcome.succeeded
      result.refused += outcome.refused
      result.failures += outcome.failures.map { "round \(result.rounds) (\(count) elements): \($0)" }
      if outcome.hung { break }
      if shared == nil { context.destroy() }
    }
    shared?.destroy()
    // Destroy returns at once; memory that queued runs held is freed when they finish.
    let settle = Date().addingTimeInterval(10)
    while deviceBytes() > result.bytesBefore && Date() < settle { usleep(2000) }
    result.bytesAfter = deviceBytes()
    if result.bytesAfter > result.bytesBefore {
      result.failures.append("\(result.bytesAfter - result.bytesBefore) bytes of device memory left behind")
    }
    return result
  }
}

/// One round: fresh tensors (and a graph, unless the context's is shared), then `callers`
/// threads making the call and one thread destroying the target, released together.
private final class Round: @unchecked Sendable {
  // Written by the round's threads under `lock`, read after they have all finished.
  let context: MLContext
  let count: Int
  let call: LifetimeRaces.Call
  let target: LifetimeRaces.Target
  let graph: MLGraph
  let x: MLTensor
  let y: MLTensor
  let weights: MLTensor
  let values: [Float]
  let replacement: [Float]
  private let lock = NSLock()
  private var succeeded = 0
  private var refused = 0
  private var failures: [String] = []
  private var results: [MLGraph] = []
  private var created: [MLTensor] = []
  private var dispatched = false

  init(context: MLContext, count: Int, call: LifetimeRaces.Call, target: LifetimeRaces.Target) throws {
    self.context = context
    self.count = count
    self.call = call
    self.target = target
    values = (0..<count).map { Float($0 % 97) - 48 }
    replacement = values.map { $0 + 1000 }
    let descriptor = MLOperandDescriptor(dataType: .float32, shape: [count])
    weights = try context.createConstantTensorSync(descriptor, values.map { $0 * 0.5 }.rawBytes)
    graph = try Self.affine(context, count)
    x = try context.createTensorSync(.init(dataType: .float32, shape: [count], readable: true, writable: true))
    y = try context.createTensorSync(.init(dataType: .float32, shape: [count], readable: true, writable: true))
    try context.writeTensor(x, values)
    if call == .readTensor { try context.dispatch(graph, inputs: ["x": x], outputs: ["y": y]) }
  }

  /// y = 2x + 1.
  static func affine(_ context: MLContext, _ count: Int) throws -> MLGraph {
    let builder = MLGraphBuilder(context)
    let x = try builder.input("x", .init(dataType: .float32, shape: [count]))
    let two = try builder.constant(.float32, 2)
    let one = try builder.constant(.float32, 1)
    return try builder.buildSync(["y": try builder.add(try builder.mul(x, two), one)])
  }

  func expectedAffine(_ input: [Float]) -> [Float] { input.map { 2 * $0 + 1 } }

  struct Outcome {
    var succeeded = 0
    var refused = 0
    var failures: [String] = []
    var hung = false
  }

  func run(callers: Int, delayMicroseconds: Int, timeout: Double) -> Outcome {
    let group = DispatchGroup()
    let gate = Gate()
    for _ in 0..<callers {
      group.enter()
      Thread.detachNewThread { [self] in
        gate.wait()
        attempt()
        group.leave()
      }
    }
    group.enter()
    Thread.detachNewThread { [self] in
      gate.wait()
      spin(microseconds: delayMicroseconds)
      destroyTarget()
      group.leave()
    }
    gate.open()
    guard group.wait(timeout: .now() + timeout) == .success else {
      return Outcome(failures: ["did not finish within \(timeout) s (a hang)"], hung: true)
    }
    checkAfterwards()
    return lock.withLock { Outcome(succeeded: succeeded, refused: refused, failures: failures) }
  }

  private func destroyTarget() {
    switch target {
    case .tensor:
      switch call {
      case .readTensor: y.destroy()
      case .writeTensor, .dispatch: x.destroy()
      case .build: weights.destroy()
      case .createTensor: y.destroy()
      }
    case .graph: graph.destroy()
    case .context: context.destroy()
    }
  }

  /// One call; its result checked at once where nothing else can change it.
  private func attempt() {
    do {
      switch call {
      case .readTensor:
        let read = try context.readTensorSync(y, as: Float.self)
        if read != expectedAffine(values) {
          fail("readTensor returned wrong data: \(mismatch(read, expectedAffine(values)))")
        }
      case .writeTensor:
        try context.writeTensor(x, replacement)
      case .dispatch:
        try context.dispatch(graph, inputs: ["x": x], outputs: ["y": y])
        lock.withLock { dispatched = true }
      case .build:
        let builder = MLGraphBuilder(context)
        let w = try builder.constantSync(weights)
        let input = try builder.input("x", .init(dataType: .float32, shape: [count]))
        let graph = try builder.buildSync(["y": try builder.add(input, w)])
        lock.withLock { results.append(graph) }
      case .createTensor:
        let tensor = try context.createTensorSync(.init(dataType: .float32, shape: [count], readable: true))
        lock.withLock { created.append(tensor) }
      }
      lock.withLock { succeeded += 1 }
    } catch let error as MLError
      where error.kind == .invalidStateError || (error.kind == .typeError && error.message.contains("destroyed"))
    {
      lock.withLock { refused += 1 }
    } catch {
      fail("\(call.rawValue) threw \(error), neither data nor a refusal")
    }
  }

  /// After every thread has returned: what the calls left must be right.
  private func checkAfterwards() {
    let alive = !context.isLost
    do {
      switch call {
      case .readTensor:
        break
      case .writeTensor:
        // Either the old or the new values, never a mix: each write copies all or nothing.
        if alive && !x.isDestroyed {
          let read = try context.readTensorSync(x, as: Float.self)
          if read != values && read != replacement {
            fail("after writeTensor the tensor holds a mix: \(mismatch(read, replacement))")
          }
        }
      case .dispatch:
        if alive && !y.isDestroyed {
          let read = try context.readTensorSync(y, as: Float.self)
          let ran = lock.withLock { dispatched }
          let expected = ran ? expectedAffine(values) : [Float](repeating: 0, count: count)
          if read != expected {
            fail("after dispatch (\(ran ? "queued" : "refused")) the output is wrong: \(mismatch(read, expected))")
          }
        }
      case .build:
        for graph in lock.withLock({ results }) {
          if !alive {
            if !graph.isDestroyed { fail("a graph built while the context was destroyed outlived it") }
            continue
          }
          let output = try context.createTensorSync(.init(dataType: .float32, shape: [count], readable: true))
          try context.dispatch(graph, inputs: ["x": x], outputs: ["y": output])
          let read = try context.readTensorSync(output, as: Float.self)
          let expected = zip(values, values).map { $0 + $1 * 0.5 }
          if read != expected {
            fail("a graph built from the constant tensor computes wrong data: \(mismatch(read, expected))")
          }
          graph.destroy()
          output.destroy()
        }
      case .createTensor:
        for tensor in lock.withLock({ created }) {
          if !alive {
            if !tensor.isDestroyed { fail("a tensor created while the context was destroyed outlived it") }
            continue
          }
          let read = try context.readTensorSync(tensor, as: Float.self)
          if read.contains(where: { $0 != 0 }) { fail("createTensor's tensor is not zero-filled") }
          tensor.destroy()
        }
      }
    } catch {
      fail("checking the outcome failed: \(error)")
    }
    if target != .context {
      for tensor in [x, y, weights] { tensor.destroy() }
      graph.destroy()
    }
  }

  private func fail(_ message: String) { lock.withLock { failures.append(message) } }

  private func mismatch(_ got: [Float], _ expected: [Float]) -> String {
    guard got.count == expected.count else { return "\(got.count) elements, \(expected.count) expected" }
    let index = got.indices.first { got[$0] != expected[$0] } ?? 0
    return "element \(index) is \(got[index]), expected \(expected[index])"
  }
}

/// Holds threads until `open`, so that the callers and the destroyer start together.
private final class Gate: Sendable {
  private let opened = Atomic<Bool>(false)
  func open() { opened.store(true, ordering: .releasing) }
  func wait() { while !opened.load(ordering: .acquiring) { sched_yield() } }
}

private func spin(microseconds: Int) {
  let end = DispatchTime.now().uptimeNanoseconds + UInt64(microseconds) * 1000
  while DispatchTime.now().uptimeNanoseconds < end {}
}

extension Array where Element == Float {
  fileprivate var rawBytes: [UInt8] { withUnsafeBytes { [UInt8]($0) } }
}
