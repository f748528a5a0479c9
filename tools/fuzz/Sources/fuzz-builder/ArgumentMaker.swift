import FuzzSupport
import WebNNCore

/// Turns fuzz bytes into operator arguments of the kind each registry parameter takes: mostly
/// plausible values (small sizes, in-range axes, the enum's own values), sometimes extreme ones
/// and sometimes a value of the wrong kind, so that both the happy paths and the argument checks
/// are reached.
struct ArgumentMaker {
  var data: FuzzData
  /// Names of the operands made so far.
  var operands: [String] = []

  static let extremes = [
    -1, 0, 1 << 20, Int(Int32.max), Int(Int32.max) + 1, Int(UInt32.max), 1 << 40, Int.max, Int.min,
  ]

  mutating func integer() -> Int { data.chance(90) ? data.int(-2...6) : data.pick(Self.extremes) }

  mutating func double() -> Double {
    data.chance(90) ? Double(data.int(-16...16)) / 4 : data.pick([.nan, .infinity, -.infinity, 1e300, -0.0, 65504])
  }

  mutating func operandName() -> String {
    operands.isEmpty || data.chance(2) ? "missing" : data.pick(operands)
  }

  mutating func list(_ element: (inout ArgumentMaker) -> MLArgumentValue) -> MLArgumentValue {
    .array((0..<data.int(0...4)).map { _ in element(&self) })
  }

  /// A value for a parameter of `kind`.
  mutating func value(_ kind: OperatorValueKind) -> MLArgumentValue {
    if data.chance(3) { return wrongKind() }
    switch kind {
    case .operand: return .operand(operandName())
    case .operandList: return .array((0..<data.int(1...3)).map { _ in .operand(operandName()) })
    case .integer: return .number(Double(integer()))
    case .integerList: return list { .number(Double($0.integer())) }
    case .double, .number: return .number(double())
    case .floatList: return list { .number($0.double()) }
    case .boolean: return .bool(data.bool())
    case .string: return .string(data.pick(["", "fuzz", "\u{1F600}"]))
    case .enumeration(let values): return .string(data.chance(95) ? data.pick(values) : "bogus")
    case .enumerationList(let values): return list { .string($0.data.pick(values)) }
    case .splits: return data.bool() ? .number(Double(data.int(1...4))) : list { .number(Double($0.data.int(0...4))) }
    }
  }

  mutating func wrongKind() -> MLArgumentValue {
    switch data.int(0...4) {
    case 0: .null
    case 1: .bool(data.bool())
    case 2: .string("x")
    case 3: .array([.array([])])
    default: .number(.nan)
    }
  }

  mutating func dataType() -> MLOperandDataType {
    data.chance(60) ? .float32 : data.pick(MLOperandDataType.allCases)
  }

  mutating func shape() -> [Int] {
    (0..<data.int(0...4)).map { _ in data.chance(97) ? data.int(1...4) : data.pick([0, 1 << 16, Int(Int32.max)]) }
  }
}
