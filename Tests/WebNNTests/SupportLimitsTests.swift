import Foundation
import Testing
import WebNN
import WebNNStress

// Every (operator, data type) that `opSupportLimits()` advertises builds and runs at the smallest
// and the largest advertised rank of the operator's main argument, and matches a CPU reference.
//
// Each operator has a factory that makes a valid call through the public builder (filters,
// indices, axes and options that fit the shapes), deterministic inputs, and the expected outputs
// computed here. Operators whose other arguments have a type of their own (cast's output,
// the index types of gather and scatter, argMin/argMax's output, the quantization zero point and
// scale) run for every advertised type of that argument too. Integer results and data movement
// must match exactly; float results match exactly where the computation is exact in float32
// (float16 results must be float32 results rounded to nearest even) and within a tolerance
// otherwise. A registry entry without a factory fails `everyAdvertisedOperatorHasAFactory`.

// MARK: - Exact host values

/// One element, exactly: floats as Double, integers as Int128 (wide enough for every 64-bit
/// value, and for wrapping arithmetic on them).
private enum Num: Hashable, CustomStringConvertible {
  case f(Double)
  case i(Int128)

  var double: Double {
    switch self {
    case .f(let d): d
    case .i(let i): Double(i)
    }
  }

  /// Integers as they are; floats truncated toward zero (0 for NaN and infinities).
  var int: Int128 {
    switch self {
    case .i(let i): i
    case .f(let d): d.isFinite ? Int128(d.rounded(.towardZero)) : 0
    }
  }

  var isTrue: Bool {
    switch self {
    case .f(let d): d != 0
    case .i(let i): i != 0
    }
  }

  var description: String {
    switch self {
    case .f(let d): "\(d)"
    case .i(let i): "\(i)"
    }
  }
}

private func less(_ a: Num, _ b: Num) -> Bool {
  if case .i(let x) = a, case .i(let y) = b { return x < y }
  return a.double < b.double
}

extension MLOperandDataType {
  fileprivate var isFloat: Bool { self == .float32 || self == .float16 }
  fileprivate var minInt: Int128 { isSignedInteger ? -(Int128(1) << (bitWidth - 1)) : 0 }
  fileprivate var maxInt: Int128 {
    isSignedInteger ? (Int128(1) << (bitWidth - 1)) - 1 : (Int128(1) << bitWidth) - 1
  }

  /// The low `bitWidth` bits, sign-extended for signed types: what an integer store keeps.
  fileprivate func wrapInt(_ v: Int128) -> Int128 {
    let modulus = Int128(1) << bitWidth
    var low = v & (modulus - 1)
    if isSignedInteger && low > maxInt { low -= modulus }
    return low
  }

  /// Rounds to the storage type the way the kernels do: to float32, then to float16.
  fileprivate func roundFloat(_ d: Double) -> Double {
    self == .float16 ? Double(Float16(Float(d))) : Double(Float(d))
  }

  fileprivate func normalize(_ n: Num) -> Num {
    isFloat ? .f(roundFloat(n.double)) : .i(wrapInt(n.int))
  }
}

/// Row-major coordinates of element `index`.
private func unravel(_ index: Int, _ shape: [Int]) -> [Int] {
  var coords = [Int](repeating: 0, count: shape.count)
  var rest = index
  for d in shape.indices.reversed() {
    coords[d] = rest % shape[d]
    rest /= shape[d]
  }
  return coords
}

private func ravel(_ coords: [Int], _ shape: [Int]) -> Int {
  var index = 0
  for d in shape.indices { index = index * shape[d] + coords[d] }
  return index
}

/// A tensor on the host with exact values, normalized to its data type.
private struct HostTensor: CustomStringConvertible {
  var type: MLOperandDataType
  var shape: [Int]
  var values: [Num]

  init(_ type: MLOperandDataType, _ shape: [Int], _ values: [Num]) {
    precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
    self.type = type
    self.shape = shape
    self.values = values.map(type.normalize)
  }

  init(_ type: MLOperandDataType, _ shape: [Int], _ value: ([Int]) -> Num) {
    self.init(type, shape, (0..<shape.reduce(1, *)).map { value(unravel($0, shape)) })
  }

  var count: Int { values.count }
  var rank: Int { shape.count }
  subscript(_ coords: [Int]) -> Num { values[ravel(coords, shape)] }
  var descriptor: MLOperandDescriptor { MLOperandDescriptor(dataType: type, shape: shape) }
  var description: String { "\(type.rawValue)\(shape)" }
}

/// Little-endian bytes as a tensor stores them (4-bit types packed, low nibble first).
private func encode(_ t: HostTensor) -> [UInt8] {
  var bytes: [UInt8] = []
  switch t.type {
  case .float32:
    for v in t.values { withUnsafeBytes(of: Float(v.double).bitPattern.littleEndian) { bytes += $0 } }
  case .float16:
    for v in t.values { withUnsafeBytes(of: Float16(v.double).bitPattern.littleEndian) { bytes += $0 } }
  case .int4, .uint4:
    bytes = [UInt8](repeating: 0, count: (t.count + 1) / 2)
    for (k, v) in t.values.enumerated() {
      bytes[k / 2] |= (UInt8(truncatingIfNeeded: v.int) & 15) << (4 * UInt8(k % 2))
    }
  default:
    for v in t.values {
      let bits = UInt64(truncatingIfNeeded: v.int)
      for b in 0..<(t.type.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * b))) }
    }
  }
  return bytes
}

private func decode(_ bytes: [UInt8], _ type: MLOperandDataType, _ shape: [Int]) -> HostTensor {
  func word(_ k: Int, _ width: Int) -> UInt64 {
    (0..<width).reduce(UInt64(0)) { $0 | UInt64(bytes[k * width + $1]) << (8 * UInt64($1)) }
  }
  let values: [Num] = (0..<shape.reduce(1, *)).map { k in
    switch type {
    case .float32: .f(Double(Float(bitPattern: UInt32(word(k, 4)))))
    case .float16: .f(Double(Float16(bitPattern: UInt16(word(k, 2)))))
    case .int4, .uint4: .i(Int128((bytes[k / 2] >> (4 * UInt8(k % 2))) & 15))
    default: .i(Int128(word(k, type.bitWidth / 8)))
    }
  }
  return HostTensor(type, shape, values)
}

// MARK: - Shapes and references shared by several operators

/// The shape used at `rank`: dims of 1, 2 and 3 (144 elements at rank 8).
private func shapeOf(rank: Int) -> [Int] {
  (0..<rank).map { $0 < 8 ? [2, 3, 1, 2, 2, 1, 3, 2][$0] : ($0 % 4 == 0 ? 2 : 1) }
}

private func broadcastShapes(_ a: [Int], _ b: [Int]) -> [Int] {
  let rank = max(a.count, b.count)
  let pa = [Int](repeating: 1, count: rank - a.count) + a
  let pb = [Int](repeating: 1, count: rank - b.count) + b
  return zip(pa, pb).map { max($0, $1) }
}

/// The element of `t` that broadcasting (trailing alignment, dims of 1 repeat) puts at `coords`.
private func broadcastRead(_ t: HostTensor, _ coords: [Int]) -> Num {
  let offset = coords.count - t.rank
  return t[(0..<t.rank).map { t.shape[$0] == 1 ? 0 : coords[$0 + offset] }]
}

/// An element-wise result of broadcast operands.
private func elementwise(_ type: MLOperandDataType, _ operands: [HostTensor], _ f: ([Num]) -> Num) -> HostTensor {
  let shape = operands.map(\.shape).reduce([], broadcastShapes)
  return HostTensor(type, shape) { c in f(operands.map { broadcastRead($0, c) }) }
}

private func mapped(_ t: HostTensor, to type: MLOperandDataType? = nil, _ f: (Num) -> Num) -> HostTensor {
  HostTensor(type ?? t.type, t.shape, t.values.map(f))
}

/// out.shape[i] = in.shape[perm[i]].
private func permute(_ t: HostTensor, _ perm: [Int]) -> HostTensor {
  HostTensor(t.type, perm.map { t.shape[$0] }) { c in
    var source = [Int](repeating: 0, count: t.rank)
    for (i, p) in perm.enumerated() { source[p] = c[i] }
    return t[source]
  }
}

/// Groups the elements of `x` by their coordinates outside `axes` (in row-major order) and
/// combines each group.
private func reduced(
  _ x: HostTensor, axes: [Int], keepDimensions: Bool, to type: MLOperandDataType? = nil, _ combine: ([Num]) -> Num
) -> HostTensor {
  let outShape = x.shape.enumerated().compactMap { d, size in axes.contains(d) ? (keepDimensions ? 1 : nil) : size }
  var groups = [[Num]](repeating: [], count: outShape.reduce(1, *))
  for k in 0..<x.count {
    let c = unravel(k, x.shape)
    let kept = c.enumerated().compactMap { d, v in axes.contains(d) ? (keepDimensions ? 0 : nil) : v }
    groups[ravel(kept, outShape)].append(x.values[k])
  }
  return HostTensor(type ?? x.type, outShape, groups.map(combine))
}

/// The lines of `shape` along `axis`: each is the list of flat indices, in order.
private func lines(_ shape: [Int], axis: Int) -> [[Int]] {
  let inner = shape[(axis + 1)...].reduce(1, *)
  let outer = shape[..<axis].reduce(1, *)
  let size = shape[axis]
  return (0..<(outer * inner)).map { line in
    let base = (line / inner) * size * inner + line % inner
    return (0..<size).map { base + $0 * inner }
  }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

// MARK: - Deterministic inputs

extension SplitMix64 {
  mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
  mutating func double(_ low: Double, _ high: Double) -> Double { low + (high - low) * Double(next() >> 11) / 0x1p53 }
  mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
  mutating func shuffled(_ n: Int) -> [Int] {
    var items = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) { items.swapAt(i, int(0...i)) }
    return items
  }
}

/// Which values an input holds.
private enum Domain: Sendable {
  /// Floats in [-4, 4]; integers mostly small, with the type's extremes and full-width values.
  case general
  /// Floats in [0.25, 4]; integers in 1...20.
  case positive
  /// Divisors: floats ±[0.5, 4]; integers ±2...9 and the maximum (never 0 or -1).
  case nonzero
  /// Exponents: floats in -2...2 by halves; integers in 0...3.
  case exponent
  /// Floats in [-1, 1]; integers in -1...1 (0...1 unsigned).
  case unit
  /// Floats in -4.5...4.5 by halves (rounding ties).
  case halves
  /// A few values per type, so that equal values meet; integers include values a float
  /// conversion cannot tell apart (2^24 and 2^24 + 1, 2^53 and 2^53 + 1) and the sign bit.
  case pool
  /// uint8 truth values: 0, 1, 2, 255.
  case boolean
  /// Floats with NaN, infinities, signed zeros and large values.
  case special
  /// Floats and integers in a closed range (clipped to the type).
  case range(Double, Double)
  /// Either of two domains, half the time each.
  indirect case mixed(Domain, Domain)
}

private func poolIntegers(_ type: MLOperandDataType) -> [Int128] {
  var pool: [Int128] = [type.minInt, type.maxInt, 0, 1, type.maxInt - 1]
  if type.isSignedInteger { pool.append(-1) }
  switch type.bitWidth {
  case 32: pool += [1 << 24, (1 << 24) + 1]
  case 64: pool += [1 << 53, (1 << 53) + 1]
  default: break
  }
  if type.isUnsignedInteger && type.bitWidth >= 32 {
    pool += [Int128(1) << (type.bitWidth - 1), (Int128(1) << (type.bitWidth - 1)) + 1]
  }
  return pool
}

