#version 460
// out[b, m, n] = alpha * sum_k A[b, m, k] * B[b, k, n] + beta * C[b, m, n]: matmul, gemm, and
// convolutions lowered to a matrix product. The CPU-device variant: no shared memory (barriers
// are coroutine switches on lavapipe); each invocation keeps a TM x 8 tile of the result in
// registers, and all lanes of a workgroup share the same TM rows, so every load of A has a
// workgroup-uniform address (one scalar load, not one per lane) while B is read as vec4 rows.
// Workgroup: WG_X lanes along n, covering 8 * WG_X columns and TM rows; grid z is the batch.
// Defines: T/T_ALIGN (element type), TM (rows per workgroup, <= 8), VEC_B (B rows are read as
// vec4: column stride 1, row stride, batch strides and N multiples of 4), VEC_OUT (likewise
// for the output; float32 only), HAS_C.
// Parameters: [0] a, [1] b, [2] c, [3] out slots; [4] M, [5] N, [6] K, [7] batch rank,
// [8..15] batch shape, [16..23] a batch strides, [24..31] b batch strides,
// [32..39] c batch strides, [40..47] out batch strides, [48] a row stride, [49] a column
// stride, [50] b row stride, [51] b column stride, [52] c row stride, [53] c column stride,
// [54] out row stride, [55] out column stride, [56] alpha, [57] beta.
#include "common.glsl"

TENSOR(1, a, T, T_ALIGN)
#if VEC_B
TENSOR(2, b4, vec4, 16)
#else
TENSOR(2, b, T, T_ALIGN)
#endif
TENSOR(3, c, T, T_ALIGN)
#if VEC_OUT
TENSOR(4, y4, vec4, 16)
#else
TENSOR(4, y, T, T_ALIGN)
#endif

#define TN 8

void main() {
  uint M = P(4), N = P(5), K = P(6);
  uint batch = gl_WorkGroupID.z, batchRank = P(7);
  int aBase = stridedOffset(batch, batchRank, 8, 16);
  int bBase = stridedOffset(batch, batchRank, 8, 24);
  int aRow = Pi(48), aCol = Pi(49), bRow = Pi(50), bCol = Pi(51);
  uint m0 = gl_WorkGroupID.y * TM;
  uint n0 = (gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x) * TN;
  // Rows and columns past the edge are clamped for loading and skipped when storing, so the
  // inner loop has no branches.
  int rowOffset[TM];
  [[unroll]] for (uint r = 0u; r < TM; ++r) rowOffset[r] = aBase + int(min(m0 + r, M - 1u)) * aRow;
  vec4 acc[TM][2];
  [[unroll]] for (uint r = 0u; r < TM; ++r) {
    acc[r][0] = vec4(0.0);
    acc[r][1] = vec4(0.0);
  }
#if VEC_B
  // Both vec4 of this lane's columns, clamped to the last vec4 of the row.
  uint lastQuad = N / 4u - 1u;
  int q0 = int(min(n0 / 4u, lastQuad)), q1 = int(min(n0 / 4u + 1u, lastQuad));
  int bQuadBase = bBase / 4, bQuadRow = bRow / 4;
#else
  int column[TN];
  [[unroll]] for (uint j = 0u; j < TN; ++j) column[j] = bBase + int(min(n0 + j, N - 1u)) * bCol;
#endif
  for (uint k = 0u; k < K; ++k) {
#if VEC_B
    int rowStart = bQuadBase + int(k) * bQuadRow;
    vec4 b0 = b4.v[rowStart + q0], b1 = b4.v[rowStart + q1];
#else
    int kOffset = int(k) * bRow;
    vec4 b0 = vec4(float(b.v[kOffset + column[0]]), float(b.v[kOffset + column[1]]), float(b.v[kOffset + column[2]]),
                   float(b.v[kOffset + column[3]]));
    vec4 b1 = vec4(float(b.v[kOffset + column[4]]), float(b.v[kOffset + column[5]]), float(b.v[kOffset + column[6]]),
                   float(b.v[kOffset + column[7]]));
#endif
    int aOffset = int(k) * aCol;
    [[unroll]] for (uint r = 0u; r < TM; ++r) {
      float av = float(a.v[rowOffset[r] + aOffset]);
      acc[r][0] += av * b0;
      acc[r][1] += av * b1;
    }
  }

  float alpha = Pf(56), beta = Pf(57);
  int cBase = stridedOffset(batch, batchRank, 8, 32), oBase = stridedOffset(batch, batchRank, 8, 40);
  int cRow = Pi(52), cCol = Pi(53), oRow = Pi(54), oCol = Pi(55);
  [[unroll]] for (uint r = 0u; r < TM; ++r) {
    uint m = m0 + r;
    if (m >= M) break;
    float values[TN] = float[TN](acc[r][0].x, acc[r][0].y, acc[r][0].z, acc[r][0].w, acc[r][1].x, acc[r][1].y,
                                 acc[r][1].z, acc[r][1].w);
    [[unroll]] for (uint j = 0u; j < TN; ++j) {
      values[j] *= alpha;
#if HAS_C
      values[j] += beta * float(c.v[cBase + int(m) * cRow + int(min(n0 + j, N - 1u)) * cCol]);
#endif
    }
#if VEC_OUT
    int quad = (oBase + int(m) * oRow + int(n0)) / 4;
    if (n0 < N) y4.v[quad] = vec4(values[0], values[1], values[2], values[3]);
    if (n0 + 4u < N) y4.v[quad + 1] = vec4(values[4], values[5], values[6], values[7]);
#else
    [[unroll]] for (uint j = 0u; j < TN; ++j) {
      if (n0 + j < N) y.v[oBase + int(m) * oRow + int(n0 + j) * oCol] = T(values[j]);
    }
#endif
  }
}
