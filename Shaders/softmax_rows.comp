#version 460
// Softmax over the last axis: one workgroup per row, its lanes striding through the row.
// Defines: T/T_ALIGN, WG_X. Parameters: [0] input, [1] output slots, [2] rows, [3] row length.
#include "common.glsl"
#include "rows.glsl"

TENSOR(1, x, T, T_ALIGN)
TENSOR(2, y, T, T_ALIGN)

void main() {
  uint row = rowIndex();
  if (row >= P(2)) return;
  uint size = P(3), lane = gl_LocalInvocationID.x;
  uint base = row * size;
  float largest = uintBitsToFloat(0xff800000u);
  for (uint k = lane; k < size; k += WG_X) largest = max(largest, float(x.v[base + k]));
  largest = workgroupMax(largest);
  float sum = 0.0;
  for (uint k = lane; k < size; k += WG_X) sum += exp(float(x.v[base + k]) - largest);
  sum = workgroupSum(sum);
  for (uint k = lane; k < size; k += WG_X) y.v[base + k] = T(exp(float(x.v[base + k]) - largest) / sum);
}
