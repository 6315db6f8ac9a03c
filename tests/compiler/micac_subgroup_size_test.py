#!/usr/bin/env python3
"""micac --subgroup-size: one shader compiled at 8, 16 and 32 lanes per subgroup gives different code
(gl_SubgroupSize is the constant N, the subgroup lane id is masked to N lanes, subgroupAdd takes
log2(N) butterfly steps), and sizes the compiler does not take are refused with a clear message
before anything is written."""
import os
import re
import subprocess
import sys
import tempfile

micac = sys.argv[1]
SHADER = """#version 450
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
layout(local_size_x = 64) in;
layout(set = 0, binding = 0) buffer O { uint o[]; };
void main()
{
	uint i = gl_GlobalInvocationID.x;
	o[3 * i] = gl_SubgroupSize;
	o[3 * i + 1] = gl_SubgroupInvocationID;
	o[3 * i + 2] = subgroupAdd(i);
}
"""


def run(*args):
    return subprocess.run([micac, *args], capture_output=True, text=True)


with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, "sg.comp")
    with open(src, "w") as f:
        f.write(SHADER)
    code, binary = {}, {}
    for n in (8, 16, 32):
        out = os.path.join(d, f"sg{n}.mbin")
        r = run(src, "--subgroup-size", str(n), "--disasm", "-o", out)
        assert r.returncode == 0, f"--subgroup-size {n}: {r.stderr}"
        code[n] = r.stdout
        with open(out, "rb") as f:
            binary[n] = f.read()
    # No flag is the wave: the same code as 32.
    r = run(src, "--disasm", "-o", os.path.join(d, "default.mbin"))
    assert r.returncode == 0 and r.stdout == code[32], r.stderr
    assert binary[8] != binary[32] and binary[16] != binary[32] and binary[8] != binary[16]

    def shuffle_xors(text):
        return sorted(int(m) for m in re.findall(r"v_shfl_xor_b32 v\d+, v\d+, (\d+)", text))

    for n in (8, 16, 32):
        # gl_SubgroupSize: the constant N.
        assert re.search(rf"v_mov_b32 v\d+, {n}\n", code[n]), f"no constant {n} for gl_SubgroupSize:\n{code[n]}"
        # subgroupAdd: the butterfly over the subgroup's lanes only (xor 1, 2, 4, ... N/2).
        want = [1 << k for k in range(n.bit_length() - 1)]
        got = shuffle_xors(code[n])
        assert got == want, f"subgroup size {n}: shuffle xors {got}, expected {want}:\n{code[n]}"
    # gl_SubgroupInvocationID below the wave: the lane masked to N lanes.
    assert re.search(r"v_and_b32 v\d+, v\d+, 7\n", code[8]), code[8]
    assert re.search(r"v_and_b32 v\d+, v\d+, 15\n", code[16]), code[16]
    assert not re.search(r"v_and_b32 v\d+, v\d+, 31\n", code[32]), code[32]

    # Refused: sizes the device does not have, and what is not a number; nothing is written.
    for bad in ("7", "64", "0", "-8", "8x", ""):
        out = os.path.join(d, "bad.mbin")
        r = run(src, "--subgroup-size", bad, "-o", out)
        assert r.returncode == 2, f"--subgroup-size {bad!r}: exit {r.returncode}"
        assert f"micac: --subgroup-size takes 8, 16 or 32, not {bad}" in r.stderr, r.stderr
        assert not os.path.exists(out)
    r = run(src, "--subgroup-size")
    assert r.returncode == 2 and "--subgroup-size needs a value" in r.stderr, r.stderr
    # Assembly is already code for whole waves: the flag is refused rather than ignored.
    asm = os.path.join(d, "a.s")
    with open(asm, "w") as f:
        f.write(".kernel main\n  s_endpgm\n")
    r = run(asm, "--subgroup-size", "8", "-o", os.path.join(d, "a.mbin"))
    assert r.returncode == 2 and "--subgroup-size applies to compiling SPIR-V or GLSL input" in r.stderr, r.stderr
    # The help names the flag and its values.
    r = run("--help")
    assert "--subgroup-size 8|16|32" in r.stderr, r.stderr
print("micac --subgroup-size ok: 8, 16 and 32 compile differently, bad sizes refused")
