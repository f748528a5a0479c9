#version 460
// (x - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + bias[c], c the index along the
// channel axis. Defines: T/T_ALIGN.
// Parameters: [0] input, [1] mean, [2] variance, [3] scale, [4] bias, [5] output slots,
// [6] count, [7] channels, [8] inner size, [9] has scale, [10] has bias, [11] epsilon.
#include "common.glsl"

TENSOR(1, b1, T, T_ALIGN)
TENSOR(2, b2, T, T_ALIGN)
TENSOR(3, b3, T, T_ALIGN)
TENSOR(4, b4, T, T_ALIGN)
TENSOR(5, b5, T, T_ALIGN)
TENSOR(6, b6, T, T_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(6)) return;
  uint c = (i / P(8)) % P(7);
  float x = float(b1.v[i]);
  float mean = float(b2.v[c]);
  float variance = float(b3.v[c]);
  float y = (x - mean) / sqrt(variance + Pf(11));
  if (P(9) != 0u) y *= float(b4.v[c]);
  if (P(10) != 0u) y += float(b5.v[c]);
  b6.v[i] = T(y);
}
