#version 460
// averagePool2d (padding excluded from the count), maxPool2d and l2Pool2d, one output per
// invocation. Defines: X_T/X_C/X_ALIGN, POOL_KIND 0 average, 1 max, 2 L2.
// Parameters: [0] input, [1] output slots; [2] N, [3] C, [4] H, [5] W, [6] OH, [7] OW,
// [8] KH, [9] KW, [10] stride h, [11] stride w, [12] dilation h, [13] dilation w,
// [14] pad top, [15] pad left, [16..19] input strides (n, c, h, w), [20..23] output strides.
#include "common.glsl"

TENSOR(1, x, X_T, X_ALIGN)
TENSOR(2, b2, X_T, X_ALIGN)

void main() {
  uint N = P(2), C = P(3), H = P(4), W = P(5), OH = P(6), OW = P(7);
#if GRID3D
  // x: blocks of output columns, y: output row, z: (image, channel); so the channel and
  // everything derived from it are workgroup-uniform, and no lane divides.
  uint ox = gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x, oy = gl_WorkGroupID.y;
  uint c = gl_WorkGroupID.z % C, n = gl_WorkGroupID.z / C;
  if (ox >= OW) return;
#else
  uint i = globalIndex();
  if (i >= N * C * OH * OW) return;
  uint ox = i % OW, oy = (i / OW) % OH, c = (i / (OW * OH)) % C, n = i / (OW * OH * C);
#endif
  int base = int(n) * Pi(16) + int(c) * Pi(17);
  float sum = 0.0;
  X_C best = X_C(0);
  uint count = 0u;
  for (uint ky = 0u; ky < P(8); ++ky) {
    int iy = int(oy * P(10) + ky * P(12)) - Pi(14);
    if (iy < 0 || iy >= int(H)) continue;
    for (uint kx = 0u; kx < P(9); ++kx) {
      int ix = int(ox * P(11) + kx * P(13)) - Pi(15);
      if (ix < 0 || ix >= int(W)) continue;
      X_C value = X_C(x.v[base + iy * Pi(18) + ix * Pi(19)]);
#if POOL_KIND == 1
      best = count == 0u ? value : max(best, value);
#elif POOL_KIND == 2
      sum += float(value) * float(value);
#else
      sum += float(value);
#endif
      count += 1u;
    }
  }
  int target = int(n) * Pi(20) + int(c) * Pi(21) + int(oy) * Pi(22) + int(ox) * Pi(23);
#if POOL_KIND == 1
  b2.v[target] = X_T(best);
#elif POOL_KIND == 2
  b2.v[target] = X_T(sqrt(sum));
#else
  b2.v[target] = X_T(count == 0u ? 0.0 : sum / float(count));
#endif
}
