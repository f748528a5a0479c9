#version 460
// Softmax over the last axis: one workgroup per row, its lanes striding through the row.
// Defines: T/T_ALIGN, WG_X; ROW_VECTORS (float32 rows whose length ROW, a compile-time constant,
// is a multiple of 4): each lane keeps its PER_LANE vec4s of the row in registers, so the row is
// read once instead of three times and exp runs once per element; TEXELS_1 then reads it as
// vec4 texels (a gather on CPU devices, where a storage-buffer load is a loop over the lanes).
// Parameters: [0] input, [1] output slots, [2] rows, [3] row length.
#include "common.glsl"
#include "rows.glsl"

#if ROW_VECTORS
#ifdef TEXELS_1
TEXELS(1, xTexels)
#define LOAD_X4(i) texelFetch(xTexels, int(i))
#else
TENSOR(1, x4, vec4, 16)
#define LOAD_X4(i) x4.v[i]
#endif
TENSOR(2, y4, vec4, 16)
#else
TENSOR(1, x, T, T_ALIGN)
TENSOR(2, y, T, T_ALIGN)
#endif

void main() {
  uint row = rowIndex();
  if (row >= P(2)) return;
  uint lane = gl_LocalInvocationID.x;
  float largest = uintBitsToFloat(0xff800000u);
#if ROW_VECTORS
  const uint vectors = ROW / 4;
  uint base = row * vectors;
  vec4 v[PER_LANE];
  [[unroll]] for (uint j = 0u; j < PER_LANE; ++j) {
    uint k = lane + j * WG_X;
    v[j] = k < vectors ? LOAD_X4(base + (k < vectors ? k : 0u)) : vec4(largest);
    largest = max(largest, max(max(v[j].x, v[j].y), max(v[j].z, v[j].w)));
  }
  largest = workgroupMax(largest);
  float sum = 0.0;
  [[unroll]] for (uint j = 0u; j < PER_LANE; ++j) {
    v[j] = exp(v[j] - largest);
    if (lane + j * WG_X < vectors) sum += (v[j].x + v[j].y) + (v[j].z + v[j].w);
  }
  sum = workgroupSum(sum);
  [[unroll]] for (uint j = 0u; j < PER_LANE; ++j) {
    uint k = lane + j * WG_X;
    if (k < vectors) y4.v[base + k] = v[j] / sum;
  }
#else
  uint size = P(3);
  uint base = row * size;
  for (uint k = lane; k < size; k += WG_X) largest = max(largest, float(x.v[base + k]));
  largest = workgroupMax(largest);
  float sum = 0.0;
  for (uint k = lane; k < size; k += WG_X) sum += exp(float(x.v[base + k]) - largest);
  sum = workgroupSum(sum);
  for (uint k = lane; k < size; k += WG_X) y.v[base + k] = T(exp(float(x.v[base + k]) - largest) / sum);
#endif
}
