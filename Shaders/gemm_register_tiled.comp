#version 460
// out[b, m, n] = alpha * sum_k A[b, m, k] * B[b, k, n] + beta * C[b, m, n]: matmul, gemm, and
// convolutions lowered to a matrix product. The CPU-device variant: no shared memory (barriers
// are coroutine switches on lavapipe); each invocation keeps a TM x (4 * TNV) tile of the result in
// registers, and all lanes of a workgroup share the same TM rows, so every load of A has a
// workgroup-uniform address (one scalar load, not one per lane) while B is read as vec4 rows.
// Workgroup: WG_X lanes along n, covering 4 * TNV * WG_X columns and TM rows; grid z is the batch.
// Defines: T/T_ALIGN (element type), TM (rows per workgroup), TNV (vec4s of columns per lane),
// VEC_A (A rows read as vec4 along k: same conditions as VEC_B), B_PADDED (B's rows may be read
// up to a multiple of 4 columns), VEC_B (B rows are read as
// vec4: column stride 1, row stride, batch strides and N multiples of 4), VEC_OUT (likewise
// for the output), HAS_C; T4/T4_ALIGN, the 4-vector of T (vec4 or f16vec4); TEXELS_2 (with
// VEC_B): B read as texels, a gather without the per-lane loop of a storage-buffer load.
// VEC_BT (with VEC_A, without VEC_B): B is stored transposed (row stride 1; column, batch
// strides and K multiples of 4), so each of a lane's columns is read as vec4 along k, one load
// per column for 4 steps of k instead of 4; with TEXELS_2 those are texel fetches too. Without
// VEC_B or VEC_BT, TEXELS_2 reads B as one-element texels. TEXELS_1: A likewise (below);
// TEXELS_3: C as one-element texels.
// Parameters: [0] a, [1] b, [2] c, [3] out slots; [4] M, [5] N, [6] K, [7] batch rank,
// [8..15] batch shape, [16..23] a batch strides, [24..31] b batch strides,
// [32..39] c batch strides, [40..47] out batch strides, [48] a row stride, [49] a column
// stride, [50] b row stride, [51] b column stride, [52] c row stride, [53] c column stride,
// [54] out row stride, [55] out column stride, [56] alpha, [57] beta.
#include "common.glsl"
#include "epilogue.glsl"

#ifndef VEC_BT
#define VEC_BT 0
#endif

// TEXELS_1: A read as texels too (vec4 texels with VEC_A, else one-element ones). On lavapipe
// a storage-buffer load is a loop over the lanes even where every lane reads the same address,
// so the uniform loads of A cost more than texel fetches (matmul 1024^3 about 20% faster).
#if defined(TEXELS_1) && VEC_A
TEXELS(1, aTexels)
#define A_AT(i) texelFetch(aTexels, (i) / 4)[(i) % 4]
#define A_QUAD(q) texelFetch(aTexels, q)
#elif defined(TEXELS_1)
TEXELS(1, aTexels)
#define A_AT(i) texelFetch(aTexels, i).x
#else
TENSOR(1, a, T, T_ALIGN)
#define A_AT(i) float(a.v[i])
#if VEC_A
TENSOR(1, a4, T4, T4_ALIGN)
#define A_QUAD(q) vec4(a4.v[q])
#endif
#endif
#if VEC_B && defined(TEXELS_2)
TEXELS(2, bTexels)
#elif VEC_B
TENSOR(2, b4, T4, T4_ALIGN)
#elif defined(TEXELS_2)
TEXELS(2, bTexels)
#else
TENSOR(2, b, T, T_ALIGN)
#if VEC_BT
TENSOR(2, b4, T4, T4_ALIGN)
#endif
#endif
#ifdef TEXELS_3
TEXELS(3, cTexels)
#define C_AT(i) texelFetch(cTexels, i).x
#else
TENSOR(3, c, T, T_ALIGN)
#define C_AT(i) float(c.v[i])
#endif
#if VEC_OUT
TENSOR(4, y4, T4, T4_ALIGN)
#else
TENSOR(4, y, T, T_ALIGN)
#endif

#ifndef TNV
#define TNV 2
#endif
#define TN (4 * TNV)

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
  vec4 acc[TM][TNV];
  [[unroll]] for (uint r = 0u; r < TM; ++r) {
    [[unroll]] for (uint q = 0u; q < TNV; ++q) acc[r][q] = vec4(0.0);
  }
#if VEC_B
  // The vec4s of this lane's columns, clamped to the last vec4 of the row.
#if B_PADDED
  uint lastQuad = (N + 3u) / 4u - 1u;
#else
  uint lastQuad = N / 4u - 1u;
#endif
  int quads[TNV];
  [[unroll]] for (uint q = 0u; q < TNV; ++q) quads[q] = int(min(n0 / 4u + q, lastQuad));
  int bQuadBase = bBase / 4, bQuadRow = bRow / 4;
#else
  int column[TN];
  [[unroll]] for (uint j = 0u; j < TN; ++j) column[j] = bBase + int(min(n0 + j, N - 1u)) * bCol;
