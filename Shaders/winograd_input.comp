#version 460
// Winograd F(2x2, 3x3), step 1 of 3: the input transform. For each 2 x 2 output tile (ty, tx)
// of image n and each input channel c, the 4 x 4 input patch d at rows 2 ty - pad top ... + 3
// and columns 2 tx - pad left ... + 3 (0 outside the image) becomes V = B^T d B, stored as
// v[t, tile, c] with t = 4 i + j and tile = (n * TH + ty) * TW + tx: for each t, a tiles x C
// matrix, the A operand of the batched matrix product with the transformed filter.
// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]: additions only, so the transform is exact
// up to one rounding per addition.
// Grid: x over tx (WG_X lanes), y = ty, z = n * C. Defines: T/T_ALIGN, WG_X.
// Parameters: [0] input, [1] v slots; [2] C, [3] H, [4] W, [5] TH, [6] TW, [7] pad top,
// [8] pad left, [9..12] input strides (n, c, h, w).
#include "common.glsl"

// TEXELS_1: the input read as one-element texels (a gather on CPU devices, where a
// storage-buffer load loops over the lanes).
#ifdef TEXELS_1
TEXELS(1, xTexels)
#define LOAD_X(i) texelFetch(xTexels, i).x
#else
TENSOR(1, x, T, T_ALIGN)
#define LOAD_X(i) float(x.v[i])
#endif
TENSOR(2, v, T, T_ALIGN)

void main() {
  uint TW = P(6), TH = P(5), C = P(2);
  uint tx = gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x;
  if (tx >= TW) return;
  uint ty = gl_WorkGroupID.y, n = gl_WorkGroupID.z / C, c = gl_WorkGroupID.z % C;
  int H = Pi(3), W = Pi(4);
  int y0 = int(2u * ty) - Pi(7), x0 = int(2u * tx) - Pi(8);
  int base = int(n) * Pi(9) + int(c) * Pi(10), sh = Pi(11), sw = Pi(12);
  float d[4][4];
  [[unroll]] for (int i = 0; i < 4; ++i) {
    [[unroll]] for (int j = 0; j < 4; ++j) {
      int iy = y0 + i, ix = x0 + j;
      bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
      // Both sides of ?: may be evaluated: the index stays in range either way.
      d[i][j] = inside ? LOAD_X(inside ? base + iy * sh + ix * sw : 0) : 0.0;
    }
  }
  // Rows: e = B^T d.
  float e[4][4];
  [[unroll]] for (int j = 0; j < 4; ++j) {
    e[0][j] = d[0][j] - d[2][j];
    e[1][j] = d[1][j] + d[2][j];
    e[2][j] = d[2][j] - d[1][j];
    e[3][j] = d[1][j] - d[3][j];
  }
  uint tiles = P(5) * TW * (gl_NumWorkGroups.z / C);
  int tile = int((n * TH + ty) * TW + tx);
  int tStride = int(tiles * C), at = tile * int(C) + int(c);
  // Columns: V = e B.
  [[unroll]] for (int i = 0; i < 4; ++i) {
    v.v[at + (4 * i + 0) * tStride] = T(e[i][0] - e[i][2]);
    v.v[at + (4 * i + 1) * tStride] = T(e[i][1] + e[i][2]);
    v.v[at + (4 * i + 2) * tStride] = T(e[i][2] - e[i][1]);
    v.v[at + (4 * i + 3) * tStride] = T(e[i][1] - e[i][3]);
  }
}
