#version 460
// out[b, m, n] = alpha * sum_k A[b, m, k] * B[b, k, n] + beta * C[m, n], one output per
// invocation, accumulating in float. Transposes and broadcasting are strides.
// Defines: T/T_ALIGN (storage type of every operand).
// Parameters: [0] a slot, [1] b slot, [2] c slot, [3] out slot, [4] M, [5] N, [6] K,
// [7] batch count, [8] batch rank, [9..16] batch shape, [17..24] a batch strides,
// [25..32] b batch strides, [33] a row stride, [34] a column stride, [35] b row stride,
// [36] b column stride, [37] has c, [38] c row stride, [39] c column stride, [40] alpha, [41] beta.
#include "common.glsl"

TENSOR(1, a, T, T_ALIGN)
TENSOR(2, b, T, T_ALIGN)
TENSOR(3, b3, T, T_ALIGN)
TENSOR(4, b4, T, T_ALIGN)

void main() {
  uint i = globalIndex();
  uint M = P(4), N = P(5), K = P(6);
  if (i >= P(7) * M * N) return;
  uint n = i % N, m = (i / N) % M, batch = i / (M * N);
  uint batchRank = P(8);
  int aBase = stridedOffset(batch, batchRank, 9, 17) + int(m) * Pi(33);
  int bBase = stridedOffset(batch, batchRank, 9, 25) + int(n) * Pi(36);
  int aStep = Pi(34), bStep = Pi(35);
  float sum = 0.0;
  for (uint k = 0u; k < K; ++k) {
    sum += float(a.v[aBase + int(k) * aStep]) * float(b.v[bBase + int(k) * bStep]);
  }
  float result = Pf(40) * sum;
  if (P(37) != 0u) {
    result += Pf(41) * float(b3.v[int(m) * Pi(38) + int(n) * Pi(39)]);
  }
  b4.v[i] = T(result);
}
