#version 460
// maxPool2d, register-blocked like depthwise_conv2d.comp: the window and steps are compile-time
// constants, a workgroup covers WG_X * COLS output columns and ROWS output rows of one
// (image, channel) plane, and each lane loads the input patch its ROWS x COLS outputs share once
// into registers (for 3x3 at stride 2 and 4 x 4 outputs, 81 loads instead of 144). A window
// wholly in the padding gives 0, as pool2d.comp does.
// Defines: T/T_ALIGN, KH, KW, SY, SX, DY, DX, ROWS, COLS, WG_X, LANE_ROWS (the lanes stack
// LANE_ROWS tiles down the plane, for planes narrower than WG_X * COLS); TEXELS_1: the input
// read as one-element texels (a gather on CPU devices, where a storage-buffer load is a loop
// over lanes).
// Parameters: as pool2d.comp: [0] input, [1] output slots; [2] N, [3] C, [4] H, [5] W, [6] OH,
// [7] OW, ..., [14] pad top, [15] pad left, [16..19] input strides (n, c, h, w), [20..23] output
// strides.
#include "common.glsl"

#ifdef TEXELS_1
TEXELS(1, xTexels)
#define LOAD_X(i) texelFetch(xTexels, i).x
#else
TENSOR(1, x, T, T_ALIGN)
#define LOAD_X(i) float(x.v[i])
#endif
TENSOR(2, y, T, T_ALIGN)

#ifndef LANE_ROWS
#define LANE_ROWS 1
#endif
#define IN_ROWS ((ROWS - 1) * SY + (KH - 1) * DY + 1)
#define IN_COLS ((COLS - 1) * SX + (KW - 1) * DX + 1)

void main() {
  int C = Pi(3), H = Pi(4), W = Pi(5), OH = Pi(6), OW = Pi(7);
  int c = int(gl_WorkGroupID.z) % C, n = int(gl_WorkGroupID.z) / C;
  // Lanes run along the row first; LANE_ROWS of them stack down the plane (1 for wide planes).
  uint laneColumns = WG_X / LANE_ROWS, lane = gl_LocalInvocationID.x;
  int oy0 = int(gl_WorkGroupID.y * LANE_ROWS + lane / laneColumns) * ROWS;
  int ox0 = int(gl_WorkGroupID.x * laneColumns + lane % laneColumns) * COLS;
  if (ox0 >= OW || oy0 >= OH) return;
  int iy0 = oy0 * SY - Pi(14), ix0 = ox0 * SX - Pi(15);
  int base = n * Pi(16) + c * Pi(17), sh = Pi(18), sw = Pi(19);
  const float lowest = uintBitsToFloat(0xff800000u);

  bool rowInside[IN_ROWS];
  bool columnInside[IN_COLS];
  [[unroll]] for (int q = 0; q < IN_COLS; ++q) columnInside[q] = ix0 + q >= 0 && ix0 + q < W;
  float window[IN_ROWS][IN_COLS];
  [[unroll]] for (int r = 0; r < IN_ROWS; ++r) {
    int iy = iy0 + r;
    rowInside[r] = iy >= 0 && iy < H;
    [[unroll]] for (int q = 0; q < IN_COLS; ++q) {
      bool inside = rowInside[r] && columnInside[q];
      // The index stays in range either way: both sides of ?: may be evaluated.
      float v = LOAD_X(inside ? base + iy * sh + (ix0 + q) * sw : 0);
      window[r][q] = inside ? v : lowest;
    }
  }

  int outputBase = n * Pi(20) + c * Pi(21), oh = Pi(22), ow = Pi(23);
  [[unroll]] for (int r = 0; r < ROWS; ++r) {
    int oy = oy0 + r;
    if (oy >= OH) break;
    bool anyRow = false;
    [[unroll]] for (int ky = 0; ky < KH; ++ky) anyRow = anyRow || rowInside[r * SY + ky * DY];
    [[unroll]] for (int q = 0; q < COLS; ++q) {
      if (ox0 + q < OW) {
        bool anyColumn = false;
        float best = lowest;
        [[unroll]] for (int kx = 0; kx < KW; ++kx) anyColumn = anyColumn || columnInside[q * SX + kx * DX];
        [[unroll]] for (int ky = 0; ky < KH; ++ky) {
          [[unroll]] for (int kx = 0; kx < KW; ++kx) best = max(best, window[r * SY + ky * DY][q * SX + kx * DX]);
        }
        y.v[outputBase + oy * oh + (ox0 + q) * ow] = T(anyRow && anyColumn ? best : 0.0);
      }
    }
  }
}
