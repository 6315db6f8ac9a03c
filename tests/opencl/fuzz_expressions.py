#!/usr/bin/env python3
"""Random OpenCL C expressions on Mica against PoCL (differential test, seeded and bounded).

Each round builds one program of many small kernels; every kernel evaluates one random expression
tree over three input buffers of one scalar or vector type (char ... ulong, float; widths 1, 2, 3,
4, 8, 16) for every work-item, on Mica and on PoCL (both through ocl-icd), and the outputs are
compared: integers exactly, floats exactly for the correctly rounded operations they use (+ - *
fma min max floor ...; contraction is off, so PoCL and Mica round the same way), with NaN equal
to NaN and +0 equal to -0. Division and sqrt, which OpenCL lets round within 2.5 and 3 ulp, only
appear at the root of a float kernel whose operands are written out too; their result is checked
against the correctly rounded quotient (root) of those operands within the bound.

Expressions have no undefined behaviour: signed +, -, * wrap through the unsigned type, division
and remainder get a divisor that cannot be 0 (or -1 with the minimum), shift counts are those
OpenCL masks. A mismatch prints the kernel source, its inputs and both outputs.

    fuzz_expressions.py [--seed N] [--rounds R] [--kernels K] [--items N] [--time-limit S]

Exit 0: every output matched; 1: a mismatch; 77: PoCL or Mica is not available (skip).
"""
import argparse
import os
import random
import sys
import time


from pocl_vendors import setup_vendors  # noqa: E402

setup_vendors("mica-fuzz-vendors-")
os.environ["PYOPENCL_NO_CACHE"] = "1"  # build from source every time (pyopencl would reuse binaries)
import numpy as np  # noqa: E402
import pyopencl as cl  # noqa: E402

INT_TYPES = {  # name: (numpy dtype, bits, signed)
    "char": (np.int8, 8, True), "uchar": (np.uint8, 8, False),
    "short": (np.int16, 16, True), "ushort": (np.uint16, 16, False),
    "int": (np.int32, 32, True), "uint": (np.uint32, 32, False),
    "long": (np.int64, 64, True), "ulong": (np.uint64, 64, False),
}
WIDTHS = [1, 2, 3, 4, 8, 16]


def unsigned_of(t):
    return t if t.startswith("u") else "u" + t


