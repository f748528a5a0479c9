#version 460
// A chain of element-wise operators fused into one kernel (GraphFusion in the backend): y =
// the value FUSED_BODY leaves in `r`, computed in float from up to 7 inputs, each read with its
// own broadcast strides over the output's shape. FUSED_BODY is generated: it loads each input
// as I<j> (LOAD<j> gives the load expression) and runs the operators one statement each, with
// the same GLSL expressions as the one-operator kernels.
// Defines: Y_T/Y_ALIGN (output), INPUTS, IN<j>_T/IN<j>_ALIGN, FUSED_BODY; VECTORIZED (float32
// output, a count that is a multiple of 4: four outputs per invocation, stored as one vec4) with
// IN<j>_VEC (input j is float32 of the output's shape, read as vec4; with TEXELS_<j + 2> as a
// texel fetch, which CPU devices gather without a loop over the lanes).
// Parameters: [0] output slot, [1..7] input slots (unused ones 0), [8] count (of vec4 when
// VECTORIZED), [9] rank,
// [10..17] output shape, [18 + 8j .. 25 + 8j] strides of input j.
#include "common.glsl"
#include "math.glsl"

#if VECTORIZED
TENSOR(1, ys4, vec4, 16)
#else
TENSOR(1, ys, Y_T, Y_ALIGN)
#endif
#if INPUTS > 0
TENSOR(2, in0, IN0_T, IN0_ALIGN)
#if IN0_VEC && defined(TEXELS_2)
TEXELS(2, in0t)
#define LOAD_V0 texelFetch(in0t, int(i))
#elif IN0_VEC
TENSOR(2, in0v, vec4, 16)
#define LOAD_V0 in0v.v[i]
#endif
#endif
#if INPUTS > 1
TENSOR(3, in1, IN1_T, IN1_ALIGN)
#if IN1_VEC && defined(TEXELS_3)
TEXELS(3, in1t)
#define LOAD_V1 texelFetch(in1t, int(i))
#elif IN1_VEC
TENSOR(3, in1v, vec4, 16)
#define LOAD_V1 in1v.v[i]
#endif
#endif
#if INPUTS > 2
TENSOR(4, in2, IN2_T, IN2_ALIGN)
#if IN2_VEC && defined(TEXELS_4)
TEXELS(4, in2t)
#define LOAD_V2 texelFetch(in2t, int(i))
#elif IN2_VEC
TENSOR(4, in2v, vec4, 16)
#define LOAD_V2 in2v.v[i]
#endif
#endif
#if INPUTS > 3
TENSOR(5, in3, IN3_T, IN3_ALIGN)
#if IN3_VEC && defined(TEXELS_5)
TEXELS(5, in3t)
#define LOAD_V3 texelFetch(in3t, int(i))
#elif IN3_VEC
TENSOR(5, in3v, vec4, 16)
#define LOAD_V3 in3v.v[i]
#endif
#endif
#if INPUTS > 4
TENSOR(6, in4, IN4_T, IN4_ALIGN)
#if IN4_VEC && defined(TEXELS_6)
TEXELS(6, in4t)
#define LOAD_V4 texelFetch(in4t, int(i))
#elif IN4_VEC
TENSOR(6, in4v, vec4, 16)
#define LOAD_V4 in4v.v[i]
#endif
#endif
#if INPUTS > 5
TENSOR(7, in5, IN5_T, IN5_ALIGN)
#if IN5_VEC && defined(TEXELS_7)
TEXELS(7, in5t)
#define LOAD_V5 texelFetch(in5t, int(i))
#elif IN5_VEC
TENSOR(7, in5v, vec4, 16)
#define LOAD_V5 in5v.v[i]
#endif
#endif
#if INPUTS > 6
TENSOR(8, in6, IN6_T, IN6_ALIGN)
#if IN6_VEC && defined(TEXELS_8)
TEXELS(8, in6t)
#define LOAD_V6 texelFetch(in6t, int(i))
#elif IN6_VEC
TENSOR(8, in6v, vec4, 16)
#define LOAD_V6 in6v.v[i]
#endif
#endif

void main() {
  uint i = globalIndex();
  if (i >= P(8)) return;
  uint rank = P(9);
#if VECTORIZED
  // Four consecutive outputs; an input of the output's shape is loaded once as a vec4 V<j>
  // (IN<j>_VEC) and read as V<j>[k], the others per element at e = 4 i + k.
  vec4 result;
#if INPUTS > 0 && IN0_VEC
  vec4 V0 = LOAD_V0;
#endif
#if INPUTS > 1 && IN1_VEC
  vec4 V1 = LOAD_V1;
#endif
#if INPUTS > 2 && IN2_VEC
  vec4 V2 = LOAD_V2;
#endif
#if INPUTS > 3 && IN3_VEC
  vec4 V3 = LOAD_V3;
#endif
#if INPUTS > 4 && IN4_VEC
  vec4 V4 = LOAD_V4;
#endif
#if INPUTS > 5 && IN5_VEC
  vec4 V5 = LOAD_V5;
#endif
#if INPUTS > 6 && IN6_VEC
  vec4 V6 = LOAD_V6;
#endif
  [[unroll]] for (uint k = 0u; k < 4u; ++k) {
    uint e = 4u * i + k;
    float r;
    FUSED_BODY
    result[k] = r;
  }
  ys4.v[i] = result;
#else
  uint e = i;
  float r;
  FUSED_BODY
  ys.v[i] = Y_T(r);
#endif
}
