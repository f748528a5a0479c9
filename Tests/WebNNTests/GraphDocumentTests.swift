import Foundation
import WebNNCore
import WebNNFormats
import XCTest

/// The `.webnn` text form and its JSON twin: parsing, printing, both ways, and the errors a
/// malformed file gets.
final class GraphDocumentTests: XCTestCase {
  let example = """
    webnn_graph "resnet_head" v1 {
      inputs { x: f32[1, 2048]; ids: i64[dyn("batch", 8), 3]; }  # a comment
      consts {
        W: f32[2048, 1000] @weights("W");
        b: f32[1000] @weights("b");
        half: f16[] @scalar(0.5);
        raw: u8[2] @bytes([1, 255]);
      }
      nodes {
        logits0 = matmul(x, W);
        logits = add(logits0, b);
        probs = softmax(logits, axis=1);
        [a, c] = split(probs, splits=[500, 500], axis=1);
        clamped = clamp(a, minValue=-Infinity, maxValue=6.5e-1, label="clip \\"it\\"");
        alias = clamped;
      }
      outputs { probs, alias; }
    }
    """

  func testParsesTheExample() throws {
    let document = try GraphDocument(text: example, file: "head.webnn")
    XCTAssertEqual(document.name, "resnet_head")
    XCTAssertEqual(document.inputs.map(\.name), ["x", "ids"])
    XCTAssertEqual(document.inputs[1].type.shape, [.dynamic(name: "batch", maxSize: 8), .fixed(3)])
    XCTAssertEqual(
      document.constants.map(\.initializer), [.weights("W"), .weights("b"), .scalar(0.5), .bytes([1, 255])])
    XCTAssertEqual(document.nodes.map(\.op), ["matmul", "add", "softmax", "split", "clamp", "identity"])
    XCTAssertEqual(document.nodes[2].named, ["axis": 1])
    XCTAssertEqual(document.nodes[3].outputs, ["a", "c"])
    XCTAssertEqual(document.nodes[4].named["minValue"], .number(-.infinity))
    XCTAssertEqual(document.nodes[4].named["label"], .string("clip \"it\""))
    XCTAssertEqual(document.nodes[1].location, SourceLocation(line: 11, column: 5))
    XCTAssertEqual(document.outputs.map(\.name), ["probs", "alias"])
  }

  func testTextAndJSONRoundTrip() throws {
    let document = try GraphDocument(text: example)
    XCTAssertEqual(try GraphDocument(text: document.text), document)
    let json = document.json()
    let fromJSON = try GraphDocument(json: json)
    XCTAssertEqual(fromJSON.inputs, document.inputs)
    XCTAssertEqual(fromJSON.constants, document.constants)
    XCTAssertEqual(fromJSON.outputs, document.outputs)
    XCTAssertEqual(fromJSON.nodes.map(\.op), document.nodes.map(\.op))
    // JSON options carry strings where the text form has operand names; positional operands stay operands.
    XCTAssertEqual(fromJSON.nodes.map(\.positional), document.nodes.map(\.positional))
    XCTAssertEqual(fromJSON.nodes[4].named["minValue"], .number(-.infinity))
    XCTAssertEqual(try GraphDocument(text: fromJSON.text).json(), json)
  }

  func testErrorsNameLineAndColumn() {
    let cases: [(String, String)] = [
      ("webnn_graph \"g\" v1 {\n  inputs { x: f33[2]; }\n}", "2:15: unknown data type 'f33'"),
      ("webnn_graph \"g\" v1 {\n  inputs { x: f32[2] }\n}", "2:22: expected ';' after the declaration of x"),
      ("webnn_graph \"g\" v1 {\n  nodes { y = relu(x, ; }\n}", "2:23: expected a value"),
      ("webnn_graph \"g\" v1 {\n  consts { w: f32[2]; }\n}", "2:21: constant w needs"),
      ("webnn_graph \"g\" v1 {\n  inputs { x: f32[2]; }", "2:24: expected a block"),
      ("webnn_graph \"g\" v1 {\n  consts { w: f32[2] @bytes([1, 256]); }\n}", "2:33: a byte is 0 to 255"),
      ("webnn_graph \"g v1", "1:13: unterminated string"),
      ("graph \"g\" v1 {}", "1:1: a graph file starts with 'webnn_graph'"),
    ]
    for (text, expected) in cases {
      XCTAssertThrowsError(try GraphDocument(text: text, file: "bad.webnn"), expected) { error in
        XCTAssertTrue("\(error)".hasPrefix("bad.webnn:" + expected), "got: \(error)\nexpected: \(expected)")
      }
    }
    XCTAssertThrowsError(try GraphDocument(json: Data("{\n  \"nodes\": [,]\n}".utf8), file: "bad.json")) { error in
      XCTAssertTrue("\(error)".hasPrefix("bad.json:2:13:"), "\(error)")
    }
    XCTAssertThrowsError(try GraphDocument(json: Data("{\"nodes\": []}".utf8), file: "bad.json")) { error in
      XCTAssertTrue("\(error)".contains("outputs"), "\(error)")
    }
  }
}
