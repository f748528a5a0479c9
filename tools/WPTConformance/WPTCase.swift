import Foundation
import WebNNCore

/// One tensor of a case: a graph input (constant or not) or an expected output.
public struct WPTTensor: Sendable {
  /// The dimensions.
  public var shape: [Int]
  /// The element type.
  public var dataType: MLOperandDataType
  /// The values; `NaN`, `±Infinity` and `-0` are already decoded. Integers are exact.
  public var data: [Double]
  /// The IEEE binary16 bits of `data`, when the file gives them (float16 tensors).
  public var float16Bits: [UInt16]?
  /// `data` holds one value that fills the whole tensor (only the first 1000 outputs are checked).
  public var splat: Bool
  /// Inputs only: created with `builder.constant` rather than `builder.input`.
  public var constant: Bool

  /// Creates a tensor description; `float16Bits`, `splat` and `constant` default to none.
  public init(
    shape: [Int], dataType: MLOperandDataType, data: [Double], float16Bits: [UInt16]? = nil,
    splat: Bool = false,
    constant: Bool = false
  ) {
    self.shape = shape
    self.dataType = dataType
    self.data = data
    self.float16Bits = float16Bits
    self.splat = splat
    self.constant = constant
  }

  /// The data type and shape as a WebNN descriptor.
  public var descriptor: MLOperandDescriptor {
    MLOperandDescriptor(dataType: dataType, shape: shape)
  }
  /// The number of elements (1 for a scalar).
  public var elementCount: Int { shape.reduce(1, *) }
}

/// A named tensor (inputs and expected outputs keep a stable, sorted order).
public struct WPTNamedTensor: Sendable {
  /// The input or output name used in the case's graph.
  public var name: String
  /// Its description and values.
  public var tensor: WPTTensor
}

/// One positional argument of an operator call: the WPT parameter name and its value.
public struct WPTArgument: Sendable {
  /// The parameter name, such as `input`, `filter` or `options`.
  public var name: String
  /// The value: an operand name, a number, a list or an options object.
  public var value: WPTValue
}

/// One builder call: `builder[name](...arguments)` whose result is named `outputs`.
public struct WPTOperatorCall: Sendable {
  /// The builder method, such as `conv2d`.
  public var name: String
  /// Positional arguments, in WPT order (`null` holes dropped).
  public var arguments: [WPTArgument]
  /// The output name, or the names of a multi-output operator's results.
  public var outputs: [String]
  /// Whether `outputs` was written as an array (multi-output operators).
  public var outputsIsArray: Bool
}

/// How outputs are compared.
public enum WPTMetric: String, Sendable, Codable {
  /// Units in the last place (float32 sign-magnitude bits, float16 raw bits, integer difference).
  case ulp = "ULP"
  /// Absolute difference.
  case atol = "ATOL"
}

/// The case's single tolerance, applied to every expected output.
public struct WPTTolerance: Sendable {
  /// How the difference is measured.
  public var metric: WPTMetric
  /// nil: WPT would not check the values.
  public var value: Double?
  /// The WPT tolerance function that produced it.
  public var function: String
}

/// One conformance case: a small graph, its inputs, the expected outputs and a tolerance.
public struct WPTCase: Sendable {
  /// The file stem, e.g. `"pooling"`.
  public var file: String
  /// The WPT test name, unique within the file.
  public var name: String
  /// The classification data type of the case.
  public var dataType: String
  /// The graph inputs and constants, sorted by name.
  public var inputs: [WPTNamedTensor]
  /// The builder calls, in order.
  public var operators: [WPTOperatorCall]
  /// The graph outputs and their expected values, sorted by name.
  public var expectedOutputs: [WPTNamedTensor]
  /// How the outputs are compared.
  public var tolerance: WPTTolerance
  /// The case file's `castToSupportedType` flag: the browser test casts 4-bit outputs to a
  /// type it can read back. This runner reads them packed, so it needs no cast.
  public var castToSupportedType: Bool

  /// The distinct operator names, in order of first use.
  public var operatorNames: [String] {
    var seen = Set<String>()
    return operators.map(\.name).filter { seen.insert($0).inserted }
  }

  /// `file/name`, for messages.
  public var identifier: String { "\(file)/\(name)" }
}

