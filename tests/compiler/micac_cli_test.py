#!/usr/bin/env python3
"""micac end to end: GLSL -> binary, --disasm, --stats-json, --verify on good and unprotected code."""
import json
import os
import subprocess
import sys
import tempfile

micac, corpus = sys.argv[1], sys.argv[2]
src = os.path.join(corpus, "shared_scan.comp")
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "a.mbin")
    r = subprocess.run([micac, src, "-o", out, "--rev", "r1", "--profile", "lowpower", "--stats-json", "--disasm"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    js = json.loads([l for l in r.stdout.splitlines() if l.startswith("{")][0])
    assert js["instructions"] > 10 and js["vgprs"] > 0 and js["shared_bytes"] == 512, js
    assert js["hazards"]["SEC_WAVE_START_TLB"]["nops"] == 1, js
    assert "s_endpgm" in r.stdout
    r = subprocess.run([micac, "--verify", out], capture_output=True, text=True)
    assert r.returncode == 0 and "0 hazard violation" in r.stdout, r.stdout + r.stderr
    bad = os.path.join(d, "b.mbin")
    r = subprocess.run([micac, src, "-o", bad, "--no-hazard-pass", "--no-waitcnt"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([micac, "--verify", bad], capture_output=True, text=True)
    assert r.returncode == 1 and "SEC_WAVE_START_TLB" in r.stdout and "MEM_RESULT" in r.stdout, r.stdout
    spv = os.path.join(d, "bad.spv")
    with open(spv, "wb") as f:
        f.write(b"\x03\x02\x23\x07" + b"\x00" * 30)
    r = subprocess.run([micac, spv, "-o", os.path.join(d, "c.mbin")], capture_output=True, text=True)
    assert r.returncode == 1 and "micac:" in r.stderr, r.stderr
    # the generated tables of docs/compiler.md (compared with the document in compiler_spec_exec)
    r = subprocess.run([micac, "--support-table"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "| `Shader` | 1 |" in r.stdout and "| `MatrixInverse` | 34 |" in r.stdout, r.stdout
print("micac CLI ok")
