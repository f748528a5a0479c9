#version 460
// Depthwise conv2d (one input channel per group, any channel multiplier). The window and steps
// are compile-time constants, so the loops unroll and every index folds. A workgroup covers
// WG_X * COLS output columns and ROWS output rows of one (image, output channel) plane: the
// filter taps are workgroup-uniform loads, and each lane loads the input patch its ROWS x COLS
// outputs share once ((ROWS - 1) * SY + (KH - 1) * DY + 1 rows by (COLS - 1) * SX + (KW - 1) * DX + 1
// columns) into registers.
// Defines: T/T_ALIGN, KH, KW, SY, SX, DY, DX, ROWS, COLS, WG_X, LANE_ROWS (the lanes stack
// LANE_ROWS tiles down the plane, for planes narrower than WG_X * COLS); TEXELS_1: the input
// read as one-element texels (a gather on CPU devices, where a storage-buffer load is a loop
// over lanes), or with VEC_INPUT (COLS 4, rows of contiguous columns, a row stride that is a
// multiple of 4) as vec4 texels, PHASE = (-pad left) mod 4.
// Parameters: as conv2d.comp: [0] input, [1] filter, [2] bias, [3] output slots; [4] N, [5] C,
// [6] H, [7] W, [8] O, [9] OH, [10] OW, ..., [18] pad top, [19] pad left, [20..23] input strides
// (n, c, h, w), [24..27] filter strides (o, i, h, w), [28..31] output strides, [32] has bias.
#include "common.glsl"
#include "epilogue.glsl"

#ifdef TEXELS_1
TEXELS(1, xTexels)
#define LOAD_X(i) texelFetch(xTexels, i).x
#else
TENSOR(1, x, T, T_ALIGN)
#define LOAD_X(i) float(x.v[i])
#endif
TENSOR(2, w, T, T_ALIGN)
TENSOR(3, bias, T, T_ALIGN)
TENSOR(4, y, T, T_ALIGN)

#ifndef LANE_ROWS
#define LANE_ROWS 1
#endif
#define IN_ROWS ((ROWS - 1) * SY + (KH - 1) * DY + 1)
#define IN_COLS ((COLS - 1) * SX + (KW - 1) * DX + 1)

void main() {
  int H = Pi(6), W = Pi(7), O = Pi(8), OH = Pi(9), OW = Pi(10);
  int o = int(gl_WorkGroupID.z) % O, n = int(gl_WorkGroupID.z) / O;
  int c = o / (O / Pi(5));
  // Lanes run along the row first; LANE_ROWS of them stack down the plane (1 for wide planes).
  uint laneColumns = WG_X / LANE_ROWS, lane = gl_LocalInvocationID.x;
  int oy0 = int(gl_WorkGroupID.y * LANE_ROWS + lane / laneColumns) * ROWS;
  int ox0 = int(gl_WorkGroupID.x * laneColumns + lane % laneColumns) * COLS;
  if (ox0 >= OW || oy0 >= OH) return;
  int iy0 = oy0 * SY - Pi(18), ix0 = ox0 * SX - Pi(19);
  int sn = Pi(20), sc = Pi(21), sh = Pi(22), sw = Pi(23);
  int inputBase = n * sn + c * sc;

  float window[IN_ROWS][IN_COLS];
#if VEC_INPUT
  // Each patch row as aligned vec4 texels: the row stride is a multiple of 4 and the patch
  // starts PHASE columns past a multiple of 4 (ox0 * SX is one, so only the padding sets it),
  // so each vec4 lies wholly inside or outside the row.
  const int vectors = (PHASE + IN_COLS + 3) / 4;
  [[unroll]] for (int r = 0; r < IN_ROWS; ++r) {
    int iy = iy0 + r;
    bool rowInside = iy >= 0 && iy < H;
    vec4 row[vectors];
    [[unroll]] for (int v = 0; v < vectors; ++v) {
      int ix = ix0 - PHASE + 4 * v;
      bool inside = rowInside && ix >= 0 && ix < W;
      vec4 texel = texelFetch(xTexels, inside ? (inputBase + iy * sh + ix) / 4 : 0);
      row[v] = inside ? texel : vec4(0.0);
    }
    [[unroll]] for (int q = 0; q < IN_COLS; ++q) window[r][q] = row[(PHASE + q) / 4][(PHASE + q) % 4];
  }
#else
  [[unroll]] for (int r = 0; r < IN_ROWS; ++r) {
    int iy = iy0 + r;
    bool rowInside = iy >= 0 && iy < H;
    [[unroll]] for (int q = 0; q < IN_COLS; ++q) {
      int ix = ix0 + q;
      bool inside = rowInside && ix >= 0 && ix < W;
      // The index stays in range either way: both sides of ?: may be evaluated.
      float v = LOAD_X(inside ? inputBase + iy * sh + ix * sw : 0);
      window[r][q] = inside ? v : 0.0;
    }
  }
#endif

  int filterBase = o * Pi(24), fh = Pi(26), fw = Pi(27);
  float acc[ROWS][COLS];
  float start = P(32) != 0u ? float(bias.v[o]) : 0.0;
  [[unroll]] for (int r = 0; r < ROWS; ++r) {
    [[unroll]] for (int q = 0; q < COLS; ++q) acc[r][q] = start;
  }
  [[unroll]] for (int ky = 0; ky < KH; ++ky) {
    [[unroll]] for (int kx = 0; kx < KW; ++kx) {
      float tap = float(w.v[filterBase + ky * fh + kx * fw]);
      [[unroll]] for (int r = 0; r < ROWS; ++r) {
        [[unroll]] for (int q = 0; q < COLS; ++q) acc[r][q] += tap * window[r * SY + ky * DY][q * SX + kx * DX];
      }
    }
  }

  int outputBase = n * Pi(28) + o * Pi(29), oh = Pi(30), ow = Pi(31);
  [[unroll]] for (int r = 0; r < ROWS; ++r) {
    int oy = oy0 + r;
    if (oy >= OH) break;
    [[unroll]] for (int q = 0; q < COLS; ++q) {
      if (ox0 + q < OW) {
        int offset = outputBase + oy * oh + (ox0 + q) * ow;
        y.v[offset] = T(epilogue(acc[r][q], offset));
      }
    }
  }
}
