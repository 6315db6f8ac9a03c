#!/usr/bin/env python3
"""Fails when the committed generated document differs from what the description generates."""
import sys

generated, committed = sys.argv[1], sys.argv[2]
with open(generated) as f:
    want = f.read()
with open(committed) as f:
    have = f.read()
if want != have:
    print(f"{committed} is stale: regenerate it with\n"
          f"  python3 src/hw/gen_hw.py --toml src/hw/mica.toml --isa src/hw/mica.isa --doc {committed}")
    sys.exit(1)
print("generated documentation is current")