private func sample(_ type: MLOperandDataType, _ domain: Domain, _ rng: inout SplitMix64) -> Num {
  if type.isFloat {
    switch domain {
    case .general: return .f(rng.double(-4, 4))
    case .positive: return .f(rng.double(0.25, 4))
    case .nonzero: return .f((rng.next() & 1 == 0 ? 1 : -1) * rng.double(0.5, 4))
    case .exponent: return .f(Double(rng.int(-4...4)) / 2)
    case .unit: return .f(rng.double(-1, 1))
    case .halves: return .f(Double(rng.int(-9...9)) / 2)
    case .pool, .boolean: return .f(rng.pick([-2.5, -1, 0, 0.5, 1, 3.25]))
    case .special:
      return rng.int(0...1) == 0
        ? .f(rng.double(-4, 4)) : .f(rng.pick([.nan, .infinity, -.infinity, -0.0, 0, 65504, -70000, 1e-6]))
    case .range(let low, let high): return .f(rng.double(low, high))
    case .mixed(let a, let b): return sample(type, rng.next() & 1 == 0 ? a : b, &rng)
    }
  }
  let (low, high) = (type.minInt, type.maxInt)
  func clipped(_ v: Int) -> Num { .i(Swift.max(low, Swift.min(high, Int128(v)))) }
  switch domain {
  case .general:
    switch rng.int(0...7) {
    case 0: return .i(low)
    case 1: return .i(high)
    case 2: return .i(type.wrapInt(Int128(Int64(bitPattern: rng.next()))))
    case 3: return .i(high - Int128(rng.int(0...3)))
    default: return clipped(rng.int(type.isSignedInteger ? -9...9 : 0...18))
    }
  case .positive: return clipped(rng.int(1...20))
  case .nonzero:
    if rng.int(0...5) == 0 { return .i(high) }
    let m = Swift.min(Int128(rng.int(2...9)), high)
    return .i(type.isSignedInteger && rng.next() & 1 == 0 ? -m : m)
  case .exponent: return clipped(rng.int(0...3))
  case .unit: return clipped(rng.int(type.isSignedInteger ? -1...1 : 0...1))
  case .halves, .special: return clipped(rng.int(-9...9))
  case .pool: return .i(rng.pick(poolIntegers(type)))
  case .boolean: return .i(rng.pick([0, 1, 2, 255]))
  case .range(let a, let b):
    let l = Swift.max(low, Int128(a.rounded(.up)))
    let h = Swift.min(high, Int128(b.rounded(.down)))
    return .i(l + Int128(rng.next() % UInt64(h - l + 1)))
  case .mixed(let a, let b): return sample(type, rng.next() & 1 == 0 ? a : b, &rng)
  }
}

// MARK: - Running one case

private enum Tolerance: Sendable {
  case exact
  /// Floats within factor · (atol + rtol · |expected|): float32 1e-5 + 1e-4, float16 1e-3 + 2e-3.
  case approximate(Double)
}

/// What a factory is asked to build.
private struct Setup {
  let op: String
  /// The main argument's data type and rank.
  let type: MLOperandDataType
  let rank: Int
  /// The data type of the factory's secondary argument, when it has one.
  let secondary: MLOperandDataType?
  /// 0 at the smallest advertised rank, 1 at the largest: factories vary options between them.
  let end: Int
}

/// Collects a graph's inputs and expected outputs while a factory calls the builder.
private final class Harness {
  let builder: MLGraphBuilder
  let limits: MLOpSupportLimits
  var rng: SplitMix64
  var inputs: [(name: String, value: HostTensor)] = []
  var outputs: [(name: String, operand: MLOperand, expected: HostTensor, tolerance: Tolerance)] = []

  init(_ builder: MLGraphBuilder, _ limits: MLOpSupportLimits, seed: UInt64) {
    self.builder = builder
    self.limits = limits
    self.rng = SplitMix64(seed: seed)
  }

  var b: MLGraphBuilder { builder }

  func random(_ type: MLOperandDataType, _ shape: [Int], _ domain: Domain = .general) -> HostTensor {
    HostTensor(type, shape, (0..<shape.reduce(1, *)).map { _ in sample(type, domain, &rng) })
  }

  /// A graph input holding `value`, or a constant when graph inputs cannot have its type.
  func input(_ value: HostTensor) throws -> MLOperand {
    guard limits.input.dataTypes.contains(value.type) else { return try constant(value) }
    let name = "in\(inputs.count)"
    inputs.append((name, value))
    return try builder.input(name, value.descriptor)
  }

  func constant(_ value: HostTensor) throws -> MLOperand {
    try builder.constant(value.descriptor, bytes: encode(value))
  }

  func expect(_ operand: MLOperand, _ expected: HostTensor, _ tolerance: Tolerance = .exact) {
    outputs.append(("out\(outputs.count)", operand, expected, tolerance))
  }
}

private func isClose(_ actual: Num, _ expected: Num, _ type: MLOperandDataType, _ tolerance: Tolerance) -> Bool {
  guard type.isFloat else { return actual == expected }
  let (x, y) = (actual.double, expected.double)
  if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
  if x == y { return true }
  guard case .approximate(let factor) = tolerance, x.isFinite, y.isFinite else { return false }
  let (atol, rtol) = type == .float16 ? (1e-3, 2e-3) : (1e-5, 1e-4)
  return Swift.abs(x - y) <= factor * (atol + rtol * Swift.abs(y))
}

private func mismatch(_ actual: HostTensor, _ expected: HostTensor, _ tolerance: Tolerance) -> String? {
  var bad: [String] = []
  for k in 0..<expected.count where !isClose(actual.values[k], expected.values[k], expected.type, tolerance) {
    bad.append("\(unravel(k, expected.shape)): got \(actual.values[k]), expected \(expected.values[k])")
  }
  guard !bad.isEmpty else { return nil }
  return "\(bad.count) of \(expected.count) elements differ; " + bad.prefix(4).joined(separator: "; ")
}

