#version 460
// y = UNARY(x) over contiguous tensors. Defines: X_T/X_C/X_ALIGN (input storage type, compute
// type, alignment), Y_T/Y_C/Y_ALIGN (output), UNARY(x) an expression in X_C yielding Y_C.
// X_V/Y_V: vec4 types of 32-bit X_T/Y_T; when both are given and the count is a multiple of 4,
// each invocation moves one vec4 (VECTORIZED), which CPU devices load and store whole;
// TEXELS_1 (float32 input): the input read as texels.
// Parameters: [0] input slot, [1] output slot, [2] count (of vec4 when VECTORIZED),
// [3..] operator options.
#include "common.glsl"
#include "math.glsl"

#if VECTORIZED && defined(TEXELS_1)
TEXELS(1, xTexels)
#define LOAD_X4 X_V(texelFetch(xTexels, int(i)))
#elif VECTORIZED
TENSOR(1, x4, X_V, 16)
#define LOAD_X4 x4.v[i]
#endif
#if VECTORIZED
TENSOR(2, y4, Y_V, 16)
#else
TENSOR(1, xs, X_T, X_ALIGN)
TENSOR(2, ys, Y_T, Y_ALIGN)
#endif

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
#if VECTORIZED
  X_V v = LOAD_X4;
  Y_V r;
  [[unroll]] for (int j = 0; j < 4; ++j) {
    X_C x = X_C(v[j]);
    r[j] = Y_T(UNARY(x));
  }
  y4.v[i] = r;
#else
  X_C x = X_C(xs.v[i]);
  ys.v[i] = Y_T(UNARY(x));
#endif
}
