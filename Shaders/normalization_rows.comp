#version 460
// Mean-variance normalization (layerNormalization, instanceNormalization) over trailing, contiguous
// dimensions: one workgroup per normalized group, whose elements are one row. Same parameters as
// mean_variance_normalization.comp: [0] input, [1] scale, [2] bias, [3] output slots; [4] groups,
// [5] kept rank, [6..13] kept shape, [14..21] kept strides, [22] reduced rank, [23..30] reduced
// shape, [31..38] reduced strides, [39] reduced count, [40] has scale, [41] has bias,
// [42] epsilon, [43..50] scale strides of kept axes, [51..58] of reduced axes.
// Defines: T/T_ALIGN, WG_X, SCALE_REDUCED (the scale and bias vary along the reduced axes);
// ROW_VECTORS (float32 rows whose length ROW, a compile-time constant, is a multiple of 4): each
// lane keeps its PER_LANE vec4s of the row in registers, so the row is read once instead of three
// times, and a scale and bias varying along it are read as vec4s; TEXELS_1/2/3 read the input,
// scale and bias as vec4 texels (gathers on CPU devices).
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
#ifdef TEXELS_2
TEXELS(2, scaleTexels)
#define LOAD_SCALE4(i) texelFetch(scaleTexels, int(i))
#else
TENSOR(2, scale4, vec4, 16)
#define LOAD_SCALE4(i) scale4.v[i]
#endif
#ifdef TEXELS_3
TEXELS(3, biasTexels)
#define LOAD_BIAS4(i) texelFetch(biasTexels, int(i))
#else
TENSOR(3, bias4, vec4, 16)
#define LOAD_BIAS4(i) bias4.v[i]
#endif
TENSOR(4, y4, vec4, 16)
#endif
TENSOR(1, x, T, T_ALIGN)
TENSOR(2, scale, T, T_ALIGN)
TENSOR(3, bias, T, T_ALIGN)
TENSOR(4, y, T, T_ALIGN)

void main() {
  uint group = rowIndex();
  if (group >= P(4)) return;
  uint lane = gl_LocalInvocationID.x;
#if ROW_VECTORS
  const uint vectors = ROW / 4;
  uint base = group * vectors;
  vec4 v[PER_LANE];
  float sum = 0.0;
  [[unroll]] for (uint j = 0u; j < PER_LANE; ++j) {
    uint k = lane + j * WG_X;
    v[j] = k < vectors ? LOAD_X4(base + (k < vectors ? k : 0u)) : vec4(0.0);
    sum += (v[j].x + v[j].y) + (v[j].z + v[j].w);
  }
  float mean = workgroupSum(sum) / float(ROW);
  float squares = 0.0;
  [[unroll]] for (uint j = 0u; j < PER_LANE; ++j) {
    v[j] -= mean;
    if (lane + j * WG_X < vectors) squares += dot(v[j], v[j]);
  }
  float inverse = 1.0 / sqrt(workgroupSum(squares) / float(ROW) + Pf(42));
  // A scale varying along the row has kept strides that are multiples of ROW, so its row
  // starts on a vec4.
  int scaleBase = stridedOffset(group, P(5), 6, 43);
  bool hasScale = P(40) != 0u, hasBias = P(41) != 0u;
#if !SCALE_REDUCED
  float s = hasScale ? float(scale.v[scaleBase]) : 1.0, b = hasBias ? float(bias.v[scaleBase]) : 0.0;
#endif
  [[unroll]] for (uint j = 0u; j < PER_LANE; ++j) {
    uint k = lane + j * WG_X;
    if (k >= vectors) break;
    vec4 value = v[j] * inverse;
#if SCALE_REDUCED
    uint at = uint(scaleBase) / 4u + k;
    if (hasScale) value *= LOAD_SCALE4(at);
    if (hasBias) value += LOAD_BIAS4(at);
#else
    value = value * s + b;
#endif
    y4.v[base + k] = value;
  }
#else
  uint count = P(39);
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
#endif
}
