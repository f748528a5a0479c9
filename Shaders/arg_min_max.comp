#version 460
// argMin/argMax along one axis: the first index of the extreme value wins ties.
// Defines: X_T/X_C/X_ALIGN, Y_T/Y_ALIGN (int32 or int64 output), IS_MAX 0 or 1.
// Parameters: [0] input, [1] output slots, [2] output count, [3] axis size, [4] inner.
#include "common.glsl"

TENSOR(1, x, X_T, X_ALIGN)
TENSOR(2, b2, Y_T, Y_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
  uint axis = P(3), inner = P(4);
  uint base = (i / inner) * axis * inner + i % inner;
  X_C best = X_C(x.v[base]);
  uint bestIndex = 0u;
  for (uint k = 1u; k < axis; ++k) {
    X_C v = X_C(x.v[base + k * inner]);
#if IS_MAX
    if (v > best) {
#else
    if (v < best) {
#endif
      best = v;
      bestIndex = k;
    }
  }
  b2.v[i] = Y_T(bestIndex);
}
