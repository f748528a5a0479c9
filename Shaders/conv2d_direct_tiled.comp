#version 460
// conv2d with one group, register-blocked: a workgroup covers TO output channels, ROWS output
// rows and WG_X * COLS output columns of one image; each lane keeps TO x ROWS x COLS sums. Per
// input channel a lane loads the input patch its outputs share once into registers, and the
// filter taps are workgroup-uniform loads (texel fetches with TEXELS_2). The window and steps
// are compile-time constants, so every loop unrolls and every index folds; no scratch matrix
// is needed.
// Defines: T/T_ALIGN, KH, KW, SY, SX, DY, DX, ROWS, COLS, TO, WG_X; TEXELS_1: the input read
// as one-element texels (a gather on CPU devices, where a storage-buffer load loops over lanes).
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
// TEXELS_2: the filter read as one-element texels: its taps are workgroup-uniform, but on
// lavapipe a storage-buffer load loops over the lanes all the same.
#ifdef TEXELS_2
TEXELS(2, wTexels)
#define LOAD_W(i) texelFetch(wTexels, i).x
#else
TENSOR(2, w, T, T_ALIGN)
#define LOAD_W(i) float(w.v[i])
#endif
TENSOR(3, bias, T, T_ALIGN)
TENSOR(4, y, T, T_ALIGN)

#define IN_ROWS ((ROWS - 1) * SY + (KH - 1) * DY + 1)
#define IN_COLS ((COLS - 1) * SX + (KW - 1) * DX + 1)

void main() {
  int C = Pi(5), H = Pi(6), W = Pi(7), O = Pi(8), OH = Pi(9), OW = Pi(10);
  int oBlocks = (O + TO - 1) / TO;
  int o0 = (int(gl_WorkGroupID.z) % oBlocks) * TO, n = int(gl_WorkGroupID.z) / oBlocks;
  int oy0 = int(gl_WorkGroupID.y) * ROWS;
  int ox0 = int(gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x) * COLS;
  if (ox0 >= OW) return;
  int iy0 = oy0 * SY - Pi(18), ix0 = ox0 * SX - Pi(19);
  int sc = Pi(21), sh = Pi(22), sw = Pi(23);
  int fo = Pi(24), fi = Pi(25), fh = Pi(26), fw = Pi(27);
  int inputBase = n * Pi(20);
  // Output channels past O read the last one's taps and are not stored.
  int filterRow[TO];
  [[unroll]] for (int t = 0; t < TO; ++t) filterRow[t] = min(o0 + t, O - 1) * fo;
  // Which patch positions are inside the image does not depend on the channel.
  int offset[IN_ROWS][IN_COLS];
  bool inside[IN_ROWS][IN_COLS];
  [[unroll]] for (int r = 0; r < IN_ROWS; ++r) {
    [[unroll]] for (int q = 0; q < IN_COLS; ++q) {
      int iy = iy0 + r, ix = ix0 + q;
      inside[r][q] = iy >= 0 && iy < H && ix >= 0 && ix < W;
      offset[r][q] = inside[r][q] ? inputBase + iy * sh + ix * sw : inputBase;
    }
  }

  float acc[TO][ROWS][COLS];
  [[unroll]] for (int t = 0; t < TO; ++t) {
    float start = P(32) != 0u ? float(bias.v[min(o0 + t, O - 1)]) : 0.0;
    [[unroll]] for (int r = 0; r < ROWS; ++r) {
      [[unroll]] for (int q = 0; q < COLS; ++q) acc[t][r][q] = start;
    }
  }
  for (int c = 0; c < C; ++c) {
    float window[IN_ROWS][IN_COLS];
    [[unroll]] for (int r = 0; r < IN_ROWS; ++r) {
      [[unroll]] for (int q = 0; q < IN_COLS; ++q) {
        float v = LOAD_X(offset[r][q] + c * sc);
        window[r][q] = inside[r][q] ? v : 0.0;
      }
    }
    [[unroll]] for (int t = 0; t < TO; ++t) {
      int tapBase = filterRow[t] + c * fi;
      [[unroll]] for (int ky = 0; ky < KH; ++ky) {
        [[unroll]] for (int kx = 0; kx < KW; ++kx) {
          float tap = LOAD_W(tapBase + ky * fh + kx * fw);
          [[unroll]] for (int r = 0; r < ROWS; ++r) {
            [[unroll]] for (int q = 0; q < COLS; ++q) acc[t][r][q] += tap * window[r * SY + ky * DY][q * SX + kx * DX];
          }
        }
      }
    }
  }

  int outputBase = n * Pi(28), so = Pi(29), oh = Pi(30), ow = Pi(31);
  [[unroll]] for (int t = 0; t < TO; ++t) {
    if (o0 + t >= O) break;
    [[unroll]] for (int r = 0; r < ROWS; ++r) {
      int oy = oy0 + r;
      if (oy >= OH) break;
      [[unroll]] for (int q = 0; q < COLS; ++q) {
        if (ox0 + q < OW) {
          int offset = outputBase + (o0 + t) * so + oy * oh + (ox0 + q) * ow;
          y.v[offset] = T(epilogue(acc[t][r][q], offset));
        }
      }
    }
  }
}
