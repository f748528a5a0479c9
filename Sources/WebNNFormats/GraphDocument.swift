import WebNNCore

/// A WebNN graph as the `.webnn` text format and its JSON twin describe it: inputs, constants
/// (with where their bytes come from), operator calls in order, and named outputs. Operands are
/// referred to by name; nothing here holds weights.
///
/// ```swift
/// let document = try GraphDocument(text: source, file: "head.webnn")
/// print(document.nodes.map(\.op))
/// ```
public struct GraphDocument: Sendable, Equatable {
  /// The graph's name (the header's string).
  public var name: String
  /// The format version (text `v1`; the JSON form calls it `version`).
  public var version: Int
  /// Whether the header carries `@quantized`.
  public var quantized: Bool
  /// The graph inputs, in order.
  public var inputs: [Declaration]
  /// The constants, in order.
  public var constants: [Constant]
  /// The operator calls, in an order in which every operand is defined before it is used.
  public var nodes: [Node]
  /// The graph outputs: the name an output is read by, and the operand it is.
  public var outputs: [Output]

  /// An empty graph.
  ///
  /// ```swift
  /// var document = GraphDocument(name: "g")
  /// ```
  public init(
    name: String, version: Int = 1, quantized: Bool = false, inputs: [Declaration] = [],
    constants: [Constant] = [], nodes: [Node] = [], outputs: [Output] = []
  ) {
    self.name = name
    self.version = version
    self.quantized = quantized
    self.inputs = inputs
    self.constants = constants
    self.nodes = nodes
    self.outputs = outputs
  }

  /// One dimension of a declared shape.
  public enum Dimension: Sendable, Hashable {
    /// A fixed size.
    case fixed(Int)
    /// `dyn("name", maxSize)`: fixed when the graph is loaded (inputs only).
    case dynamic(name: String, maxSize: Int)
  }

  /// An operand's declared data type and shape.
  public struct TensorType: Sendable, Hashable {
    /// The data type.
    public var dataType: MLOperandDataType
    /// The dimensions; empty for a scalar.
    public var shape: [Dimension]

    /// A type with fixed dimensions.
    ///
    /// ```swift
    /// let type = GraphDocument.TensorType(.float32, [1, 3, 224, 224])
    /// ```
    public init(_ dataType: MLOperandDataType, _ shape: [Int]) {
      self.dataType = dataType
      self.shape = shape.map { .fixed($0) }
    }

    /// A type with any dimensions.
    public init(dataType: MLOperandDataType, shape: [Dimension]) {
      self.dataType = dataType
      self.shape = shape
    }
  }

  /// A named input.
  public struct Declaration: Sendable, Hashable {
    /// The operand's name.
    public var name: String
    /// Its type.
    public var type: TensorType

    /// An input declaration.
    public init(name: String, type: TensorType) {
      self.name = name
      self.type = type
    }
  }

  /// Where a constant's bytes come from.
  public enum Initializer: Sendable, Hashable {
    /// A tensor of the weights file, by key.
    case weights(String)
    /// Every element set to one value.
    case scalar(Double)
    /// Little-endian bytes written in the graph itself.
    case bytes([UInt8])
  }

  /// A named constant.
  public struct Constant: Sendable, Hashable {
    /// The operand's name.
    public var name: String
    /// Its type (fixed dimensions only).
    public var type: TensorType
    /// Where its bytes come from.
    public var initializer: Initializer

    /// A constant declaration.
    public init(name: String, type: TensorType, initializer: Initializer) {
      self.name = name
      self.type = type
      self.initializer = initializer
    }
  }

  /// One operator call: `outputs = op(positional..., name=value...)`.
  public struct Node: Sendable, Equatable {
    /// The operator's spec name (`conv2d`, `softmax`, ...).
    public var op: String
    /// The positional arguments (operands by name, or values).
    public var positional: [MLArgumentValue]
    /// The named arguments: the options, and scalars the spec passes positionally.
    public var named: [String: MLArgumentValue]
    /// The names of the results.
    public var outputs: [String]
    /// Whether the outputs were written as a list (`[a, b] = split(...)`), even of one.
    public var outputsAreList: Bool
    /// Where the call is in its file (1-based line and column), when it was parsed.
    public var location: SourceLocation?

    /// A call.
    ///
    /// ```swift
    /// let node = GraphDocument.Node(op: "softmax", positional: [.operand("x")], named: ["axis": 1], outputs: ["y"])
    /// ```
    public init(
      op: String, positional: [MLArgumentValue], named: [String: MLArgumentValue] = [:], outputs: [String],
      outputsAreList: Bool = false, location: SourceLocation? = nil
    ) {
      self.op = op
      self.positional = positional
      self.named = named
      self.outputs = outputs
      self.outputsAreList = outputsAreList
      self.location = location
    }

    public static func == (a: Node, b: Node) -> Bool {
      // Where a call was read from is not part of the graph.
      a.op == b.op && a.positional == b.positional && a.named == b.named && a.outputs == b.outputs
        && a.outputsAreList == b.outputsAreList
    }
  }

  /// A graph output.
  public struct Output: Sendable, Hashable {
    /// The name the output is read by.
    public var name: String
    /// The operand it is.
    public var operand: String

    /// An output.
    public init(name: String, operand: String) {
      self.name = name
      self.operand = operand
    }
  }
}

/// A 1-based position in a source file.
///
/// ```swift
/// let here = SourceLocation(line: 3, column: 14)
/// ```
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The line, from 1.
  public var line: Int
  /// The column (in characters), from 1.
  public var column: Int

  /// A position.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  public var description: String { "\(line):\(column)" }
}

/// The short type names of the text form (`f32`, `i64`, ...).
extension MLOperandDataType {
  /// The text form's name: `f32`, `f16`, `i32`, `u32`, `i64`, `u64`, `i8`, `u8`, `i4`, `u4`.
  public var shortName: String {
    switch self {
    case .float32: "f32"
    case .float16: "f16"
    case .int32: "i32"
    case .uint32: "u32"
    case .int64: "i64"
    case .uint64: "u64"
    case .int8: "i8"
    case .uint8: "u8"
    case .int4: "i4"
    case .uint4: "u4"
    }
  }

  /// The type with this text-form name.
  public init?(shortName: String) {
    guard let type = MLOperandDataType.allCases.first(where: { $0.shortName == shortName }) else { return nil }
    self = type
  }
}
