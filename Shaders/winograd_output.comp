#version 460
// Winograd F(2x2, 3x3), step 3 of 3: the output transform. m[t, tile, o] holds, for each of
// the 16 positions t, the products summed over input channels (step 2, a batched matrix
// product); the 2 x 2 output tile is Y = A^T m A with A^T = [1 1 1 0; 0 1 -1 -1], plus the bias,
// then the fused epilogue, stored where it lies inside the output.
// Grid: x over tx (WG_X lanes), y = ty, z = n * O. Defines: T/T_ALIGN, WG_X, HAS_BIAS.
// Parameters: [0] m, [1] bias, [2] (unused: epilogue operands are bindings 5-8), [3] output
// slots; [4] O, [5] OH, [6] OW, [7] TH, [8] TW, [9..12] output strides (n, c, h, w).
#include "common.glsl"
#include "epilogue.glsl"

// TEXELS_1: m read as one-element texels (a gather on CPU devices, where a storage-buffer load
// loops over the lanes).
#ifdef TEXELS_1
TEXELS(1, mTexels)
#define LOAD_M(i) texelFetch(mTexels, i).x
#else
TENSOR(1, m, T, T_ALIGN)
#define LOAD_M(i) float(m.v[i])
#endif
TENSOR(2, bias, T, T_ALIGN)
TENSOR(4, y, T, T_ALIGN)

void main() {
  uint TW = P(8), TH = P(7), O = P(4);
  uint tx = gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x;
  if (tx >= TW) return;
  uint ty = gl_WorkGroupID.y, n = gl_WorkGroupID.z / O, o = gl_WorkGroupID.z % O;
  uint tiles = TH * TW * (gl_NumWorkGroups.z / O);
  int tile = int((n * TH + ty) * TW + tx);
  int tStride = int(tiles * O), at = tile * int(O) + int(o);
  float q[4][4];
  [[unroll]] for (int i = 0; i < 4; ++i) {
    [[unroll]] for (int j = 0; j < 4; ++j) q[i][j] = LOAD_M(at + (4 * i + j) * tStride);
  }
  // Rows: r = A^T q (2 x 4), then Y = r A (2 x 2).
  float r[2][4];
  [[unroll]] for (int j = 0; j < 4; ++j) {
    r[0][j] = q[0][j] + q[1][j] + q[2][j];
    r[1][j] = q[1][j] - q[2][j] - q[3][j];
  }
#if HAS_BIAS
  float b = float(bias.v[o]);
#else
  float b = 0.0;
#endif
  int OH = Pi(5), OW = Pi(6);
  int base = int(n) * Pi(9) + int(o) * Pi(10), sh = Pi(11), sw = Pi(12);
  [[unroll]] for (int i = 0; i < 2; ++i) {
    int oy = int(2u * ty) + i;
    if (oy >= OH) break;
    float row[2] = float[2](r[i][0] + r[i][1] + r[i][2] + b, r[i][1] - r[i][2] - r[i][3] + b);
    [[unroll]] for (int j = 0; j < 2; ++j) {
      int ox = int(2u * tx) + j;
      if (ox < OW) {
        int offset = base + oy * sh + ox * sw;
        y.v[offset] = T(epilogue(row[j], offset));
      }
    }
  }
}
