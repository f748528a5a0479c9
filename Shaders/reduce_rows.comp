#version 460
// The reduce* family over trailing, contiguous dimensions of a floating-point tensor: one
// workgroup per output, its lanes striding through the reduced row. Accumulates in float32.
// Same parameters as reduce.comp: [0] input, [1] output slots, [2] output count, ...,
// [37] reduced count. Defines: X_T/X_ALIGN, WG_X, REDUCE_KIND as in reduce.comp.
#include "common.glsl"
#include "rows.glsl"

TENSOR(1, x, X_T, X_ALIGN)
TENSOR(2, y, X_T, X_ALIGN)

void main() {
  uint row = rowIndex();
  if (row >= P(2)) return;
  uint count = P(37), lane = gl_LocalInvocationID.x;
  uint base = row * count;
#if REDUCE_KIND == 7
  float largest = uintBitsToFloat(0xff800000u);
  for (uint k = lane; k < count; k += WG_X) largest = max(largest, float(x.v[base + k]));
  largest = workgroupMax(largest);
  float sum = 0.0;
  for (uint k = lane; k < count; k += WG_X) sum += exp(float(x.v[base + k]) - largest);
  sum = workgroupSum(sum);
  float result = isinf(largest) ? largest : largest + log(sum);
#elif REDUCE_KIND == 8 || REDUCE_KIND == 9
  // Lanes past the row's end start from the row's first element, which leaves max/min unchanged.
  float result = float(x.v[base]);
  for (uint k = lane; k < count; k += WG_X) {
    float v = float(x.v[base + k]);
#if REDUCE_KIND == 8
    result = max(result, v);
#else
    result = min(result, v);
#endif
  }
#if REDUCE_KIND == 8
  result = workgroupMax(result);
#else
  result = workgroupMin(result);
#endif
#elif REDUCE_KIND == 3
  float result = 1.0;
  for (uint k = lane; k < count; k += WG_X) result *= float(x.v[base + k]);
  result = workgroupProduct(result);
#else
  float result = 0.0;
  for (uint k = lane; k < count; k += WG_X) {
    float v = float(x.v[base + k]);
#if REDUCE_KIND == 1
    result += abs(v);
#elif REDUCE_KIND == 2 || REDUCE_KIND == 5
    result += v * v;
#else
    result += v;
#endif
  }
  result = workgroupSum(result);
#if REDUCE_KIND == 4
  result = result / float(count);
#elif REDUCE_KIND == 5
  result = sqrt(result);
#elif REDUCE_KIND == 6
  result = log(result);
#endif
#endif
  if (lane == 0u) y.v[row] = X_T(result);
}
