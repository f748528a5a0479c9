#version 460
// The reduce* family, one output per invocation. Floats (float16 included) accumulate in
// float32; integers in their own 32- or 64-bit type. Defines: X_T/X_C/X_ALIGN, ACC (the
// accumulator type), X_UNSIGNED (1 for unsigned integers, whose L1 is the plain sum),
// REDUCE_KIND: 0 sum, 1 L1, 2 sum of squares, 3 product, 4 mean, 5 L2, 6 log sum,
// 7 log-sum-exp, 8 max, 9 min.
// Parameters: [0] input, [1] output slots, [2] output count, [3] kept rank, [4..11] kept
// shape, [12..19] kept input strides, [20] reduced rank, [21..28] reduced shape,
// [29..36] reduced input strides, [37] reduced count.
#include "common.glsl"

TENSOR(1, x, X_T, X_ALIGN)
TENSOR(2, b2, X_T, X_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
  int base = stridedOffset(i, P(3), 4, 12);
  uint count = P(37), rank = P(20);
#if REDUCE_KIND == 7
  float largest = uintBitsToFloat(0xff800000u);
  for (uint k = 0u; k < count; ++k) largest = max(largest, float(x.v[base + stridedOffset(k, rank, 21, 29)]));
  float sum = 0.0;
  for (uint k = 0u; k < count; ++k) sum += exp(float(x.v[base + stridedOffset(k, rank, 21, 29)]) - largest);
  ACC result = ACC(isinf(largest) ? largest : largest + log(sum));
#else
#if REDUCE_KIND == 3
  ACC result = ACC(1);
#else
  ACC result = ACC(0);
#endif
  for (uint k = 0u; k < count; ++k) {
    ACC v = ACC(X_C(x.v[base + stridedOffset(k, rank, 21, 29)]));
#if REDUCE_KIND == 1 && X_UNSIGNED
    result += v;
#elif REDUCE_KIND == 1
    result += abs(v);
#elif REDUCE_KIND == 2 || REDUCE_KIND == 5
    result += v * v;
#elif REDUCE_KIND == 3
    result *= v;
#elif REDUCE_KIND == 8
    result = k == 0u ? v : max(result, v);
#elif REDUCE_KIND == 9
    result = k == 0u ? v : min(result, v);
#else
    result += v;
#endif
  }
#if REDUCE_KIND == 4
  result = result / ACC(count);
#elif REDUCE_KIND == 5
  result = ACC(sqrt(float(result)));
#elif REDUCE_KIND == 6
  result = ACC(log(float(result)));
#endif
#endif
  b2.v[i] = X_T(result);
}