private func seed(_ text: String) -> UInt64 {
  text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// Builds, dispatches and checks one case; returns its failures.
private func runCase(_ context: MLContext, _ factory: Factory, _ setup: Setup, _ limits: MLOpSupportLimits) async
  -> [String]
{
  var name = "\(setup.op) \(setup.type.rawValue) rank \(setup.rank)"
  if let secondary = setup.secondary, let argument = factory.secondary { name += " \(argument) \(secondary.rawValue)" }
  let h = Harness(MLGraphBuilder(context), limits, seed: seed(name))
  var failures: [String] = []
  do {
    try factory.make(h, setup)
    guard !h.outputs.isEmpty else { return ["\(name): the factory made no output"] }
    for o in h.outputs where o.operand.descriptor != o.expected.descriptor {
      failures.append("\(name): \(o.name) is \(o.operand.descriptor), the reference is \(o.expected.descriptor)")
    }
    guard failures.isEmpty else { return failures }
    let graph = try await h.builder.build(Dictionary(uniqueKeysWithValues: h.outputs.map { ($0.name, $0.operand) }))
    defer { graph.destroy() }
    var tensors: [MLTensor] = []
    defer { for tensor in tensors { tensor.destroy() } }
    var inputs: [String: MLTensor] = [:]
    for (inputName, value) in h.inputs {
      let tensor = try await context.createTensor(.init(dataType: value.type, shape: value.shape, writable: true))
      tensors.append(tensor)
      try context.writeTensor(tensor, encode(value))
      inputs[inputName] = tensor
    }
    var outputs: [String: MLTensor] = [:]
    for o in h.outputs {
      let tensor = try await context.createTensor(
        .init(dataType: o.expected.type, shape: o.expected.shape, readable: true))
      tensors.append(tensor)
      outputs[o.name] = tensor
    }
    try context.dispatch(graph, inputs: inputs, outputs: outputs)
    for o in h.outputs {
      let actual = decode(try await context.readTensor(outputs[o.name]!), o.expected.type, o.expected.shape)
      if let problem = mismatch(actual, o.expected, o.tolerance) { failures.append("\(name): \(o.name): \(problem)") }
    }
  } catch {
    failures.append("\(name): \(error)")
  }
  return failures
}

// MARK: - The tests

/// How to make valid calls of one operator.
private struct Factory: Sendable {
  /// The argument whose data types and ranks the cases enumerate.
  var main = "input"
  /// An argument whose advertised data types are each tested too.
  var secondary: String? = nil
  var make: @Sendable (Harness, Setup) throws -> Void
}

@Suite struct SupportLimitsTests {
  static let operatorNames: [String] = factories.keys.sorted()

  @Test func everyAdvertisedOperatorHasAFactory() async throws {
    let limits = try await sharedContext().opSupportLimits()
    #expect(Set(limits.operators.keys) == Set(OperatorRegistry.names), "opSupportLimits() and the registry differ")
    let missing = Set(OperatorRegistry.names).subtracting(factories.keys).sorted()
    #expect(missing.isEmpty, "the registry declares operators SupportLimitsTests has no factory for: \(missing)")
    let unknown = Set(factories.keys).subtracting(OperatorRegistry.names).sorted()
    #expect(unknown.isEmpty, "factories for operators the registry does not declare: \(unknown)")
    for (op, factory) in factories {
      guard let entry = limits[op] else { continue }
      #expect(entry[factory.main] != nil, "\(op) has no \(factory.main) entry")
      if let secondary = factory.secondary { #expect(entry[secondary] != nil, "\(op) has no \(secondary) entry") }
    }
  }

  @Test(arguments: operatorNames) func advertisedCombinationsRun(_ op: String) async throws {
    let context = try await sharedContext()
    let limits = context.opSupportLimits()
    let entry = try #require(limits[op])
    let factory = factories[op]!
    let main = try #require(entry[factory.main])
    #expect(!main.dataTypes.isEmpty, "\(op) advertises no data type for \(factory.main)")
    let secondaries: [MLOperandDataType?] = factory.secondary.map { entry[$0]?.dataTypes ?? [] } ?? [nil]
    let ranks =
      main.rankRange.lowerBound == main.rankRange.upperBound
      ? [main.rankRange.lowerBound] : [main.rankRange.lowerBound, main.rankRange.upperBound]
    var cases = 0
    let start = ContinuousClock.now
    for type in main.dataTypes {
      for (end, rank) in ranks.enumerated() {
        for secondary in secondaries {
          let setup = Setup(op: op, type: type, rank: rank, secondary: secondary, end: end)
          for failure in await runCase(context, factory, setup, limits) { Issue.record(Comment(rawValue: failure)) }
          cases += 1
        }
      }
    }
    let seconds = (ContinuousClock.now - start).components.seconds
    print("SupportLimits \(op): \(cases) cases, types \(main.dataTypes.map(\.rawValue)), ranks \(ranks), \(seconds) s")
    expectNoValidationMessages()
  }
}

// MARK: - Factories

private struct UnsupportedRank: Error, CustomStringConvertible {
  let description: String
}

extension Harness {
  /// Fails the case when the table advertises a rank the factory does not build.
  func requireRank(_ s: Setup, _ ranks: Int...) throws {
    guard ranks.contains(s.rank) else {
      throw UnsupportedRank(description: "the factory builds rank \(ranks) only; extend it to rank \(s.rank)")
    }
  }

  /// An index into a dimension of `size`: `value`, or `value - size` half the time for signed types.
  func index(_ value: Int, _ size: Int, _ type: MLOperandDataType) -> Num {
    type.isSignedInteger && rng.next() & 1 == 0 ? .i(Int128(value - size)) : .i(Int128(value))
  }
}

private func normalizedIndex(_ n: Num, _ size: Int) -> Int {
  let v = Int(n.int)
  return v < 0 ? v + size : v
}

private func num(_ n: MLNumber) -> Num {
  switch n {
  case .double(let d): .f(d)
  case .int(let i): .i(Int128(i))
  case .uint(let u): .i(Int128(u))
  }
}

private let factories: [String: Factory] = {
  var f: [String: Factory] = [:]
  addElementwise(&f)
  addBinary(&f)
  addReductions(&f)
  addMatrixAndImage(&f)
  addNormalization(&f)
  addDataMovement(&f)
  addIndexing(&f)
  addQuantization(&f)
  addRecurrent(&f)
  return f
}()

private typealias UnaryCall = @Sendable (MLGraphBuilder, MLOperand) throws -> MLOperand
private typealias BinaryCall = @Sendable (MLGraphBuilder, MLOperand, MLOperand) throws -> MLOperand

private func addElementwise(_ f: inout [String: Factory]) {
  let floatFunctions: [(String, Domain, Tolerance, @Sendable (Double) -> Double, UnaryCall)] = [
    ("ceil", .general, .exact, { Foundation.ceil($0) }, { try $0.ceil($1) }),
    ("floor", .general, .exact, { Foundation.floor($0) }, { try $0.floor($1) }),
    ("roundEven", .halves, .exact, { $0.rounded(.toNearestOrEven) }, { try $0.roundEven($1) }),
    ("cos", .general, .approximate(1), { Foundation.cos($0) }, { try $0.cos($1) }),
    ("sin", .general, .approximate(1), { Foundation.sin($0) }, { try $0.sin($1) }),
    ("tan", .unit, .approximate(1), { Foundation.tan($0) }, { try $0.tan($1) }),
    ("erf", .general, .approximate(1), { Foundation.erf($0) }, { try $0.erf($1) }),
    ("exp", .general, .approximate(1), { Foundation.exp($0) }, { try $0.exp($1) }),
    ("log", .positive, .approximate(1), { Foundation.log($0) }, { try $0.log($1) }),
    ("reciprocal", .nonzero, .approximate(1), { 1 / $0 }, { try $0.reciprocal($1) }),
    ("sqrt", .positive, .approximate(1), { Foundation.sqrt($0) }, { try $0.sqrt($1) }),
    ("sigmoid", .general, .approximate(1), { 1 / (1 + Foundation.exp(-$0)) }, { try $0.sigmoid($1) }),
    ("tanh", .general, .approximate(1), { Foundation.tanh($0) }, { try $0.tanh($1) }),
    ("softsign", .general, .approximate(1), { $0 / (1 + Swift.abs($0)) }, { try $0.softsign($1) }),
    ("softplus", .general, .approximate(1), { Foundation.log(1 + Foundation.exp($0)) }, { try $0.softplus($1) }),
    (
      "gelu", .general, .approximate(1), { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }, { try $0.gelu($1) }
    ),
    ("hardSwish", .general, .approximate(1), { $0 * Swift.max(0, Swift.min(6, $0 + 3)) / 6 }, { try $0.hardSwish($1) }),
    (
      "elu", .general, .approximate(1), { $0 > 0 ? $0 : 0.75 * (Foundation.exp($0) - 1) },
      { try $0.elu($1, options: .init(alpha: 0.75)) }
    ),
    (
      "hardSigmoid", .general, .approximate(1), { Swift.max(0, Swift.min(1, 0.25 * $0 + 0.375)) },
      { try $0.hardSigmoid($1, options: .init(alpha: 0.25, beta: 0.375)) }
    ),
    (
      "leakyRelu", .general, .exact, { $0 >= 0 ? $0 : 0.125 * $0 },
      { try $0.leakyRelu($1, options: .init(alpha: 0.125)) }
    ),
    (
      "linear", .general, .approximate(1), { 1.5 * $0 - 0.25 },
      { try $0.linear($1, options: .init(alpha: 1.5, beta: -0.25)) }
    ),
  ]
  for (name, domain, tolerance, reference, call) in floatFunctions {
    f[name] = Factory { h, s in
      let x = h.random(s.type, shapeOf(rank: s.rank), domain)
      h.expect(try call(h.b, try h.input(x)), mapped(x) { .f(reference($0.double)) }, tolerance)
    }
  }

  // abs, neg, sign and relu also take signed integers, which wrap (abs(-128) is -128 in int8).
  let signedFunctions: [(String, @Sendable (Num) -> Num, UnaryCall)] = [
    ("abs", { n in if case .i(let i) = n { .i(Swift.abs(i)) } else { .f(Swift.abs(n.double)) } }, { try $0.abs($1) }),
    ("neg", { n in if case .i(let i) = n { .i(-i) } else { .f(-n.double) } }, { try $0.neg($1) }),
    (
      "sign",
      { n in if case .i(let i) = n { .i(Int128(i.signum())) } else { .f(n.double > 0 ? 1 : (n.double < 0 ? -1 : 0)) } },
      { try $0.sign($1) }
    ),
    (
      "relu", { n in if case .i(let i) = n { .i(Swift.max(i, 0)) } else { .f(Swift.max(n.double, 0)) } },
      { try $0.relu($1) }
    ),
  ]
  for (name, reference, call) in signedFunctions {
    f[name] = Factory { h, s in
      let x = h.random(s.type, shapeOf(rank: s.rank), .general)
      h.expect(try call(h.b, try h.input(x)), mapped(x, reference))
    }
  }

  f["identity"] = Factory { h, s in
    let x = h.random(s.type, shapeOf(rank: s.rank), .general)
    h.expect(try h.b.identity(try h.input(x)), x)
  }

  f["clamp"] = Factory { h, s in
    let x = h.random(s.type, shapeOf(rank: s.rank), .general)
    let (low, high) = clampBounds(s.type)
    // The smallest rank leaves maxValue at its default (+infinity, cast to the type).
    let options = MLClampOptions(minValue: low, maxValue: s.end == 0 ? nil : high)
    let lowValue = s.type.normalize(num(low))
    let highValue = s.end == 0 ? (s.type.isFloat ? Num.f(.infinity) : .i(s.type.maxInt)) : s.type.normalize(num(high))
    h.expect(
      try h.b.clamp(try h.input(x), options: options),
      mapped(x) { less($0, lowValue) ? lowValue : (less(highValue, $0) ? highValue : $0) })
  }

  f["cast"] = Factory(secondary: "output") { h, s in
    let target = s.secondary!
    let x = h.random(s.type, shapeOf(rank: s.rank), castDomain(s.type, target))
    h.expect(try h.b.cast(try h.input(x), target), mapped(x, to: target) { castValue($0, to: target) })
  }

  f["logicalNot"] = Factory { h, s in
    let x = h.random(s.type, shapeOf(rank: s.rank), .boolean)
    h.expect(try h.b.logicalNot(try h.input(x)), mapped(x) { .i($0.isTrue ? 0 : 1) })
  }
  f["isNaN"] = Factory { h, s in
    let x = h.random(s.type, shapeOf(rank: s.rank), .special)
    h.expect(try h.b.isNaN(try h.input(x)), mapped(x, to: .uint8) { .i($0.double.isNaN ? 1 : 0) })
  }
  f["isInfinite"] = Factory { h, s in
    let x = h.random(s.type, shapeOf(rank: s.rank), .special)
    h.expect(try h.b.isInfinite(try h.input(x)), mapped(x, to: .uint8) { .i($0.double.isInfinite ? 1 : 0) })
  }
}

/// Bounds that cut into each type's range (64-bit ones beyond what a double holds exactly).
private func clampBounds(_ type: MLOperandDataType) -> (MLNumber, MLNumber) {
  switch type {
  case .int8: (-100, 42)
  case .uint8: (7, 200)
  case .int32: (.int(-2_000_000_000), .int((1 << 24) + 1))
  case .uint32: (5, .int(0xFFFF_FF00))
  case .int64: (.int(-(1 << 62) - 3), .int((1 << 53) + 1))
  case .uint64: (.uint(3), .uint(UInt64.max - 2))
  default: (-1.5, 2.25)
  }
}

/// Values cast defines: float to integer only within the target's range (up to its limits for
/// float32, beyond 2^63 for uint64; float16 reaches ±65504).
private func castDomain(_ from: MLOperandDataType, _ to: MLOperandDataType) -> Domain {
  if from.isFloat && !to.isFloat {
    let reach = from == .float16 ? 60000 : Double.infinity
    // 0.999 keeps the float32 rounding of values near the limits inside the range.
    let (low, high) = (Double(to.minInt) * 0.999, Double(to.maxInt) * 0.999)
    return .mixed(
      .range(Swift.max(low, -100), Swift.min(high, 100)), .range(Swift.max(low, -reach), Swift.min(high, reach)))
  }
  return from.isFloat ? .special : .general
}

/// cast: floats truncate toward zero; integers keep their low bits; integer to float rounds to
/// nearest float32 once (then to float16, as the kernels convert).
private func castValue(_ v: Num, to target: MLOperandDataType) -> Num {
  switch v {
  case .f(let d): return target.isFloat ? .f(d) : .i(Int128(d.rounded(.towardZero)))
  case .i(let i):
    guard target.isFloat else { return .i(i) }
    return .f(Double(i > Int128(Int64.max) ? Float(UInt64(i)) : Float(Int64(i))))
  }
}

/// a has the full shape but a last dimension of 1; b lacks the first dimension.
private func binaryShapes(_ rank: Int) -> ([Int], [Int]) {
  var a = shapeOf(rank: rank)
  if rank >= 2 { a[rank - 1] = 1 }
  return (a, Array(shapeOf(rank: rank).dropFirst()))
}

private func arithmetic(_ op: String, _ a: Num, _ b: Num, _ type: MLOperandDataType) -> Num {
  if type.isFloat {
    let (x, y) = (a.double, b.double)
    switch op {
    case "add": return .f(x + y)
    case "sub": return .f(x - y)
    case "mul": return .f(x * y)
    case "div": return .f(x / y)
    case "max": return .f(Swift.max(x, y))
    case "min": return .f(Swift.min(x, y))
    default: return .f(Foundation.pow(x, y))
    }
  }
  let (x, y) = (a.int, b.int)
  switch op {
  case "add": return .i(x &+ y)
  case "sub": return .i(x &- y)
  case "mul": return .i(type.wrapInt(x &* y))
  case "div": return .i(x / y)
  case "max": return .i(Swift.max(x, y))
  case "min": return .i(Swift.min(x, y))
  default:
    var result: Int128 = 1
    for _ in 0..<Int(y) { result = type.wrapInt(result &* x) }
    return .i(result)
  }
}

private func comparison(_ op: String, _ a: Num, _ b: Num) -> Bool {
  switch op {
  case "equal": a == b || (a.double == 0 && b.double == 0)
  case "notEqual": !(a == b || (a.double == 0 && b.double == 0))
  case "greater": less(b, a)
  case "greaterOrEqual": !less(a, b)
  case "lesser": less(a, b)
  default: !less(b, a)
  }
}

private func addBinary(_ f: inout [String: Factory]) {
  let arithmeticOps: [(String, @Sendable (MLOperandDataType) -> (Domain, Domain), BinaryCall)] = [
    ("add", { _ in (.general, .general) }, { try $0.add($1, $2) }),
    ("sub", { _ in (.general, .general) }, { try $0.sub($1, $2) }),
    ("mul", { _ in (.general, .general) }, { try $0.mul($1, $2) }),
    ("div", { _ in (.general, .nonzero) }, { try $0.div($1, $2) }),
    ("max", { _ in (.pool, .pool) }, { try $0.max($1, $2) }),
    ("min", { _ in (.pool, .pool) }, { try $0.min($1, $2) }),
    ("pow", { $0.isFloat ? (.positive, .exponent) : (.general, .exponent) }, { try $0.pow($1, $2) }),
  ]
  for (name, domains, call) in arithmeticOps {
    f[name] = Factory(main: "a") { h, s in
      let (sa, sb) = binaryShapes(s.rank)
      let (da, db) = domains(s.type)
      let a = h.random(s.type, sa, da)
      let b = h.random(s.type, sb, db)
      let approximate = s.type.isFloat && (name == "div" || name == "pow")
      h.expect(
        try call(h.b, try h.input(a), try h.input(b)),
        elementwise(s.type, [a, b]) { arithmetic(name, $0[0], $0[1], s.type) }, approximate ? .approximate(1) : .exact)
    }
  }

  let comparisons: [(String, BinaryCall)] = [
    ("equal", { try $0.equal($1, $2) }), ("notEqual", { try $0.notEqual($1, $2) }),
    ("greater", { try $0.greater($1, $2) }), ("greaterOrEqual", { try $0.greaterOrEqual($1, $2) }),
    ("lesser", { try $0.lesser($1, $2) }), ("lesserOrEqual", { try $0.lesserOrEqual($1, $2) }),
  ]
  for (name, call) in comparisons {
    f[name] = Factory(main: "a") { h, s in
      let (sa, sb) = binaryShapes(s.rank)
      let a = h.random(s.type, sa, .pool)
      let b = h.random(s.type, sb, .pool)
      h.expect(
        try call(h.b, try h.input(a), try h.input(b)),
        elementwise(.uint8, [a, b]) { .i(comparison(name, $0[0], $0[1]) ? 1 : 0) })
    }
  }

  let logical: [(String, @Sendable (Bool, Bool) -> Bool, BinaryCall)] = [
    ("logicalAnd", { $0 && $1 }, { try $0.logicalAnd($1, $2) }),
    ("logicalOr", { $0 || $1 }, { try $0.logicalOr($1, $2) }),
    ("logicalXor", { $0 != $1 }, { try $0.logicalXor($1, $2) }),
  ]
  for (name, reference, call) in logical {
    f[name] = Factory(main: "a") { h, s in
      let (sa, sb) = binaryShapes(s.rank)
      let a = h.random(s.type, sa, .boolean)
      let b = h.random(s.type, sb, .boolean)
      h.expect(
        try call(h.b, try h.input(a), try h.input(b)),
        elementwise(.uint8, [a, b]) { .i(reference($0[0].isTrue, $0[1].isTrue) ? 1 : 0) })
    }
  }

  f["prelu"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let x = h.random(s.type, shape, .general)
    let slope = h.random(s.type, s.rank == 0 ? [] : [shape[s.rank - 1]], .general)
    h.expect(
      try h.b.prelu(try h.input(x), try h.input(slope)),
      elementwise(s.type, [x, slope]) { less($0[0], .i(0)) ? arithmetic("mul", $0[0], $0[1], s.type) : $0[0] })
  }

  f["where"] = Factory(main: "trueValue") { h, s in
    let shape = shapeOf(rank: s.rank)
    var conditionShape = shape
    if s.rank >= 1 { conditionShape[0] = 1 }
    let condition = h.random(.uint8, conditionShape, .boolean)
    let t = h.random(s.type, shape, .general)
    let e = h.random(s.type, Array(shape.dropFirst()), .general)
    h.expect(
      try h.b.where(try h.input(condition), try h.input(t), try h.input(e)),
      elementwise(s.type, [condition, t, e]) { $0[0].isTrue ? $0[1] : $0[2] })
  }
}

private func reduceCall(_ name: String, _ b: MLGraphBuilder, _ x: MLOperand, _ o: MLReduceOptions) throws -> MLOperand {
  switch name {
  case "reduceL1": try b.reduceL1(x, options: o)
  case "reduceL2": try b.reduceL2(x, options: o)
  case "reduceLogSum": try b.reduceLogSum(x, options: o)
  case "reduceLogSumExp": try b.reduceLogSumExp(x, options: o)
  case "reduceMax": try b.reduceMax(x, options: o)
  case "reduceMean": try b.reduceMean(x, options: o)
  case "reduceMin": try b.reduceMin(x, options: o)
  case "reduceProduct": try b.reduceProduct(x, options: o)
  case "reduceSum": try b.reduceSum(x, options: o)
  default: try b.reduceSumSquare(x, options: o)
  }
}

/// A reduction's result; integers wrap (sums and products modulo 2^bits).
private func reduction(_ name: String, _ values: [Num], _ type: MLOperandDataType) -> Num {
  if !type.isFloat {
    let v = values.map(\.int)
    switch name {
    case "reduceL1": return .i(v.reduce(0) { $0 &+ Swift.abs($1) })
    case "reduceSumSquare": return .i(v.reduce(0) { $0 &+ type.wrapInt($1 &* $1) })
    case "reduceProduct": return .i(v.reduce(1) { type.wrapInt($0 &* $1) })
    case "reduceMax": return .i(v.max()!)
    case "reduceMin": return .i(v.min()!)
    default: return .i(v.reduce(0, &+))
    }
  }
  let v = values.map(\.double)
  let sum = v.reduce(0, +)
  switch name {
  case "reduceL1": return .f(v.reduce(0) { $0 + Swift.abs($1) })
  case "reduceL2": return .f(v.reduce(0) { $0 + $1 * $1 }.squareRoot())
  case "reduceLogSum": return .f(Foundation.log(sum))
  case "reduceLogSumExp": return .f(Foundation.log(v.reduce(0) { $0 + Foundation.exp($1) }))
  case "reduceMax": return .f(v.max()!)
  case "reduceMean": return .f(sum / Double(v.count))
  case "reduceMin": return .f(v.min()!)
  case "reduceProduct": return .f(v.reduce(1, *))
  case "reduceSumSquare": return .f(v.reduce(0) { $0 + $1 * $1 })
  default: return .f(sum)
  }
}

private func addReductions(_ f: inout [String: Factory]) {
  for name in [
    "reduceL1", "reduceL2", "reduceLogSum", "reduceLogSumExp", "reduceMax", "reduceMean", "reduceMin",
    "reduceProduct", "reduceSum", "reduceSumSquare",
  ] {
    f[name] = Factory { h, s in
      let shape = shapeOf(rank: s.rank)
      // The smallest rank reduces everything (axes left out); the largest reduces two axes,
      // listed out of order, and keeps their dimensions.
      var axes: [Int]? = nil
      if s.end == 1 && s.rank > 0 { axes = s.rank > 2 ? [s.rank - 1, 1] : [s.rank - 1] }
      let keep = s.end == 1
      let domain: Domain =
        switch name {
        case "reduceLogSum": .positive
        case "reduceProduct": s.type.isFloat ? .range(0.5, 2) : .general
        case "reduceMax", "reduceMin": .pool
        default: .general
        }
      let x = h.random(s.type, shape, domain)
      let y = try reduceCall(name, h.b, try h.input(x), MLReduceOptions(axes: axes, keepDimensions: keep))
      let exact = name == "reduceMax" || name == "reduceMin"
      h.expect(
        y, reduced(x, axes: axes ?? Array(0..<s.rank), keepDimensions: keep) { reduction(name, $0, s.type) },
        exact ? .exact : .approximate(1))
    }
  }

  for (name, isMax) in [("argMin", false), ("argMax", true)] {
    f[name] = Factory(secondary: "output") { h, s in
      let shape = shapeOf(rank: s.rank)
      let axis = s.end == 0 ? 0 : Swift.min(1, s.rank - 1)
      let keep = s.end == 1
      let x = h.random(s.type, shape, .pool)
      let options = MLArgMinMaxOptions(keepDimensions: keep, outputDataType: s.secondary!)
      let input = try h.input(x)
      let y =
        isMax
        ? try h.b.argMax(input, axis: axis, options: options) : try h.b.argMin(input, axis: axis, options: options)
      // The first extreme wins ties.
      h.expect(
        y,
        reduced(x, axes: [axis], keepDimensions: keep, to: s.secondary!) { values in
          var best = 0
          for (k, v) in values.enumerated() where isMax ? less(values[best], v) : less(v, values[best]) { best = k }
          return .i(Int128(best))
        })
    }
  }

  f["cumulativeSum"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let axis = s.end == 0 ? 0 : Swift.max(0, s.rank - 2)
    let (exclusive, reversed) = s.end == 0 ? (false, true) : (true, false)
    let x = h.random(s.type, shape, .general)
    let y = try h.b.cumulativeSum(
      try h.input(x), axis: axis, options: .init(exclusive: exclusive, reversed: reversed))
    var out = x.values
    for line in lines(shape, axis: axis) {
      var running = s.type.isFloat ? Num.f(0) : .i(0)
      for k in reversed ? line.reversed() : line {
        let next = s.type.isFloat ? Num.f(running.double + x.values[k].double) : .i(running.int &+ x.values[k].int)
        out[k] = exclusive ? running : next
        running = next
      }
    }
    h.expect(y, HostTensor(s.type, shape, out), .approximate(1))
  }

  f["softmax"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let axis = s.end == 0 ? 0 : Swift.min(1, s.rank - 1)
    let x = h.random(s.type, shape, .general)
    var out = x.values
    for line in lines(shape, axis: axis) {
      let largest = line.map { x.values[$0].double }.max()!
      let total = line.reduce(0) { $0 + Foundation.exp(x.values[$1].double - largest) }
      for k in line { out[k] = .f(Foundation.exp(x.values[k].double - largest) / total) }
    }
    h.expect(try h.b.softmax(try h.input(x), axis: axis), HostTensor(s.type, shape, out), .approximate(1))
  }
}

// MARK: Matrix, convolution, pooling, resampling

/// [top, bottom, left, right] padding, [h, w] strides and dilations, groups.
private struct Window: Sendable {
  var padding: [Int]
  var strides: [Int]
  var dilations: [Int]
  var groups = 1
}

/// conv2d of an NCHW input and an OIHW filter.
private func conv2dReference(_ x: HostTensor, _ w: HostTensor, _ bias: HostTensor, _ g: Window) -> HostTensor {
  let (ih, iw) = (x.shape[2], x.shape[3])
  let (o, ig, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
  let oh = (ih + g.padding[0] + g.padding[1] - ((kh - 1) * g.dilations[0] + 1)) / g.strides[0] + 1
  let ow = (iw + g.padding[2] + g.padding[3] - ((kw - 1) * g.dilations[1] + 1)) / g.strides[1] + 1
  let og = o / g.groups
  return HostTensor(x.type, [x.shape[0], o, oh, ow]) { p in
    let group = p[1] / og
    var sum = bias[[p[1]]].double
    for ci in 0..<ig {
      for ky in 0..<kh {
        for kx in 0..<kw {
          let y = p[2] * g.strides[0] + ky * g.dilations[0] - g.padding[0]
          let xx = p[3] * g.strides[1] + kx * g.dilations[1] - g.padding[2]
          guard y >= 0, y < ih, xx >= 0, xx < iw else { continue }
          sum += x[[p[0], group * ig + ci, y, xx]].double * w[[p[1], ci, ky, kx]].double
        }
      }
    }
    return .f(sum)
  }
}

/// convTranspose2d of an NCHW input and an IOHW filter into an output of `size` [h, w].
private func convTranspose2dReference(_ x: HostTensor, _ w: HostTensor, _ bias: HostTensor, _ g: Window, size: [Int])
  -> HostTensor
{
  let (n, c) = (x.shape[0], x.shape[1])
  let (og, kh, kw) = (w.shape[1], w.shape[2], w.shape[3])
  let o = og * g.groups
  let cg = c / g.groups
  let outShape = [n, o, size[0], size[1]]
  var sums = [Double](repeating: 0, count: outShape.reduce(1, *))
  for k in 0..<x.count {
    let p = unravel(k, x.shape)
    for ocg in 0..<og {
      for ky in 0..<kh {
        for kx in 0..<kw {
          let y = p[2] * g.strides[0] + ky * g.dilations[0] - g.padding[0]
          let xx = p[3] * g.strides[1] + kx * g.dilations[1] - g.padding[2]
          guard y >= 0, y < size[0], xx >= 0, xx < size[1] else { continue }
          let oc = (p[1] / cg) * og + ocg
          sums[ravel([p[0], oc, y, xx], outShape)] += x.values[k].double * w[[p[1], ocg, ky, kx]].double
        }
      }
    }
  }
  return HostTensor(x.type, outShape) { p in .f(sums[ravel(p, outShape)] + bias[[p[1]]].double) }
}

/// Pooling of an NCHW input; windows count only positions inside the input.
private func poolReference(_ kind: String, _ x: HostTensor, window: [Int], _ g: Window, ceil: Bool) -> HostTensor {
  let sizes = (0..<2).map { a in
    let effective = (window[a] - 1) * g.dilations[a] + 1
    let span = x.shape[2 + a] + g.padding[2 * a] + g.padding[2 * a + 1] - effective
    return (ceil ? (span + g.strides[a] - 1) / g.strides[a] : span / g.strides[a]) + 1
  }
  return HostTensor(x.type, [x.shape[0], x.shape[1], sizes[0], sizes[1]]) { p in
    var values: [Num] = []
    for ky in 0..<window[0] {
      for kx in 0..<window[1] {
        let y = p[2] * g.strides[0] + ky * g.dilations[0] - g.padding[0]
        let xx = p[3] * g.strides[1] + kx * g.dilations[1] - g.padding[2]
        if y >= 0, y < x.shape[2], xx >= 0, xx < x.shape[3] { values.append(x[[p[0], p[1], y, xx]]) }
      }
    }
    switch kind {
    case "maxPool2d": return values.dropFirst().reduce(values[0]) { less($0, $1) ? $1 : $0 }
    case "l2Pool2d": return .f(values.reduce(0) { $0 + $1.double * $1.double }.squareRoot())
    default: return .f(values.reduce(0) { $0 + $1.double } / Double(values.count))
    }
  }
}

/// resample2d with half-pixel centers, computed in float32 as the kernel does.
private func resampleReference(_ x: HostTensor, linear: Bool, axes: [Int], outShape: [Int]) -> HostTensor {
  HostTensor(x.type, outShape) { c in
    func position(_ a: Int) -> Float {
      let (inSize, outSize) = (x.shape[axes[a]], outShape[axes[a]])
      let p = Float(2 * c[axes[a]] + 1) * Float(inSize) / Float(2 * outSize) - 0.5
      return Swift.min(Swift.max(p, 0), Float(inSize - 1))
    }
    func at(_ i0: Int, _ i1: Int) -> Num {
      var source = c
      source[axes[0]] = i0
      source[axes[1]] = i1
      return x[source]
    }
    let (p0, p1) = (position(0), position(1))
    if !linear { return at(Int((p0 - 0.5).rounded(.up)), Int((p1 - 0.5).rounded(.up))) }
    let (a0, a1) = (Int(p0.rounded(.down)), Int(p1.rounded(.down)))
    let (b0, b1) = (Swift.min(a0 + 1, x.shape[axes[0]] - 1), Swift.min(a1 + 1, x.shape[axes[1]] - 1))
    let (t0, t1) = (p0 - Float(a0), p1 - Float(a1))
    let (v00, v01) = (Float(at(a0, a1).double), Float(at(a0, b1).double))
    let (v10, v11) = (Float(at(b0, a1).double), Float(at(b0, b1).double))
    let top = v00 + (v01 - v00) * t1
    let bottom = v10 + (v11 - v10) * t1
    let value = top + (bottom - top) * t0
    if x.type.isFloat { return .f(Double(value)) }
    let rounded = Double(value.rounded(.toNearestOrEven))
    return .i(Int128(Swift.min(Swift.max(rounded, Double(x.type.minInt)), Double(x.type.maxInt))))
  }
}

/// A matrix operand's element (row, column) at broadcast batch coordinates.
private func matrixElement(_ t: HostTensor, _ batch: [Int], _ row: Int, _ column: Int) -> Double {
  let leading = t.rank - 2
  let offset = batch.count - leading
  return t[(0..<leading).map { t.shape[$0] == 1 ? 0 : batch[$0 + offset] } + [row, column]].double
}

private func addMatrixAndImage(_ f: inout [String: Factory]) {
  f["matmul"] = Factory(main: "a") { h, s in
    // Batch dimensions broadcast both ways: a [2, 1, 1, ...], b [1, 2, 1, ...].
    let batch = s.rank - 2
    let a = h.random(s.type, (0..<batch).map { $0 == 0 ? 2 : 1 } + [2, 3], .unit)
    let b = h.random(s.type, (0..<batch).map { $0 == 1 ? 2 : 1 } + [3, 2], .unit)
    let outBatch = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
    let expected = HostTensor(s.type, outBatch + [2, 2]) { c in
      let bc = Array(c.prefix(batch))
      return .f((0..<3).reduce(0) { $0 + matrixElement(a, bc, c[batch], $1) * matrixElement(b, bc, $1, c[batch + 1]) })
    }
    h.expect(try h.b.matmul(try h.input(a), try h.input(b)), expected, .approximate(1))
  }

  f["gemm"] = Factory(main: "a") { h, s in
    try h.requireRank(s, 2)
    let (m, k, n) = (2, 3, 4)
    let f32 = s.type == .float32
    let (aTranspose, bTranspose) = f32 ? (false, true) : (true, false)
    let a = h.random(s.type, aTranspose ? [k, m] : [m, k], .unit)
    let b = h.random(s.type, bTranspose ? [n, k] : [k, n], .unit)
    let c = h.random(s.type, f32 ? [n] : [m, 1], .unit)
    let y = try h.b.gemm(
      try h.input(a), try h.constant(b),
      options: .init(c: try h.input(c), alpha: 0.5, beta: 2, aTranspose: aTranspose, bTranspose: bTranspose))
    let expected = HostTensor(s.type, [m, n]) { p in
      let product = (0..<k).reduce(0.0) { sum, kk in
        sum + (aTranspose ? a[[kk, p[0]]] : a[[p[0], kk]]).double
          * (bTranspose ? b[[p[1], kk]] : b[[kk, p[1]]]).double
      }
      return .f(0.5 * product + 2 * broadcastRead(c, p).double)
    }
    h.expect(y, expected, .approximate(1))
  }

  f["conv2d"] = Factory { h, s in
    try h.requireRank(s, 4)
    let configs: [(MLInputOperandLayout, MLConv2dFilterOperandLayout, [Int], [Int], Window)] = [
      (
        .nchw, .oihw, [1, 2, 5, 4], [4, 1, 2, 3],
        Window(padding: [1, 0, 0, 2], strides: [2, 1], dilations: [1, 2], groups: 2)
      ),
      (
        .nhwc, .hwio, [1, 2, 4, 3], [3, 2, 2, 2], Window(padding: [0, 1, 1, 0], strides: [1, 2], dilations: [2, 1])
      ),
      (
        .nchw, .ohwi, [2, 3, 3, 3], [3, 1, 2, 2],
        Window(padding: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], groups: 3)
      ),
      (
        .nhwc, .ihwo, [1, 4, 3, 3], [2, 2, 3, 1],
        Window(padding: [0, 0, 1, 0], strides: [2, 2], dilations: [1, 1], groups: 2)
      ),
      // Shapes that exercise the matrix-product lowering: 1x1 convolutions read directly (with
      // and without vec4 rows), unfolded 3x3 ones with ragged tile edges, grouped ones.
      (
        .nchw, .oihw, [2, 8, 5, 7], [12, 8, 1, 1], Window(padding: [0, 0, 0, 0], strides: [1, 1], dilations: [1, 1])
      ),
      (
        .nhwc, .hwio, [1, 8, 6, 6], [16, 8, 1, 1], Window(padding: [0, 0, 0, 0], strides: [1, 1], dilations: [1, 1])
      ),
      (
        .nhwc, .ohwi, [2, 6, 3, 5], [4, 3, 1, 1],
        Window(padding: [0, 0, 0, 0], strides: [1, 1], dilations: [1, 1], groups: 2)
      ),
      (
        .nchw, .hwio, [1, 16, 9, 11], [20, 16, 3, 3],
        Window(padding: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1])
      ),
      (
        .nhwc, .oihw, [1, 5, 10, 9], [9, 5, 3, 2], Window(padding: [2, 1, 0, 1], strides: [2, 3], dilations: [1, 2])
      ),
      // Rows wide enough for the register-blocked direct kernel, with ragged channel, row and
      // column tiles.
      (
        .nchw, .oihw, [1, 3, 6, 20], [10, 3, 3, 3], Window(padding: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1])
      ),
      (
        .nhwc, .hwio, [2, 5, 4, 21], [9, 5, 3, 2], Window(padding: [0, 2, 1, 0], strides: [1, 1], dilations: [2, 1])
      ),
    ]
    for (layout, filterLayout, xShape, wShape, g) in configs {
      // Generated as NCHW and OIHW, then permuted into the layouts under test.
      let x = h.random(s.type, xShape, .unit)
      let w = h.random(s.type, wShape, .unit)
      let bias = h.random(s.type, [wShape[0]], .unit)
      let imagePermutation = layout == .nchw ? [0, 1, 2, 3] : [0, 2, 3, 1]
      let filterPermutation: [Int] =
        switch filterLayout {
        case .oihw: [0, 1, 2, 3]
        case .hwio: [2, 3, 1, 0]
        case .ohwi: [0, 2, 3, 1]
        case .ihwo: [1, 2, 3, 0]
        }
      let y = try h.b.conv2d(
        try h.input(permute(x, imagePermutation)), try h.constant(permute(w, filterPermutation)),
        options: .init(
          padding: g.padding, strides: g.strides, dilations: g.dilations, groups: g.groups, inputLayout: layout,
          filterLayout: filterLayout, bias: try h.input(bias)))
      h.expect(y, permute(conv2dReference(x, w, bias, g), imagePermutation), .approximate(2))
    }
  }

  f["convTranspose2d"] = Factory { h, s in
    try h.requireRank(s, 4)
    // (layout, filter layout, NCHW input, IOHW filter, window, outputPadding, outputSizes)
    let configs: [(MLInputOperandLayout, MLConvTranspose2dFilterOperandLayout, [Int], [Int], Window, [Int], [Int]?)] = [
      (
        .nchw, .iohw, [1, 2, 2, 3], [2, 2, 2, 2], Window(padding: [1, 0, 0, 1], strides: [2, 2], dilations: [1, 1]),
        [1, 0], nil
      ),
      (
        .nhwc, .hwoi, [1, 4, 3, 2], [4, 1, 2, 2],
        Window(padding: [0, 0, 0, 0], strides: [1, 2], dilations: [2, 1], groups: 2), [0, 0], [5, 5]
      ),
      (
        .nchw, .ohwi, [1, 2, 3, 3], [2, 3, 2, 2], Window(padding: [0, 1, 1, 0], strides: [1, 1], dilations: [1, 1]),
        [0, 0], nil
      ),
    ]
    for (layout, filterLayout, xShape, wShape, g, outputPadding, outputSizes) in configs {
      let x = h.random(s.type, xShape, .unit)
      let w = h.random(s.type, wShape, .unit)
      let bias = h.random(s.type, [wShape[1] * g.groups], .unit)
      let imagePermutation = layout == .nchw ? [0, 1, 2, 3] : [0, 2, 3, 1]
      let filterPermutation: [Int] =
        switch filterLayout {
        case .iohw: [0, 1, 2, 3]
        case .hwoi: [2, 3, 1, 0]
        case .ohwi: [1, 2, 3, 0]
        }
      let size =
        outputSizes
        ?? (0..<2).map { a in
          (xShape[2 + a] - 1) * g.strides[a] + (wShape[2 + a] - 1) * g.dilations[a] + 1 - g.padding[2 * a]
            - g.padding[2 * a + 1] + outputPadding[a]
        }
      let y = try h.b.convTranspose2d(
        try h.input(permute(x, imagePermutation)), try h.constant(permute(w, filterPermutation)),
        options: .init(
          padding: g.padding, strides: g.strides, dilations: g.dilations, outputPadding: outputPadding,
          outputSizes: outputSizes, groups: g.groups, inputLayout: layout, filterLayout: filterLayout,
          bias: try h.constant(bias)))
      h.expect(y, permute(convTranspose2dReference(x, w, bias, g, size: size), imagePermutation), .approximate(2))
    }
  }

  for name in ["averagePool2d", "l2Pool2d", "maxPool2d"] {
    f[name] = Factory { h, s in
      try h.requireRank(s, 4)
      let x = h.random(s.type, [1, 2, 4, 5], .general)
      // (layout, window, geometry, ceil rounding)
      let configs: [(MLInputOperandLayout, [Int], Window, Bool)] = [
        (.nchw, [2, 3], Window(padding: [1, 0, 0, 1], strides: [2, 1], dilations: [1, 1]), false),
        (.nhwc, [2, 2], Window(padding: [1, 0, 0, 0], strides: [1, 2], dilations: [2, 1]), true),
      ]
      for (layout, window, g, ceil) in configs {
        let permutation = layout == .nchw ? [0, 1, 2, 3] : [0, 2, 3, 1]
        let options = MLPool2dOptions(
          windowDimensions: window, padding: g.padding, strides: g.strides, dilations: g.dilations, layout: layout,
          outputShapeRounding: ceil ? .ceil : .floor)
        let input = try h.input(permute(x, permutation))
        let y =
          switch name {
          case "averagePool2d": try h.b.averagePool2d(input, options: options)
          case "l2Pool2d": try h.b.l2Pool2d(input, options: options)
          default: try h.b.maxPool2d(input, options: options)
          }
        let expected = permute(poolReference(name, x, window: window, g, ceil: ceil), permutation)
        h.expect(y, expected, name == "maxPool2d" ? .exact : .approximate(1))
      }
    }
  }

  f["resample2d"] = Factory { h, s in
    try h.requireRank(s, 4)
    let x = h.random(s.type, [1, 2, 2, 3], .general)
    let input = try h.input(x)
    let nearest = try h.b.resample2d(input, options: .init(mode: .nearestNeighbor, scales: [2, 1.5]))
    h.expect(nearest, resampleReference(x, linear: false, axes: [2, 3], outShape: [1, 2, 4, 4]))
    let linear = try h.b.resample2d(input, options: .init(mode: .linear, sizes: [3, 5], axes: [1, 2]))
    h.expect(linear, resampleReference(x, linear: true, axes: [1, 2], outShape: [1, 3, 5, 3]), .approximate(1))
  }
}

