#!/usr/bin/env python3
"""Big NDRanges, cut by the driver into several kernel jobs, give every work-item the ids of the
uncut NDRange: on Mica, against the host's formula (OpenCL 3.0 API 3.2.2, OpenCL C 6.15.1) and
against PoCL when it is installed (its uniform cases: PoCL 3.1 has no non-uniform work-groups).

Each case is an NDRange just over the device layer's job bound (2^20 job lanes: work-items, a
work-group counting as its whole waves; kMaxJobInvocations in
src/driver/common/include/mica/device/commands.h) in one dimension or over several, with and without a global offset, with uniform and non-uniform work-groups (OpenCL C 3.0
programs; Mica reports CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT). The kernel writes, at its
linear global index, every work-item built-in: get_global_id, get_group_id, get_num_groups,
get_global_offset, get_local_id, get_local_size, get_enqueued_local_size, get_global_size,
get_work_dim, get_global_linear_id and get_local_linear_id. Every record must equal the formula;
a work-item that did not run leaves its record's marker word unwritten.

    compare_ndrange_pocl.py [--only N]

Exit 0: every case matched; 1: a mismatch; 77: Mica is not available (skip).
"""
import argparse
import os
import sys


from pocl_vendors import setup_vendors  # noqa: E402

setup_vendors("mica-ndrange-vendors-")
import numpy as np  # noqa: E402
import pyopencl as cl  # noqa: E402

WORDS = 22  # u32 per work-item record
MARK = 0x600DF00D

SOURCE = """
__kernel void ids(__global uint* out) {
  size_t lin = 0;
  for (int d = get_work_dim() - 1; d >= 0; --d) lin = lin * get_global_size(d) + (get_global_id(d) - get_global_offset(d));
  __global uint* r = out + lin * %d;
  for (uint d = 0; d < 3; ++d) {
    r[0 + d] = (uint)get_global_id(d);
    r[3 + d] = (uint)get_group_id(d);
    r[6 + d] = (uint)get_num_groups(d);
    r[9 + d] = (uint)get_global_offset(d);
    r[12 + d] = (uint)get_local_id(d) | ((uint)get_local_size(d) << 16);
    r[15 + d] = (uint)get_enqueued_local_size(d);
  }
  r[18] = get_work_dim();
  r[19] = (uint)get_global_linear_id();
  r[20] = (uint)get_local_linear_id();
  r[21] = %du;
}
""" % (WORDS, MARK)

