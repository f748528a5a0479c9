#version 460
// out = condition != 0 ? t : f, all three broadcast through strides. Defines: V_T/V_ALIGN.
// Parameters: [0] condition slot, [1] true slot, [2] false slot, [3] out slot, [4] count,
// [5] rank, [6..13] output shape, [14..21] condition strides, [22..29] true strides, [30..37] false strides.
#include "common.glsl"

TENSOR(1, b1, uint8_t, 1)
TENSOR(2, b2, V_T, V_ALIGN)
TENSOR(3, b3, V_T, V_ALIGN)
TENSOR(4, result, V_T, V_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(4)) return;
  uint rank = P(5);
  bool c = uint(b1.v[stridedOffset(i, rank, 6, 14)]) != 0u;
  // Copied buffer to buffer: 8- and 16-bit types cannot be held in a temporary without the
  // explicit arithmetic types extensions.
  if (c) {
    result.v[i] = b2.v[stridedOffset(i, rank, 6, 22)];
  } else {
    result.v[i] = b3.v[stridedOffset(i, rank, 6, 30)];
  }
}
