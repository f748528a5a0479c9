#version 460
// Unfolds convolution windows into the columns of a matrix, so that a convolution becomes one
// matrix product with its filter: col[n, g, k, p] = x[n, g * Cg + c, oy * sy + ky * dy - pad top,
// ox * sx + kx * dx - pad left] (0 outside the image), p = oy * OW + ox, and k runs over
// (c, ky, kx) (CHANNEL_FIRST, matching oihw/ihwo filters) or (ky, kx, c) (hwio/ohwi).
// One lane per output column ox; the workgroup's (oy, column block), k and (n, g) come from its
// x, y and z indices, so all divisions are workgroup-uniform.
// Defines: E_T/E_ALIGN, CHANNEL_FIRST.
// Parameters: [0] input, [1] col slots; [2] Cg, [3] H, [4] W, [5] OH, [6] OW, [7] KH, [8] KW,
// [9] groups, [10] stride y, [11] stride x, [12] dilation y, [13] dilation x, [14] pad top,
// [15] pad left, [16..19] input strides (n, c, h, w), [20] col n stride, [21] col g stride,
// [22] col k stride, [23] col p stride.
#include "common.glsl"

TENSOR(1, x, E_T, E_ALIGN)
TENSOR(2, col, E_T, E_ALIGN)

void main() {
  uint OW = P(6), OH = P(5);
  uint blocks = (OW + WG_X - 1u) / WG_X;
  uint oy = gl_WorkGroupID.x / blocks;
  uint ox = (gl_WorkGroupID.x % blocks) * WG_X + gl_LocalInvocationID.x;
  if (ox >= OW) return;
  uint Cg = P(2), KH = P(7), KW = P(8), groups = P(9);
  uint k = gl_WorkGroupID.y;
  uint n = gl_WorkGroupID.z / groups, g = gl_WorkGroupID.z % groups;
#if CHANNEL_FIRST
  uint c = k / (KH * KW), ky = (k / KW) % KH, kx = k % KW;
#else
  uint ky = k / (KW * Cg), kx = (k / Cg) % KW, c = k % Cg;
#endif
  int iy = int(oy * P(10) + ky * P(12)) - Pi(14);
  int ix = int(ox * P(11) + kx * P(13)) - Pi(15);
  int target = int(n) * Pi(20) + int(g) * Pi(21) + int(k) * Pi(22) + int(oy * OW + ox) * Pi(23);
  bool inside = iy >= 0 && iy < Pi(3) && ix >= 0 && ix < Pi(4);
  // Both sides of ?: may be evaluated: the source index stays in range either way.
  int source = inside ? int(n) * Pi(16) + int(g * Cg + c) * Pi(17) + iy * Pi(18) + ix * Pi(19) : 0;
  col.v[target] = inside ? x.v[source] : E_T(0);
}
