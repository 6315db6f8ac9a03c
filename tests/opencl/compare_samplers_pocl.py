#!/usr/bin/env python3
"""read_image* with every sampler mode on Mica against PoCL (differential test, seeded and bounded).

For each image format below and each image type (1D, 1D array, 2D, 2D array, 3D), random texels
are uploaded to the same image on Mica and on PoCL (both through ocl-icd), and one kernel samples
it at random coordinates with every sampler OpenCL defines (normalized or not x addressing mode x
filter, skipping the combinations OpenCL leaves undefined: REPEAT / MIRRORED_REPEAT with
unnormalized coordinates), with float coordinates and, for the unnormalized nearest samplers,
integer ones. Coordinates stay inside the image for CLK_ADDRESS_NONE (out of range is undefined
there) and reach up to two image sizes outside it for the others.

Results are compared within the format's conversion tolerance: NEAREST exactly (both read the same
texel and convert it exactly: UNORM c / (2^b - 1), SNORM, half, float, integers); LINEAR within
2^-7 of the range (OpenCL lets implementations use fixed-point weights: PoCL's and the unit's
differ in the last bits, and a coordinate within rounding of a texel boundary can pick the
neighbouring texel pair, so the bound is a few weight quanta of 1/256 times the texel range,
relative to the texel values' magnitude). A mismatch prints the case, the coordinate and both
results.

    compare_samplers_pocl.py [--seed N] [--points P] [--time-limit S]

Exit 0: every result matched; 1: a mismatch; 77: PoCL or Mica is not available (skip).
"""
import argparse
import os
import sys
import time


from pocl_vendors import setup_vendors  # noqa: E402

setup_vendors("mica-sampler-vendors-")
import numpy as np  # noqa: E402
import pyopencl as cl  # noqa: E402

ADDRESSING = ["CLK_ADDRESS_NONE", "CLK_ADDRESS_CLAMP_TO_EDGE", "CLK_ADDRESS_CLAMP", "CLK_ADDRESS_REPEAT",
              "CLK_ADDRESS_MIRRORED_REPEAT"]
FILTERS = ["CLK_FILTER_NEAREST", "CLK_FILTER_LINEAR"]

# (channel order, channel type, numpy dtype of one channel, read function, result dtype)
FORMATS = [
    ("RGBA", "UNORM_INT8", np.uint8, "read_imagef", np.float32),
    ("R", "UNORM_INT16", np.uint16, "read_imagef", np.float32),
    ("R", "SNORM_INT8", np.int8, "read_imagef", np.float32),
    ("A", "UNORM_INT8", np.uint8, "read_imagef", np.float32),
    ("RGBA", "FLOAT", np.float32, "read_imagef", np.float32),
    ("RGBA", "HALF_FLOAT", np.float16, "read_imagef", np.float32),
    ("BGRA", "UNORM_INT8", np.uint8, "read_imagef", np.float32),
    ("RGBA", "SIGNED_INT16", np.int16, "read_imagei", np.int32),
    ("R", "UNSIGNED_INT32", np.uint32, "read_imageui", np.uint32),
]
CHANNELS = {"R": 1, "A": 1, "RGBA": 4, "BGRA": 4}
# (PoCL 3.1 has no two-channel formats, so every format here has 1 or 4 channels.)

# image type -> (OpenCL C type, coordinate components, float coordinate type, int coordinate type)
TYPES = {
    "1d": ("image1d_t", 1, "float", "int"),
    "1d_array": ("image1d_array_t", 2, "float2", "int2"),
    "2d": ("image2d_t", 2, "float2", "int2"),
    "2d_array": ("image2d_array_t", 3, "float4", "int4"),
    "3d": ("image3d_t", 3, "float4", "int4"),
}


def samplers():
    for norm in (True, False):
        for a in ADDRESSING:
            if not norm and a in ("CLK_ADDRESS_REPEAT", "CLK_ADDRESS_MIRRORED_REPEAT"):
                continue
            for f in FILTERS:
                yield norm, a, f


