#version 460
// (x - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + bias[c], c the index along the
// channel axis. Defines: T/T_ALIGN.
// Parameters: [0] input, [1] mean, [2] variance, [3] scale, [4] bias, [5] output slots,
// [6] count, [7] channels, [8] inner size, [9] has scale, [10] has bias, [11] epsilon.
#include "common.glsl"

TENSOR_VIEW(View, T, T_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(6)) return;
  uint c = (i / P(8)) % P(7);
  float x = float(View(slotAddress(P(0))).v[i]);
  float mean = float(View(slotAddress(P(1))).v[c]);
  float variance = float(View(slotAddress(P(2))).v[c]);
  float y = (x - mean) / sqrt(variance + Pf(11));
  if (P(9) != 0u) y *= float(View(slotAddress(P(3))).v[c]);
  if (P(10) != 0u) y += float(View(slotAddress(P(4))).v[c]);
  View(slotAddress(P(5))).v[i] = T(y);
}
