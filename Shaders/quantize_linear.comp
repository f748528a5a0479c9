#version 460
// quantizeLinear and dequantizeLinear with blockwise scale and zero point: element e uses the
// scale/zero point at (coordinate / block size) in each dimension.
//   quantize:   y = clamp(roundEven(x / scale) + zeroPoint, typeMin, typeMax)
//   dequantize: y = (x - zeroPoint) · scale
// 4-bit tensors are packed two per byte, low nibble first. A packed output is written one
// whole byte (two elements) per invocation, so no two invocations touch the same byte.
// Defines: DEQUANTIZE (0 or 1); X_T/X_C/X_ALIGN, S_T/S_ALIGN, Z_T/Z_C/Z_ALIGN, Y_T/Y_C/Y_ALIGN;
// X_PACKED, Z_PACKED, Y_PACKED (0 unpacked, 1 uint4, 2 int4); Q_BITS and Q_SIGNED, the width
// and signedness of the quantized type (quantize).
// Parameters: [0] input, [1] scale, [2] zero point, [3] output slots, [4] element count,
// [5] rank, [6..13] input shape, [14..21] block sizes, [22..29] scale strides (of the scale
// shape left-padded with 1s), [30] invocation count.
#include "common.glsl"

TENSOR(1, b1, X_T, X_ALIGN)
TENSOR(2, b2, S_T, S_ALIGN)
TENSOR(3, b3, Z_T, Z_ALIGN)
TENSOR(4, b4, Y_T, Y_ALIGN)

// Element `index` of a packed 4-bit tensor: nibble index % 2 of byte index / 2, sign-extended
// for int4 (packed == 2).
int64_t nibble(uint byteValue, uint index, int packed) {
  int v = int((byteValue >> (4u * (index & 1u))) & 15u);
  return int64_t(packed == 2 && v >= 8 ? v - 16 : v);
}

// The scale/zero point index of input element i.
uint parameterIndex(uint i) {
  uint rank = P(5), index = 0u, rest = i;
  for (int d = int(rank) - 1; d >= 0; --d) {
    uint size = P(6 + d);
    index += ((rest % size) / P(14 + d)) * P(22 + d);
    rest /= size;
  }
  return index;
}

int64_t zeroPointAt(uint k) {
#if Z_PACKED
  return nibble(uint(b3.v[k / 2u]), k, Z_PACKED);
#else
  return int64_t(Z_C(b3.v[k]));
#endif
}

float scaleAt(uint k) { return float(b2.v[k]); }

#if DEQUANTIZE
int64_t inputAt(uint i) {
#if X_PACKED
  return nibble(uint(b1.v[i / 2u]), i, X_PACKED);
#else
  return int64_t(X_C(b1.v[i]));
#endif
}

void main() {
  uint i = globalIndex();
  if (i >= P(30)) return;
  uint k = parameterIndex(i);
  float y = float(inputAt(i) - zeroPointAt(k)) * scaleAt(k);
  b4.v[i] = Y_T(y);
}
#else
int64_t quantizeAt(uint i) {
  uint k = parameterIndex(i);
  float r = roundEven(float(b1.v[i]) / scaleAt(k));
  // NaN quantizes to the zero point; the clamp keeps the conversion to int64 defined.
  if (isnan(r)) r = 0.0;
  r = clamp(r, -1099511627776.0, 1099511627776.0);
  int64_t one = int64_t(1);
  int64_t low = Q_SIGNED != 0 ? -(one << (Q_BITS - 1)) : int64_t(0);
  int64_t high = Q_SIGNED != 0 ? (one << (Q_BITS - 1)) - one : (one << Q_BITS) - one;
  return clamp(int64_t(r) + zeroPointAt(k), low, high);
}

void main() {
  uint j = globalIndex();
  if (j >= P(30)) return;
#if Y_PACKED
  uint first = 2u * j;
  uint low = uint(quantizeAt(first)) & 15u;
  uint high = first + 1u < P(4) ? uint(quantizeAt(first + 1u)) & 15u : 0u;
  b4.v[j] = uint8_t(low | (high << 4));
#else
  b4.v[j] = Y_T(Y_C(quantizeAt(j)));
#endif
}
#endif