def kernel_source(img_type, read_fn, result_type):
    ctype, n, fcoord, icoord = TYPES[img_type]
    lines = []
    names = []
    for i, (norm, a, f) in enumerate(samplers()):
        nc = "CLK_NORMALIZED_COORDS_TRUE" if norm else "CLK_NORMALIZED_COORDS_FALSE"
        lines.append(f"constant sampler_t s{i} = {nc} | {a} | {f};")
        names.append((i, norm, a, f))
    body = []
    pad = {1: "", 2: "", 3: ", 0.0f"}[n]
    ipad = {1: "", 2: "", 3: ", 0"}[n]
    fvec = "c[0]" if n == 1 else f"({fcoord})(" + ", ".join(f"c[{k}]" for k in range(n)) + pad + ")"
    ivec = "(int)c[0]" if n == 1 else f"({icoord})(" + ", ".join(f"(int)c[{k}]" for k in range(n)) + ipad + ")"
    for i, norm, a, f in names:
        body.append(f"  if (which == {i}) r = {read_fn}(img, s{i}, {fvec});")
        if not norm and f == "CLK_FILTER_NEAREST" and a != "CLK_ADDRESS_REPEAT":
            body.append(f"  if (which == {i} + 100) r = {read_fn}(img, s{i}, {ivec});")
    src = "\n".join(lines) + f"""
kernel void sample(read_only {ctype} img, global const float *coords, global {result_type}4 *out, int which) {{
  const size_t g = get_global_id(0);
  global const float *c = coords + 3 * g;
  {result_type}4 r = ({result_type}4)(-7);
{chr(10).join(body)}
  out[g] = r;
}}
"""
    return src, names


