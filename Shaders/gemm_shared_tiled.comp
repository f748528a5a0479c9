#version 460
// The GPU variant of gemm_register_tiled.comp (same parameters, same result): 256 invocations
// stage a 64 x 16 tile of A and a 16 x 64 tile of B through shared memory per step of k, and
// each keeps a 4 x 4 block of the 64 x 64 output tile in registers. Loads are bounds-checked
// (zero outside), so any M, N, K and any strides work. Workgroup (16, 16); grid (N / 64, M / 64,
// batch). Defines: T/T_ALIGN, HAS_C.
#define WG_X 16
#define WG_Y 16
#include "common.glsl"
#include "epilogue.glsl"

TENSOR(1, a, T, T_ALIGN)
TENSOR(2, b, T, T_ALIGN)
TENSOR(3, c, T, T_ALIGN)
TENSOR(4, y, T, T_ALIGN)

#define BM 64
#define BN 64
#define BK 16

shared float tileA[BK][BM];
shared float tileB[BK][BN];

void main() {
  uint M = P(4), N = P(5), K = P(6);
  uint batch = gl_WorkGroupID.z, batchRank = P(7);
  int aBase = stridedOffset(batch, batchRank, 8, 16);
  int bBase = stridedOffset(batch, batchRank, 8, 24);
  int aRow = Pi(48), aCol = Pi(49), bRow = Pi(50), bCol = Pi(51);
  uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
  uint thread = ty * WG_X + tx;
  uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN;
  float acc[4][4];
  [[unroll]] for (uint i = 0u; i < 4u; ++i) {
    [[unroll]] for (uint j = 0u; j < 4u; ++j) acc[i][j] = 0.0;
  }
  for (uint k0 = 0u; k0 < K; k0 += BK) {
    // 1024 elements of each tile, 4 per invocation.
    [[unroll]] for (uint e = 0u; e < 4u; ++e) {
      uint index = thread + e * 256u;
      uint kk = index / BM, mm = index % BM;
      uint m = m0 + mm, k = k0 + kk;
      // Indices are clamped too: both sides of ?: may be evaluated.
      float av = float(a.v[aBase + int(min(m, M - 1u)) * aRow + int(min(k, K - 1u)) * aCol]);
      tileA[kk][mm] = m < M && k < K ? av : 0.0;
      uint kb = index / BN, nn = index % BN;
      uint n = n0 + nn, k2 = k0 + kb;
      float bv = float(b.v[bBase + int(min(k2, K - 1u)) * bRow + int(min(n, N - 1u)) * bCol]);
      tileB[kb][nn] = n < N && k2 < K ? bv : 0.0;
    }
    barrier();
    [[unroll]] for (uint kk = 0u; kk < BK; ++kk) {
      float av[4], bv[4];
      [[unroll]] for (uint i = 0u; i < 4u; ++i) av[i] = tileA[kk][ty + 16u * i];
      [[unroll]] for (uint j = 0u; j < 4u; ++j) bv[j] = tileB[kk][tx + 16u * j];
      [[unroll]] for (uint i = 0u; i < 4u; ++i) {
        [[unroll]] for (uint j = 0u; j < 4u; ++j) acc[i][j] += av[i] * bv[j];
      }
    }
    barrier();
  }
  float alpha = Pf(56), beta = Pf(57);
  int cBase = stridedOffset(batch, batchRank, 8, 32), oBase = stridedOffset(batch, batchRank, 8, 40);
  int cRow = Pi(52), cCol = Pi(53), oRow = Pi(54), oCol = Pi(55);
  [[unroll]] for (uint i = 0u; i < 4u; ++i) {
    uint m = m0 + ty + 16u * i;
    [[unroll]] for (uint j = 0u; j < 4u; ++j) {
      uint n = n0 + tx + 16u * j;
      if (m >= M || n >= N) continue;
      float value = alpha * acc[i][j];
#if HAS_C
      value += beta * float(c.v[cBase + int(m) * cRow + int(n) * cCol]);
#endif
      int offset = oBase + int(m) * oRow + int(n) * oCol;
      y.v[offset] = T(epilogue(value, offset));
    }
  }
}
