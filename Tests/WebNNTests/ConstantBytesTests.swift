import WebNNCore
import XCTest

/// ``MLConstantBytes``'s fill: every pattern width the data types have, counts that are and are
/// not multiples of it, and the empty fill, each against a fill written one element at a time.
final class ConstantBytesTests: XCTestCase {
  func testRepeatingMatchesAnElementByElementFill() {
    for width in [1, 2, 3, 4, 8] {
      let pattern = (0..<width).map { UInt8(17 * $0 + 3) }
      for count in [0, 1, width - 1, width, 5 * width, 5 * width + 1, 1000 * width + width / 2] where count >= 0 {
        var expected: [UInt8] = []
        while expected.count < count { expected.append(contentsOf: pattern) }
        expected.removeLast(expected.count - count)
        let bytes = MLConstantBytes(repeating: pattern, count: count)
        XCTAssertEqual(bytes.count, count, "width \(width), count \(count)")
        XCTAssertEqual(bytes.arrayCopy, expected, "width \(width), count \(count)")
      }
    }
  }
}
