#version 460
// The reduce* family over trailing, contiguous dimensions of a floating-point tensor: one
// workgroup per output, its lanes striding through the reduced row. Accumulates in float32.
// Same parameters as reduce.comp: [0] input, [1] output slots, [2] output count, ...,
// [37] reduced count. Defines: X_T/X_ALIGN, WG_X, REDUCE_KIND as in reduce.comp; VEC_ROWS
// (float32 rows of a multiple of 4 elements): each lane reads vec4s, as texels with TEXELS_1
// (a gather on CPU devices, where a storage-buffer load is a loop over the lanes).
#include "common.glsl"
#include "rows.glsl"

TENSOR(1, x, X_T, X_ALIGN)
TENSOR(2, y, X_T, X_ALIGN)
#if VEC_ROWS
#ifdef TEXELS_1
TEXELS(1, xTexels)
#define LOAD4(i) texelFetch(xTexels, int(i))
#else
TENSOR(1, x4, vec4, 16)
#define LOAD4(i) x4.v[i]
#endif
#endif

float plus(float a, float b) { return a + b; }
float times(float a, float b) { return a * b; }
float largerOf(float a, float b) { return max(a, b); }
float smallerOf(float a, float b) { return min(a, b); }
float itself(float v) { return v; }
float magnitude(float v) { return abs(v); }
float square(float v) { return v * v; }
// logSumExp's second pass subtracts the row's maximum first.
float shift = 0.0;
float shiftedExp(float v) { return exp(v - shift); }

// acc = COMBINE over the row of TERM(element).
#if VEC_ROWS
#define REDUCE_ROW(acc, TERM, COMBINE)                                                           \
  for (uint k = lane; k < count / 4u; k += WG_X) {                                               \
    vec4 v4 = LOAD4(row * (count / 4u) + k);                                                     \
    acc = COMBINE(acc, COMBINE(COMBINE(TERM(v4.x), TERM(v4.y)), COMBINE(TERM(v4.z), TERM(v4.w)))); \
  }
#else
#define REDUCE_ROW(acc, TERM, COMBINE) \
  for (uint k = lane; k < count; k += WG_X) acc = COMBINE(acc, TERM(float(x.v[base + k])));
#endif

void main() {
  uint row = rowIndex();
  if (row >= P(2)) return;
  uint count = P(37), lane = gl_LocalInvocationID.x;
  uint base = row * count;
#if REDUCE_KIND == 7
  float largest = uintBitsToFloat(0xff800000u);
  REDUCE_ROW(largest, itself, largerOf)
  largest = workgroupMax(largest);
  shift = largest;
  float sum = 0.0;
  REDUCE_ROW(sum, shiftedExp, plus)
  sum = workgroupSum(sum);
  float result = isinf(largest) ? largest : largest + log(sum);
#elif REDUCE_KIND == 8 || REDUCE_KIND == 9
  // Lanes past the row's end start from the row's first element, which leaves max/min unchanged.
#if VEC_ROWS
  // With TEXELS_1 the storage view of the input is not bound.
  float result = LOAD4(row * (count / 4u)).x;
#else
  float result = float(x.v[base]);
#endif
#if REDUCE_KIND == 8
  REDUCE_ROW(result, itself, largerOf)
  result = workgroupMax(result);
#else
  REDUCE_ROW(result, itself, smallerOf)
  result = workgroupMin(result);
#endif
#elif REDUCE_KIND == 3
  float result = 1.0;
  REDUCE_ROW(result, itself, times)
  result = workgroupProduct(result);
#else
  float result = 0.0;
#if REDUCE_KIND == 1
  REDUCE_ROW(result, magnitude, plus)
#elif REDUCE_KIND == 2 || REDUCE_KIND == 5
  REDUCE_ROW(result, square, plus)
#else
  REDUCE_ROW(result, itself, plus)
#endif
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
