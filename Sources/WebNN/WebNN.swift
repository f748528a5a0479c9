// `import WebNN` is all an application writes: the API and the Vulkan backend together.
@_exported import VulkanBackend
@_exported import WebNNCore
