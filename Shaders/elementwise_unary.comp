#version 460
// y = UNARY(x) over contiguous tensors. Defines: X_T/X_C/X_ALIGN (input storage type, compute
// type, alignment), Y_T/Y_C/Y_ALIGN (output), UNARY(x) an expression in X_C yielding Y_C.
// Parameters: [0] input slot, [1] output slot, [2] count, [3..] operator options.
#include "common.glsl"
#include "math.glsl"

TENSOR(1, b1, X_T, X_ALIGN)
TENSOR(2, b2, Y_T, Y_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
  X_C x = X_C(b1.v[i]);
  b2.v[i] = Y_T(UNARY(x));
}