// MARK: Normalization

/// (x − mean) / √(variance + ε) over `axes` (population variance).
private func normalized(_ x: HostTensor, axes: [Int], epsilon: Double) -> [Double] {
  let mean = reduced(x, axes: axes, keepDimensions: true, to: .float32) { v in
    .f(v.reduce(0) { $0 + $1.double } / Double(v.count))
  }
  let meanOf = { (c: [Int]) in mean[c.enumerated().map { axes.contains($0) ? 0 : $1 }].double }
  let variance = reduced(x, axes: axes, keepDimensions: true, to: .float32) { _ in .f(0) }
  var squares = [Double](repeating: 0, count: variance.count)
  var counts = [Int](repeating: 0, count: variance.count)
  for k in 0..<x.count {
    let c = unravel(k, x.shape)
    let g = ravel(c.enumerated().map { axes.contains($0) ? 0 : $1 }, variance.shape)
    let d = x.values[k].double - meanOf(c)
    squares[g] += d * d
    counts[g] += 1
  }
  return (0..<x.count).map { k in
    let c = unravel(k, x.shape)
    let g = ravel(c.enumerated().map { axes.contains($0) ? 0 : $1 }, variance.shape)
    return (x.values[k].double - meanOf(c)) / (squares[g] / Double(counts[g]) + epsilon).squareRoot()
  }
}

