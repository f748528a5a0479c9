#version 460
// gatherND: each row of k coordinates in the indices (their last dimension) picks one slice of
// the input, input[c0, ..., ck-1, ...]; the output is those slices in index order. Negative
// coordinates count from the end and out-of-range ones are clamped into range.
// Defines: E_T/E_ALIGN (raw element bits), I_T/I_ALIGN (index type).
// Parameters: [0] input, [1] indices, [2] output slots, [3] count, [4] k (<= 8),
// [5] slice size (elements per picked slice), [6..13] input shape (first k dims),
// [14..21] element strides of the first k input dims.
#include "common.glsl"
#include "indices.glsl"

TENSOR(1, b1, E_T, E_ALIGN)
TENSOR(2, indices, I_T, I_ALIGN)
TENSOR(3, b3, E_T, E_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(3)) return;
  uint k = P(4), sliceSize = P(5);
  uint row = i / sliceSize;
  uint source = i % sliceSize;
  for (uint d = 0u; d < k; ++d) {
    source += normalizeIndex(indices.v[row * k + d], P(6 + d)) * P(14 + d);
  }
  b3.v[i] = b1.v[source];
}