#endif
#if VEC_B && defined(TEXELS_2)
#define LOAD_B(k)                                                                   \
  int rowStart = bQuadBase + int(k) * bQuadRow;                                     \
  vec4 bv[TNV];                                                                     \
  [[unroll]] for (uint q = 0u; q < TNV; ++q) bv[q] = texelFetch(bTexels, rowStart + quads[q]);
#elif VEC_B
#define LOAD_B(k)                                                                   \
  int rowStart = bQuadBase + int(k) * bQuadRow;                                     \
  vec4 bv[TNV];                                                                     \
  [[unroll]] for (uint q = 0u; q < TNV; ++q) bv[q] = vec4(b4.v[rowStart + quads[q]]);
#else
#if defined(TEXELS_2) && VEC_BT
// Element i of B from its vec4 texels (only a binding's texel twin is bound when it is read
// as texels; the host only picks VEC_BT where K is a multiple of 4, so this is never reached).
#define B_AT(i) texelFetch(bTexels, (i) / 4)[(i) % 4]
#elif defined(TEXELS_2)
#define B_AT(i) texelFetch(bTexels, i).x
#else
#define B_AT(i) float(b.v[i])
#endif
#define LOAD_B(k)                                                                             \
  int kOffset = int(k) * bRow;                                                                \
  vec4 bv[TNV];                                                                               \
  [[unroll]] for (uint q = 0u; q < TNV; ++q) {                                                \
    bv[q] = vec4(B_AT(kOffset + column[4u * q]), B_AT(kOffset + column[4u * q + 1u]),          \
                 B_AT(kOffset + column[4u * q + 2u]), B_AT(kOffset + column[4u * q + 3u]));    \
  }
#endif
#if VEC_BT && defined(TEXELS_2)
#define B_COLUMN(i) texelFetch(bTexels, i)
#elif VEC_BT
#define B_COLUMN(i) vec4(b4.v[i])
#endif
  uint k = 0u;
#if VEC_A
  // A rows read as vec4 along k (one uniform load per row for 4 steps of k).
  int rowQuad[TM];
  [[unroll]] for (uint r = 0u; r < TM; ++r) rowQuad[r] = rowOffset[r] / 4;
#if VEC_BT
  int columnQuad[TN];
  [[unroll]] for (uint j = 0u; j < TN; ++j) columnQuad[j] = column[j] / 4;
#endif
  for (; k + 4u <= K; k += 4u) {
    vec4 av[TM];
    [[unroll]] for (uint r = 0u; r < TM; ++r) av[r] = A_QUAD(rowQuad[r] + int(k / 4u));
#if VEC_BT
    vec4 bk[TN];
    [[unroll]] for (uint j = 0u; j < TN; ++j) bk[j] = B_COLUMN(columnQuad[j] + int(k / 4u));
#endif
    [[unroll]] for (uint kk = 0u; kk < 4u; ++kk) {
#if VEC_BT
      vec4 bv[TNV];
      [[unroll]] for (uint q = 0u; q < TNV; ++q) {
        bv[q] = vec4(bk[4u * q][kk], bk[4u * q + 1u][kk], bk[4u * q + 2u][kk], bk[4u * q + 3u][kk]);
      }
#else
      LOAD_B(k + kk)
#endif
      [[unroll]] for (uint r = 0u; r < TM; ++r) {
        [[unroll]] for (uint q = 0u; q < TNV; ++q) acc[r][q] += av[r][kk] * bv[q];
      }
    }
  }
#endif
  for (; k < K; ++k) {
    LOAD_B(k)
    int aOffset = int(k) * aCol;
    [[unroll]] for (uint r = 0u; r < TM; ++r) {
      float av = A_AT(rowOffset[r] + aOffset);
      [[unroll]] for (uint q = 0u; q < TNV; ++q) acc[r][q] += av * bv[q];
    }
  }

  float alpha = Pf(56), beta = Pf(57);
  int cBase = stridedOffset(batch, batchRank, 8, 32), oBase = stridedOffset(batch, batchRank, 8, 40);
  int cRow = Pi(52), cCol = Pi(53), oRow = Pi(54), oCol = Pi(55);
  [[unroll]] for (uint r = 0u; r < TM; ++r) {
    uint m = m0 + r;
    if (m >= M) break;
    float values[TN];
    [[unroll]] for (uint j = 0u; j < TN; ++j) {
      values[j] = alpha * acc[r][j / 4u][j % 4u];
#if HAS_C
      values[j] += beta * C_AT(cBase + int(m) * cRow + int(min(n0 + j, N - 1u)) * cCol);
#endif
      // Columns past N are not stored; their epilogue reads the last column's operands.
      values[j] = epilogue(values[j], oBase + int(m) * oRow + int(min(n0 + j, N - 1u)) * oCol);
    }
#if VEC_OUT
    int quad = (oBase + int(m) * oRow + int(n0)) / 4;
    [[unroll]] for (uint q = 0u; q < TNV; ++q) {
      if (n0 + 4u * q < N) y4.v[quad + int(q)] = T4(vec4(values[4u * q], values[4u * q + 1u], values[4u * q + 2u], values[4u * q + 3u]));
    }
#else
    [[unroll]] for (uint j = 0u; j < TN; ++j) {
      if (n0 + j < N) y.v[oBase + int(m) * oRow + int(n0 + j) * oCol] = T(values[j]);
    }
#endif
  }
}
