#version 450
// Driver-internal: adds the invocations of an indirect dispatch (or a host-computed count) to a
// pipeline-statistics query value. See internal_pipelines.h.
#extension GL_ARB_gpu_shader_int64 : require
layout(local_size_x = 1) in;
layout(set = 0, binding = 0) buffer Value { uint64_t value; } q;
layout(set = 0, binding = 1) readonly buffer Args { uint groups[3]; } a;
layout(push_constant) uniform P { uint64_t add; uint wg; uint use_args; } p;
void main() {
  uint64_t v = p.add;
  if (p.use_args != 0u)
    v += uint64_t(a.groups[0]) * uint64_t(a.groups[1]) * uint64_t(a.groups[2]) * uint64_t(p.wg);
  q.value += v;
}
