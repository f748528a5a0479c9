#version 460
// pad in constant, edge and reflection modes, on raw element bits. Defines: E_T/E_ALIGN.
// Parameters: [0] input, [1] output slots, [2] count, [3] rank, [4..11] output shape,
// [12..19] input shape, [20..27] beginning padding, [28..35] input strides, [36] mode
// (0 constant, 1 edge, 2 reflection), [37..38] the constant's bits.
#include "common.glsl"

TENSOR(1, b1, E_T, E_ALIGN)
TENSOR(2, b2, E_T, E_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
  uint rank = P(3), mode = P(36), rest = i;
  int offset = 0;
  bool inside = true;
  for (int d = int(rank) - 1; d >= 0; --d) {
    int size = Pi(12 + d);
    int c = int(rest % P(4 + d)) - Pi(20 + d);
    rest /= P(4 + d);
    if (c < 0 || c >= size) {
      if (mode == 0u) inside = false;
      else if (mode == 1u) c = clamp(c, 0, size - 1);
      else c = c < 0 ? -c : 2 * (size - 1) - c;
    }
    offset += c * Pi(28 + d);
  }
  b2.v[i] = inside ? b1.v[offset] : E_T(P64(37));
}
