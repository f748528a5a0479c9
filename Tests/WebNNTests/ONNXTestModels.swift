import Foundation

/// Small ONNX models written directly in protobuf wire format, for tests that must not need
/// Python: field numbers are those of onnx.proto.
enum ONNXTestModels {
  /// Protobuf writer: varints and length-delimited fields.
  struct Message {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
      var v = value
      while v >= 0x80 {
        bytes.append(UInt8(v & 0x7F) | 0x80)
        v >>= 7
      }
      bytes.append(UInt8(v))
    }

    mutating func int(_ field: Int, _ value: Int64) {
      varint(UInt64(field << 3))
      varint(UInt64(bitPattern: value))
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
      varint(UInt64(field << 3 | 2))
      varint(UInt64(value.count))
      bytes += value
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }
    mutating func message(_ field: Int, _ value: Message) { bytes(field, value.bytes) }

    mutating func float(_ field: Int, _ value: Float) {
      varint(UInt64(field << 3 | 5))
      withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
    }
  }

  enum Dim {
    case fixed(Int)
    case named(String)
  }

  static func valueInfo(_ name: String, elementType: Int64 = 1, _ dims: [Dim]) -> Message {
    var shape = Message()
    for d in dims {
      var dim = Message()
      switch d {
      case .fixed(let n): dim.int(1, Int64(n))
      case .named(let s): dim.string(2, s)
      }
      shape.message(1, dim)
    }
    var tensor = Message()
    tensor.int(1, elementType)
    tensor.message(2, shape)
    var type = Message()
    type.message(1, tensor)
    var info = Message()
    info.string(1, name)
    info.message(2, type)
    return info
  }

  static func node(
    _ op: String, _ inputs: [String], _ outputs: [String], name: String = "", floats: [String: Float] = [:]
  )
    -> Message
  {
    var n = Message()
    for i in inputs { n.string(1, i) }
    for o in outputs { n.string(2, o) }
    if !name.isEmpty { n.string(3, name) }
    n.string(4, op)
    for (key, value) in floats {
      var attribute = Message()
      attribute.string(1, key)
      attribute.float(2, value)
      attribute.int(20, 1)
      n.message(5, attribute)
    }
    return n
  }

  static func floatTensor(_ name: String, _ dims: [Int], _ values: [Float]) -> Message {
    rawTensor(name, dims, values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
  }

  static func rawTensor(_ name: String, _ dims: [Int], _ raw: [UInt8]) -> Message {
    var t = Message()
    for d in dims { t.int(1, Int64(d)) }
    t.int(2, 1)
    t.string(8, name)
    t.bytes(9, raw)
    return t
  }

  static func model(nodes: [Message], initializers: [Message], inputs: [Message], outputs: [Message]) -> Data {
    var graph = Message()
    for n in nodes { graph.message(1, n) }
    graph.string(2, "test")
    for i in initializers { graph.message(5, i) }
    for i in inputs { graph.message(11, i) }
    for o in outputs { graph.message(12, o) }
    var opset = Message()
    opset.string(1, "")
    opset.int(2, 17)
    var m = Message()
    m.int(1, 8)
    m.message(7, graph)
    m.message(8, opset)
    return Data(m.bytes)
  }

  /// x [batch, 4] → op → y.
  static func symbolicRelu(op: String) -> Data {
    model(
      nodes: [node(op, ["x"], ["y"], name: "the_node")], initializers: [],
      inputs: [valueInfo("x", [.named("batch"), .fixed(4)])], outputs: [valueInfo("y", [.named("batch"), .fixed(4)])])
  }

  /// x [2] + c, where c is declared [2] float with `rawBytes` bytes of data (8 is right).
  static func addConstant(rawBytes: Int) -> Data {
    model(
      nodes: [node("Add", ["x", "c"], ["y"])],
      initializers: [rawTensor("c", [2], [UInt8](repeating: 0x3F, count: rawBytes))],
      inputs: [valueInfo("x", [.fixed(2)])], outputs: [valueInfo("y", [.fixed(2)])])
  }

  /// Conv (2 → 2 channels, 1×1) then BatchNormalization; with `sharedOutput` the conv's result
  /// is also a graph output, which keeps the two apart.
  static func convBatchNorm(sharedOutput: Bool) -> Data {
    let weights = [floatTensor("w", [2, 2, 1, 1], [1, 2, 3, 4])]
    let bn = ["s", "b", "m", "v"].map { floatTensor($0, [2], [0.5, 1.5]) }
    var outputs = [valueInfo("y", [.fixed(1), .fixed(2), .fixed(3), .fixed(3)])]
    if sharedOutput { outputs.append(valueInfo("t", [.fixed(1), .fixed(2), .fixed(3), .fixed(3)])) }
    return model(
      nodes: [
        node("Conv", ["x", "w"], ["t"]),
        node("BatchNormalization", ["t", "s", "b", "m", "v"], ["y"], floats: ["epsilon": 1e-3]),
      ],
      initializers: weights + bn, inputs: [valueInfo("x", [.fixed(1), .fixed(2), .fixed(3), .fixed(3)])],
      outputs: outputs)
  }
}
