#version 460
// z = BINARY(a, b) with broadcasting through strides. Defines: A_T/A_C/A_ALIGN for both inputs,
// Z_T/Z_C/Z_ALIGN for the output, BINARY(a, b) an expression in A_C yielding Z_C.
// Parameters: [0] a slot, [1] b slot, [2] z slot, [3] count, [4] rank,
// [5..12] output shape, [13..20] a strides, [21..28] b strides.
#include "common.glsl"
#include "math.glsl"

TENSOR_VIEW(AView, A_T, A_ALIGN)
TENSOR_VIEW(ZView, Z_T, Z_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(3)) return;
  uint rank = P(4);
  A_C a = A_C(AView(slotAddress(P(0))).v[stridedOffset(i, rank, 5, 13)]);
  A_C b = A_C(AView(slotAddress(P(1))).v[stridedOffset(i, rank, 5, 21)]);
  ZView(slotAddress(P(2))).v[i] = Z_T(BINARY(a, b));
}
