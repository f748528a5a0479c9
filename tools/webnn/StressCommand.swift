import ArgumentParser
import Foundation
import WebNN
import WebNNStress

/// `webnn stress [--seconds S] [--callers N] [--pair TARGET:CALL]...`: races the destroy of
/// tensors, graphs and contexts against every call that uses them (``LifetimeRaces``), prints
/// one line per pair, and exits 1 on any wrong result, unexpected error, hang, leaked device
/// memory or Vulkan validation message.
struct StressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stress",
    abstract: "Race destroy against reads, writes, dispatches, builds and tensor creation.",
    discussion:
      "Each pair (destroy tensor, graph or context against readTensor, writeTensor, dispatch, build or createTensor) runs for --seconds; every call must succeed with the right data or be refused with InvalidStateError (TypeError for an object destroyed before the call). Exits 1 on any failure."
  )

  @Option(help: "Seconds per pair.") var seconds: Double = 2
  @Option(help: "Threads making the call in each round.") var callers: Int = 2
  @Option(help: "Only this pair, as TARGET:CALL (for example context:readTensor); repeatable.")
  var pair: [String] = []

  func run() throws {
    var pairs: [(LifetimeRaces.Target, LifetimeRaces.Call)] = []
    for text in pair {
      let parts = text.split(separator: ":").map(String.init)
      guard parts.count == 2, let target = LifetimeRaces.Target(rawValue: parts[0]),
        let call = LifetimeRaces.Call(rawValue: parts[1])
      else {
        throw ValidationError(
          "--pair \(text): expected TARGET:CALL with TARGET one of \(LifetimeRaces.Target.allCases.map(\.rawValue)) and CALL one of \(LifetimeRaces.Call.allCases.map(\.rawValue))"
        )
      }
      pairs.append((target, call))
    }
    let options = LifetimeRaces.Options(
      secondsPerPair: seconds, callers: callers, pairs: pairs.isEmpty ? nil : pairs)
    let start = Date()
    let results = try LifetimeRaces.run(
      ml: ML(), options: options, deviceBytes: { DeviceMemory.currentBytes },
      progress: { result in
        print(result.summary)
        fflush(nil)
      })
    let failed = results.filter { !$0.failures.isEmpty }
    for result in failed {
      for failure in result.failures {
        print("FAIL destroy \(result.target.rawValue) x \(result.call.rawValue): \(failure)")
      }
    }
    let messages = VulkanValidation.drainMessages()
    if !messages.isEmpty { print("\(messages.count) Vulkan validation messages (see above): failing") }
    let rounds = results.map(\.rounds).reduce(0, +)
    print(
      "\(results.count - failed.count) of \(results.count) pairs passed, \(rounds) rounds in \(String(format: "%.1f", Date().timeIntervalSince(start))) s"
    )
    if !failed.isEmpty || !messages.isEmpty { throw ExitCode.failure }
  }
}
