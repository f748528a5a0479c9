#version 460
// scatterElements, after the input was copied to the output: update u at [o, j, r] goes to
// output[o, indices[o, j, r], r] (o: dims before the axis, r: dims after). Negative indices count
// from the end and out-of-range ones are clamped into range. Where several updates hit one
// element the last in row-major order wins: pass 0 records the highest update number per output
// element in a zeroed winners buffer (atomicMax), pass 1 writes only the winners.
// Defines: E_T/E_ALIGN (raw element bits), I_T/I_ALIGN (index type).
// Parameters: [0] indices, [1] updates, [2] output, [3] winners slots, [4] count (= update
// count), [5] output axis size, [6] indices axis size, [7] inner size, [8] pass (0 claim, 1 write).
#include "common.glsl"
#include "indices.glsl"

TENSOR(1, b1, I_T, I_ALIGN)
TENSOR(2, b2, E_T, E_ALIGN)
TENSOR(3, b3, E_T, E_ALIGN)
TENSOR(4, winners, uint, 4)

void main() {
  uint i = globalIndex();
  if (i >= P(4)) return;
  uint axis = P(5), indexAxis = P(6), inner = P(7);
  uint outer = i / (inner * indexAxis);
  uint index = normalizeIndex(b1.v[i], axis);
  uint destination = (outer * axis + index) * inner + i % inner;
  if (P(8) == 0u) {
    atomicMax(winners.v[destination], i + 1u);
  } else if (winners.v[destination] == i + 1u) {
    b3.v[destination] = b2.v[i];
  }
}
