/// The outcome the current spec prescribes for an allowlisted call.
public enum WPTSpecOutcome: Sendable, CustomStringConvertible {
  /// The call throws `TypeError`.
  case typeError
  /// The call succeeds (with this shape, when given).
  case ok(shape: [Int]?)

  /// `throws TypeError`, `ok` or `ok [shape]`, for the report.
  public var description: String {
    switch self {
    case .typeError: "throws TypeError"
    case .ok(let shape): shape.map { "ok \($0)" } ?? "ok"
    }
  }
}

/// A recorded call whose expectation the replay deliberately does not follow, because the
/// vectors (WPT of 2025-03-31) predate the spec (c515210, shared/notes/webnn-spec.md).
///
/// A matched call passes as `allowlisted` only while its outcome differs from the vector's and
/// equals `spec`; a call that starts matching the vector fails, and so does an entry that no
/// call matches, so the list stays true.
public struct WPTValidationAllowlistEntry: Sendable {
  /// The vector file's stem, such as `cumulativeSum` or `api`.
  public var file: String
  /// The WPT test name, exactly.
  public var test: String
  /// The call ids (steps for `api`); nil selects every call of the test.
  public var calls: [Int]?
  /// Selects only calls whose rendered arguments contain this text (such as `"shape": []`).
  public var argumentsContaining: String?
  /// What the current spec says the call does.
  public var spec: WPTSpecOutcome
  /// The spec rule, with the PR that changed it.
  public var reason: String

  /// An entry; `calls` and `argumentsContaining` default to nil (no restriction).
  public init(
    file: String, test: String, calls: [Int]? = nil, argumentsContaining: String? = nil,
    spec: WPTSpecOutcome,
    reason: String
  ) {
    self.file = file
    self.test = test
    self.calls = calls
    self.argumentsContaining = argumentsContaining
    self.spec = spec
    self.reason = reason
  }

  func matches(file: String, test: String, call: Int, arguments: String) -> Bool {
    file == self.file && test == self.test && (calls?.contains(call) ?? true)
      && (argumentsContaining.map { arguments.contains($0) } ?? true)
  }
}

extension WPTValidationAllowlistEntry {
  /// Every deliberate deviation from the vectors.
  public static let all: [WPTValidationAllowlistEntry] = [
    WPTValidationAllowlistEntry(
      file: "clamp", test: "[clamp] Throw if options.minValue is -Infinity", calls: [0],
      spec: .ok(shape: []),
      reason:
        "minValue and maxValue are MLNumber (bigint or unrestricted double), so -Infinity is a valid bound; WPT marks "
        + "the test \"to be removed once infinite minValue is allowed\" (webnn#647)"),
    WPTValidationAllowlistEntry(
      file: "pooling", test: "Test pool2d with strides, padding and roundingType=\"ceil\".",
      calls: [0, 1, 2],
      spec: .ok(shape: [1, 3, 3, 3]),
      reason:
        "roundingType was renamed outputShapeRounding (#770); WebIDL ignores the unknown member, so the default "
        + "floor rounding gives [1, 3, 3, 3]"),
    WPTValidationAllowlistEntry(
      file: "api",
      test:
        "Throw if deviceType is not a valid enum value of type MLDeviceType when creating the context.",
      calls: [0], spec: .ok(shape: nil),
      reason:
        "MLContextOptions.deviceType was removed (#809); WebIDL ignores the unknown member, so createContext resolves"
    ),
  ]
}