private func addNormalization(_ f: inout [String: Factory]) {
  f["batchNormalization"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let axis = s.rank >= 2 ? s.rank - 2 : 0
    let channels = [shape[axis]]
    let x = h.random(s.type, shape, .general)
    let mean = h.random(s.type, channels, .unit)
    let variance = h.random(s.type, channels, .positive)
    let scale = h.random(s.type, channels, .general)
    let bias = h.random(s.type, channels, .general)
    let y = try h.b.batchNormalization(
      try h.input(x), mean: try h.constant(mean), variance: try h.input(variance),
      options: .init(
        scale: s.end == 1 ? try h.input(scale) : nil, bias: try h.constant(bias), axis: axis, epsilon: 1e-3))
    let expected = HostTensor(s.type, shape) { c in
      let k = [c[axis]]
      let normal = (x[c].double - mean[k].double) / (variance[k].double + 1e-3).squareRoot()
      return .f(normal * (s.end == 1 ? scale[k].double : 1) + bias[k].double)
    }
    h.expect(y, expected, .approximate(2))
  }

  f["instanceNormalization"] = Factory { h, s in
    try h.requireRank(s, 4)
    for layout in [MLInputOperandLayout.nchw, .nhwc] {
      let x = h.random(s.type, [2, 3, 2, 2], .unit)
      let scale = h.random(s.type, [3], .general)
      let bias = h.random(s.type, [3], .general)
      let permutation = layout == .nchw ? [0, 1, 2, 3] : [0, 2, 3, 1]
      let y = try h.b.instanceNormalization(
        try h.input(permute(x, permutation)),
        options: .init(scale: try h.input(scale), bias: try h.constant(bias), layout: layout))
      let normal = normalized(x, axes: [2, 3], epsilon: 1e-5)
      let expected = HostTensor(s.type, x.shape) { c in
        .f(normal[ravel(c, x.shape)] * scale[[c[1]]].double + bias[[c[1]]].double)
      }
      h.expect(y, permute(expected, permutation), .approximate(4))
    }
  }

  f["layerNormalization"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    // The smallest rank takes the default axes; the largest two axes out of order, so that the
    // scale's dimensions follow the axes, not the input.
    var axes: [Int]? = nil
    if s.end == 1 { axes = s.rank >= 3 ? [s.rank - 2, 1] : Array((0..<s.rank).reversed()) }
    let used = axes ?? Array(Swift.min(1, s.rank)..<s.rank)
    let parameterShape = used.map { shape[$0] }
    let x = h.random(s.type, shape, .general)
    let scale = h.random(s.type, parameterShape, .general)
    let bias = h.random(s.type, parameterShape, .general)
    let y = try h.b.layerNormalization(
      try h.input(x), options: .init(scale: try h.constant(scale), bias: try h.input(bias), axes: axes, epsilon: 1e-3))
    let normal = normalized(x, axes: used, epsilon: 1e-3)
    let expected = HostTensor(s.type, shape) { c in
      let p = used.map { c[$0] }
      return .f(normal[ravel(c, shape)] * scale[p].double + bias[p].double)
    }
    h.expect(y, expected, .approximate(4))
  }
}

