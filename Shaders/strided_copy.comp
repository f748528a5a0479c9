#version 460
// Copies a strided view of one tensor into a strided region of another, element by element as
// raw bits: the kernel behind reshape, transpose, expand, tile, slice, reverse, concat and split.
// Defines: E_T/E_ALIGN, an unsigned type of the element's width; GRID3D (see main).
// Parameters: [0] source slot, [1] destination slot, [2] count, [3] rank (<= 16),
// [4] source offset, [5] destination offset, [6..21] region shape, [22..37] source strides,
// [38..53] destination strides.
#include "common.glsl"

TENSOR(1, b1, E_T, E_ALIGN)
TENSOR(2, b2, E_T, E_ALIGN)

void main() {
#if GRID3D
  // Rank <= 3, region padded on the left to [d0, d1, d2]: x covers d2 in blocks, y is d1, z d0,
  // so no lane divides.
  uint i2 = gl_WorkGroupID.x * WG_X + gl_LocalInvocationID.x;
  if (i2 >= P(8)) return;
  uint i1 = gl_WorkGroupID.y, i0 = gl_WorkGroupID.z;
  int source = Pi(4) + int(i0) * Pi(22) + int(i1) * Pi(23) + int(i2) * Pi(24);
  int destination = Pi(5) + int(i0) * Pi(38) + int(i1) * Pi(39) + int(i2) * Pi(40);
#else
  uint i = globalIndex();
  if (i >= P(2)) return;
  uint rank = P(3);
  int source = Pi(4) + stridedOffset(i, rank, 6, 22);
  int destination = Pi(5) + stridedOffset(i, rank, 6, 38);
#endif
  b2.v[destination] = b1.v[source];
}
