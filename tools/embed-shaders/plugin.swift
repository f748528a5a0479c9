import Foundation
import PackagePlugin

/// Embeds every GLSL file under `Shaders/` into the backend as Swift string literals, so the
/// library carries its kernels with it (no resource bundle to locate at run time).
@main
struct EmbedShaders: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
    let shaderDirectory = context.package.directoryURL.appending(path: "Shaders")
    let shaderFiles = try FileManager.default
      .contentsOfDirectory(at: shaderDirectory, includingPropertiesForKeys: nil)
      .filter { ["comp", "glsl"].contains($0.pathExtension) }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
    let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedShaders.swift")
    let tool = try context.tool(named: "embed-shaders-tool")
    return [
      .buildCommand(
        displayName: "Embedding \(shaderFiles.count) shaders",
        executable: tool.url,
        arguments: [output.path] + shaderFiles.map(\.path),
        inputFiles: shaderFiles,
        outputFiles: [output])
    ]
  }
}