// MARK: Data movement

/// A pad value of each type, beyond 32 bits for the 64-bit types.
private func padValue(_ type: MLOperandDataType) -> MLNumber {
  switch type {
  case .int8: -7
  case .uint8: 200
  case .int32: -123_456_789
  case .uint32: .int(4_000_000_000)
  case .int64: .int(-0x0123_4567_89AB_CDEF)
  case .uint64: .uint(0xFEDC_BA98_7654_3210)
  default: 2.5
  }
}

private func addDataMovement(_ f: inout [String: Factory]) {
  f["reshape"] = Factory { h, s in
    let x = h.random(s.type, shapeOf(rank: s.rank), .general)
    let input = try h.input(x)
    let newShape = x.count % 2 == 0 ? [x.count / 2, 2] : [1, x.count]
    h.expect(try h.b.reshape(input, newShape), HostTensor(s.type, newShape, x.values))
    // A reshape that is not an output shares its input's memory.
    h.expect(try h.b.identity(try h.b.reshape(input, [x.count])), HostTensor(s.type, [x.count], x.values))
  }

  f["transpose"] = Factory { h, s in
    let x = h.random(s.type, shapeOf(rank: s.rank), .general)
    var permutation: [Int]? = nil
    if s.end == 1 && s.rank >= 2 {
      var p = Array((0..<s.rank).reversed())
      p.swapAt(0, 1)
      permutation = p
    }
    h.expect(
      try h.b.transpose(try h.input(x), options: .init(permutation: permutation)),
      permute(x, permutation ?? Array((0..<s.rank).reversed())))
  }

  f["expand"] = Factory { h, s in
    var inShape = shapeOf(rank: s.rank)
    var newShape = inShape
    if s.rank == 0 {
      newShape = [2, 3]
    } else {
      for d in [1, 4] where d < s.rank { inShape[d] = 1 }
      for d in newShape.indices where newShape[d] == 1 { newShape[d] = 2 }
    }
    let x = h.random(s.type, inShape, .general)
    h.expect(try h.b.expand(try h.input(x), newShape), HostTensor(s.type, newShape) { broadcastRead(x, $0) })
  }

  f["tile"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let repetitions = (0..<s.rank).map { [1, 2, 1, 1, 2, 1, 1, 1][$0 % 8] }
    let x = h.random(s.type, shape, .general)
    h.expect(
      try h.b.tile(try h.input(x), repetitions),
      HostTensor(s.type, zip(shape, repetitions).map(*)) { c in x[zip(c, shape).map { $0 % $1 }] })
  }

  f["reverse"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let axes: [Int]? = s.end == 0 ? nil : [0, 3, 6].filter { $0 < s.rank }
    let reversedAxes = axes ?? Array(0..<s.rank)
    let x = h.random(s.type, shape, .general)
    h.expect(
      try h.b.reverse(try h.input(x), options: .init(axes: axes)),
      HostTensor(s.type, shape) { c in x[c.enumerated().map { reversedAxes.contains($0) ? shape[$0] - 1 - $1 : $1 }] })
  }

  f["slice"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let starts = shape.indices.map { shape[$0] > 1 && $0 % 2 == 0 ? 1 : 0 }
    let sizes = shape.indices.map { shape[$0] - starts[$0] }
    let strides = s.end == 0 ? nil : shape.indices.map { $0 % 3 == 1 ? 2 : 1 }
    let steps = strides ?? shape.map { _ in 1 }
    let x = h.random(s.type, shape, .general)
    h.expect(
      try h.b.slice(try h.input(x), starts: starts, sizes: sizes, options: .init(strides: strides)),
      HostTensor(s.type, shape.indices.map { (sizes[$0] + steps[$0] - 1) / steps[$0] }) { c in
        x[c.indices.map { starts[$0] + c[$0] * steps[$0] }]
      })
  }

  f["pad"] = Factory { h, s in
    let shape = shapeOf(rank: s.rank)
    let begin = shape.indices.map { shape[$0] == 1 ? 0 : ($0 % 2 == 0 ? 1 : 0) }
    let end = shape.indices.map { shape[$0] == 1 ? 0 : ($0 % 3 == 0 ? 0 : shape[$0] - 1) }
    let outShape = shape.indices.map { begin[$0] + shape[$0] + end[$0] }
    let x = h.random(s.type, shape, .general)
    let input = try h.input(x)
    let value = padValue(s.type)
    for mode in s.end == 0 ? [MLPaddingMode.constant] : [.constant, .edge, .reflection] {
      let y = try h.b.pad(input, beginningPadding: begin, endingPadding: end, options: .init(mode: mode, value: value))
      h.expect(
        y,
        HostTensor(s.type, outShape) { c in
          var source: [Int] = []
          for d in c.indices {
            let p = c[d] - begin[d]
            if p >= 0 && p < shape[d] {
              source.append(p)
            } else if mode == .constant {
              return num(value)
            } else if mode == .edge {
              source.append(Swift.min(Swift.max(p, 0), shape[d] - 1))
            } else {
              source.append(p < 0 ? -p : 2 * (shape[d] - 1) - p)
            }
          }
          return x[source]
        })
    }
  }

  f["concat"] = Factory(main: "inputs") { h, s in
    let axis = s.end == 0 ? 0 : Swift.min(3, s.rank - 1)
    let parts = [2, 1, 3].map { size -> HostTensor in
      var shape = shapeOf(rank: s.rank)
      shape[axis] = size
      return h.random(s.type, shape, .general)
    }
    let operands = [try h.input(parts[0]), try h.constant(parts[1]), try h.input(parts[2])]
    var outShape = parts[0].shape
    outShape[axis] = 6
    h.expect(
      try h.b.concat(operands, axis: axis),
      HostTensor(s.type, outShape) { c in
        var p = c
        for part in parts {
          if p[axis] < part.shape[axis] { return part[p] }
          p[axis] -= part.shape[axis]
        }
        fatalError("outside the concatenation")
      })
  }

  f["split"] = Factory { h, s in
    var shape = shapeOf(rank: s.rank)
    let axis = s.end == 0 ? 0 : Swift.max(0, s.rank - 2)
    let sizes: [Int]
    let splits: MLSplits
    if s.end == 0 {
      shape[0] = 6
      (sizes, splits) = ([2, 2, 2], .count(3))
    } else {
      shape[axis] = 3
      (sizes, splits) = ([1, 2], .sizes([1, 2]))
    }
    let x = h.random(s.type, shape, .general)
    let outputs = try h.b.split(try h.input(x), splits: splits, options: .init(axis: axis))
    var start = 0
    for (output, size) in zip(outputs, sizes) {
      var partShape = shape
      partShape[axis] = size
      let offset = start
      h.expect(output, HostTensor(s.type, partShape) { c in x[c.enumerated().map { $0 == axis ? $1 + offset : $1 }] })
      start += size
    }
  }

  f["triangular"] = Factory { h, s in
    var shape = shapeOf(rank: s.rank)
    shape[s.rank - 2] = 3
    shape[s.rank - 1] = 4
    let (upper, diagonal) = s.end == 0 ? (true, 1) : (false, -1)
    let x = h.random(s.type, shape, .general)
    let zero: Num = s.type.isFloat ? .f(0) : .i(0)
    h.expect(
      try h.b.triangular(try h.input(x), options: .init(upper: upper, diagonal: diagonal)),
      HostTensor(s.type, shape) { c in
        let d = c[s.rank - 1] - c[s.rank - 2]
        return (upper ? d >= diagonal : d <= diagonal) ? x[c] : zero
      })
  }
}

