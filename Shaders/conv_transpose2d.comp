#version 460
// Transposed 2-D convolution as a gather: each output element sums the input positions whose
// strided, dilated kernel footprint covers it. Defines: T/T_ALIGN, GRID3D (as conv2d.comp).
// Parameters as conv2d.comp, except [8] O is the total output channels and the filter strides
// at [24..27] are (input channel, output channel within group, h, w).
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
  uint group = o / outputsPerGroup, oc = o % outputsPerGroup;
  int sh = Pi(14), sw = Pi(15);
  float sum = 0.0;
  for (uint ky = 0u; ky < KH; ++ky) {
    int ty = int(oy) + Pi(18) - int(ky * P(16));
    if (ty < 0 || ty % sh != 0) continue;
    int iy = ty / sh;
    if (iy >= int(H)) continue;
    for (uint kx = 0u; kx < KW; ++kx) {
      int tx = int(ox) + Pi(19) - int(kx * P(17));
      if (tx < 0 || tx % sw != 0) continue;
      int ix = tx / sw;
      if (ix >= int(W)) continue;
      for (uint ic = 0u; ic < channelsPerGroup; ++ic) {
        uint c = group * channelsPerGroup + ic;
        float xv = float(x.v[int(n) * Pi(20) + int(c) * Pi(21) + iy * Pi(22) + ix * Pi(23)]);
        float wv = float(w.v[int(c) * Pi(24) + int(oc) * Pi(25) + int(ky) * Pi(26) + int(kx) * Pi(27)]);
        sum += xv * wv;
      }
    }
  }
  if (P(32) != 0u) sum += float(b3.v[o]);
  int offset = int(n) * Pi(28) + int(o) * Pi(29) + int(oy) * Pi(30) + int(ox) * Pi(31);
  b4.v[offset] = T(epilogue(sum, offset));
}
