#!/usr/bin/env python3
"""Debian's clpeak, unmodified, against the build tree's ICD: its transfer-bandwidth test (buffer
writes and reads, blocking and not, maps and unmaps of a large buffer) must finish with every
figure measured. (The full run takes ~40 s on the simulated device; its compute tests depend on
the compiler and the job timeout, so only this part is a test.)"""
import re
import subprocess
import sys

EXPECTED = ["enqueueWriteBuffer", "enqueueReadBuffer", "enqueueWriteBuffer non-blocking",
            "enqueueReadBuffer non-blocking", "enqueueMapBuffer(for read)", "memcpy from mapped ptr",
            "enqueueUnmap(after write)", "memcpy to mapped ptr"]


def main():
    out = subprocess.run([sys.argv[1], "--transfer-bandwidth"], capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    problems = []
    if out.returncode != 0:
        problems.append(f"clpeak exited with {out.returncode}")
    if "Platform: Mica" not in text:
        problems.append("clpeak did not run on the Mica platform")
    figures = {}
    for line in text.splitlines():
        m = re.match(r"\s*(.+?)\s*:\s*([0-9.]+)\s*$", line)
        if m:
            figures[m.group(1)] = float(m.group(2))
    for name in EXPECTED:
        if figures.get(name, 0.0) <= 0.0:
            problems.append(f"no positive figure for '{name}'")
    if problems:
        print(text)
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("clpeak transfer bandwidth on Mica (GB/s): " + ", ".join(f"{n} {figures[n]}" for n in EXPECTED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
