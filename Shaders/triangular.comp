#version 460
// Keeps the upper (col - row >= diagonal) or lower (col - row <= diagonal) triangle of the
// last two dimensions and zeroes the rest. Defines: E_T/E_ALIGN.
// Parameters: [0] input, [1] output slots, [2] count, [3] rows, [4] columns, [5] upper,
// [6] diagonal.
#include "common.glsl"

TENSOR(1, b1, E_T, E_ALIGN)
TENSOR(2, b2, E_T, E_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
  int column = int(i % P(4)), row = int((i / P(4)) % P(3));
  int d = column - row;
  bool keep = P(5) != 0u ? d >= Pi(6) : d <= Pi(6);
  b2.v[i] = keep ? b1.v[i] : E_T(0);
}
