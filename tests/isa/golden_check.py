#!/usr/bin/env python3
# Golden tests for the tool chain: for every golden/NAME.s, mica-as must either succeed and
# mica-objdump's listing must equal NAME.expected exactly, or (when NAME.expected-err exists) fail
# with exactly that stderr. A unified diff is printed on mismatch.
import difflib
import os
import subprocess
import sys
import tempfile


def compare(name, what, actual, expected):
    if actual == expected:
        return True
    sys.stdout.write(f"FAIL {name}: {what} differs\n")
    sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                               "expected", "actual"))
    return False


def main():
    mica_as, objdump, golden = (os.path.abspath(p) for p in sys.argv[1:4])
    update = os.environ.get("MICA_GOLDEN_UPDATE") == "1"
    sources = sorted(f for f in os.listdir(golden) if f.endswith(".s"))
    if not sources:
        print("no golden sources found")
        return 1
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for src in sources:
            name = src[:-2]
            before = ok
            ok = True
            err_file = os.path.join(golden, name + ".expected-err")
            out = "out.mbin"
            r = subprocess.run([mica_as, os.path.join(golden, src), "-o", out], cwd=tmp,
                               capture_output=True, text=True)
            if os.path.exists(err_file):
                # Diagnostics name the source as given; make them independent of the build dir.
                stderr = r.stderr.replace(os.path.join(golden, ""), "")
                if r.returncode == 0:
                    print(f"FAIL {name}: mica-as succeeded but errors were expected")
                    ok = False
                    continue
                with open(err_file) as f:
                    ok &= compare(name, "mica-as diagnostics", stderr, f.read())
                print(f"{'ok' if ok else 'FAIL'} {name}")
                ok = ok and before
                continue
            if r.returncode != 0:
                print(f"FAIL {name}: mica-as failed:\n{r.stderr}")
                ok = False
                continue
            d = subprocess.run([objdump, out], cwd=tmp, capture_output=True, text=True)
            if d.returncode != 0:
                print(f"FAIL {name}: mica-objdump failed:\n{d.stderr}")
                ok = False
                continue
            exp_file = os.path.join(golden, name + ".expected")
            if update:
                with open(exp_file, "w") as f:
                    f.write(d.stdout)
            with open(exp_file) as f:
                ok &= compare(name, "mica-objdump listing", d.stdout, f.read())
            # The --asm output must reassemble to the identical file.
            a = subprocess.run([objdump, "--asm", out], cwd=tmp, capture_output=True, text=True)
            with open(os.path.join(tmp, "re.s"), "w") as f:
                f.write(a.stdout)
            r2 = subprocess.run([mica_as, "re.s", "-o", "re.mbin"], cwd=tmp, capture_output=True, text=True)
            with open(os.path.join(tmp, out), "rb") as f1, open(os.path.join(tmp, "re.mbin"), "rb") as f2:
                if r2.returncode != 0 or f1.read() != f2.read():
                    print(f"FAIL {name}: objdump --asm did not reassemble to the same bytes\n{r2.stderr}")
                    ok = False
            # A damaged copy must be refused with the byte offset, never crash.
            with open(os.path.join(tmp, out), "rb") as f:
                data = f.read()
            with open(os.path.join(tmp, "cut.mbin"), "wb") as f:
                f.write(data[:-1])
            c = subprocess.run([objdump, "cut.mbin"], cwd=tmp, capture_output=True, text=True)
            if c.returncode != 1 or "malformed binary at byte offset" not in c.stderr:
                print(f"FAIL {name}: truncated binary not rejected properly (exit {c.returncode}): {c.stderr}")
                ok = False
            print(f"{'ok' if ok else 'FAIL'} {name}")
            ok = ok and before
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
