#version 450
// Workgroup sum: subgroupAdd, partial sums in shared memory indexed by gl_SubgroupID, then a final
// subgroup pass; plus a global atomicAdd of every workgroup's sum.
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 256) in;
layout(std430, set = 0, binding = 0) readonly buffer In { uint a[]; };
layout(std430, set = 0, binding = 1) buffer Out { uint total; uint group_sum[]; };
shared uint partial[256];
void main() {
  uint x = a[gl_GlobalInvocationID.x];
  uint s = subgroupAdd(x);
  if (subgroupElect()) partial[gl_SubgroupID] = s;
  barrier();
  if (gl_SubgroupID == 0u) {
    uint v = 0u;
    for (uint k = gl_SubgroupInvocationID; k < gl_NumSubgroups; k += gl_SubgroupSize) v += partial[k];
    v = subgroupAdd(v);
    if (subgroupElect()) {
      group_sum[gl_WorkGroupID.x] = v;
      atomicAdd(total, v);
    }
  }
}
