// Whole-workgroup reductions for kernels that give one workgroup to each row: subgroup
// operations within a subgroup, then shared memory across the workgroup's subgroups. Correct for
// any subgroup size the device picks; a workgroup of one subgroup (lavapipe) skips the barriers.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require

shared float rowPartials[WG_X];

// The row index of this workgroup over a 2-D grid (x wraps into y past 65535 rows).
uint rowIndex() { return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x; }

float combinePartials(float s, int op) {
  if (gl_NumSubgroups == 1u) return s;
  barrier();
  if (subgroupElect()) rowPartials[gl_SubgroupID] = s;
  barrier();
  float total = rowPartials[0];
  for (uint i = 1u; i < gl_NumSubgroups; ++i) {
    float v = rowPartials[i];
    total = op == 0 ? total + v : (op == 1 ? max(total, v) : (op == 2 ? min(total, v) : total * v));
  }
  return total;
}

float workgroupSum(float v) { return combinePartials(subgroupAdd(v), 0); }
float workgroupMax(float v) { return combinePartials(subgroupMax(v), 1); }
float workgroupMin(float v) { return combinePartials(subgroupMin(v), 2); }
float workgroupProduct(float v) { return combinePartials(subgroupMul(v), 3); }