/// A parsed case file: its cases, and the cases that could not be parsed.
public struct WPTCaseFile: Sendable {
  /// The file stem, e.g. `"pooling"`.
  public var file: String
  /// The path it was read from.
  public var path: String
  /// The cases that parsed, in file order.
  public var cases: [WPTCase]
  /// (case name, message) for each case the parser rejected; `name` is empty for a broken file.
  public var problems: [(name: String, message: String)]
}

// MARK: - Parsing

enum WPTParser {
  static func parseFile(path: String) -> WPTCaseFile {
    let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    do {
      return parse(try Data(contentsOf: URL(fileURLWithPath: path)), file: stem, path: path)
    } catch {
      return WPTCaseFile(
        file: stem, path: path, cases: [],
        problems: [(name: "", message: "cannot read \(path): \(error)")])
    }
  }

  static func parse(_ data: Data, file stem: String, path: String) -> WPTCaseFile {
    var file = WPTCaseFile(file: stem, path: path, cases: [], problems: [])
    let root: [String: Any]
    do {
      guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw WPTCaseFileError("the top level is not a JSON object")
      }
      root = object
    } catch {
      file.problems.append((name: "", message: "cannot parse \(path): \(error)"))
      return file
    }
    if let name = root["file"] as? String { file.file = name }
    guard let cases = root["cases"] as? [Any] else {
      file.problems.append((name: "", message: "\(path): no \"cases\" array"))
      return file
    }
    for (index, raw) in cases.enumerated() {
      let object = raw as? [String: Any]
      let name = object?["name"] as? String ?? "case #\(index)"
      do {
        guard let object else { throw WPTCaseFileError("a case is not a JSON object") }
        file.cases.append(try parseCase(object, file: file.file))
      } catch {
        file.problems.append((name: name, message: "cannot parse the case: \(error)"))
      }
    }
    return file
  }

  static func parseCase(_ object: [String: Any], file: String) throws -> WPTCase {
    guard let name = object["name"] as? String else { throw WPTCaseFileError("missing \"name\"") }
    let inputs = try tensors(object["inputs"], "inputs", isInput: true)
    let outputs = try tensors(object["expectedOutputs"], "expectedOutputs", isInput: false)
    guard !outputs.isEmpty else { throw WPTCaseFileError("no expected outputs") }
    guard let rawOps = object["operators"] as? [Any] else {
      throw WPTCaseFileError("missing \"operators\"")
    }
    let operators = try rawOps.map(parseOperator)
    guard let tol = object["tolerance"] as? [String: Any] else {
      throw WPTCaseFileError("missing \"tolerance\"")
    }
    guard let metricName = tol["metric"] as? String, let metric = WPTMetric(rawValue: metricName)
    else {
      throw WPTCaseFileError("tolerance: unknown metric \(tol["metric"] ?? "nil")")
    }
    var value: Double?
    if let raw = tol["value"], !(raw is NSNull) {
      guard let v = try WPTValue(foundation: raw).numberValue else {
        throw WPTCaseFileError("tolerance: bad value \(raw)")
      }
      value = v
    }
    let tolerance = WPTTolerance(
      metric: metric, value: value, function: tol["function"] as? String ?? "")
    return WPTCase(
      file: file, name: name,
      dataType: object["dataType"] as? String ?? outputs[0].tensor.dataType.rawValue,
      inputs: inputs, operators: operators, expectedOutputs: outputs, tolerance: tolerance,
      castToSupportedType: (object["castToSupportedType"] as? Bool) ?? false)
  }

  static func tensors(_ raw: Any?, _ key: String, isInput: Bool) throws -> [WPTNamedTensor] {
    guard let raw else { return [] }
    guard let dict = raw as? [String: Any] else {
      throw WPTCaseFileError("\"\(key)\" is not an object")
    }
    return try dict.keys.sorted().map { name in
      guard let t = dict[name] as? [String: Any] else {
        throw WPTCaseFileError("\(key).\(name) is not an object")
      }
      do {
        return WPTNamedTensor(name: name, tensor: try tensor(t, isInput: isInput))
      } catch let error as WPTCaseFileError {
        throw WPTCaseFileError("\(key).\(name): \(error.message)")
      }
    }
  }

  static func tensor(_ t: [String: Any], isInput: Bool) throws -> WPTTensor {
    guard let rawShape = t["shape"] as? [Any] else { throw WPTCaseFileError("missing shape") }
    let shape = try rawShape.map { value -> Int in
      guard let n = value as? NSNumber, !WPTValue.isBoolean(n), let d = Optional(n.doubleValue),
        d >= 0,
        d == d.rounded(), d < 1e15
      else { throw WPTCaseFileError("bad shape \(rawShape)") }
      return Int(d)
    }
    guard let typeName = t["dataType"] as? String else {
      throw WPTCaseFileError("missing dataType")
    }
    guard let dataType = MLOperandDataType(rawValue: typeName) else {
      throw WPTCaseFileError("unknown dataType \"\(typeName)\"")
    }
    let rawData: [Any]
    if let array = t["data"] as? [Any] {
      rawData = array
    } else if let single = t["data"], !(single is NSNull) {
      rawData = [single]  // tolerate a bare scalar
    } else {
      throw WPTCaseFileError("missing data")
    }
    let data = try rawData.map { value -> Double in
      guard let d = try WPTValue(foundation: value).numberValue else {
        throw WPTCaseFileError("bad data value \(value)")
      }
      return d
    }
    var bits: [UInt16]?
    if let rawBits = t["float16Bits"] as? [Any] {
      bits = try rawBits.map { value -> UInt16 in
        guard let n = value as? NSNumber, let b = UInt16(exactly: n.doubleValue) else {
          throw WPTCaseFileError("bad float16Bits value \(value)")
        }
        return b
      }
      guard bits!.count == data.count else {
        throw WPTCaseFileError("float16Bits has \(bits!.count) values, data has \(data.count)")
      }
    }
    let splat = (t["splat"] as? Bool) ?? false
    let count = shape.reduce(1, *)
    if splat {
      guard data.count == 1 else {
        throw WPTCaseFileError("a splat tensor must hold one value, got \(data.count)")
      }
    } else if data.count != count {
      throw WPTCaseFileError("shape \(shape) has \(count) elements, data has \(data.count)")
    }
    return WPTTensor(
      shape: shape, dataType: dataType, data: data, float16Bits: bits, splat: splat,
      constant: isInput && ((t["constant"] as? Bool) ?? false))
  }

  static func parseOperator(_ raw: Any) throws -> WPTOperatorCall {
    guard let object = raw as? [String: Any], let name = object["name"] as? String else {
      throw WPTCaseFileError("an operator entry has no name")
    }
    var arguments: [WPTArgument] = []
    for entry in object["arguments"] as? [Any] ?? [] {
      if entry is NSNull { continue }  // holes in WPT argument arrays are skipped
      guard let dict = entry as? [String: Any] else {
        throw WPTCaseFileError("\(name): an argument is not an object")
      }
      // JSONSerialization forgets key order; objects with several keys are put back in
      // WebNN's positional order.
      for key in dict.keys.sorted(by: parameterOrder) {
        let value = try WPTValue(foundation: dict[key]!)
        if value == .null { continue }
        arguments.append(WPTArgument(name: key, value: value))
      }
    }
    let outputs: [String]
    let isArray: Bool
    if let single = object["outputs"] as? String {
      outputs = [single]
      isArray = false
    } else if let list = object["outputs"] as? [Any] {
      outputs = try list.map {
        guard let s = $0 as? String else {
          throw WPTCaseFileError("\(name): output names must be strings")
        }
        return s
      }
      isArray = true
    } else {
      throw WPTCaseFileError("\(name): missing outputs")
    }
    return WPTOperatorCall(
      name: name, arguments: arguments, outputs: outputs, outputsIsArray: isArray)
  }

  /// WebNN parameter names in the positional order they take in every operator signature.
  static let positionalNames: [String] = [
    "input", "inputs", "a", "b", "condition", "trueValue", "falseValue", "filter", "indices",
    "updates", "mean",
    "variance", "slope", "weight", "recurrentWeight", "hiddenState", "cellState", "steps",
    "hiddenSize", "scale",
    "zeroPoint", "axis", "newShape", "starts", "sizes", "splits", "beginningPadding",
    "endingPadding", "repetitions",
    "type", "dataType", "options",
  ]

  static func parameterOrder(_ x: String, _ y: String) -> Bool {
    let rx = positionalNames.firstIndex(of: x) ?? Int.max
    let ry = positionalNames.firstIndex(of: y) ?? Int.max
    return rx != ry ? rx < ry : x < y
  }
}
