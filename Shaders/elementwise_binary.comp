#version 460
// z = BINARY(a, b) with broadcasting through strides. Defines: A_T/A_C/A_ALIGN for both inputs,
// Z_T/Z_C/Z_ALIGN for the output, BINARY(a, b) an expression in A_C yielding Z_C.
// Parameters: [0] a slot, [1] b slot, [2] z slot, [3] count, [4] rank,
// [5..12] output shape, [13..20] a strides, [21..28] b strides.
#include "common.glsl"
#include "math.glsl"

TENSOR(1, b1, A_T, A_ALIGN)
TENSOR(2, b2, A_T, A_ALIGN)
TENSOR(3, b3, Z_T, Z_ALIGN)

void main() {
  uint i = globalIndex();
  if (i >= P(3)) return;
  uint rank = P(4);
  A_C a = A_C(b1.v[stridedOffset(i, rank, 5, 13)]);
  A_C b = A_C(b2.v[stridedOffset(i, rank, 5, 21)]);
  b3.v[i] = Z_T(BINARY(a, b));
}