class Gen:
    """One random expression of type T (a scalar or vector type name) over a, b, c."""

    def __init__(self, rng, elem, width):
        self.rng, self.elem, self.width = rng, elem, width
        self.T = elem + (str(width) if width > 1 else "")
        self.is_float = elem == "float"
        if not self.is_float:
            self.UT = unsigned_of(elem) + (str(width) if width > 1 else "")
            self.bits = INT_TYPES[elem][1]
            self.signed = INT_TYPES[elem][2]

    def const(self):
        r = self.rng
        if self.is_float:
            v = r.choice([0.0, 1.0, -1.0, 0.5, 2.0, 3.25, -7.5, 1e-3, 1e30, -1e-30, 65536.0])
            return f"(({self.T})({v!r}f))"
        v = r.choice([0, 1, 2, 3, 7, 31, 63, 127, 255, 1 << (self.bits - 1), (1 << self.bits) - 1, r.getrandbits(self.bits)])
        if self.signed and v >= 1 << (self.bits - 1):
            v -= 1 << self.bits
        suffix = "ul" if not self.signed and self.bits == 64 else ("l" if self.bits == 64 else ("u" if not self.signed else ""))
        if self.signed and v == -(1 << (self.bits - 1)) and self.bits >= 32:
            lit = f"({v + 1}{suffix} - 1)"
        else:
            lit = f"{v}{suffix}"
        return f"(({self.T})({self.elem})({lit}))"

    def wrap(self, expr):
        """Unsigned arithmetic result back in T (convert_ keeps vectors and promoted scalars)."""
        return f"as_{self.T}(convert_{self.UT}({expr}))"

    def expr(self, depth):
        r = self.rng
        if depth <= 0 or r.random() < 0.2:
            return r.choice(["a", "b", "c", "a", "b", self.const()])
        x, y, z = (lambda: self.expr(depth - 1)), (lambda: self.expr(depth - 1)), (lambda: self.expr(depth - 1))
        if self.is_float:
            ops = [
                lambda: f"({x()} + {y()})", lambda: f"({x()} - {y()})", lambda: f"({x()} * {y()})",
                lambda: f"fma({x()}, {y()}, {z()})", lambda: f"fmin({x()}, {y()})", lambda: f"fmax({x()}, {y()})",
                lambda: f"fabs({x()})", lambda: f"floor({x()})", lambda: f"ceil({x()})", lambda: f"trunc({x()})",
                lambda: f"rint({x()})", lambda: f"copysign({x()}, {y()})", lambda: f"(-{x()})",
                lambda: f"(({x()} < {y()}) ? {z()} : {x()})", lambda: f"(({x()} != {y()}) ? {y()} : {z()})",
                lambda: f"select({x()}, {y()}, isgreater({z()}, {x()}))",
                lambda: f"fdim({x()}, {y()})", lambda: f"ldexp({x()}, 3)",
            ]
            return r.choice(ops)()
        U = self.UT
        mask = self.bits - 1
        ops = [
            lambda: self.wrap(f"as_{U}({x()}) + as_{U}({y()})"),
            lambda: self.wrap(f"as_{U}({x()}) - as_{U}({y()})"),
            lambda: self.wrap(f"as_{U}({x()}) * as_{U}({y()})"),
            lambda: self.wrap(f"as_{U}({x()}) / (as_{U}({y()}) | ({U})1)"),
            lambda: self.wrap(f"as_{U}({x()}) % (as_{U}({y()}) | ({U})1)"),
            lambda: f"({x()} / (({y()} & ({self.T})0x3f) + ({self.T})1))",
            lambda: f"({x()} % (({y()} & ({self.T})0x3f) + ({self.T})1))",
            lambda: f"({x()} & {y()})", lambda: f"({x()} | {y()})", lambda: f"({x()} ^ {y()})", lambda: f"(~{x()})",
            lambda: f"({x()} >> ({y()} & ({self.T}){mask}))",
            lambda: self.wrap(f"as_{U}({x()}) << (as_{U}({y()}) & ({U}){mask})"),
            lambda: f"({x()} >> {y()})" if self.width > 1 else f"({x()} >> ({y()} & ({self.T}){mask}))",
            lambda: f"min({x()}, {y()})", lambda: f"max({x()}, {y()})",
            lambda: f"clamp({x()}, min({y()}, {z()}), max({y()}, {z()}))",
            # abs and abs_diff of the minimum: PoCL 3.1 computes hadd(as_int(abs(INT_MIN)), c) as
            # if abs gave +2^31, and abs_diff(0L, LONG_MIN) as 1 (it is 2^63); Mica is right in
            # both, so the operands stay away from the minimum (x | 1)
            lambda: f"as_{self.T}(abs(({self.T})({x()} | ({self.T})1)))", lambda: f"as_{self.T}(abs_diff(({self.T})({x()} | ({self.T})1), ({self.T})({y()} | ({self.T})1)))",
            lambda: f"add_sat({x()}, {y()})", lambda: f"sub_sat({x()}, {y()})",
            lambda: f"hadd({x()}, {y()})", lambda: f"rhadd({x()}, {y()})", lambda: f"mul_hi({x()}, {y()})",
            lambda: f"mad_hi({x()}, {y()}, {z()})", lambda: f"mad_sat({x()}, {y()}, {z()})",
            lambda: f"rotate({x()}, {y()})", lambda: f"clz({x()})", lambda: f"popcount({x()})",
            lambda: f"bitselect({x()}, {y()}, {z()})", lambda: f"select({x()}, {y()}, {z()})",
            lambda: f"(({x()} < {y()}) ? {z()} : {x()})", lambda: f"(({x()} == {y()}) ? {y()} : {z()})",
            lambda: f"(({x()} >= {y()}) ? {x()} : {z()})",
        ]
        if self.width == 1:
            ops.append(lambda: f"(({x()} && {y()}) || !{z()})")
            # C promotes char/short (and mixes int results in): every scalar result back to T
            return f"(({self.T})({r.choice(ops)()}))"
        return r.choice(ops)()


