// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for the file readers and the builder. A package of its own because its
// programs link libFuzzer (libclang_rt.fuzzer_no_main) and need coverage instrumentation on
// everything they call; `make fuzz` builds it into `.build-fuzz` with those flags, and the main
// package's build never sees it. (`swift build --sanitize=fuzzer` is not used: it compiles every
// executable as a library, the build-tool plugin's included, which then has no entry point.)

let fuzzTargets = ["webnn-text", "json-graph", "safetensors", "onnx", "npy", "builder"]

let package = Package(
  name: "webnn-fuzz",
  platforms: [.macOS(.v15)],
  dependencies: [.package(name: "swift-webnn", path: "../..")],
  targets: [
    .target(name: "CLibFuzzer"),
    .target(
      name: "FuzzSupport",
      dependencies: [
        "CLibFuzzer",
        .product(name: "WebNN", package: "swift-webnn"),
        .product(name: "WebNNFormats", package: "swift-webnn"),
      ]),
  ]
    + fuzzTargets.map { name in
      .executableTarget(
        name: "fuzz-\(name)",
        dependencies: [
          "FuzzSupport",
          .product(name: "WebNN", package: "swift-webnn"),
          .product(name: "WebNNFormats", package: "swift-webnn"),
          .product(name: "WebNNONNX", package: "swift-webnn"),
        ])
    } + [
      // Not a libFuzzer target: the lifetime race stress, run under AddressSanitizer.
      .executableTarget(
        name: "stress-lifetime",
        dependencies: [
          .product(name: "WebNN", package: "swift-webnn"),
          .product(name: "WebNNStress", package: "swift-webnn"),
        ])
    ],
  swiftLanguageModes: [.v6]
)
