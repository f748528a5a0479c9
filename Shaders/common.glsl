// Shared by every kernel. Tensors are reached through buffer device addresses: the push
// constants hold the graph's address table (one 64-bit address per tensor slot) and this
// dispatch's parameter block (32-bit words: slots, sizes, shapes, strides, options).
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_shader_explicit_arithmetic_types_int64 : require
#extension GL_EXT_shader_16bit_storage : require
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_control_flow_attributes : enable
#ifdef FLOAT16_ARITHMETIC
// Only kernels that compute in float16 declare it: it needs the device's shaderFloat16.
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#endif

#define WORKGROUP_SIZE 64
layout(local_size_x = WORKGROUP_SIZE) in;

layout(push_constant) uniform PushConstants {
  uint64_t table;
  uint64_t params;
} pc;

layout(buffer_reference, std430, buffer_reference_align = 8) readonly buffer AddressTable { uint64_t address[]; };
layout(buffer_reference, std430, buffer_reference_align = 4) readonly buffer ParameterBlock { uint word[]; };

uint P(uint i) { return ParameterBlock(pc.params).word[i]; }
int Pi(uint i) { return int(P(i)); }
float Pf(uint i) { return uintBitsToFloat(P(i)); }
uint64_t P64(uint i) { return uint64_t(P(i)) | (uint64_t(P(i + 1)) << 32); }
uint64_t slotAddress(uint slot) { return AddressTable(pc.table).address[slot]; }

// The linear index of this invocation over a 2-D grid of workgroups (the x count is capped at
// 65535 by many devices, so large dispatches wrap into y).
uint globalIndex() {
  return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * WORKGROUP_SIZE + gl_LocalInvocationID.x;
}

// Declares a typed view NAME over a tensor whose element type is T (alignment ALIGN bytes).
#define TENSOR_VIEW(NAME, T, ALIGN) \
  layout(buffer_reference, std430, buffer_reference_align = ALIGN) buffer NAME { T v[]; };

// The offset of element `index` (row-major over the shape at P(shapeAt), `rank` dims) in a
// tensor whose strides are at P(stridesAt). Strides may be 0 (broadcast) or negative.
int stridedOffset(uint index, uint rank, uint shapeAt, uint stridesAt) {
  int offset = 0;
  for (int d = int(rank) - 1; d >= 0; --d) {
    uint size = P(shapeAt + d);
    offset += int(index % size) * Pi(stridesAt + d);
    index /= size;
  }
  return offset;
}
