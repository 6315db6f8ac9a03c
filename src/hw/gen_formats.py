#!/usr/bin/env python3
"""Generates mica_formats.h from mica_formats.toml: the texel layout of every format Mica's image
memory holds, as an X-macro list the drivers expand (the Vulkan driver maps each name to
VK_FORMAT_<name>, so a misspelt name fails to compile there).

Every entry is checked here: the component widths add up to the texel size, the channels named in
the format's name are the components listed (in name order for unpacked formats, reversed for
packed ones, which Vulkan names from the most significant bit), and the numeric type matches."""
import argparse
import re
import sys
import tomllib

NUMERIC = ["UNORM", "SNORM", "USCALED", "SSCALED", "UINT", "SINT", "SFLOAT", "SRGB", "UFLOAT"]
CHANNEL = {"R": 0, "G": 1, "B": 2, "A": 3, "E": 4}  # E: the shared exponent of E5B9G9R9
# Depth and stencil formats: the texture unit reads D and S in R (a depth/stencil view is
# single-component); X is unused padding (X8_D24), counted in the layout but not a component.
ASPECT_CHANNEL = {"D": 0, "S": 0}


def fail(msg):
    sys.exit(f"gen_formats.py: {msg}")


# Block-compressed formats (docs/hw/texture.md, "Block-compressed formats"): the texture unit
# decodes one texel out of a 4x4 block of 'bytes' bytes. compression: the decoder; channels: the
# channels the block holds.
COMPRESSION = {"BC1": 8, "BC2": 16, "BC3": 16, "BC4": 8, "BC5": 16, "BC6H": 16, "BC7": 16}
COMPRESSED_NUMERIC = ["UNORM", "SNORM", "SRGB", "UFLOAT", "SFLOAT"]
# What each block holds and how its values read (BC6H: RGB half floats, unsigned or signed).
COMPRESSED_CHANNELS = {"BC1": ("RGB", "RGBA"), "BC2": ("RGBA",), "BC3": ("RGBA",), "BC4": ("R",), "BC5": ("RG",),
                       "BC6H": ("RGB",), "BC7": ("RGBA",)}
COMPRESSED_NUMERICS = {"BC1": ("UNORM", "SRGB"), "BC2": ("UNORM", "SRGB"), "BC3": ("UNORM", "SRGB"),
                       "BC4": ("UNORM", "SNORM"), "BC5": ("UNORM", "SNORM"), "BC6H": ("UFLOAT", "SFLOAT"),
                       "BC7": ("UNORM", "SRGB")}


def check_compressed(fmt):
    name = fmt.get("name", "?")
    for key in ("name", "bytes", "numeric", "compression", "channels"):
        if key not in fmt:
            fail(f"format {name}: missing '{key}'")
    kind = fmt["compression"]
    if kind not in COMPRESSION:
        fail(f"format {name}: compression '{kind}' is not one of {list(COMPRESSION)}")
    if fmt["bytes"] != COMPRESSION[kind]:
        fail(f"format {name}: a {kind} block is {COMPRESSION[kind]} bytes, not {fmt['bytes']}")
    if fmt["numeric"] not in COMPRESSED_NUMERIC:
        fail(f"format {name}: numeric '{fmt['numeric']}' is not one of {COMPRESSED_NUMERIC}")
    m = re.fullmatch(r"(BC[1-7]H?)_(?:([RGBA]+)_)?([A-Z]+)_BLOCK", name)
    if not m or m.group(1) != kind or m.group(3) != fmt["numeric"]:
        fail(f"format {name}: name is not {kind}_[channels_]{fmt['numeric']}_BLOCK")
    channels = fmt["channels"]
    if channels not in ("R", "RG", "RGB", "RGBA") or (m.group(2) and m.group(2) != channels):
        fail(f"format {name}: channels '{channels}' disagree with the name")
    want = COMPRESSED_CHANNELS[kind]
    numerics = COMPRESSED_NUMERICS[kind]
    if channels not in want or fmt["numeric"] not in numerics:
        fail(f"format {name}: {kind} holds {' or '.join(want)} as {' or '.join(numerics)}")
    # Each present channel as a nominal 8-bit component (the unit substitutes the others).
    return [(CHANNEL[c], 8, 0) for c in channels]


