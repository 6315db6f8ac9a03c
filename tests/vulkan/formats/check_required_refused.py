#!/usr/bin/env python3
"""Runs gen_required_formats.py on a broken required-formats table: it must fail with its own message
naming the line (not a Python traceback) and write no header."""
import os
import subprocess
import sys
import tempfile

gen, table, expect = sys.argv[1:4]
with tempfile.TemporaryDirectory() as tmp:
    header = os.path.join(tmp, 'required_formats.h')
    r = subprocess.run([sys.executable, gen, table, header, '--enabled-feature', 'textureCompressionBC'],
                       capture_output=True, text=True)
    ok = r.returncode != 0 and r.stderr.startswith('gen_required_formats: ') and f'{table}:' in r.stderr \
        and expect in r.stderr and 'Traceback' not in r.stderr and not os.path.exists(header)
    print(r.stderr.strip())
    sys.exit(0 if ok else 1)