LIMIT = 1 << 20
# (global size, local size, global offset or None): each over LIMIT work-items in total.
CASES = [
    ((LIMIT + 7,), (64,), None),                       # 1D, one row split, non-uniform last group
    ((LIMIT + 64,), (64,), (1000,)),                   # 1D uniform with an offset
    # 1D, groups of one work-item: each counts a whole 32-lane wave (job_lanes), so 2^15 groups
    # fill a job and this range is four jobs (2^20 such groups took 18 s here).
    ((3 * (LIMIT // 32) + 5,), (1,), (7,)),
    ((1031, 1024), (16, 16), None),                    # 2D, non-uniform in x
    ((64, (LIMIT // 64) + 5), (8, 8), (3, 70000)),     # 2D, just over in y, non-uniform, offset
    ((32, 32, 1025), (4, 4, 4), None),                 # 3D, just over in z, non-uniform in z
    ((33, 1000, 33), (11, 10, 3), (5, 6, 7)),          # 3D over in all, uniform, offset
    ((40, 40, 700), (8, 8, 8), (1, 2, 3)),             # 3D non-uniform in z, offset
]


def expected(gsize, lsize, offset):
    dims = len(gsize)
    g = list(gsize) + [1] * (3 - dims)
    lo = list(lsize) + [1] * (3 - dims)
    off = list(offset or (0,) * dims) + [0] * (3 - dims)
    n = g[0] * g[1] * g[2]
    lin = np.arange(n, dtype=np.int64)
    idx = [lin % g[0], (lin // g[0]) % g[1], lin // (g[0] * g[1])]
    r = np.zeros((n, WORDS), dtype=np.uint32)
    lid = [None] * 3
    lsz = [None] * 3
    for d in range(3):
        grp = idx[d] // lo[d]
        lid[d] = idx[d] % lo[d]
        ngroups = (g[d] + lo[d] - 1) // lo[d]
        # The last group of a non-uniform NDRange is the remainder (OpenCL 3.0 API 3.2.2).
        lsz[d] = np.where(grp == ngroups - 1, g[d] - (ngroups - 1) * lo[d], lo[d])
        r[:, 0 + d] = idx[d] + off[d]
        r[:, 3 + d] = grp
        r[:, 6 + d] = ngroups
        r[:, 9 + d] = off[d]
        r[:, 12 + d] = lid[d] | (lsz[d] << 16)
        r[:, 15 + d] = lo[d]
    r[:, 18] = dims
    r[:, 19] = lin
    r[:, 20] = lid[0] + lid[1] * lsz[0] + lid[2] * lsz[0] * lsz[1]
    r[:, 21] = MARK
    return r


FIELDS = ["global_id.x", "global_id.y", "global_id.z", "group_id.x", "group_id.y", "group_id.z",
          "num_groups.x", "num_groups.y", "num_groups.z", "global_offset.x", "global_offset.y",
          "global_offset.z", "local_id|size.x", "local_id|size.y", "local_id|size.z", "enqueued_local.x",
          "enqueued_local.y", "enqueued_local.z", "work_dim", "global_linear_id", "local_linear_id", "marker"]


def run(ctx, queue, prog, gsize, lsize, offset):
    n = int(np.prod(gsize))
    host = np.zeros((n, WORDS), dtype=np.uint32)
    buf = cl.Buffer(ctx, cl.mem_flags.READ_WRITE | cl.mem_flags.COPY_HOST_PTR, hostbuf=host)
    prog.ids(queue, gsize, lsize, buf, global_offset=offset)
    cl.enqueue_copy(queue, host, buf)
    queue.finish()
    return host


def compare(name, got, want):
    if np.array_equal(got, want):
        return True
    bad = np.argwhere(got != want)
    item, word = bad[0]
    print(f"  {name}: {len(bad)} words differ; first: work-item {item} {FIELDS[word]}: got {got[item, word]} "
          f"want {want[item, word]}")
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", type=int, default=-1, help="run only case N")
    args = ap.parse_args()
    platforms = cl.get_platforms()
    mica = [p for p in platforms if p.name == "Mica"]
    pocl = [p for p in platforms if "Portable Computing Language" in p.name]
    if not mica:
        print(f"skip: no Mica platform, have {[p.name for p in platforms]}", file=sys.stderr)
        return 77
    if not pocl:
        print("note: PoCL not installed: comparing with the host formula only", file=sys.stderr)
    targets = []
    for p in mica + pocl[:1]:
        ctx = cl.Context(p.get_devices()[:1])
        targets.append((p.name, ctx, cl.CommandQueue(ctx), cl.Program(ctx, SOURCE).build("-cl-std=CL3.0")))
    failures = 0
    for i, (gsize, lsize, offset) in enumerate(CASES):
        if args.only >= 0 and i != args.only:
            continue
        want = expected(gsize, lsize, offset)
        print(f"case {i}: global {gsize} local {lsize} offset {offset}: {want.shape[0]} work-items")
        results = {}
        uniform = all(g % l == 0 for g, l in zip(gsize, lsize))
        for name, ctx, queue, prog in targets:
            if name != "Mica" and not uniform:
                # PoCL 3.1 reports no CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT.
                print(f"  {name}: skipped (non-uniform work-groups)")
                continue
            results[name] = run(ctx, queue, prog, gsize, lsize, offset)
            if not compare(f"{name} vs formula", results[name], want):
                failures += 1
        if len(results) == 2 and not compare("Mica vs PoCL", *results.values()):
            failures += 1
        del results, want
    print(f"{failures} mismatching case(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