def random_inputs(rng, elem, count):
    if elem == "float":
        special = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-40, -1e-45, 3.4e38, 0.5, 1.5, 2.5,
                            -2.5, 1e-7, 16777217.0], dtype=np.float32)
        v = (rng.standard_normal(count) * np.float32(10.0) ** rng.integers(-3, 4, count)).astype(np.float32)
        pick = rng.random(count) < 0.25
        v[pick] = special[rng.integers(0, len(special), pick.sum())]
        return v
    dt, bits, signed = INT_TYPES[elem]
    info = np.iinfo(dt)
    v = rng.integers(info.min, info.max, count, dtype=dt, endpoint=True)
    edges = np.array([0, 1, info.max, info.min, -1 if signed else info.max - 1, 2, info.max // 2 + 1], dtype=dt)
    pick = rng.random(count) < 0.3
    v[pick] = edges[rng.integers(0, len(edges), pick.sum())]
    return v


def storage_lanes(width):
    return 4 if width == 3 else width  # a 3-element vector occupies 4 in a buffer


def make_round(rng, pyrng, kernels, depth):
    cases, src = [], ["#pragma OPENCL FP_CONTRACT OFF\n"]
    for k in range(kernels):
        elem = pyrng.choice(list(INT_TYPES) + ["float", "float"])
        width = pyrng.choice(WIDTHS)
        g = Gen(pyrng, elem, width)
        name = f"f{k}"
        e = g.expr(depth)
        root = None
        if g.is_float and pyrng.random() < 0.3:
            root = pyrng.choice(["div", "sqrt"])
        if root is None:
            body = f"  o[i] = {e};\n"
        else:
            e2 = g.expr(depth - 1)
            body = f"  {g.T} p = {e};\n  {g.T} q = {e2};\n  o[i] = p; o2[i] = q;\n"
            body += f"  o3[i] = {'p / q' if root == 'div' else 'sqrt(p)'};\n"
        src.append(f"__kernel void {name}(__global const {g.T}* A, __global const {g.T}* B, __global const {g.T}* C, "
                   f"__global {g.T}* o, __global {g.T}* o2, __global {g.T}* o3) {{\n"
                   f"  size_t i = get_global_id(0);\n  {g.T} a = A[i], b = B[i], c = C[i];\n{body}}}\n")
        cases.append((name, elem, width, root, src[-1]))
    return "".join(src), cases


def run_all(ctx, queue, prog, cases, inputs, items):
    mf = cl.mem_flags
    results = []
    for (name, elem, width, root, _), ins in zip(cases, inputs):
        bufs = [cl.Buffer(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, hostbuf=x) for x in ins]
        outs = [np.zeros_like(ins[0]) for _ in range(3)]
        obufs = [cl.Buffer(ctx, mf.READ_WRITE | mf.COPY_HOST_PTR, hostbuf=o) for o in outs]
        try:
            getattr(prog, name)(queue, (items,), None, *bufs, *obufs)
            for o, b in zip(outs, obufs):
                cl.enqueue_copy(queue, o, b)
            queue.finish()
        except cl.RuntimeError as e:  # a kernel that does not run: reported with its source
            print(f"{name} failed on {ctx.devices[0].platform.name}: {e}")
            outs = None
        results.append(outs)
    return results


def float_equal(x, y):
    both_nan = np.isnan(x) & np.isnan(y)
    return both_nan | (x == y)  # +0 == -0


def ulp_error(got, p, q, root):
    """|got - correctly rounded result| in ulps of the result (None where the check does not apply)."""
    with np.errstate(all="ignore"):
        exact = (p.astype(np.float64) / q.astype(np.float64)) if root == "div" else np.sqrt(p.astype(np.float64))
        ref = exact.astype(np.float32)
        spacing = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
        err = np.abs(got.astype(np.float64) - exact) / spacing
    special = ~np.isfinite(ref) | ~np.isfinite(got) | (ref == 0) | (np.abs(ref) < np.float32(1.1754944e-38))
    ok_special = float_equal(got, ref) | (np.isnan(got) & np.isnan(ref))
    return np.where(special, np.where(ok_special, 0.0, np.inf), err)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=int(os.environ.get("MICA_FUZZ_SEED", "1")))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--kernels", type=int, default=24)
    ap.add_argument("--items", type=int, default=48)
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--time-limit", type=float, default=240.0, help="stop starting rounds after this many seconds")
    args = ap.parse_args()

    platforms = cl.get_platforms()
    mica = [p for p in platforms if p.name == "Mica"]
    pocl = [p for p in platforms if "Portable Computing Language" in p.name or "pocl" in p.name.lower()]
    if not mica or not pocl:
        print(f"skip: need Mica and PoCL platforms, have {[p.name for p in platforms]}", file=sys.stderr)
        return 77
    ctxs = [cl.Context(p.get_devices()[:1]) for p in (mica[0], pocl[0])]
    queues = [cl.CommandQueue(c) for c in ctxs]
    pyrng = random.Random(args.seed)
    nprng = np.random.default_rng(args.seed)
    start, checked, failures = time.time(), 0, 0
    for rnd in range(args.rounds):
        if time.time() - start > args.time_limit:
            print(f"time limit: stopping after {rnd} rounds")
            break
        src, cases = make_round(nprng, pyrng, args.kernels, args.depth)
        inputs = []
        for (_, elem, width, _, _) in cases:
            n = args.items * storage_lanes(width)
            inputs.append([random_inputs(nprng, elem, n) for _ in range(3)])
        progs = []
        for ctx in ctxs:
            try:
                progs.append(cl.Program(ctx, src).build(options="-cl-std=CL1.2"))
            except cl.RuntimeError as e:
                print(f"round {rnd}: build failed on {ctx.devices[0].platform.name}:\n{e}\n--- source ---\n{src}")
                return 1
        mica_out = run_all(ctxs[0], queues[0], progs[0], cases, inputs, args.items)
        ref_out = run_all(ctxs[1], queues[1], progs[1], cases, inputs, args.items)
        for case, ins, got, ref in zip(cases, inputs, mica_out, ref_out):
            name, elem, width, root, ksrc = case
            lanes = storage_lanes(width)
            live = np.ones(args.items * lanes, dtype=bool)
            if width == 3:
                live[3::4] = False  # the padding lane of a 3-element vector is not written by its value
            bad = None
            checked += 1
            if got is None or ref is None:
                failures += 1
                print(f"FAILED seed {args.seed} round {rnd} kernel {name}: it did not run\n{ksrc}")
                continue
            if elem != "float":
                cmp = got[0] == ref[0]
                if not np.all(cmp[live]):
                    bad = np.nonzero(~cmp & live)[0]
            else:
                nouts = 1 if root is None else 2
                for o in range(nouts):
                    cmp = float_equal(got[o], ref[o])
                    if not np.all(cmp[live]):
                        bad = np.nonzero(~cmp & live)[0]
                        break
                if bad is None and root is not None:
                    err = ulp_error(got[2], got[0], got[1], root)
                    bound = 2.5 if root == "div" else 3.0
                    over = (err > bound) & live
                    if np.any(over):
                        bad = np.nonzero(over)[0]
                        print(f"{name}: {root} off by {err[bad[0]]:.2f} ulp (bound {bound})")
            if bad is not None:
                failures += 1
                i = int(bad[0])
                print(f"MISMATCH seed {args.seed} round {rnd} kernel {name} ({elem}, width {width}) element {i}:")
                print(ksrc)
                print(f"  a={ins[0][i]!r} b={ins[1][i]!r} c={ins[2][i]!r}")
                print(f"  mica={[g[i] for g in got]} pocl={[r[i] for r in ref]}")
                print(f"  {len(bad)} of {int(live.sum())} elements differ")
        print(f"round {rnd}: {len(cases)} kernels checked, {failures} mismatching so far ({time.time() - start:.1f} s)")
    print(f"fuzz_expressions: seed {args.seed}, {checked} kernels, {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
