#!/usr/bin/env python3
"""An unmodified python3-pyopencl program on Mica: SAXPY and a per-group sum over random data,
compared with numpy. Picks the Mica platform by name (ocl-icd may list others)."""
import sys

import numpy as np
import pyopencl as cl

SOURCE = """
__kernel void saxpy(float a, __global const float* x, __global float* y) {
  size_t i = get_global_id(0);
  y[i] = a * x[i] + y[i];
}
__kernel void group_sum(__global const int* in, __global int* out, __local int* tmp) {
  size_t l = get_local_id(0);
  tmp[l] = in[get_global_id(0)];
  barrier(CLK_LOCAL_MEM_FENCE);
  for (size_t s = get_local_size(0) / 2; s > 0; s >>= 1) {
    if (l < s) tmp[l] += tmp[l + s];
    barrier(CLK_LOCAL_MEM_FENCE);
  }
  if (l == 0) out[get_group_id(0)] = tmp[0];
}
"""


def main():
    platforms = [p for p in cl.get_platforms() if p.name == "Mica"]
    if not platforms:
        print("no Mica platform (OCL_ICD_VENDORS?)", file=sys.stderr)
        return 1
    device = platforms[0].get_devices()[0]
    ctx = cl.Context([device])
    queue = cl.CommandQueue(ctx)
    prog = cl.Program(ctx, SOURCE).build()
    rng = np.random.default_rng(2024)
    mf = cl.mem_flags

    n = 10000  # not a multiple of any work-group size the driver may pick
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    a = np.float32(2.5)
    x_buf = cl.Buffer(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=x)
    y_buf = cl.Buffer(ctx, mf.READ_WRITE | mf.COPY_HOST_PTR, hostbuf=y)
    prog.saxpy(queue, (n,), None, a, x_buf, y_buf)
    got = np.empty_like(y)
    cl.enqueue_copy(queue, got, y_buf)
    want = a * x + y
    if not np.allclose(got, want, rtol=0, atol=1e-5):
        bad = np.argmax(np.abs(got - want))
        print(f"saxpy mismatch at {bad}: {got[bad]} != {want[bad]}", file=sys.stderr)
        return 1

    local, groups = 128, 40
    ints = rng.integers(-1000, 1000, size=local * groups, dtype=np.int32)
    in_buf = cl.Buffer(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=ints)
    out_buf = cl.Buffer(ctx, mf.WRITE_ONLY, size=groups * 4)
    prog.group_sum(queue, (local * groups,), (local,), in_buf, out_buf, cl.LocalMemory(local * 4))
    sums = np.empty(groups, dtype=np.int32)
    cl.enqueue_copy(queue, sums, out_buf)
    want_sums = ints.reshape(groups, local).sum(axis=1)
    if not np.array_equal(sums, want_sums):
        print(f"group_sum mismatch: {sums[:4]} != {want_sums[:4]}", file=sys.stderr)
        return 1
    print(f"pyopencl on {device.name}: saxpy over {n} floats and {groups} group sums match numpy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
