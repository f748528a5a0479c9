import Foundation
import WebNN
import WebNNStress

// The lifetime race stress (`webnn stress`) built with AddressSanitizer: a destroy that frees
// memory a call is still copying from, or a run is still using, is a heap-use-after-free report
// here even where the plain build happens to read the right bytes.
// Usage: stress-lifetime [SECONDS_PER_PAIR]
let seconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 0.5
let start = Date()
let results = try LifetimeRaces.run(
  ml: ML(), options: .init(secondsPerPair: seconds), deviceBytes: { DeviceMemory.currentBytes },
  progress: { result in
    print(result.summary)
    fflush(nil)
  })
let failures = results.flatMap { result in result.failures.map { "destroy \(result.target) x \(result.call): \($0)" } }
for failure in failures { print("FAIL \(failure)") }
let messages = VulkanValidation.drainMessages()
if !messages.isEmpty { print("\(messages.count) Vulkan validation messages (see above): failing") }
print(
  "\(results.filter(\.failures.isEmpty).count) of \(results.count) pairs passed, "
    + "\(results.map(\.rounds).reduce(0, +)) rounds in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
exit(failures.isEmpty && messages.isEmpty ? 0 : 1)
