/// Checks shared by the context and the builder.
enum Validation {
  /// A *valid dimension*: an integer in 1...Int32.max.
  static func isValidDimension(_ d: Int) -> Bool { d > 0 && d <= Int(Int32.max) }

  static func checkDescriptor(_ descriptor: MLOperandDescriptor, call: String, argument: String) throws {
    for (i, d) in descriptor.shape.enumerated() where !isValidDimension(d) {
      throw MLError.type("\(call): \(argument): dimension \(i) is \(d); dimensions must be in 1...\(Int32.max)")
    }
    let (count, overflow) = descriptor.shape.reduce((1, false)) { acc, d in
      let (p, o) = acc.0.multipliedReportingOverflow(by: d)
      return (p, acc.1 || o)
    }
    if overflow || !isValidDimension(count) {
      throw MLError.type("\(call): \(argument): \(descriptor) has too many elements (at most \(Int32.max))")
    }
  }

  static func checkScalarType<T: MLScalar>(_ type: T.Type, _ descriptor: MLOperandDescriptor, call: String) throws {
    guard T.dataType == descriptor.dataType else {
      throw MLError.type(
        "\(call): values are \(T.self) (\(T.dataType.rawValue)), the tensor is \(descriptor.dataType.rawValue)")
    }
  }
}

/// Validation context of one builder call: names the operator, its label and the argument at
/// fault in every error it raises.
struct OpCheck {
  let op: String
  let label: String
  let builder: MLGraphBuilder

  var name: String { label.isEmpty ? op : "\(op) [\(label)]" }

  func error(_ argument: String, _ problem: String) -> MLError {
    MLError.type("\(name): \(argument): \(problem)")
  }

  /// The operand belongs to this builder and fits the operator table's entry for `argument`.
  func operand(_ x: MLOperand, _ argument: String, tableKey: String? = nil) throws {
    guard x.builderID == builder.id else { throw error(argument, "the operand belongs to another MLGraphBuilder") }
    // Every operand argument is declared in the registry; a missing entry is a bug to report,
    // never a check to skip.
    guard let spec = OperatorTable.operators[op]?[tableKey ?? argument] else {
      throw MLError(.unknownError, "\(name): \(tableKey ?? argument): the operator registry declares no such operand")
    }
    guard spec.dataTypes.contains(x.dataType), builder.supportedTypes.contains(x.dataType) else {
      throw error(
        argument, "data type \(x.dataType.rawValue) is not supported (expected one of \(Self.list(spec.dataTypes)))")
    }
    guard spec.ranks.contains(x.rank) else {
      throw error(
        argument, "rank \(x.rank) is not supported (expected \(spec.ranks.lowerBound)...\(spec.ranks.upperBound))")
    }
  }

  /// The operand's data type is `dataType`.
  func sameType(_ x: MLOperand, as dataType: MLOperandDataType, _ argument: String) throws {
    guard x.dataType == dataType else {
      throw error(argument, "data type \(x.dataType.rawValue) does not match \(dataType.rawValue)")
    }
  }

  func rank(_ x: MLOperand, _ rank: Int, _ argument: String) throws {
    guard x.rank == rank else { throw error(argument, "expected rank \(rank), got \(x.rank) (shape \(x.shape))") }
  }

  func shape(_ x: MLOperand, _ shape: [Int], _ argument: String) throws {
    guard x.shape == shape else { throw error(argument, "expected shape \(shape), got \(x.shape)") }
  }

  /// An axis in `0..<rank`.
  func axis(_ axis: Int, rank: Int, _ argument: String) throws {
    guard axis >= 0 && axis < rank else { throw error(argument, "axis \(axis) is out of range 0..<\(rank)") }
  }

  /// Axes in range and unique.
  func axes(_ axes: [Int], rank: Int, _ argument: String) throws {
    for a in axes { try axis(a, rank: rank, argument) }
    guard Set(axes).count == axes.count else { throw error(argument, "axes \(axes) contain duplicates") }
  }

  /// Every value fits the spec's `unsigned long` (0...4294967295), which also keeps the
  /// shape arithmetic that follows free of overflow.
  func unsignedLongs(_ values: [Int], _ argument: String) throws {
    for value in values where value < 0 || value > Int(UInt32.max) {
      throw error(argument, "\(value) is not in 0...\(UInt32.max)")
    }
  }

  func require(_ condition: Bool, _ argument: String, _ problem: @autoclosure () -> String) throws {
    if !condition { throw error(argument, problem()) }
  }

  static func list(_ types: Set<MLOperandDataType>) -> String {
    MLOperandDataType.allCases.filter(types.contains).map(\.rawValue).joined(separator: ", ")
  }
}

/// Shape rules shared by several operators.
enum Broadcast {
  /// The spec's bidirectional broadcast, or nil if the shapes are incompatible.
  static func bidirectional(_ a: [Int], _ b: [Int]) -> [Int]? {
    let rank = max(a.count, b.count)
    let pa = Array(repeating: 1, count: rank - a.count) + a
    let pb = Array(repeating: 1, count: rank - b.count) + b
    var out: [Int] = []
    for (x, y) in zip(pa, pb) {
      if x == y || y == 1 { out.append(x) } else if x == 1 { out.append(y) } else { return nil }
    }
    return out
  }

  /// Whether `from` broadcasts unidirectionally to `to`.
  static func unidirectional(_ from: [Int], to: [Int]) -> Bool {
    guard from.count <= to.count else { return false }
    let padded = Array(repeating: 1, count: to.count - from.count) + from
    return zip(padded, to).allSatisfy { $0 == $1 || $0 == 1 }
  }
}
