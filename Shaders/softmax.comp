#version 460
// Softmax along one axis; the tensor is viewed as [outer, axis, inner] and each invocation
// owns one (outer, inner) line. Defines: T/T_ALIGN.
// Parameters: [0] input, [1] output slots, [2] outer, [3] axis size, [4] inner.
#include "common.glsl"

TENSOR(1, x, T, T_ALIGN)
TENSOR(2, y, T, T_ALIGN)

void main() {
  uint i = globalIndex();
  uint axis = P(3), inner = P(4);
  if (i >= P(2) * inner) return;
  uint base = (i / inner) * axis * inner + i % inner;
  float largest = uintBitsToFloat(0xff800000u);
  for (uint k = 0u; k < axis; ++k) largest = max(largest, float(x.v[base + k * inner]));
  float sum = 0.0;
  for (uint k = 0u; k < axis; ++k) sum += exp(float(x.v[base + k * inner]) - largest);
  for (uint k = 0u; k < axis; ++k) y.v[base + k * inner] = T(exp(float(x.v[base + k * inner]) - largest) / sum);
}
