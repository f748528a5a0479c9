#version 460
// z = BINARY(a, b) with broadcasting through strides (the host collapses dimensions that are
// contiguous in every operand, so the rank is usually 1 or 2). Defines: A_T/A_C/A_ALIGN for
// both inputs, Z_T/Z_C/Z_ALIGN for the output, BINARY(a, b) an expression in A_C yielding Z_C.
// VECTORIZED (32-bit types, innermost dimension a multiple of 4, A_V/Z_V the vec4 types): each
// invocation computes 4 consecutive outputs; A_MODE/B_MODE say how that input is read: 1 one
// vec4 (innermost stride 1), 2 one scalar for all 4 (innermost stride 0).
// FLAT (the collapsed rank is 1; A_MODE/B_MODE then also apply to scalar loads): indices are
// the invocation's own, with no stride arithmetic. ROWS (the collapsed shape is [rows, columns]
// and each input is whole, a row, a column or a scalar): INNER is the number of columns (of
// vec4s when VECTORIZED), a constant, so that the row and column cost no division; the modes
// add 3, one value per column (i % INNER), and 4, one value per row (i / INNER, a scalar for all
// 4 outputs of a vec4, as INNER counts whole vec4s). This is a bias or a mask added along an
// axis, 4-6x slower through stridedOffset's divisions and per-lane loads. TEXELS_1/TEXELS_2 with
// FLAT or ROWS: that input read as texels (vec4 ones for modes 1 and 3, one-element otherwise).
// On lavapipe every non-uniform load is a loop over the lanes, and computing its offset from
// parameter words made a 4M-element add 1.7x slower than indexing by the invocation directly.
// Parameters: [0] a slot, [1] b slot, [2] z slot, [3] count (of vec4 when VECTORIZED),
// [4] rank, [5..12] output shape, [13..20] a strides, [21..28] b strides.
#include "common.glsl"
#include "math.glsl"

#if VECTORIZED
TENSOR(1, a4, A_V, 16)
TENSOR(1, as, A_T, A_ALIGN)
TENSOR(2, b4, A_V, 16)
TENSOR(2, bs, A_T, A_ALIGN)
TENSOR(3, z4, Z_V, 16)
#ifdef TEXELS_1
TEXELS(1, aTexels)
#endif
#ifdef TEXELS_2
TEXELS(2, bTexels)
#endif
#else
TENSOR(1, as, A_T, A_ALIGN)
TENSOR(2, bs, A_T, A_ALIGN)
TENSOR(3, zs, Z_T, Z_ALIGN)
#endif

#if FLAT || ROWS
// The offset each input is read at (in vec4s for modes 1 and 3 when VECTORIZED).
#if A_MODE == 1
#define A_INDEX i
#elif A_MODE == 2
#define A_INDEX 0u
#elif A_MODE == 3
#define A_INDEX column
#else
#define A_INDEX row
#endif
#if B_MODE == 1
#define B_INDEX i
#elif B_MODE == 2
#define B_INDEX 0u
#elif B_MODE == 3
#define B_INDEX column
#else
#define B_INDEX row
#endif
#if VECTORIZED && defined(TEXELS_1) && (A_MODE == 1 || A_MODE == 3)
#define LOAD_A(at_) texelFetch(aTexels, int(at_))
#elif VECTORIZED && defined(TEXELS_1)
#define LOAD_A(at_) A_V(texelFetch(aTexels, int(at_)).x)
#elif VECTORIZED && (A_MODE == 1 || A_MODE == 3)
#define LOAD_A(at_) a4.v[at_]
#elif VECTORIZED
#define LOAD_A(at_) A_V(as.v[at_])
#else
#define LOAD_A(at_) as.v[at_]
#endif
#if VECTORIZED && defined(TEXELS_2) && (B_MODE == 1 || B_MODE == 3)
#define LOAD_B(at_) texelFetch(bTexels, int(at_))
#elif VECTORIZED && defined(TEXELS_2)
#define LOAD_B(at_) A_V(texelFetch(bTexels, int(at_)).x)
#elif VECTORIZED && (B_MODE == 1 || B_MODE == 3)
#define LOAD_B(at_) b4.v[at_]
#elif VECTORIZED
#define LOAD_B(at_) A_V(bs.v[at_])
#else
#define LOAD_B(at_) bs.v[at_]
#endif
#endif

void main() {
  uint i = globalIndex();
  if (i >= P(3)) return;
#if ROWS
  uint row = i / uint(INNER), column = i % uint(INNER);
#endif
#if VECTORIZED
#if FLAT || ROWS
  A_V av = LOAD_A(A_INDEX);
  A_V bv = LOAD_B(B_INDEX);
#else
  uint rank = P(4);
  uint first = 4u * i;
  int aOffset = stridedOffset(first, rank, 5, 13);
  int bOffset = stridedOffset(first, rank, 5, 21);
#if A_MODE == 1
  A_V av = a4.v[aOffset / 4];
#else
  A_V av = A_V(as.v[aOffset]);
#endif
#if B_MODE == 1
  A_V bv = b4.v[bOffset / 4];
#else
  A_V bv = A_V(bs.v[bOffset]);
#endif
#endif
  Z_V r;
  [[unroll]] for (int j = 0; j < 4; ++j) {
    A_C a = A_C(av[j]);
    A_C b = A_C(bv[j]);
    r[j] = Z_T(BINARY(a, b));
  }
  z4.v[i] = r;
#elif FLAT || ROWS
  A_C a = A_C(LOAD_A(A_INDEX));
  A_C b = A_C(LOAD_B(B_INDEX));
  zs.v[i] = Z_T(BINARY(a, b));
#else
  uint rank = P(4);
  A_C a = A_C(as.v[stridedOffset(i, rank, 5, 13)]);
  A_C b = A_C(bs.v[stridedOffset(i, rank, 5, 21)]);
  zs.v[i] = Z_T(BINARY(a, b));
#endif
}
