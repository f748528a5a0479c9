#version 450
// The smallest useful dispatch: one workgroup adding 1 to 16 floats.
layout(local_size_x = 64) in;
layout(binding = 0) buffer Values { float v[]; };
void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i < 16u) v[i] += 1.0;
}
