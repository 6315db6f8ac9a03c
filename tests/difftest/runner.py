"""Compiles generated programs and runs them through difftest-runner (one long-lived process, restarted
after a crash or a hang), and classifies each program by comparing Mica's buffers with lavapipe's.

Classes (per Mica backend, the worst wins): match, mismatch, compile_fail (Mica refused a program
lavapipe ran), crash (the runner process died inside a Mica backend), timeout (a Mica backend did not
answer within the time limit), error (a fault, lost device or hazard violation reported by Mica), and
invalid (the program itself did not compile with glslang / validate, or lavapipe could not run it:
a generator bug, never counted as a Mica bug).
"""

import os
import select
import subprocess
import time

import gen

CLASSES = ["match", "mismatch", "compile_fail", "error", "crash", "timeout", "invalid", "skip", "ref_disagree"]
SEVERITY = {c: i for i, c in enumerate(["match", "skip", "mismatch", "error", "compile_fail", "timeout", "crash"])}


def write_meta(path, features, input_seed):
    with open(path, "w") as f:
        f.write("groups %d\nlocal_size %d\ninput_words %d\ninput_seed %d\noutput_words %d\n" % (
            gen.GROUPS, gen.LOCAL, gen.INPUT_WORDS, input_seed, gen.OUTPUT_WORDS))
        f.write("atom %s\n" % " ".join(str(gen.ATOM_INIT[op]) for op in gen.ATOM_OPS))
        # Only the features that need something from the device (the others shape the generator).
        f.write("features %s\n" % " ".join(sorted(set(features) & {"subgroup", "int64"})))


def compile_glsl(src_path, spv_path, target="vulkan1.3"):
    """glslang + spirv-val. Returns None or the error text."""
    r = subprocess.run(["glslangValidator", "-V", "--quiet", "--target-env", target, "-o", spv_path, src_path],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return (r.stdout + r.stderr).strip()
    r = subprocess.run(["spirv-val", "--target-env", target, spv_path], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return (r.stdout + r.stderr).strip()
    return None


class Runner:
    """A difftest-runner process; run() answers one program, restarting the process when needed."""

    def __init__(self, exe, backends, mica_icd, timeout):
        self.exe, self.backends, self.mica_icd, self.timeout = exe, backends, mica_icd, timeout
        self.proc = None
        self.buf = b""

    def start(self):
        args = [self.exe, "--backends", ",".join(self.backends)]
        if self.mica_icd:
            args += ["--mica-icd", self.mica_icd]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""
        # stderr is drained lazily (only read on a crash); keep it from filling up by not piping it forever
        os.set_blocking(self.proc.stderr.fileno(), False)

    def stop(self):
        if self.proc:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None

    def _readline(self, deadline):
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            if not chunk:
                return ""   # EOF: the process died
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def _stderr_tail(self):
        try:
            data = self.proc.stderr.read() or b""
        except (OSError, ValueError):
            data = b""
        return data.decode(errors="replace")[-2000:]

    def run(self, spv, meta, alt_spv=None):
        """Returns {backend: {"status", "ms", "message", "data": {binding: hex}}}."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        self.proc.stdin.write(("%s %s %s\n" % (spv, meta, alt_spv or "")).encode())
        self.proc.stdin.flush()
        out, current = {}, None
        deadline = time.monotonic() + self.timeout
        while True:
            line = self._readline(deadline)
            if line is None or line == "":
                what = "timeout" if line is None else "crash"
                if current is not None:
                    msg = "" if line is None else self._stderr_tail()
                    out[current] = {"status": what, "ms": 0, "message": msg.strip().replace("\n", "|")[-600:], "data": {}}
                self.stop()
                return out
            if line.startswith("START "):
                current = line.split()[1]
                deadline = time.monotonic() + self.timeout
            elif line.startswith("BACKEND "):
                _, name, status, ms, msg = line.split(" ", 4)
                out[name] = {"status": status, "ms": float(ms), "message": "" if msg == "-" else msg, "data": {}}
                current = None
            elif line.startswith("DATA "):
                _, name, binding, hexdata = (line.split(" ", 3) + [""])[:4]
                out[name]["data"][int(binding)] = hexdata
            elif line.startswith("BAD "):
                out["_bad"] = {"status": "invalid", "ms": 0, "message": line[4:], "data": {}}
            elif line == "DONE":
                return out


def first_difference(ref, got):
    """'binding B word W: mica X, lavapipe Y (N words differ)' or None."""
    for b in sorted(ref):
        r, g = ref[b], got.get(b, "")
        if r == g:
            continue
        if len(r) != len(g):
            return "binding %d: %d words vs %d" % (b, len(g) // 8, len(r) // 8)
        words = [(i, r[i * 8:i * 8 + 8], g[i * 8:i * 8 + 8]) for i in range(len(r) // 8)]
        diff = [(i, x, y) for i, x, y in words if x != y]
        i, x, y = diff[0]
        where = ("output word %d (invocation %d, slot %d)" % (i, i // gen.OUT_PER_INV, i % gen.OUT_PER_INV)
                 if b == 1 else "word %d" % i)
        return "binding %d %s: mica %s, lavapipe %s (%d words differ)" % (b, where, y, x, len(diff))
    return None


def classify(results, ref_name="lavapipe"):
    """(class, detail) for one program's results; lavapipe's buffers are the reference."""
    if "_bad" in results:
        return "invalid", results["_bad"]["message"]
    ref = results.get(ref_name)
    if ref is None or ref["status"] != "ok":
        st = ref["status"] if ref else "missing"
        return "invalid", "reference %s: %s %s" % (ref_name, st, ref["message"] if ref else "")
    alt = results.get(ref_name + "_alt")
    if alt and alt["status"] == "ok":
        d = first_difference(ref["data"], alt["data"])
        if d:
            # The reference disagrees with itself on the same program in another shape: a lavapipe
            # bug (or a generator bug), never counted against Mica.
            agree = [n for n, r in sorted(results.items()) if n.startswith("mica") and r["status"] == "ok"
                     and not first_difference(alt["data"], r["data"])]
            return "ref_disagree", "%s_alt: %s; Mica agrees with %s" % (
                ref_name, d.replace("mica ", "alt ", 1), "the alternative" if agree else "neither")
    per = {}
    for name, r in sorted(results.items()):
        if name == ref_name or name == ref_name + "_alt":
            continue
        if r["status"] == "ok":
            d = first_difference(ref["data"], r["data"])
            per[name] = ("mismatch", d) if d else ("match", "")
        else:
            per[name] = (r["status"], r["message"])
    if not per:
        return "invalid", "no Mica backend ran"
    worst = max((c for c, _ in per.values()), key=lambda c: SEVERITY.get(c, 0))
    if worst == "match":
        return "match", ""
    names = [n for n in sorted(per) if per[n][0] == worst]
    # "mica_sim+mica_vk: <first backend's message>": which backends agree on the failure matters.
    return worst, "%s: %s" % ("+".join(names), per[names[0]][1])
