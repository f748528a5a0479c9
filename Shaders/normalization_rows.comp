#version 460
// Mean-variance normalization (layerNormalization, instanceNormalization) over trailing, contiguous
// dimensions: one workgroup per normalized group, whose elements are one row. Same parameters as
// mean_variance_normalization.comp: [0] input, [1] scale, [2] bias, [3] output slots; [4] groups,
// [5] kept rank, [6..13] kept shape, [14..21] kept strides, [22] reduced rank, [23..30] reduced
// shape, [31..38] reduced strides, [39] reduced count, [40] has scale, [41] has bias,
// [42] epsilon, [43..50] scale strides of kept axes, [51..58] of reduced axes.
// Defines: T/T_ALIGN, WG_X, SCALE_REDUCED (the scale and bias vary along the reduced axes).
#include "common.glsl"
#include "rows.glsl"

TENSOR(1, x, T, T_ALIGN)
TENSOR(2, scale, T, T_ALIGN)
TENSOR(3, bias, T, T_ALIGN)
TENSOR(4, y, T, T_ALIGN)

void main() {
  uint group = rowIndex();
  if (group >= P(4)) return;
  uint count = P(39), lane = gl_LocalInvocationID.x;
  uint base = group * count;
  float sum = 0.0;
  for (uint k = lane; k < count; k += WG_X) sum += float(x.v[base + k]);
  float mean = workgroupSum(sum) / float(count);
  float squares = 0.0;
  for (uint k = lane; k < count; k += WG_X) {
    float d = float(x.v[base + k]) - mean;
    squares += d * d;
  }
  float inverse = 1.0 / sqrt(workgroupSum(squares) / float(count) + Pf(42));
  int scaleBase = stridedOffset(group, P(5), 6, 43);
  bool hasScale = P(40) != 0u, hasBias = P(41) != 0u;
  uint reducedRank = P(22);
  for (uint k = lane; k < count; k += WG_X) {
#if SCALE_REDUCED
    int s = scaleBase + stridedOffset(k, reducedRank, 23, 51);
#else
    int s = scaleBase;
#endif
    float value = (float(x.v[base + k]) - mean) * inverse;
    if (hasScale) value *= float(scale.v[s]);
    if (hasBias) value += float(bias.v[s]);
    y.v[base + k] = T(value);
  }
}
