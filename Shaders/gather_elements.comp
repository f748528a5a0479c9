#version 460
// gatherElements: out[o, j, r] = input[o, indices[o, j, r], r], where o runs over the dimensions
// before the axis and r over those after it. Negative indices count from the end and
// out-of-range indices are clamped into range.
// Defines: E_T/E_ALIGN (raw element bits), I_T/I_ALIGN (index type).
// Parameters: [0] input, [1] indices, [2] output slots, [3] count (= index count),
// [4] input axis size, [5] indices axis size, [6] inner size (product of dims after the axis).
#include "common.glsl"
#include "indices.glsl"

TENSOR(1, b1, E_T, E_ALIGN)
TENSOR(2, b2, I_T, I_ALIGN)
TENSOR(3, b3, E_T, E_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(3)) return;
  uint axis = P(4), indexAxis = P(5), inner = P(6);
  uint outer = i / (inner * indexAxis);
  uint index = normalizeIndex(b2.v[i], axis);
  uint source = (outer * axis + index) * inner + i % inner;
  b3.v[i] = b1.v[source];
}
