import Foundation
import WebNNCore
import WebNNFormats
import XCTest

/// `.npy` and `.safetensors` reading and writing, including files that are truncated or lie
/// about their contents.
final class WeightFormatTests: XCTestCase {
  func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "webnn-formats-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
  }

  func testNumpyRoundTripsEveryDataType() throws {
    for dataType in [MLOperandDataType.float32, .float16, .int64, .int32, .int8, .uint64, .uint32, .uint8] {
      let shape = [2, 3]
      let count = MLOperandDescriptor(dataType: dataType, shape: shape).byteLength
      let array = try NumpyArray(dataType: dataType, shape: shape, bytes: (0..<count).map { UInt8($0 * 7 % 256) })
      let decoded = try NumpyArray(npy: [UInt8](try array.npyData()))
      XCTAssertEqual(decoded, array, "\(dataType)")
    }
    let scalar = NumpyArray(shape: [], floats: [2.5])
    XCTAssertEqual(try NumpyArray(npy: [UInt8](try scalar.npyData())).floats(), [2.5])
    XCTAssertThrowsError(try NumpyArray(dataType: .int4, shape: [2], bytes: [0]).npyData())
  }

  func testNumpyRejectsMalformedFiles() throws {
    let good = [UInt8](try NumpyArray(shape: [4], floats: [1, 2, 3, 4]).npyData())
    XCTAssertThrowsError(try NumpyArray(npy: Array(good.dropLast(2)))) { error in
      XCTAssertTrue("\(error)".contains("data bytes"), "\(error)")
    }
    XCTAssertThrowsError(try NumpyArray(npy: Array(good.prefix(9))))
    var float64 = good
    let descr = [UInt8]("<f4".utf8)
    let offset = try XCTUnwrap((0..<(good.count - 3)).first { Array(good[$0..<($0 + 3)]) == descr })
    float64[offset + 2] = UInt8(ascii: "8")
    XCTAssertThrowsError(try NumpyArray(npy: float64)) { error in
      XCTAssertTrue("\(error)".contains("<f8"), "\(error)")
    }
  }

  func testSafetensorsRoundTripBorrowsTheMapping() throws {
    var writer = SafetensorsWriter()
    let weights: [Float] = [1, -2, 3.5, 4, 5, 6]
    try writer.add("w", .init(dataType: .float32, shape: [2, 3]), bytes: weights.withUnsafeBytes { Array($0) })
    try writer.add("ids", .init(dataType: .int64, shape: [2]), bytes: [1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
    writer.metadata = ["format": "pt"]
    let url = temporaryURL("round.safetensors")
    try writer.write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }

    let file = try SafetensorsFile(url)
    XCTAssertEqual(file.names, ["w", "ids"])
    XCTAssertEqual(file.metadata, ["format": "pt"])
    XCTAssertEqual(try file.floats("w"), weights)
    let (descriptor, bytes) = try file.constantBytes("ids")
    XCTAssertEqual(descriptor, MLOperandDescriptor(dataType: .int64, shape: [2]))
    let mapped = file.file.bytes
    bytes.withUnsafeBytes { raw in
      // Borrowed: the constant's bytes are the mapping's, not a copy.
      XCTAssertTrue(raw.baseAddress! >= mapped.baseAddress! && raw.baseAddress! < mapped.baseAddress! + mapped.count)
    }
    XCTAssertThrowsError(try file.tensor("missing")) { XCTAssertTrue("\($0)".contains("missing")) }
  }

  func testSafetensorsRejectsTruncatedAndCorruptFiles() throws {
    var writer = SafetensorsWriter()
    try writer.add("w", .init(dataType: .float32, shape: [4]), bytes: [UInt8](repeating: 1, count: 16))
    let good = [UInt8](try writer.data())
    let url = temporaryURL("bad.safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    func load(_ bytes: [UInt8]) throws {
      try Data(bytes).write(to: url)
      _ = try SafetensorsFile(url)
    }

    XCTAssertNoThrow(try load(good))
    for cut in [0, 4, 8, 20, good.count - 1] {
      XCTAssertThrowsError(try load(Array(good.prefix(cut))), "cut at \(cut)")
    }
    var huge = good
    huge[7] = 0x7F  // a header length past the end of the file
    XCTAssertThrowsError(try load(huge)) { XCTAssertTrue("\($0)".contains("header length"), "\($0)") }
    let header = String(decoding: good[8..<(good.count - 16)], as: UTF8.self)
    for corrupt in [
      header.replacingOccurrences(of: "[4]", with: "[5]"), header.replacingOccurrences(of: "F32", with: "X32"),
      header.replacingOccurrences(of: "16]", with: "99]"), "{\"w\": 3}", "not json",
    ] {
      var bytes = [UInt8](corrupt.utf8)
      while bytes.count % 8 != 0 { bytes.append(0x20) }
      var file = withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { Array($0) }
      file += bytes + [UInt8](repeating: 1, count: 16)
      XCTAssertThrowsError(try load(file), corrupt)
    }
  }
}
