#version 460
// A chain of element-wise operators fused into one kernel (GraphFusion in the backend): y =
// the value FUSED_BODY leaves in `r`, computed in float from up to 7 inputs, each read with its
// own broadcast strides over the output's shape. FUSED_BODY is generated: it loads each input
// as I<j> (LOAD<j> gives the load expression) and runs the operators one statement each, with
// the same GLSL expressions as the one-operator kernels.
// Defines: Y_T/Y_ALIGN (output), INPUTS, IN<j>_T/IN<j>_ALIGN, FUSED_BODY.
// Parameters: [0] output slot, [1..7] input slots (unused ones 0), [8] count, [9] rank,
// [10..17] output shape, [18 + 8j .. 25 + 8j] strides of input j.
#include "common.glsl"
#include "math.glsl"

TENSOR(1, ys, Y_T, Y_ALIGN)
#if INPUTS > 0
TENSOR(2, in0, IN0_T, IN0_ALIGN)
#endif
#if INPUTS > 1
TENSOR(3, in1, IN1_T, IN1_ALIGN)
#endif
#if INPUTS > 2
TENSOR(4, in2, IN2_T, IN2_ALIGN)
#endif
#if INPUTS > 3
TENSOR(5, in3, IN3_T, IN3_ALIGN)
#endif
#if INPUTS > 4
TENSOR(6, in4, IN4_T, IN4_ALIGN)
#endif
#if INPUTS > 5
TENSOR(7, in5, IN5_T, IN5_ALIGN)
#endif
#if INPUTS > 6
TENSOR(8, in6, IN6_T, IN6_ALIGN)
#endif

void main() {
  uint i = globalIndex();
  if (i >= P(8)) return;
  uint rank = P(9);
  float r;
  FUSED_BODY
  ys.v[i] = Y_T(r);
}
