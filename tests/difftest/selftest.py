"""Checks of the tester itself (run first by `difftest.py ci`): the generator is deterministic, the
classifier sees a single flipped word, the reducer shrinks while keeping the property, and the
driver turns a runner that crashes or hangs inside a Mica backend into the crash / timeout classes.
Returns a list of failure messages (empty: all good)."""

import os
import stat
import sys
import tempfile

import gen
import reduce
import runner


def check_generator(fail):
    a, b = gen.generate(7).render(), gen.generate(7).render()
    alts = sum("_first" in gen.generate(seed).render(alt=True) for seed in range(40))
    if not alts:
        fail("generator: no program of seeds 0..39 has an alternative shape")
    if a != b:
        fail("generator: seed 7 renders differently twice")
    if gen.generate(8).render() == a:
        fail("generator: seeds 7 and 8 give the same program")
    for seed in range(40):
        src = gen.generate(seed).render()
        for needle in ("barrier();", "emit(v0, v1, v2, v3, arr);"):
            if needle not in src:
                fail("generator: seed %d lacks %s" % (seed, needle))


def check_classifier(fail):
    ref = {0: "00000001" * 4, 1: "deadbeef" * 4, 2: "00000000"}
    same = {k: v for k, v in ref.items()}
    flipped = dict(ref)
    flipped[1] = "deadbeef" * 2 + "deadbeee" + "deadbeef"
    res = lambda st, data: {"status": st, "ms": 0, "message": "why", "data": data}
    cases = [
        ({"lavapipe": res("ok", ref), "mica_vk": res("ok", same)}, "match"),
        ({"lavapipe": res("ok", ref), "mica_vk": res("ok", flipped)}, "mismatch"),
        ({"lavapipe": res("ok", ref), "mica_vk": res("compile_fail", {})}, "compile_fail"),
        ({"lavapipe": res("ok", ref), "mica_vk": res("ok", same), "mica_sim": res("error", {})}, "error"),
        ({"lavapipe": res("compile_fail", {}), "mica_vk": res("ok", same)}, "invalid"),
        ({"lavapipe": res("ok", ref), "lavapipe_alt": res("ok", flipped), "mica_vk": res("ok", flipped)},
         "ref_disagree"),
        ({"lavapipe": res("ok", ref), "lavapipe_alt": res("ok", same), "mica_vk": res("ok", flipped)}, "mismatch"),
    ]
    for results, want in cases:
        got, detail = runner.classify(results)
        if got != want:
            fail("classifier: expected %s, got %s (%s)" % (want, got, detail))
    _, detail = runner.classify(cases[1][0])
    if "word 2" not in detail:
        fail("classifier: the first difference is word 2, detail says: " + detail)


def check_reducer(fail):
    prog = gen.generate(3)
    # A property that only a few statements carry: some statement that has a switch.
    key = "switch ("
    if key not in prog.render():
        prog = gen.generate(5)
    before = len(prog.render().splitlines())
    reduce.reduce(prog, lambda p: key in p.render(), max_tests=400)
    after = prog.render()
    if key not in after:
        fail("reducer: lost the property it was asked to keep")
    if len(after.splitlines()) >= before:
        fail("reducer: did not shrink (%d lines)" % before)
    # Running out of budget must leave the last program shown to fail, not an unchecked candidate
    # (a reduction of a watchdog fault once ended as a different failure that way).
    for seed in (3, 5):
        for budget in range(1, 13):
            p = gen.generate(seed)
            want = "switch (" if "switch (" in p.render() else "barrier"
            reduce.reduce(p, lambda q: want in q.render(), max_tests=budget)
            if want not in p.render():
                fail("reducer: seed %d out of budget after %d runs lost the property" % (seed, budget))


FAKE = """#!%s
import sys, time, os
line = sys.stdin.readline()
print("PROGRAM x"); print("START lavapipe"); print("BACKEND lavapipe ok 1.0 -"); print("DATA lavapipe 0 00000000")
print("START mica_vk"); sys.stdout.flush()
if "%s" == "crash":
    sys.stderr.write("fake backend: Segmentation fault\\n"); sys.stderr.flush(); os.abort()
time.sleep(30)
"""


def check_driver(fail):
    with tempfile.TemporaryDirectory() as d:
        for mode, want in (("crash", "crash"), ("hang", "timeout")):
            exe = os.path.join(d, "fake_" + mode)
            with open(exe, "w") as f:
                f.write(FAKE % (sys.executable, mode))
            os.chmod(exe, os.stat(exe).st_mode | stat.S_IXUSR)
            r = runner.Runner(exe, ["lavapipe", "mica_vk"], None, timeout=2)
            results = r.run("x.spv", "x.meta")
            r.stop()
            got, detail = runner.classify(results)
            if got != want:
                fail("driver: a runner that %ss in mica_vk gave %s (%s)" % (mode, got, detail))


def run():
    failures = []
    for check in (check_generator, check_classifier, check_reducer, check_driver):
        check(failures.append)
    return failures
