import FuzzSupport
import WebNNFormats

/// The `.webnn` text parser, then the graph loader over whatever parses.
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let text = String(decoding: bytes(data, size), as: UTF8.self)
  guard let document = try? GraphDocument(text: text, file: "fuzz.webnn") else { return 0 }
  replay(document, file: "fuzz.webnn")
  return 0
}

runLibFuzzer { fuzz($0, $1) }
