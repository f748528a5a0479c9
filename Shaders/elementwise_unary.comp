#version 460
// y = UNARY(x) over contiguous tensors. Defines: X_T/X_C/X_ALIGN (input storage type, compute
// type, alignment), Y_T/Y_C/Y_ALIGN (output), UNARY(x) an expression in X_C yielding Y_C.
// Parameters: [0] input slot, [1] output slot, [2] count, [3..] operator options.
#include "common.glsl"
#include "math.glsl"

TENSOR_VIEW(XView, X_T, X_ALIGN)
TENSOR_VIEW(YView, Y_T, Y_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(2)) return;
  X_C x = X_C(XView(slotAddress(P(0))).v[i]);
  YView(slotAddress(P(1))).v[i] = Y_T(UNARY(x));
}
