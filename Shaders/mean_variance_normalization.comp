#version 460
// Instance and layer normalization: each invocation owns one group (a position over the kept
// dimensions), computes the mean and variance over the reduced dimensions in float, then
// writes (x - mean) / sqrt(variance + epsilon) * scale + bias. Defines: T/T_ALIGN.
// Parameters: [0] input, [1] scale, [2] bias, [3] output slots, [4] group count,
// [5] kept rank, [6..13] kept shape, [14..21] kept strides, [22] reduced rank,
// [23..30] reduced shape, [31..38] reduced strides, [39] reduced count, [40] has scale,
// [41] has bias, [42] epsilon, [43..50] scale strides over kept dims, [51..58] scale
// strides over reduced dims.
#include "common.glsl"

TENSOR(1, x, T, T_ALIGN)
TENSOR(2, b2, T, T_ALIGN)
TENSOR(3, b3, T, T_ALIGN)
TENSOR(4, y, T, T_ALIGN)

void main() {
  uint g = globalIndex();
  if (g >= P(4)) return;
  int base = stridedOffset(g, P(5), 6, 14);
  int scaleBase = stridedOffset(g, P(5), 6, 43);
  uint count = P(39), rank = P(22);
  float sum = 0.0;
  for (uint k = 0u; k < count; ++k) sum += float(x.v[base + stridedOffset(k, rank, 23, 31)]);
  float mean = sum / float(count);
  float squares = 0.0;
  for (uint k = 0u; k < count; ++k) {
    float d = float(x.v[base + stridedOffset(k, rank, 23, 31)]) - mean;
    squares += d * d;
  }
  float inverse = 1.0 / sqrt(squares / float(count) + Pf(42));
  for (uint k = 0u; k < count; ++k) {
    int offset = base + stridedOffset(k, rank, 23, 31);
    int s = scaleBase + stridedOffset(k, rank, 23, 51);
    float value = (float(x.v[offset]) - mean) * inverse;
    if (P(40) != 0u) value *= float(b2.v[s]);
    if (P(41) != 0u) value += float(b3.v[s]);
    y.v[offset] = T(value);
  }
}
