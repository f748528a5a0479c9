#version 460
// gather along an axis; indices below zero count from the end, and out-of-range indices are
// clamped into range. Defines: E_T/E_ALIGN (raw element bits), I_T/I_ALIGN (index type).
// Parameters: [0] input, [1] indices, [2] output slots, [3] count, [4] axis size,
// [5] inner size, [6] index count.
#include "common.glsl"
#include "indices.glsl"

TENSOR(1, b1, E_T, E_ALIGN)
TENSOR(2, b2, I_T, I_ALIGN)
TENSOR(3, b3, E_T, E_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(3)) return;
  uint axis = P(4), inner = P(5), indexCount = P(6);
  uint j = (i / inner) % indexCount, outer = i / (inner * indexCount);
  uint index = normalizeIndex(b2.v[j], axis);
  uint source = (outer * axis + index) * inner + i % inner;
  b3.v[i] = b1.v[source];
}