// MARK: Gather and scatter

private func addIndexing(_ f: inout [String: Factory]) {
  f["gather"] = Factory(secondary: "indices") { h, s in
    let indexType = s.secondary!
    var shape = shapeOf(rank: s.rank)
    let axis = s.end == 0 ? 0 : Swift.min(1, s.rank - 1)
    if s.end == 0 { shape[0] = 5 }
    let indexShape = s.end == 0 && s.rank < 8 ? [2, 3] : [4]
    let size = shape[axis]
    let x = h.random(s.type, shape, .general)
    let indices = HostTensor(indexType, indexShape) { _ in h.index(h.rng.int(0...(size - 1)), size, indexType) }
    let y = try h.b.gather(
      try h.input(x), s.end == 0 ? try h.input(indices) : try h.constant(indices), options: .init(axis: axis))
    let q = indexShape.count
    h.expect(
      y,
      HostTensor(s.type, Array(shape[..<axis]) + indexShape + Array(shape[(axis + 1)...])) { c in
        let i = normalizedIndex(indices[Array(c[axis..<(axis + q)])], size)
        return x[Array(c[..<axis]) + [i] + Array(c[(axis + q)...])]
      })
  }

  f["gatherElements"] = Factory(secondary: "indices") { h, s in
    let indexType = s.secondary!
    var shape = shapeOf(rank: s.rank)
    let axis = s.end == 0 ? 0 : Swift.max(0, s.rank - 2)
    if s.end == 0 { shape[axis] = 5 }
    var indexShape = shape
    indexShape[axis] = s.end == 0 ? 7 : 2
    let size = shape[axis]
    let x = h.random(s.type, shape, .general)
    let indices = HostTensor(indexType, indexShape) { _ in h.index(h.rng.int(0...(size - 1)), size, indexType) }
    let y = try h.b.gatherElements(try h.input(x), try h.input(indices), options: .init(axis: axis))
    h.expect(
      y,
      HostTensor(s.type, indexShape) { c in
        var source = c
        source[axis] = normalizedIndex(indices[c], size)
        return x[source]
      })
  }

  f["gatherND"] = Factory(secondary: "indices") { h, s in
    let indexType = s.secondary!
    var shape = shapeOf(rank: s.rank)
    if s.end == 0 { shape[0] = 5 }
    let k = s.end == 0 ? 1 : Swift.min(3, s.rank)
    let rows = s.end == 0 ? 3 : 2
    let x = h.random(s.type, shape, .general)
    let indices = HostTensor(indexType, [rows, k]) { c in
      h.index(h.rng.int(0...(shape[c[1]] - 1)), shape[c[1]], indexType)
    }
    let y = try h.b.gatherND(try h.input(x), try h.constant(indices))
    h.expect(
      y,
      HostTensor(s.type, [rows] + Array(shape[k...])) { c in
        x[(0..<k).map { normalizedIndex(indices[[c[0], $0]], shape[$0]) } + Array(c.dropFirst())]
      })
  }

  f["scatterElements"] = Factory(secondary: "indices") { h, s in
    let indexType = s.secondary!
    var shape = shapeOf(rank: s.rank)
    let axis = s.end == 0 ? 0 : Swift.min(1, s.rank - 1)
    if s.end == 0 { shape[axis] = 5 }
    var indexShape = shape
    indexShape[axis] = s.end == 0 ? 3 : 2
    let size = shape[axis]
    // Distinct targets along each line, so that no two updates meet.
    var values = [Num](repeating: .i(0), count: indexShape.reduce(1, *))
    for line in lines(indexShape, axis: axis) {
      for (k, target) in zip(line, h.rng.shuffled(size)) { values[k] = h.index(target, size, indexType) }
    }
    let indices = HostTensor(indexType, indexShape, values)
    let x = h.random(s.type, shape, .general)
    let updates = h.random(s.type, indexShape, .general)
    let y = try h.b.scatterElements(
      try h.input(x), try h.constant(indices), try h.input(updates), options: .init(axis: axis))
    var out = x.values
    for k in 0..<indices.count {
      var target = unravel(k, indexShape)
      target[axis] = normalizedIndex(indices.values[k], size)
      out[ravel(target, shape)] = updates.values[k]
    }
    h.expect(y, HostTensor(s.type, shape, out))
  }

  f["scatterND"] = Factory(secondary: "indices") { h, s in
    let indexType = s.secondary!
    var shape = shapeOf(rank: s.rank)
    if s.end == 0 { shape[0] = 5 }
    let k = s.end == 0 ? 1 : Swift.min(2, s.rank)
    let prefix = Array(shape[..<k])
    let slice = Array(shape[k...])
    let targets = Array(h.rng.shuffled(prefix.reduce(1, *)).prefix(2))
    let indices = HostTensor(indexType, [2, k]) { c in
      h.index(unravel(targets[c[0]], prefix)[c[1]], shape[c[1]], indexType)
    }
    let x = h.random(s.type, shape, .general)
    let updates = h.random(s.type, [2] + slice, .general)
    let y = try h.b.scatterND(try h.input(x), try h.input(indices), try h.constant(updates))
    var out = x.values
    for row in 0..<2 {
      let coordinates = (0..<k).map { normalizedIndex(indices[[row, $0]], shape[$0]) }
      for j in 0..<slice.reduce(1, *) {
        out[ravel(coordinates + unravel(j, slice), shape)] = updates[[row] + unravel(j, slice)]
      }
    }
    h.expect(y, HostTensor(s.type, shape, out))
  }
}

// MARK: Quantization

/// Scale and zero point shapes that repeat blockwise over `shape`.
private func parameterShape(_ shape: [Int]) -> [Int] { shape.indices.map { $0 % 3 == 0 ? shape[$0] : 1 } }

private func parameterCoordinates(_ c: [Int], _ shape: [Int], _ parameter: [Int]) -> [Int] {
  c.indices.map { c[$0] / (shape[$0] / parameter[$0]) }
}

private func addQuantization(_ f: inout [String: Factory]) {
  f["quantizeLinear"] = Factory(secondary: "zeroPoint") { h, s in
    let zeroPointType = s.secondary!
    let shape = shapeOf(rank: s.rank)
    let pShape = parameterShape(shape)
    let x = h.random(s.type, shape, .general)
    // Powers of two: x / scale is exact, so rounding ties are real ties.
    let scale = HostTensor(s.type, pShape) { _ in .f(h.rng.pick([0.0625, 0.125, 0.25, 0.5])) }
    let zeroPoint = h.random(zeroPointType, pShape, .general)
    let y = try h.b.quantizeLinear(try h.input(x), scale: try h.input(scale), zeroPoint: try h.input(zeroPoint))
    h.expect(
      y,
      HostTensor(zeroPointType, shape) { c in
        let p = parameterCoordinates(c, shape, pShape)
        let q = Int128((x[c].double / scale[p].double).rounded(.toNearestOrEven)) + zeroPoint[p].int
        return .i(Swift.min(Swift.max(q, zeroPointType.minInt), zeroPointType.maxInt))
      })
  }

  f["dequantizeLinear"] = Factory(secondary: "scale") { h, s in
    let scaleType = s.secondary!
    let shape = shapeOf(rank: s.rank)
    let pShape = parameterShape(shape)
    let x = h.random(s.type, shape, .general)
    let zeroPoint = h.random(s.type, pShape, .general)
    let scale = HostTensor(scaleType, pShape) { _ in .f(h.rng.pick([0.0625, 0.3, 1.5, 0.007])) }
    let y = try h.b.dequantizeLinear(try h.input(x), scale: try h.constant(scale), zeroPoint: try h.input(zeroPoint))
    // (x − zeroPoint) exactly, converted to float32 once, times the scale in float32.
    h.expect(
      y,
      HostTensor(scaleType, shape) { c in
        let p = parameterCoordinates(c, shape, pShape)
        return .f(Double(Float(Int64(x[c].int - zeroPoint[p].int)) * Float(scale[p].double)))
      })
  }
}

// MARK: Recurrent networks

private func activation(_ a: MLRecurrentNetworkActivation) -> (Double) -> Double {
  switch a {
  case .relu: { Swift.max(0, $0) }
  case .sigmoid: { 1 / (1 + Foundation.exp(-$0)) }
  case .tanh: { Foundation.tanh($0) }
  }
}

/// The rows of the matrix at `prefix` of a tensor (its last two dimensions).
private func matrix(_ t: HostTensor, _ prefix: [Int] = []) -> [[Double]] {
  let (rows, columns) = (t.shape[t.rank - 2], t.shape[t.rank - 1])
  return (0..<rows).map { r in (0..<columns).map { t[prefix + [r, $0]].double } }
}

private func vector(_ t: HostTensor?, _ prefix: [Int] = []) -> [Double]? {
  guard let t else { return nil }
  return (0..<t.shape[t.rank - 1]).map { t[prefix + [$0]].double }
}

private struct GruCellSpec {
  var resetAfter: Bool
  var layout: MLGruWeightLayout
  var gate: (Double) -> Double
  var new: (Double) -> Double
}

