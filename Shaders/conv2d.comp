#version 460
// Direct 2-D convolution, one output element per invocation. Layouts are strides.
// Defines: T/T_ALIGN, GRID3D (a (column block, row, image x channel) grid instead of a flat
// one). Parameters: [0] input, [1] filter, [2] bias, [3] output slots;
// [4] N, [5] C, [6] H, [7] W, [8] O, [9] OH, [10] OW, [11] KH, [12] KW, [13] groups,
// [14] stride h, [15] stride w, [16] dilation h, [17] dilation w, [18] pad top, [19] pad left,
// [20..23] input strides (n, c, h, w), [24..27] filter strides (o, i, h, w),
// [28..31] output strides (n, c, h, w), [32] has bias.
#include "common.glsl"
#include "epilogue.glsl"

TENSOR(1, x, T, T_ALIGN)
TENSOR(2, w, T, T_ALIGN)
TENSOR(3, b3, T, T_ALIGN)
TENSOR(4, b4, T, T_ALIGN)

void main() {
  uint N = P(4), C = P(5), H = P(6), W = P(7), O = P(8), OH = P(9), OW = P(10);
#if GRID3D
  // x: blocks of output columns, y: output row, z: (image, channel); so the channel and
  // everything derived from it are workgroup-uniform, and no lane divides.
  uint ox = gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x, oy = gl_WorkGroupID.y;
  uint o = gl_WorkGroupID.z % O, n = gl_WorkGroupID.z / O;
  if (ox >= OW) return;
#else
  uint i = globalIndex();
  if (i >= N * O * OH * OW) return;
  uint ox = i % OW, oy = (i / OW) % OH, o = (i / (OW * OH)) % O, n = i / (OW * OH * O);
#endif
  uint KH = P(11), KW = P(12), groups = P(13);
  uint channelsPerGroup = C / groups, outputsPerGroup = O / groups;
  uint group = o / outputsPerGroup;
  float sum = 0.0;
  for (uint ic = 0u; ic < channelsPerGroup; ++ic) {
    uint c = group * channelsPerGroup + ic;
    for (uint ky = 0u; ky < KH; ++ky) {
      int iy = int(oy * P(14) + ky * P(16)) - Pi(18);
      if (iy < 0 || iy >= int(H)) continue;
      for (uint kx = 0u; kx < KW; ++kx) {
        int ix = int(ox * P(15) + kx * P(17)) - Pi(19);
        if (ix < 0 || ix >= int(W)) continue;
        float xv = float(x.v[int(n) * Pi(20) + int(c) * Pi(21) + iy * Pi(22) + ix * Pi(23)]);
        float wv = float(w.v[int(o) * Pi(24) + int(ic) * Pi(25) + int(ky) * Pi(26) + int(kx) * Pi(27)]);
        sum += xv * wv;
      }
    }
  }
  if (P(32) != 0u) sum += float(b3.v[o]);
  int offset = int(n) * Pi(28) + int(o) * Pi(29) + int(oy) * Pi(30) + int(ox) * Pi(31);
  b4.v[offset] = T(epilogue(sum, offset));
}