def check(fmt):
    name = fmt.get("name", "?")
    if "compression" in fmt:
        return check_compressed(fmt)
    for key in ("name", "bytes", "numeric", "components"):
        if key not in fmt:
            fail(f"format {name}: missing '{key}'")
    if fmt["numeric"] not in NUMERIC:
        fail(f"format {name}: numeric '{fmt['numeric']}' is not one of {NUMERIC}")
    # Vulkan spells the padded depth format X8_D24_...: its components are one group like the others.
    m = re.fullmatch(r"((?:[RGBAEDSX]\d+)+)_([A-Z]+)(?:_PACK(\d+))?", name.replace("X8_D24", "X8D24"))
    if not m:
        fail(f"format {name}: name is not <components>_<numeric>[_PACKn]")
    if m.group(2) != fmt["numeric"]:
        fail(f"format {name}: numeric '{fmt['numeric']}' disagrees with the name")
    named = re.findall(r"[RGBAEDSX]\d+", m.group(1))
    packed = m.group(3) is not None
    if packed and int(m.group(3)) != 8 * fmt["bytes"]:
        fail(f"format {name}: PACK{m.group(3)} but {fmt['bytes']} bytes")
    expect = list(reversed(named)) if packed else named
    if fmt["components"] != expect:
        fail(f"format {name}: components {fmt['components']} should be {expect} (from the least significant bit)")
    comps = []
    offset = 0
    letters = {c[0] for c in fmt["components"]}
    if letters & {"D", "S", "X"}:
        # A depth or stencil format: one D or S component (the other aspect of a combined
        # format lives in a plane of its own, see docs/hw/texture.md), optional X padding.
        aspect = letters - {"X"}
        want = {"D": ("UNORM", "SFLOAT"), "S": ("UINT",)}
        if len(aspect) != 1 or not aspect <= {"D", "S"} or fmt["numeric"] not in want[next(iter(aspect))]:
            fail(f"format {name}: a depth/stencil format has one D (UNORM/SFLOAT) or S (UINT) component and X padding")
    for c in fmt["components"]:
        bits = int(c[1:])
        if c[0] == "X":
            offset += bits  # padding: part of the texel, not a component
            continue
        if not packed and bits % 8:
            fail(f"format {name}: unpacked component {c} is not whole bytes")
        if fmt["numeric"] == "SFLOAT" and bits not in (16, 32, 64):
            fail(f"format {name}: float component {c} is not 16, 32 or 64 bits")
        shared = "E5" in fmt["components"]
        if c[0] == "E" and (c != "E5" or fmt["numeric"] != "UFLOAT"):
            fail(f"format {name}: a shared exponent is a 5-bit E5 of a UFLOAT format")
        if fmt["numeric"] == "UFLOAT" and not shared and bits not in (10, 11):
            fail(f"format {name}: unsigned float component {c} is not 10 or 11 bits (5-bit exponent)")
        if shared and c[0] != "E" and bits != 9:
            fail(f"format {name}: a shared-exponent mantissa {c} is not 9 bits")
        comps.append((ASPECT_CHANNEL.get(c[0], CHANNEL.get(c[0])), bits, offset))
        offset += bits
    if offset != 8 * fmt["bytes"]:
        fail(f"format {name}: components add up to {offset} bits, not {8 * fmt['bytes']}")
    if len({c[0] for c in comps}) != len(comps):
        fail(f"format {name}: a channel appears twice")
    return comps


def result_class(fmt):
    """What the texture unit returns in registers for this format (the conversion rules of
    docs/hw/texture.md): UINT/SINT formats give integers, everything else f32 (or f64 / 64-bit
    integers for 64-bit components)."""
    return {"UINT": "UINT", "SINT": "SINT"}.get(fmt["numeric"], "FLOAT")


