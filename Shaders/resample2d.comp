#version 460
// resample2d of a 4-D tensor along two axes with half-pixel centers: output position x reads
// input position clamp((x + 0.5) · in / out − 0.5, 0, in − 1). Nearest-neighbor takes
// ceil(position − 0.5) (halves round down); linear blends the two neighbours of each axis.
// Defines: X_T/X_C/X_ALIGN; LINEAR (0 or 1); IS_FLOAT (integers round the blend to nearest even
// and clamp to X_MIN..X_MAX).
// Parameters: [0] input, [1] output slots, [2] count, [3..6] output shape, [7..10] input
// strides, [11] first axis, [12] second axis, [13..14] input sizes of the two axes,
// [15..16] output sizes of the two axes.
#include "common.glsl"

TENSOR(1, x, X_T, X_ALIGN)
TENSOR(2, b2, X_T, X_ALIGN)

// The input position of output coordinate x along an axis of size inSize → outSize.
float sourcePosition(uint x, uint inSize, uint outSize) {
  float position = float(2u * x + 1u) * float(inSize) / float(2u * outSize) - 0.5;
  return clamp(position, 0.0, float(inSize - 1u));
}

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
  uint axis0 = P(11), axis1 = P(12);
  uint coordinate[4];
  uint rest = i;
  for (int d = 3; d >= 0; --d) {
    coordinate[d] = rest % P(3 + d);
    rest /= P(3 + d);
  }
  int base = 0;
  for (uint d = 0u; d < 4u; ++d) {
    if (d != axis0 && d != axis1) base += int(coordinate[d]) * Pi(7 + d);
  }
  int stride0 = Pi(7 + axis0), stride1 = Pi(7 + axis1);
  uint in0 = P(13), in1 = P(14);
  float p0 = sourcePosition(coordinate[axis0], in0, P(15));
  float p1 = sourcePosition(coordinate[axis1], in1, P(16));
#if LINEAR
  uint a0 = uint(floor(p0)), a1 = uint(floor(p1));
  uint b0 = min(a0 + 1u, in0 - 1u), b1 = min(a1 + 1u, in1 - 1u);
  float t0 = p0 - float(a0), t1 = p1 - float(a1);
  float v00 = float(X_C(x.v[base + int(a0) * stride0 + int(a1) * stride1]));
  float v01 = float(X_C(x.v[base + int(a0) * stride0 + int(b1) * stride1]));
  float v10 = float(X_C(x.v[base + int(b0) * stride0 + int(a1) * stride1]));
  float v11 = float(X_C(x.v[base + int(b0) * stride0 + int(b1) * stride1]));
  float top = v00 + (v01 - v00) * t1;
  float bottom = v10 + (v11 - v10) * t1;
  float value = top + (bottom - top) * t0;
#if IS_FLOAT
  b2.v[i] = X_T(value);
#else
  b2.v[i] = X_T(X_C(clamp(roundEven(value), float(X_MIN), float(X_MAX))));
#endif
#else
  uint n0 = uint(ceil(p0 - 0.5)), n1 = uint(ceil(p1 - 0.5));
  b2.v[i] = x.v[base + int(n0) * stride0 + int(n1) * stride1];
#endif
}
