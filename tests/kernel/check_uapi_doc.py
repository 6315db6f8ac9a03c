#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""docs/uapi.md is checked against the uapi header (kernel/include/uapi/drm/mica_drm.h):
every ioctl number is documented under its name with the same number, the numbers are dense
from 0 (append-only: none is ever reused or skipped), each has its DRM_IOCTL_MICA_* with its
own struct, and the field lists the headings give are the struct's members in order. A number
whose ioctl left the uapi stays as DRM_MICA_RETIRED_<NAME>: documented as retired, with no
DRM_IOCTL_MICA_* of either name.

    check_uapi_doc.py HEADER DOC
"""
import re
import sys


def struct_fields(header, name):
    m = re.search(r"struct %s \{(.*?)\n\};" % re.escape(name), header, re.S)
    if not m:
        return None
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    fields = []
    for decl in body.split(";"):
        decl = decl.strip()
        if not decl:
            continue
        fm = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*(\[[^\]]*\])?$", decl)
        if fm:
            fields.append(fm.group(1))
    return fields


def main():
    header = open(sys.argv[1]).read()
    doc = open(sys.argv[2]).read()
    errors = []
    numbers = {}
    for name, num in re.findall(r"#define DRM_MICA_([A-Z_]+)\s+(0x[0-9a-fA-F]+)\b", header):
        if name != "IOCTL_COUNT":
            numbers[name] = int(num, 16)
    count = int(re.search(r"#define DRM_MICA_IOCTL_COUNT\s+(0x[0-9a-fA-F]+)", header).group(1), 16)
    if sorted(numbers.values()) != list(range(count)):
        errors.append("ioctl numbers are not exactly 0..%d: %s" % (count - 1, sorted(numbers.values())))

    # "NAME (0xNN) `{a, b, c}`" or "NAME (0xNN) `struct drm_mica_x ...`" in ### headings.
    documented = {}
    for heading in re.findall(r"^### (.*)$", doc, re.M):
        for name, num, rest in re.findall(r"([A-Z_]+) \((0x[0-9a-fA-F]+)\)\s*(`[^`]*`)?", heading):
            documented[name] = (int(num, 16), rest.strip("`") if rest else "")
    for name, num in sorted(numbers.items(), key=lambda kv: kv[1]):
        if name not in documented:
            errors.append("DRM_MICA_%s (0x%02x) is not documented in docs/uapi.md" % (name, num))
            continue
        if documented[name][0] != num:
            errors.append("%s is 0x%02x in the header, 0x%02x in docs/uapi.md" % (name, num, documented[name][0]))
        if name.startswith("RETIRED_"):
            for old in (name, name[len("RETIRED_"):]):
                if re.search(r"#define DRM_IOCTL_MICA_%s\b" % old, header):
                    errors.append("retired number %s still has DRM_IOCTL_MICA_%s" % (name, old))
            continue
        # The definition may continue on the next line (kernel style keeps lines within 100 columns).
        ioctl = re.search(r"#define DRM_IOCTL_MICA_%s(?:\s|\\\n)+DRM_IOWR\(DRM_COMMAND_BASE \+ DRM_MICA_%s, struct (drm_mica_[a-z_]+)\)"
                          % (name, name), header)
        if not ioctl:
            errors.append("no DRM_IOCTL_MICA_%s = DRM_IOWR(DRM_COMMAND_BASE + DRM_MICA_%s, struct ...)" % (name, name))
            continue
        shape = documented[name][1]
        if shape.startswith("{"):
            doc_fields = [f.split(":")[0].strip() for f in shape.strip("{}").split(",")]
            fields = struct_fields(header, ioctl.group(1))
            if fields is None:
                errors.append("struct %s not found" % ioctl.group(1))
            elif doc_fields != fields:
                errors.append("%s: docs/uapi.md says {%s}, struct %s is {%s}"
                              % (name, ", ".join(doc_fields), ioctl.group(1), ", ".join(fields)))
    for name in documented:
        if name not in numbers:
            errors.append("docs/uapi.md documents %s, which the header does not define" % name)
    for e in errors:
        print("check_uapi_doc: " + e)
    print("check_uapi_doc: %d ioctls, %d documented, %d errors" % (len(numbers), len(documented), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
