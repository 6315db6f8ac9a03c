#version 450
// Spins until a value that is never written appears: the device watchdog must end it.
layout(local_size_x = 1) in;
layout(std430, set = 0, binding = 0) coherent buffer Flag { uint flag; uint count; };

void main() {
  uint n = 0u;
  while (atomicAdd(flag, 0u) != 0xdeadbeefu) n++;
  count = n;
}
