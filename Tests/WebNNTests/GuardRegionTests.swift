import Foundation
import Testing

@testable import VulkanBackend
@testable import WebNNCore

/// The guard regions that `WEBNN_GUARD=1` puts after every buffer (make test runs the
/// conformance vectors with them, under both kernel families): an intact guard passes, and one
/// byte written past the end is caught.
@Suite struct GuardRegionTests {
  static func device() throws -> VulkanDevice {
    let instance = try VulkanInstance(validation: false)
    let candidates = instance.physicalDevices().map(DeviceInfo.init)
    let info = try selectDevice(candidates, options: MLContextOptions(), override: nil)
    return try VulkanDevice(instance: instance, info: info)
  }

  @Test func aWritePastTheEndIsDetected() throws {
    let device = try Self.device()
    let buffer = try VulkanBuffer(device: device, size: 100, guardBytes: 64)
    defer { buffer.destroy() }
    let inside = [UInt8](repeating: 7, count: 100)
    try inside.withUnsafeBytes { try buffer.write($0) }
    #expect(try buffer.guardIntact())
    let mapped = try #require(buffer.mapped, "lavapipe memory is host-visible")
    (mapped + buffer.guardStart + 63).storeBytes(of: 0, as: UInt8.self)
    #expect(try !buffer.guardIntact())
  }

  @Test func withoutGuardsNothingIsChecked() throws {
    let device = try Self.device()
    let buffer = try VulkanBuffer(device: device, size: 100, guardBytes: 0)
    defer { buffer.destroy() }
    #expect(buffer.guardBytes == 0)
    #expect(try buffer.guardIntact())
  }
}
