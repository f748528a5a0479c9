#version 460
// Unfolds convolution windows into the columns of a matrix, so that a convolution becomes one
// matrix product with its filter: col[n, g, k, p] = x[n, g * Cg + c, oy * sy + ky * dy - pad top,
// ox * sx + kx * dx - pad left] (0 outside the image), p = oy * OW + ox, and k runs over
// (c, ky, kx) (CHANNEL_FIRST, matching oihw/ihwo filters) or (ky, kx, c) (hwio/ohwi).
// A lane owns one output pixel p and writes K_BLOCK consecutive k of it: the workgroup's k block
// and (n, g) come from its y and z indices, so the divisions that split k are workgroup-uniform
// and each lane divides once, for its pixel.
// Defines: E_T/E_ALIGN, CHANNEL_FIRST, K_BLOCK, WG_X; TEXELS_1 (E_T uint): the input read as
// one-word texels, a gather on CPU devices, where a storage-buffer load loops over lanes.
// Parameters: [0] input, [1] col slots; [2] Cg, [3] H, [4] W, [5] OH, [6] OW, [7] KH, [8] KW,
// [9] groups, [10] stride y, [11] stride x, [12] dilation y, [13] dilation x, [14] pad top,
// [15] pad left, [16..19] input strides (n, c, h, w), [20] col n stride, [21] col g stride,
// [22] col k stride, [23] col p stride, [24] depth (Cg * KH * KW).
#include "common.glsl"

#ifdef TEXELS_1
UTEXELS(1, xTexels)
#define LOAD_X(i) texelFetch(xTexels, i).x
#else
TENSOR(1, x, E_T, E_ALIGN)
#define LOAD_X(i) x.v[i]
#endif
#if VEC_COL
TENSOR(2, col4, uvec4, 16)
#else
TENSOR(2, col, E_T, E_ALIGN)
#endif

#if VEC_COL
// VEC_COL (32-bit words, p stride 1, rows and matrices padded to a multiple of 4 pixels): a
// lane owns 4 consecutive pixels and writes each k of them as one uvec4. On CPU devices a
// store whose address differs between lanes is a loop over the lanes, so this stores a
// quarter as often. Pixels past the last are padding and get 0.
void main() {
  uint OW = P(6), OH = P(5);
  uint p0 = 4u * (gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x);
  uint pixels = OH * OW;
  if (p0 >= pixels) return;
  uint Cg = P(2), KH = P(7), KW = P(8), groups = P(9), depth = P(24);
  uint n = gl_WorkGroupID.z / groups, g = gl_WorkGroupID.z % groups;
  int H = Pi(3), W = Pi(4);
  int dy = Pi(12), dx = Pi(13);
  int inputBase = int(n) * Pi(16) + int(g * Cg) * Pi(17), sc = Pi(17), sh = Pi(18), sw = Pi(19);
  int target = (int(n) * Pi(20) + int(g) * Pi(21) + int(p0)) / 4, kStride = Pi(22) / 4;
  // Each pixel's window origin; the pixels after the first step along the row without dividing.
  int iyBase[4], ixBase[4];
  bool real[4];
  uint oy = p0 / OW, ox = p0 % OW;
  [[unroll]] for (uint j = 0u; j < 4u; ++j) {
    real[j] = p0 + j < pixels;
    iyBase[j] = int(oy * P(10)) - Pi(14);
    ixBase[j] = int(ox * P(11)) - Pi(15);
    if (++ox == OW) {
      ox = 0u;
      ++oy;
    }
  }
  uint k0 = gl_WorkGroupID.y * K_BLOCK;
#if CHANNEL_FIRST
  uint c = k0 / (KH * KW), ky = (k0 / KW) % KH, kx = k0 % KW;
#else
  uint ky = k0 / (KW * Cg), kx = (k0 / Cg) % KW, c = k0 % Cg;
#endif
  [[unroll]] for (uint j = 0u; j < K_BLOCK; ++j) {
    uint k = k0 + j;
    if (k >= depth) break;
    uvec4 words;
    [[unroll]] for (uint q = 0u; q < 4u; ++q) {
      int iy = iyBase[q] + int(ky) * dy, ix = ixBase[q] + int(kx) * dx;
      bool inside = real[q] && iy >= 0 && iy < H && ix >= 0 && ix < W;
      // Both sides of ?: may be evaluated: the source index stays in range either way.
      int source = inside ? inputBase + int(c) * sc + iy * sh + ix * sw : 0;
      uint word = LOAD_X(source);
      words[q] = inside ? word : 0u;
    }
    col4.v[target + int(k) * kStride] = words;
#if CHANNEL_FIRST
    if (++kx == KW) {
      kx = 0u;
      if (++ky == KH) {
        ky = 0u;
        ++c;
      }
    }
#else
    if (++c == Cg) {
      c = 0u;
      if (++kx == KW) {
        kx = 0u;
        ++ky;
      }
    }
#endif
  }
}
#else
void main() {
  uint OW = P(6), OH = P(5);
  uint p = gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x;
  if (p >= OH * OW) return;
  uint oy = p / OW, ox = p % OW;
  uint Cg = P(2), KH = P(7), KW = P(8), groups = P(9), depth = P(24);
  uint n = gl_WorkGroupID.z / groups, g = gl_WorkGroupID.z % groups;
  int H = Pi(3), W = Pi(4);
  int iyBase = int(oy * P(10)) - Pi(14), ixBase = int(ox * P(11)) - Pi(15);
  int dy = Pi(12), dx = Pi(13);
  int inputBase = int(n) * Pi(16) + int(g * Cg) * Pi(17), sc = Pi(17), sh = Pi(18), sw = Pi(19);
  int target = int(n) * Pi(20) + int(g) * Pi(21) + int(p) * Pi(23), kStride = Pi(22);
  uint k0 = gl_WorkGroupID.y * K_BLOCK;
  // (c, ky, kx) of k0, then stepped along k without dividing (divisions by values that are not
  // compile-time constants cost tens of cycles each on CPU devices).
#if CHANNEL_FIRST
  uint c = k0 / (KH * KW), ky = (k0 / KW) % KH, kx = k0 % KW;
#else
  uint ky = k0 / (KW * Cg), kx = (k0 / Cg) % KW, c = k0 % Cg;
#endif
  [[unroll]] for (uint j = 0u; j < K_BLOCK; ++j) {
    uint k = k0 + j;
    if (k >= depth) break;
    int iy = iyBase + int(ky) * dy, ix = ixBase + int(kx) * dx;
    bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
    // Both sides of ?: may be evaluated: the source index stays in range either way.
    int source = inside ? inputBase + int(c) * sc + iy * sh + ix * sw : 0;
    col.v[target + int(k) * kStride] = inside ? LOAD_X(source) : E_T(0);
#if CHANNEL_FIRST
    if (++kx == KW) {
      kx = 0u;
      if (++ky == KH) {
        ky = 0u;
        ++c;
      }
    }
#else
    if (++c == Cg) {
      c = 0u;
      if (++kx == KW) {
        kx = 0u;
        ++ky;
      }
    }
#endif
  }
}
#endif
