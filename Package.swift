// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "swift-webnn",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "WebNN", targets: ["WebNN"]),
    .library(name: "WebNNONNX", targets: ["WebNNONNX"]),
    // The file readers, also for the fuzz targets in tools/fuzz.
    .library(name: "WebNNFormats", targets: ["WebNNFormats"]),
    // The lifetime race stress, also for its AddressSanitizer run in tools/fuzz.
    .library(name: "WebNNStress", targets: ["WebNNStress"]),
    .executable(name: "webnn", targets: ["webnn"]),
    // The C API (include/webnn.h) as libwebnn_c.so, which the Python package loads.
    .library(name: "webnn_c", type: .dynamic, targets: ["WebNNC"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
  ],
  targets: [
    .systemLibrary(
      name: "CVulkan", pkgConfig: "vulkan", providers: [.apt(["libvulkan-dev"])]),
    .systemLibrary(name: "CShaderc", providers: [.apt(["libshaderc-dev", "glslang-dev"])]),
    .target(name: "WebNNCore"),
    .executableTarget(name: "embed-shaders-tool", path: "tools/embed-shaders-tool"),
    .plugin(
      name: "EmbedShaders", capability: .buildTool(), dependencies: ["embed-shaders-tool"],
      path: "tools/embed-shaders"),
    .target(
      name: "VulkanBackend",
      dependencies: ["WebNNCore", "CVulkan", "CShaderc"],
      plugins: ["EmbedShaders"]),
    .target(name: "WebNN", dependencies: ["WebNNCore", "VulkanBackend"]),
    .target(name: "WPTConformance", dependencies: ["WebNNCore"], path: "tools/WPTConformance"),
    .target(name: "WebNNFormats", dependencies: ["WebNNCore"]),
    .target(name: "WebNNStress", dependencies: ["WebNNCore"], path: "tools/WebNNStress"),
    .target(name: "WebNNModels", dependencies: ["WebNNCore", "WebNNFormats"]),
    .target(
      name: "WebNNONNX",
      dependencies: ["WebNNCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
      exclude: ["Generated/README.md"]),
    .target(name: "WebNNC", dependencies: ["WebNN", "WebNNFormats", "WebNNONNX"]),
    .executableTarget(
      name: "webnn",
      dependencies: [
        "WebNN", "WPTConformance", "WebNNFormats", "WebNNONNX", "WebNNModels", "WebNNStress",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "tools/webnn"),
    .testTarget(
      name: "WebNNTests",
      dependencies: ["WebNN", "WPTConformance", "WebNNFormats", "WebNNONNX", "WebNNModels", "WebNNStress"],
      path: "Tests/WebNNTests", exclude: ["Data"]),
  ],
  swiftLanguageModes: [.v6]
)
