import WebNNCore

/// How a data type appears in the shaders: its storage type, the type arithmetic runs in
/// (float16 computes in float32; 8-bit integers in 32-bit), and an unsigned type of the same
/// width for kernels that only move bits.
extension MLOperandDataType {
  var glslStorage: String {
    switch self {
    case .float32: "float"
    case .float16: "float16_t"
    case .int32: "int"
    case .uint32: "uint"
    case .int64: "int64_t"
    case .uint64: "uint64_t"
    case .int8: "int8_t"
    case .uint8: "uint8_t"
    case .int4, .uint4: "uint8_t"
    }
  }

  var glslCompute: String {
    switch self {
    case .float32, .float16: "float"
    case .int32, .int8, .int4: "int"
    case .uint32, .uint8, .uint4: "uint"
    case .int64: "int64_t"
    case .uint64: "uint64_t"
    }
  }

  var glslBits: String {
    switch bitWidth {
    case 8, 4: "uint8_t"
    case 16: "uint16_t"
    case 32: "uint"
    default: "uint64_t"
    }
  }

  var glslAlignment: Int { Swift.max(1, bitWidth / 8) }

  /// The 4-component vector of a 32-bit type, for kernels that move vec4s.
  var glslVector4: String? {
    switch self {
    case .float32: "vec4"
    case .int32: "ivec4"
    case .uint32: "uvec4"
    default: nil
    }
  }
}

/// `<prefix>_T`, `<prefix>_C` and `<prefix>_ALIGN` defines for an operand role.
func typeDefines(_ prefix: String, _ type: MLOperandDataType) -> [String: String] {
  ["\(prefix)_T": type.glslStorage, "\(prefix)_C": type.glslCompute, "\(prefix)_ALIGN": "\(type.glslAlignment)"]
}

/// `T`/`T_ALIGN` for kernels whose operands all share one element type.
func elementDefines(_ type: MLOperandDataType) -> [String: String] {
  ["T": type.glslStorage, "T_ALIGN": "\(type.glslAlignment)"]
}

/// `E_T`/`E_ALIGN` for kernels that copy raw element bits.
func bitsDefines(_ type: MLOperandDataType) -> [String: String] {
  ["E_T": type.glslBits, "E_ALIGN": "\(type.glslAlignment)"]
}