def emit_tables(formats):
    """A C table of every format (index = position in mica_formats.toml = the FORMAT field of an
    image descriptor) for the device model and the drivers."""
    o = ["/* Index of each format in mica_texel_formats (the FORMAT field of an image descriptor). */",
         "enum mica_texel_format {"]
    for i, fmt in enumerate(formats):
        o.append(f"\tMICA_TEXEL_FORMAT_{fmt['name']} = {i},")
    o += ["};", "",
          "enum mica_texel_class { MICA_TEXEL_CLASS_FLOAT = 0, MICA_TEXEL_CLASS_UINT = 1, MICA_TEXEL_CLASS_SINT = 2 };",
          "enum mica_compression { " + ", ".join(f"MICA_COMPRESSION_{c} = {i}" for i, c in enumerate(["NONE"] + list(COMPRESSION))) + " };",
          "enum mica_texel_flag {",
          "\tMICA_TEXEL_PACKED = 1u << 0,   /* components are bit fields of one little-endian word */",
          "\tMICA_TEXEL_SRGB = 1u << 1,     /* R, G, B are sRGB-encoded (A is linear) */",
          "\tMICA_TEXEL_64BIT = 1u << 2,    /* 64-bit components: registers hold R and G as pairs */",
          "\tMICA_TEXEL_HAS_ALPHA = 1u << 3,",
          "\tMICA_TEXEL_SHARED_EXP = 1u << 4, /* E5B9G9R9: 9-bit mantissas with a shared 5-bit exponent */",
          "\tMICA_TEXEL_ATOMIC = 1u << 5,   /* R32_UINT / R32_SINT / R32_SFLOAT: image atomics allowed */",
          "\tMICA_TEXEL_DEPTH = 1u << 6,    /* a depth format (D in R): the depth plane of an image */",
          "\tMICA_TEXEL_STENCIL = 1u << 7,  /* a stencil format (S in R): the stencil plane of an image */",
          "\tMICA_TEXEL_COMPRESSED = 1u << 8, /* 4x4 blocks of 'bytes' bytes, decoded by 'compression' */",
          "};",
          "struct mica_texel_component {",
          "\tuint8_t channel; /* 0 R, 1 G, 2 B, 3 A, 4 shared exponent */",
          "\tuint8_t bits;",
          "\tuint8_t offset; /* bit offset from the texel's least significant bit */",
          "};",
          "struct mica_texel_format_info {",
          "\tconst char *name;",
          "\tuint8_t bytes;",
          "\tuint8_t numeric; /* enum mica_numeric */",
          "\tuint8_t result;  /* enum mica_texel_class */",
          "\tuint8_t count;   /* components */",
          "\tuint32_t flags;  /* enum mica_texel_flag */",
          "\tstruct mica_texel_component comp[4]; /* compressed: the channels the block holds (nominal 8 bits) */",
          "\tuint8_t block_width, block_height; /* texels per block: 1 x 1, compressed 4 x 4 */",
          "\tuint8_t compression; /* enum mica_compression */",
          "};",
          "static const struct mica_texel_format_info mica_texel_formats[MICA_FORMAT_COUNT] __attribute__((unused)) = {"]
    for fmt in formats:
        comps = check(fmt)
        flags = []
        if fmt["name"].endswith(("_PACK8", "_PACK16", "_PACK32")):
            flags.append("MICA_TEXEL_PACKED")
        if fmt["numeric"] == "SRGB":
            flags.append("MICA_TEXEL_SRGB")
        if any(b == 64 for _, b, _ in comps):
            flags.append("MICA_TEXEL_64BIT")
        if any(c == 3 for c, _, _ in comps):
            flags.append("MICA_TEXEL_HAS_ALPHA")
        if any(c == 4 for c, _, _ in comps):
            flags.append("MICA_TEXEL_SHARED_EXP")
        if fmt["name"] in ("R32_UINT", "R32_SINT", "R32_SFLOAT"):
            flags.append("MICA_TEXEL_ATOMIC")
        compressed = "compression" in fmt
        if compressed:
            flags.append("MICA_TEXEL_COMPRESSED")
        if any(c.startswith("D") for c in fmt.get("components", [])):
            flags.append("MICA_TEXEL_DEPTH")
        if any(c.startswith("S") for c in fmt.get("components", [])):
            flags.append("MICA_TEXEL_STENCIL")
        padded = comps + [(0, 0, 0)] * (4 - len(comps))
        cs = ", ".join(f"{{ {c}, {b}, {off} }}" for c, b, off in padded)
        o.append(f'\t{{ "{fmt["name"]}", {fmt["bytes"]}, MICA_NUMERIC_{fmt["numeric"]}, '
                 f'MICA_TEXEL_CLASS_{result_class(fmt)}, {len(comps)}, {" | ".join(flags) or "0"}, {{ {cs} }}, '
                 f'{4 if compressed else 1}, {4 if compressed else 1}, MICA_COMPRESSION_{fmt.get("compression", "NONE")} }},')
    o += ["};", ""]
    return o


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--toml", required=True)
    ap.add_argument("--header", required=True)
    args = ap.parse_args()
    with open(args.toml, "rb") as f:
        formats = tomllib.load(f).get("format", [])
    if not formats:
        fail("no [[format]] entries")
    seen = set()
    lines = [
        "/* Generated by src/hw/gen_formats.py from src/hw/mica_formats.toml: do not edit. */",
        "#ifndef MICA_FORMATS_H",
        "#define MICA_FORMATS_H",
        "",
        "#ifdef __KERNEL__",
        "#include <linux/types.h>",
        "#else",
        "#include <stdint.h>",
        "#endif",
        "",
        "enum mica_numeric {" + ", ".join(f"MICA_NUMERIC_{n}" for n in NUMERIC) + "};",
        "",
        "/* MICA_FORMATS(X): X(name, bytes, numeric, component count,",
        " *   then for 4 components: channel (0 R, 1 G, 2 B, 3 A, 4 the shared exponent of a UFLOAT",
        " *   format whose other components are its 9-bit mantissas), bits, bit offset from the texel's LSB;",
        " *   unused components are 0, 0, 0; a block-compressed format has none: 'bytes' is its block). */",
        "#define MICA_FORMAT_COUNT %d" % len(formats),
        "#define MICA_FORMATS(X) \\",
    ]
    for fmt in formats:
        comps = check(fmt)
        if fmt["name"] in seen:
            fail(f"format {fmt['name']} listed twice")
        seen.add(fmt["name"])
        if "compression" in fmt:
            comps = []  # a block, not a texel of bit fields
        padded = comps + [(0, 0, 0)] * (4 - len(comps))
        flat = ", ".join(f"{c}, {b}, {o}" for c, b, o in padded)
        lines.append(f"  X({fmt['name']}, {fmt['bytes']}, MICA_NUMERIC_{fmt['numeric']}, {len(comps)}, {flat}) \\")
    lines += [""]
    lines += emit_tables(formats)
    lines += ["#endif", ""]
    with open(args.header, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