def make_image(ctx, order, ctype, img_type, shape, data):
    fmt = cl.ImageFormat(getattr(cl.channel_order, order), getattr(cl.channel_type, ctype))
    mf = cl.mem_flags
    desc_type = {"1d": cl.mem_object_type.IMAGE1D, "1d_array": cl.mem_object_type.IMAGE1D_ARRAY,
                 "2d": cl.mem_object_type.IMAGE2D, "2d_array": cl.mem_object_type.IMAGE2D_ARRAY,
                 "3d": cl.mem_object_type.IMAGE3D}[img_type]
    w, h, d = shape
    if img_type == "1d":
        s = (w,)
    elif img_type in ("1d_array", "2d"):
        s = (w, h)
    else:
        s = (w, h, d)
    is_array = img_type.endswith("array")
    try:
        img = cl.Image(ctx, mf.READ_ONLY | mf.COPY_HOST_PTR, fmt, shape=s, hostbuf=data, is_array=is_array)
    except cl.Error as e:
        raise RuntimeError(f"{ctx.devices[0].platform.name}: {order} {ctype} {img_type} {shape}: {e}")
    assert img.type == desc_type
    return img


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=int(os.environ.get("MICA_SAMPLER_SEED", "1")))
    ap.add_argument("--points", type=int, default=64)
    ap.add_argument("--time-limit", type=float, default=150.0)
    args = ap.parse_args()
    platforms = cl.get_platforms()
    mica = [p for p in platforms if p.name == "Mica"]
    pocl = [p for p in platforms if "Portable Computing Language" in p.name]
    if not mica or not pocl:
        print(f"skip: need Mica and PoCL platforms, have {[p.name for p in platforms]}", file=sys.stderr)
        return 77
    envs = []
    for p in (mica[0], pocl[0]):
        ctx = cl.Context(p.get_devices()[:1])
        envs.append((ctx, cl.CommandQueue(ctx)))
    rng = np.random.default_rng(args.seed)
    start = time.time()
    checked = mismatches = 0
    for order, ctype, dtype, read_fn, rdtype in FORMATS:
        result_type = {np.float32: "float", np.int32: "int", np.uint32: "uint"}[rdtype]
        for img_type in TYPES:
            if time.time() - start > args.time_limit:
                break
            n = TYPES[img_type][1]
            w = int(rng.integers(1, 9))
            h = int(rng.integers(1, 6)) if n >= 2 else 1
            d = int(rng.integers(1, 5)) if n >= 3 else 1
            ch = CHANNELS[order]
            count = w * h * d * ch
            if dtype == np.float32:
                data = rng.uniform(-4, 4, count).astype(np.float32)
            elif dtype == np.float16:
                data = rng.uniform(-4, 4, count).astype(np.float16)
            else:
                info = np.iinfo(dtype)
                data = rng.integers(info.min, info.max, count, endpoint=True).astype(dtype)
            src, names = kernel_source(img_type, read_fn, result_type)
            try:
                imgs = [make_image(ctx, order, ctype, img_type, (w, h, d), data) for ctx, _ in envs]
            except RuntimeError as e:
                if "Portable" not in str(e):
                    raise
                print(f"not compared (PoCL has no such image): {e}")
                continue
            progs = [cl.Program(ctx, src).build() for ctx, _ in envs]
            dims = [w, h, d][:n]
            if img_type == "1d_array":
                dims = [w, h]
            if img_type == "2d_array":
                dims = [w, h, d]
            whichs = []
            for i, norm, a, f in names:
                whichs.append((i, norm, a, f, False))
                if not norm and f == "CLK_FILTER_NEAREST" and a != "CLK_ADDRESS_REPEAT":
                    whichs.append((i + 100, norm, a, f, True))
            for which, norm, a, f, int_coords in whichs:
                if rdtype != np.float32 and f == "CLK_FILTER_LINEAR":
                    continue   # undefined in OpenCL (Mica samples NEAREST: test_images.cpp)
                pts = args.points
                coords = np.zeros((pts, 3), np.float32)
                for k, size in enumerate(dims):
                    layer = img_type.endswith("array") and k == n - 1
                    if int_coords or layer:
                        lo, hi = (0, size - 1) if a == "CLK_ADDRESS_NONE" or layer else (-size, 2 * size)
                        v = rng.integers(lo, hi, pts, endpoint=True).astype(np.float32)
                        if layer and not int_coords:
                            v = v + rng.uniform(-0.4, 0.4, pts).astype(np.float32)
                        if layer and norm and img_type == "2d_array":
                            # PoCL 3.1 scales a 2D array's layer by the layer count when the sampler
                            # normalizes (layer 1 of 3 reads layer 2); OpenCL never normalizes
                            # layers. Layer 0 is where both agree; test_images.cpp checks the
                            # others on Mica against exact values.
                            v[:] = 0
                    else:
                        lo, hi = (0.0, float(size)) if a == "CLK_ADDRESS_NONE" else (-2.0 * size, 3.0 * size)
                        v = rng.uniform(lo, hi, pts).astype(np.float32)
                        if a == "CLK_ADDRESS_NONE" and f == "CLK_FILTER_LINEAR":
                            v = np.clip(v, 0.5, max(0.5, size - 0.5)).astype(np.float32)
                        if norm:   # (array layers are never normalized)
                            v = (v / size).astype(np.float32)
                    coords[:, k] = v
                outs = []
                for (ctx, q), prog, img in zip(envs, progs, imgs):
                    cb = cl.Buffer(ctx, cl.mem_flags.READ_ONLY | cl.mem_flags.COPY_HOST_PTR, hostbuf=coords)
                    ob = cl.Buffer(ctx, cl.mem_flags.WRITE_ONLY, pts * 16)
                    prog.sample(q, (pts,), None, img, cb, ob, np.int32(which))
                    o = np.empty((pts, 4), rdtype)
                    cl.enqueue_copy(q, o, ob)
                    outs.append(o)
                got, ref = outs
                if order in ("R", "RG"):
                    # OpenCL 3.0 5.8.1: CL_R and CL_RG have alpha 1, also the CLK_ADDRESS_CLAMP border
                    # colour (0, 0, 0, 1); PoCL 3.1 returns alpha 0 outside the image. The spec decides.
                    ref[:, 3] = 1
                if rdtype == np.float32:
                    if f == "CLK_FILTER_LINEAR":
                        scale = max(1.0, float(np.max(np.abs(data.astype(np.float32)))))
                        tol = scale * 2.0 ** -7
                    else:
                        # Normalized-integer conversion may be off by 1.5 ulp (OpenCL 3.0 8.3.1.1):
                        # Mica divides exactly, PoCL multiplies by the reciprocal.
                        tol = np.abs(ref) * 2.0 ** -22
                    bad = ~((np.abs(got - ref) <= tol) | (np.isnan(got) & np.isnan(ref)))
                else:
                    bad = got != ref
                checked += 1
                if bad.any():
                    mismatches += 1
                    k = int(np.argwhere(bad.any(axis=1))[0][0])
                    print(f"MISMATCH {order} {ctype} {img_type} {w}x{h}x{d} sampler normalized={norm} {a} {f}"
                          f"{' int coords' if int_coords else ''}: coord {coords[k]} Mica {got[k]} PoCL {ref[k]}"
                          f" ({int(bad.any(axis=1).sum())} of {pts} points differ)")
    print(f"compare_samplers_pocl: seed {args.seed}, {checked} (format, type, sampler) cases, {mismatches} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
