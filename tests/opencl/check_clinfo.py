#!/usr/bin/env python3
"""clinfo (Debian's, unmodified) against the build tree's ICD: it must list the Mica platform and
device, answer every query without an error, and exit 0."""
import subprocess
import sys


def main():
    clinfo = sys.argv[1]
    out = subprocess.run([clinfo], capture_output=True, text=True, timeout=120)
    text = out.stdout + out.stderr
    problems = []
    if out.returncode != 0:
        problems.append(f"clinfo exited with {out.returncode}")
    lines = text.splitlines()
    if not any(l.split() [:2] == ["Platform", "Name"] and l.rstrip().endswith("Mica") for l in lines):
        problems.append("no Mica platform listed")
    if not any(l.strip().startswith("Device Name") and "Mica" in l for l in lines):
        problems.append("no Mica device listed")
    # clinfo prints '<error: ...>' or 'Invalid ...' for a query an implementation failed.
    for l in lines:
        low = l.lower()
        if "<error" in low or "error:" in low or "invalid" in low:
            problems.append("query failed: " + l.strip())
    if problems:
        print(text)
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"clinfo: {len(lines)} lines, Mica platform and device listed, no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
