import Foundation
import FuzzSupport
import WebNNFormats

/// The JSON graph reader, then the graph loader over whatever parses.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let json = Data(bytes(data, size))
  guard let document = try? GraphDocument(json: json, file: "fuzz.json") else { return 0 }
  replay(document, file: "fuzz.json")
  return 0
}

runLibFuzzer { fuzz($0, $1) }
