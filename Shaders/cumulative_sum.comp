#version 460
// cumulativeSum: one invocation per line along the axis, summing sequentially. Floats
// (float16 included) accumulate in float32, integers in their own 32- or 64-bit type.
// Defines: X_T/X_C/X_ALIGN, ACC (the accumulator type).
// Parameters: [0] input, [1] output slots, [2] line count (outer · inner), [3] axis size,
// [4] inner size, [5] exclusive, [6] reversed.
#include "common.glsl"

TENSOR(1, x, X_T, X_ALIGN)
TENSOR(2, y, X_T, X_ALIGN)

void main() {
  uint line = globalIndex();
  if (line >= P(2)) return;
  uint size = P(3), inner = P(4);
  bool exclusive = P(5) != 0u, reversed = P(6) != 0u;
  uint base = (line / inner) * size * inner + line % inner;
  ACC sum = ACC(0);
  for (uint k = 0u; k < size; ++k) {
    uint at = base + (reversed ? size - 1u - k : k) * inner;
    ACC v = ACC(X_C(x.v[at]));
    if (exclusive) {
      y.v[at] = X_T(sum);
      sum += v;
    } else {
      sum += v;
      y.v[at] = X_T(sum);
    }
  }
}
