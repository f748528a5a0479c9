#version 460
// scatterND, after the input was copied to the output: each row of k coordinates in the indices
// (their last dimension) names one slice of the output, output[c0, ..., ck-1, ...], which takes
// the matching slice of the updates. Negative coordinates count from the end and out-of-range
// ones are clamped into range. Where rows name one slice the last row wins: pass 0 (one
// invocation per row) records the highest row number per slice in a zeroed winners buffer
// (atomicMax), pass 1 (one invocation per update element) writes only the winners' elements.
// Defines: E_T/E_ALIGN (raw element bits), I_T/I_ALIGN (index type).
// Parameters: [0] indices, [1] updates, [2] output, [3] winners slots, [4] count (pass 0: rows,
// pass 1: update elements), [5] k (<= 8), [6] slice size, [7] pass (0 claim, 1 write),
// [8..15] output shape (first k dims), [16..23] row-major strides of those k dims (in slices).
#include "common.glsl"
#include "indices.glsl"

TENSOR(1, indices, I_T, I_ALIGN)
TENSOR(2, b2, E_T, E_ALIGN)
TENSOR(3, b3, E_T, E_ALIGN)
TENSOR(4, winners, uint, 4)

// The slice that row `row` of the indices names.
uint sliceOf(uint row, uint k) {
  uint slice = 0u;
  for (uint d = 0u; d < k; ++d) {
    slice += normalizeIndex(indices.v[row * k + d], P(8 + d)) * P(16 + d);
  }
  return slice;
}

void main() {
  uint i = globalIndex();
  if (i >= P(4)) return;
  uint k = P(5), sliceSize = P(6);
  if (P(7) == 0u) {
    atomicMax(winners.v[sliceOf(i, k)], i + 1u);
    return;
  }
  uint row = i / sliceSize;
  uint slice = sliceOf(row, k);
  if (winners.v[slice] == row + 1u) {
    b3.v[slice * sliceSize + i % sliceSize] = b2.v[i];
  }
}
