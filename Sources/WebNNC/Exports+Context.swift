import WebNN

// Contexts: create, destroy, describe, opSupportLimits.

/// `webnn_context_create` of `include/webnn.h`, which documents it.
@_cdecl("webnn_context_create")
public func webnnContextCreate(
  _ powerPreference: UnsafePointer<CChar>?, _ accelerated: Int32, _ out: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
  guarded("webnn_context_create") {
    let out = try outPointer(out, "out")
    var preference = MLPowerPreference.default
    if let powerPreference {
      let name = String(cString: powerPreference)
      guard let value = MLPowerPreference(rawValue: name) else {
        throw CallError.type(
          "power_preference: \"\(name)\" is not one of \"default\", \"high-performance\", \"low-power\"")
      }
      preference = value
    }
    let context = try ML().createContextSync(.init(powerPreference: preference, accelerated: accelerated != 0))
    out.pointee = HandleTable.shared.insert(.context, context)
  }
}

/// `webnn_context_destroy` of `include/webnn.h`, which documents it.
@_cdecl("webnn_context_destroy")
public func webnnContextDestroy(_ context: OpaquePointer?) -> Int32 {
  guarded("webnn_context_destroy") {
    let removed = try HandleTable.shared.remove(context, .context, argument: "context")
    // Destroying the context destroys its graphs and tensors; the rest is released with the handles.
    (removed.first?.object as? MLContext)?.destroy()
  }
}

/// `webnn_context_info_json` of `include/webnn.h`, which documents it.
@_cdecl("webnn_context_info_json")
public func webnnContextInfoJson(
  _ context: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  guarded("webnn_context_info_json") {
    let context = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let info = JSONText.object([
      ("deviceName", .string(context.deviceName)), ("accelerated", .bool(context.accelerated)),
      ("lost", .bool(context.isLost)),
    ])
    try writeString(info.text, to: out)
  }
}

/// `webnn_context_op_support_limits` of `include/webnn.h`, which documents it.
@_cdecl("webnn_context_op_support_limits")
public func webnnContextOpSupportLimits(
  _ context: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
  guarded("webnn_context_op_support_limits") {
    let context = try HandleTable.shared.lookup(context, .context, as: MLContext.self, argument: "context")
    let limits = context.opSupportLimits()
    var members: [(String, JSONText)] = [
      ("preferredInputLayout", .string(limits.preferredInputLayout.rawValue)),
      ("maxTensorByteLength", .int(limits.maxTensorByteLength)), ("input", JSONText.limits(limits.input)),
      ("constant", JSONText.limits(limits.constant)), ("output", JSONText.limits(limits.output)),
    ]
    for op in OperatorRegistry.names {
      guard let arguments = limits[op] else { continue }
      members.append((op, .object(arguments.sorted { $0.key < $1.key }.map { ($0.key, JSONText.limits($0.value)) })))
    }
    try writeString(JSONText.object(members).text, to: out)
  }
}