/// One GRU step for every batch row: z and r gates, the candidate n, (1 − z)·n + z·h.
private func gruStep(
  _ x: [[Double]], _ h: [[Double]], w: [[Double]], r: [[Double]], b: [Double]?, rb: [Double]?, _ spec: GruCellSpec
) -> [[Double]] {
  let hs = h[0].count
  let (zo, ro, no) = spec.layout == .zrn ? (0, hs, 2 * hs) : (hs, 0, 2 * hs)
  return x.indices.map { n in
    func pre(_ row: Int) -> Double { dot(x[n], w[row]) + (b?[row] ?? 0) + dot(h[n], r[row]) + (rb?[row] ?? 0) }
    let reset = (0..<hs).map { spec.gate(pre(ro + $0)) }
    return (0..<hs).map { j in
      let z = spec.gate(pre(zo + j))
      let recurrent =
        spec.resetAfter
        ? reset[j] * (dot(h[n], r[no + j]) + (rb?[no + j] ?? 0))
        : dot(zip(reset, h[n]).map(*), r[no + j]) + (rb?[no + j] ?? 0)
      let candidate = spec.new(dot(x[n], w[no + j]) + (b?[no + j] ?? 0) + recurrent)
      return (1 - z) * candidate + z * h[n][j]
    }
  }
}

private struct LstmCellSpec {
  var layout: MLLstmWeightLayout
  var gate: (Double) -> Double
  var cell: (Double) -> Double
  var output: (Double) -> Double
}

/// One LSTM step: (hidden, cell). Peephole weights are ordered i, o, f; o peeks at the new cell.
private func lstmStep(
  _ x: [[Double]], _ h: [[Double]], _ c: [[Double]], w: [[Double]], r: [[Double]], b: [Double]?, rb: [Double]?,
  p: [Double]?, _ spec: LstmCellSpec
) -> ([[Double]], [[Double]]) {
  let hs = h[0].count
  let (io, oo, fo, go) = spec.layout == .iofg ? (0, hs, 2 * hs, 3 * hs) : (0, 3 * hs, hs, 2 * hs)
  var hidden: [[Double]] = []
  var cells: [[Double]] = []
  for n in x.indices {
    var hRow: [Double] = []
    var cRow: [Double] = []
    for j in 0..<hs {
      func pre(_ offset: Int) -> Double {
        dot(x[n], w[offset + j]) + dot(h[n], r[offset + j]) + (b?[offset + j] ?? 0) + (rb?[offset + j] ?? 0)
      }
      let i = spec.gate(pre(io) + (p?[j] ?? 0) * c[n][j])
      let f = spec.gate(pre(fo) + (p?[2 * hs + j] ?? 0) * c[n][j])
      let g = spec.cell(pre(go))
      let cell = f * c[n][j] + i * g
      let o = spec.gate(pre(oo) + (p?[hs + j] ?? 0) * cell)
      hRow.append(o * spec.output(cell))
      cRow.append(cell)
    }
    hidden.append(hRow)
    cells.append(cRow)
  }
  return (hidden, cells)
}

private func tensor(_ type: MLOperandDataType, _ shape: [Int], _ values: [Double]) -> HostTensor {
  HostTensor(type, shape, values.map { .f($0) })
}

private func addRecurrent(_ f: inout [String: Factory]) {
  let (steps, batch, inputSize, hs) = (2, 2, 3, 2)

  f["gruCell"] = Factory { h, s in
    try h.requireRank(s, 2)
    let f32 = s.type == .float32
    let activations: [MLRecurrentNetworkActivation] = f32 ? [.sigmoid, .tanh] : [.sigmoid, .relu]
    let spec = GruCellSpec(
      resetAfter: !f32, layout: f32 ? .rzn : .zrn, gate: activation(activations[0]), new: activation(activations[1]))
    let x = h.random(s.type, [batch, inputSize], .unit)
    let w = h.random(s.type, [3 * hs, inputSize], .unit)
    let r = h.random(s.type, [3 * hs, hs], .unit)
    let state = h.random(s.type, [batch, hs], .unit)
    let bias = h.random(s.type, [3 * hs], .unit)
    let recurrentBias = h.random(s.type, [3 * hs], .unit)
    let y = try h.b.gruCell(
      try h.input(x), try h.constant(w), try h.constant(r), hiddenState: try h.input(state), hiddenSize: hs,
      options: .init(
        bias: try h.constant(bias), recurrentBias: try h.input(recurrentBias), resetAfter: spec.resetAfter,
        layout: spec.layout, activations: f32 ? nil : activations))
    let next = gruStep(
      matrix(x), matrix(state), w: matrix(w), r: matrix(r), b: vector(bias), rb: vector(recurrentBias), spec)
    h.expect(y, tensor(s.type, [batch, hs], next.flatMap { $0 }), .approximate(10))
  }

  f["gru"] = Factory { h, s in
    try h.requireRank(s, 3)
    let f32 = s.type == .float32
    let direction: MLRecurrentNetworkDirection = f32 ? .both : .backward
    let nd = direction == .both ? 2 : 1
    let activations: [MLRecurrentNetworkActivation] = f32 ? [.sigmoid, .tanh] : [.sigmoid, .relu]
    let spec = GruCellSpec(
      resetAfter: f32, layout: f32 ? .zrn : .rzn, gate: activation(activations[0]), new: activation(activations[1]))
    let x = h.random(s.type, [steps, batch, inputSize], .unit)
    let w = h.random(s.type, [nd, 3 * hs, inputSize], .unit)
    let r = h.random(s.type, [nd, 3 * hs, hs], .unit)
    let bias = h.random(s.type, [nd, 3 * hs], .unit)
    let recurrentBias = h.random(s.type, [nd, 3 * hs], .unit)
    let initial = h.random(s.type, [nd, batch, hs], .unit)
    let outputs = try h.b.gru(
      try h.input(x), try h.constant(w), try h.input(r), steps: steps, hiddenSize: hs,
      options: .init(
        bias: try h.constant(bias), recurrentBias: try h.constant(recurrentBias),
        initialHiddenState: try h.input(initial),
        resetAfter: spec.resetAfter, returnSequence: true, direction: direction, layout: spec.layout,
        activations: f32 ? nil : activations))
    var finals: [Double] = []
    var sequence = [[Double]](repeating: [], count: steps)
    for d in 0..<nd {
      var state = matrix(initial, [d])
      for step in 0..<steps {
        let t = d == 1 || direction == .backward ? steps - 1 - step : step
        state = gruStep(
          matrix(x, [t]), state, w: matrix(w, [d]), r: matrix(r, [d]), b: vector(bias, [d]),
          rb: vector(recurrentBias, [d]), spec)
        sequence[t] += state.flatMap { $0 }
      }
      finals += state.flatMap { $0 }
    }
    h.expect(outputs[0], tensor(s.type, [nd, batch, hs], finals), .approximate(10))
    h.expect(outputs[1], tensor(s.type, [steps, nd, batch, hs], sequence.flatMap { $0 }), .approximate(10))
  }

  f["lstmCell"] = Factory { h, s in
    try h.requireRank(s, 2)
    let f32 = s.type == .float32
    let activations: [MLRecurrentNetworkActivation] = f32 ? [.sigmoid, .tanh, .tanh] : [.sigmoid, .relu, .tanh]
    let spec = LstmCellSpec(
      layout: f32 ? .ifgo : .iofg, gate: activation(activations[0]), cell: activation(activations[1]),
      output: activation(activations[2]))
    let x = h.random(s.type, [batch, inputSize], .unit)
    let w = h.random(s.type, [4 * hs, inputSize], .unit)
    let r = h.random(s.type, [4 * hs, hs], .unit)
    let hidden = h.random(s.type, [batch, hs], .unit)
    let cell = h.random(s.type, [batch, hs], .unit)
    let bias = h.random(s.type, [4 * hs], .unit)
    let recurrentBias = h.random(s.type, [4 * hs], .unit)
    let peephole = f32 ? h.random(s.type, [3 * hs], .unit) : nil
    let outputs = try h.b.lstmCell(
      try h.input(x), try h.constant(w), try h.input(r), hiddenState: try h.input(hidden), cellState: try h.input(cell),
      hiddenSize: hs,
      options: .init(
        bias: try h.input(bias), recurrentBias: try h.constant(recurrentBias),
        peepholeWeight: try peephole.map { try h.constant($0) }, layout: spec.layout,
        activations: f32 ? nil : activations))
    let (nextHidden, nextCell) = lstmStep(
      matrix(x), matrix(hidden), matrix(cell), w: matrix(w), r: matrix(r), b: vector(bias), rb: vector(recurrentBias),
      p: vector(peephole), spec)
    h.expect(outputs[0], tensor(s.type, [batch, hs], nextHidden.flatMap { $0 }), .approximate(10))
    h.expect(outputs[1], tensor(s.type, [batch, hs], nextCell.flatMap { $0 }), .approximate(10))
  }

  f["lstm"] = Factory { h, s in
    try h.requireRank(s, 3)
    let f32 = s.type == .float32
    let direction: MLRecurrentNetworkDirection = f32 ? .both : .forward
    let nd = direction == .both ? 2 : 1
    let activations: [MLRecurrentNetworkActivation] = f32 ? [.sigmoid, .tanh, .tanh] : [.sigmoid, .tanh, .relu]
    let spec = LstmCellSpec(
      layout: f32 ? .iofg : .ifgo, gate: activation(activations[0]), cell: activation(activations[1]),
      output: activation(activations[2]))
    let x = h.random(s.type, [steps, batch, inputSize], .unit)
    let w = h.random(s.type, [nd, 4 * hs, inputSize], .unit)
    let r = h.random(s.type, [nd, 4 * hs, hs], .unit)
    let bias = h.random(s.type, [nd, 4 * hs], .unit)
    let recurrentBias = h.random(s.type, [nd, 4 * hs], .unit)
    let peephole = h.random(s.type, [nd, 3 * hs], .unit)
    let initialHidden = h.random(s.type, [nd, batch, hs], .unit)
    let initialCell = h.random(s.type, [nd, batch, hs], .unit)
    let outputs = try h.b.lstm(
      try h.input(x), try h.constant(w), try h.constant(r), steps: steps, hiddenSize: hs,
      options: .init(
        bias: try h.input(bias), recurrentBias: try h.constant(recurrentBias), peepholeWeight: try h.constant(peephole),
        initialHiddenState: try h.input(initialHidden), initialCellState: try h.input(initialCell),
        returnSequence: true, direction: direction, layout: spec.layout, activations: f32 ? nil : activations))
    var finalHidden: [Double] = []
    var finalCell: [Double] = []
    var sequence = [[Double]](repeating: [], count: steps)
    for d in 0..<nd {
      var (hidden, cell) = (matrix(initialHidden, [d]), matrix(initialCell, [d]))
      for step in 0..<steps {
        let t = d == 1 || direction == .backward ? steps - 1 - step : step
        (hidden, cell) = lstmStep(
          matrix(x, [t]), hidden, cell, w: matrix(w, [d]), r: matrix(r, [d]), b: vector(bias, [d]),
          rb: vector(recurrentBias, [d]), p: vector(peephole, [d]), spec)
        sequence[t] += hidden.flatMap { $0 }
      }
      finalHidden += hidden.flatMap { $0 }
      finalCell += cell.flatMap { $0 }
    }
    h.expect(outputs[0], tensor(s.type, [nd, batch, hs], finalHidden), .approximate(10))
    h.expect(outputs[1], tensor(s.type, [nd, batch, hs], finalCell), .approximate(10))
    h.expect(outputs[2], tensor(s.type, [steps, nd, batch, hs], sequence.flatMap { $0 }), .approximate(10))
  }
}
