// Shared by every kernel. Every kernel has the same interface (one pipeline layout for all):
//   binding 0: this dispatch's parameter block (a uniform buffer of 32-bit words, read as P(i));
//   bindings 1-8: the tensors, in the order the host bound them, as storage buffers;
//   bindings 9-16: the same tensors as uniform texel buffers (binding B + 8 for tensor binding
//   B), bound only for a binding the host set TEXELS_<B> for (TEXELS(B, NAME) declares it);
//   push constants: one 64-bit device address per tensor binding, used only by a binding
//   declared with TENSOR_ADDRESSED (a tensor larger than the device's maxStorageBufferRange).
// Parameter words 0..n-1 hold the slots of bindings 1..n (so "[0] input slot" in a kernel's
// header is binding 1). Descriptor-bound buffers are the fast path everywhere: on CPU devices
// (lavapipe) a load through a device address is a per-lane scalar loop, while a descriptor-bound
// load is a vector load, and parameter words in a uniform buffer are loop-invariant loads the
// compiler can hoist.
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_control_flow_attributes : enable
#extension GL_EXT_shader_non_constant_global_initializers : enable
#ifdef FLOAT16_ARITHMETIC
// Only kernels that compute in float16 declare it: it needs the device's shaderFloat16.
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#endif

// The workgroup size is the kernel's: the host passes WG_X/WG_Y/WG_Z with the kernel's defines.
#ifndef WG_X
#define WG_X 64
#endif
#ifndef WG_Y
#define WG_Y 1
#endif
#ifndef WG_Z
#define WG_Z 1
#endif
layout(local_size_x = WG_X, local_size_y = WG_Y, local_size_z = WG_Z) in;

layout(push_constant) uniform PushConstants { uint64_t address[9]; } pc;

// 256 words: the largest parameter block any kernel uses, with room to spare.
layout(set = 0, binding = 0, std140) uniform ParameterBlock { uvec4 word4[64]; } parameters;

uint P(uint i) { return parameters.word4[i >> 2u][i & 3u]; }
int Pi(uint i) { return int(P(i)); }
float Pf(uint i) { return uintBitsToFloat(P(i)); }
uint64_t P64(uint i) { return uint64_t(P(i)) | (uint64_t(P(i + 1)) << 32); }

// TENSOR(B, NAME, T, ALIGN) declares NAME, a view of binding B as an array NAME.v of T (ALIGN is
// T's size in bytes). Several views (say float and vec4) may share one binding. The host makes
// TENSOR_<B> mean TENSOR_ADDRESSED for a binding whose tensor is too large for a descriptor.
#define TENSOR_BOUND(B, NAME, T, ALIGN) \
  layout(set = 0, binding = B, std430) restrict buffer NAME##_Block { T v[]; } NAME;
#define TENSOR_ADDRESSED(B, NAME, T, ALIGN) \
  layout(buffer_reference, std430, buffer_reference_align = ALIGN) buffer NAME##_Ref { T v[]; }; \
  NAME##_Ref NAME = NAME##_Ref(pc.address[B]);
#ifndef TENSOR_1
#define TENSOR_1 TENSOR_BOUND
#endif
#ifndef TENSOR_2
#define TENSOR_2 TENSOR_BOUND
#endif
#ifndef TENSOR_3
#define TENSOR_3 TENSOR_BOUND
#endif
#ifndef TENSOR_4
#define TENSOR_4 TENSOR_BOUND
#endif
#ifndef TENSOR_5
#define TENSOR_5 TENSOR_BOUND
#endif
#ifndef TENSOR_6
#define TENSOR_6 TENSOR_BOUND
#endif
#ifndef TENSOR_7
#define TENSOR_7 TENSOR_BOUND
#endif
#ifndef TENSOR_8
#define TENSOR_8 TENSOR_BOUND
#endif
#define TENSOR(B, NAME, T, ALIGN) TENSOR_##B(B, NAME, T, ALIGN)

// TEXELS(B, NAME) declares NAME, tensor binding B read as vec4 texels (texelFetch(NAME, i) is
// the i-th vec4 of the tensor, float16 data converted). On CPU devices a texel fetch is a
// branch-free gather, while a storage-buffer load whose address differs between lanes is a
// loop over the lanes; kernels use it for the operand they stream.
#define TEXEL_BINDING_1 9
#define TEXEL_BINDING_2 10
#define TEXEL_BINDING_3 11
#define TEXEL_BINDING_4 12
#define TEXEL_BINDING_5 13
#define TEXEL_BINDING_6 14
#define TEXEL_BINDING_7 15
#define TEXEL_BINDING_8 16
#define TEXELS(B, NAME) layout(set = 0, binding = TEXEL_BINDING_##B) uniform samplerBuffer NAME;
// UTEXELS(B, NAME): the same for 32-bit words read unchanged (texelFetch(NAME, i).x).
#define UTEXELS(B, NAME) layout(set = 0, binding = TEXEL_BINDING_##B) uniform usamplerBuffer NAME;

// The linear index of this invocation in a 1-D kernel over a 2-D grid of workgroups (the x
// count is capped at 65535 by many devices, so large dispatches wrap into y).
uint globalIndex() {
  return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * WG_X + gl_LocalInvocationID.x;
}

// The offset of element `index` (row-major over the shape at P(shapeAt), `rank` dims) in a
// tensor whose strides are at P(stridesAt). Strides may be 0 (broadcast) or negative. The host
// collapses contiguous dimensions first, so rank is usually 1 or 2.
int stridedOffset(uint index, uint rank, uint shapeAt, uint stridesAt) {
  int offset = 0;
  for (int d = int(rank) - 1; d >= 0; --d) {
    uint size = P(shapeAt + d);
    offset += int(index % size) * Pi(stridesAt + d);
    index /= size;
  }
  return offset;
}
