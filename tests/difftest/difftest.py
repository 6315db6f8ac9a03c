#!/usr/bin/env python3
"""Random-program differential tester: Mica (Vulkan ICD + checked-mode compiler/device model) against
Mesa's lavapipe. See docs/difftest.md.

  difftest.py run --runner EXE --mica-icd JSON [--seeds A:B] [--time S] [--reduce] [--save-regressions]
  difftest.py reduce --runner EXE --mica-icd JSON --seed S [--save-regressions]
  difftest.py regress --runner EXE --mica-icd JSON        (every saved regression vs its expected output)
  difftest.py ci --runner EXE --mica-icd JSON             (bounded seeds + regressions, expectations applied)
  difftest.py show --seed S                               (print the program of a seed)
  difftest.py try --runner EXE --mica-icd JSON --seed S F.comp...   (run hand-edited programs)
  difftest.py selftest                                    (the tester's own checks; ci runs them first)
"""

import argparse
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # nothing written into the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen        # noqa: E402
import reduce     # noqa: E402
import runner     # noqa: E402
import selftest   # noqa: E402

REGRESSIONS = os.path.join(HERE, "regressions")
EXPECTATIONS = os.path.join(HERE, "expectations.txt")
BACKENDS = ["lavapipe", "lavapipe_alt", "mica_vk", "mica_sim"]


def parse_seeds(text):
    a, _, b = text.partition(":")
    return range(int(a), int(b)) if b else range(int(a), int(a) + 1)


AVOID = []   # --avoid: generator features left out to look past known defects


def features_for(seed):
    """Most programs use subgroups and 64-bit integers; some leave them out so the plain paths are
    covered too (and a missing feature on one side does not hide the rest of the program)."""
    base = {0: (), 1: ("subgroup",), 2: ("int64",)}.get(seed % 8, ("subgroup", "int64"))
    # Run-time indexed local arrays in half the programs: while a compiler lacks them they would
    # otherwise hide every other defect behind the same compile failure.
    f = base + (("dynarr",) if seed % 2 else ())
    return tuple(x for x in f if x not in AVOID) + tuple("no_" + a for a in AVOID if a not in gen.AVOIDABLE_FEATURES)


class Session:
    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.workdir)
        os.makedirs(self.work, exist_ok=True)
        self.run = runner.Runner(args.runner, BACKENDS, args.mica_icd, args.timeout)

    def close(self):
        self.run.stop()

    def evaluate_source(self, name, source, features, input_seed, alt_source=None):
        """Compiles and runs one program (and its alternative shape on lavapipe, when it has one):
        (class, detail, results)."""
        base = os.path.join(self.work, name)
        with open(base + ".comp", "w") as f:
            f.write(source)
        err = runner.compile_glsl(base + ".comp", base + ".spv")
        if err:
            return "invalid", "glslang/spirv-val: " + err.splitlines()[0][:300], {}
        alt_spv = None
        if alt_source and alt_source != source:
            with open(base + ".alt.comp", "w") as f:
                f.write(alt_source)
            err = runner.compile_glsl(base + ".alt.comp", base + ".alt.spv")
            if err:
                return "invalid", "alternative shape: glslang/spirv-val: " + err.splitlines()[0][:300], {}
            alt_spv = base + ".alt.spv"
        runner.write_meta(base + ".meta", features, input_seed)
        results = self.run.run(base + ".spv", base + ".meta", alt_spv)
        cls, detail = runner.classify(results)
        return cls, detail, results

    def evaluate(self, name, prog):
        return self.evaluate_source(name, prog.render(), prog.features, prog.seed, prog.render(alt=True))


def signature(cls, detail):
    """What must stay the same while reducing: the class, the Mica backend that failed and, for
    compile failures and errors, the message with numbers blanked out."""
    backend = detail.split(":", 1)[0]
    if cls in ("compile_fail", "error", "crash"):
        msg = detail.split(":", 1)[1] if ":" in detail else detail
        return cls, backend, re.sub(r"(0x[0-9a-f]+|\d+)", "N", msg)[:80]
    return cls, backend


def save_regression(session, name, prog, results, cls, detail):
    os.makedirs(REGRESSIONS, exist_ok=True)
    base = os.path.join(REGRESSIONS, name)
    src = prog.render()
    header = "// difftest regression: %s\n// found as %s: %s\n" % (name, cls, detail[:300])
    with open(base + ".comp", "w") as f:
        f.write(src.replace("#version 450\n", "#version 450\n" + header, 1))
    runner.write_meta(base + ".meta", prog.features, prog.seed)
    ref = results["lavapipe"]["data"]
    with open(base + ".expected", "w") as f:
        f.write("# final buffers from lavapipe (binding hex-words)\n")
        for b in sorted(ref):
            f.write("%d %s\n" % (b, ref[b]))
    print("  saved %s.comp (.meta, .expected)" % os.path.relpath(base, os.getcwd()))


def do_reduce(session, seed, cls, detail, save):
    prog = gen.generate(seed, features_for(seed))
    want = signature(cls, detail)
    tests = [0]

    def interesting(p):
        tests[0] += 1
        c, d, _ = session.evaluate("reduce_%d" % seed, p)
        return c != "invalid" and signature(c, d) == want

    t0 = time.monotonic()
    before = len(prog.render().splitlines())
    reduce.reduce(prog, interesting, max_tests=session.args.max_tests)
    c, d, results = session.evaluate("reduce_%d" % seed, prog)
    after = len(prog.render().splitlines())
    print("  reduced seed %d: %d -> %d lines in %d tests, %.1f s; now %s: %s" % (
        seed, before, after, tests[0], time.monotonic() - t0, c, d[:200]))
    if save and c != "invalid" and c != "match":
        save_regression(session, "%s_seed%d" % (c, seed), prog, results, c, d)
    return prog


def cmd_run(args):
    s = Session(args)
    counts = {c: 0 for c in runner.CLASSES}
    failures = []
    ms = {}
    t0 = time.monotonic()
    n = 0
    try:
        for seed in parse_seeds(args.seeds):
            if args.time and time.monotonic() - t0 > args.time:
                break
            prog = gen.generate(seed, features_for(seed))
            cls, detail, results = s.evaluate("prog_%d" % (seed % 4), prog)
            for name, r in results.items():
                if r.get("status") != "skip":
                    ms.setdefault(name, []).append(r.get("ms", 0))
            counts[cls] += 1
            n += 1
            if cls != "match":
                print("seed %d: %s: %s" % (seed, cls, detail[:300]), flush=True)
                if cls != "skip":
                    failures.append((seed, cls, detail))
    finally:
        elapsed = time.monotonic() - t0
        print("%d programs in %.1f s (%.2f programs/s): %s" % (
            n, elapsed, n / elapsed if elapsed else 0, ", ".join("%s %d" % (c, k) for c, k in counts.items() if k)))
        print("mean ms per program (setup + dispatch + readback, or until the failure): %s" % ", ".join(
            "%s %.1f" % (b, sum(v) / len(v)) for b, v in sorted(ms.items()) if v))
    if args.reduce:
        seen, done = set(), 0
        for seed, cls, detail in failures:
            sig = signature(cls, detail)
            if cls == "mismatch":
                # Wrong results do not say which defect they are before reduction: reduce several.
                n_mismatch = sum(1 for x in seen if x[0] == "mismatch")
                sig = sig + (seed,) if n_mismatch < args.max_mismatch_reductions else sig
            if cls in ("invalid", "ref_disagree") or (sig in seen and not args.reduce_all) or done >= args.max_reductions:
                continue
            seen.add(sig)
            done += 1
            do_reduce(s, seed, cls, detail, args.save_regressions)
    s.close()
    return 0


def cmd_try(args):
    """Runs hand-edited GLSL files (e.g. a regression with a line changed) and prints the class."""
    s = Session(args)
    for path in args.files:
        src = open(path).read()
        cls, detail, _ = s.evaluate_source("try", src, ("subgroup", "int64"), int(args.seed))
        print("%s: %s: %s" % (path, cls, detail[:300]))
    s.close()
    return 0


def cmd_reduce(args):
    s = Session(args)
    for seed in parse_seeds(args.seed):
        prog = gen.generate(seed, features_for(seed))
        cls, detail, _ = s.evaluate("prog_%d" % seed, prog)
        print("seed %d: %s: %s" % (seed, cls, detail[:300]))
        if cls not in ("match", "invalid", "skip"):
            do_reduce(s, seed, cls, detail, args.save_regressions)
    s.close()
    return 0


def load_expectations():
    """{(kind, name): class} from expectations.txt: '<seed N|regression NAME> <class>  # why'."""
    exp = {}
    if not os.path.exists(EXPECTATIONS):
        return exp
    for ln in open(EXPECTATIONS):
        ln = ln.split("#", 1)[0].split()
        if len(ln) >= 3:
            exp[(ln[0], ln[1])] = ln[2]
    return exp


def regression_names():
    if not os.path.isdir(REGRESSIONS):
        return []
    return sorted(f[:-5] for f in os.listdir(REGRESSIONS) if f.endswith(".comp"))


def run_regression(s, name):
    """Runs a saved regression on the Mica backends and compares with its saved expected output."""
    base = os.path.join(REGRESSIONS, name)
    work = os.path.join(s.work, "regress_" + name)
    err = runner.compile_glsl(base + ".comp", work + ".spv")
    if err:
        return "invalid", "glslang/spirv-val: " + err.splitlines()[0][:300]
    expected = {}
    for ln in open(base + ".expected"):
        if ln.startswith("#") or not ln.strip():
            continue
        b, hexdata = ln.split()
        expected[int(b)] = hexdata
    results = s.run.run(work + ".spv", base + ".meta")
    results["lavapipe"] = {"status": "ok", "ms": 0, "message": "", "data": expected}
    return runner.classify(results)


def apply_expectations(outcomes, exp):
    """outcomes: {(kind, name): (class, detail)}. Prints every non-match and returns the number of
    unexpected outcomes (new failures and unexpected passes)."""
    bad = 0
    for key, (cls, detail) in sorted(outcomes.items()):
        want = exp.get(key, "match")
        if cls == want:
            if cls != "match":
                print("expected %-12s %s %s: %s" % (cls, key[0], key[1], detail[:200]))
            continue
        bad += 1
        if cls == "match":
            print("UNEXPECTED PASS %s %s (expected %s): remove it from tests/difftest/expectations.txt" % (
                key[0], key[1], want))
        else:
            print("UNEXPECTED %s %s %s (expected %s): %s" % (cls, key[0], key[1], want, detail[:300]))
    return bad


def cmd_regress(args, outcomes=None):
    s = Session(args)
    outcomes = {} if outcomes is None else outcomes
    for name in regression_names():
        outcomes[("regression", name)] = run_regression(s, name)
    s.close()
    return outcomes


def cmd_selftest():
    failures = selftest.run()
    for f in failures:
        print("SELFTEST FAILED: " + f)
    print("selftest: %s" % ("%d failures" % len(failures) if failures else "generator, classifier, reducer, "
                            "crash/timeout detection ok"))
    return 1 if failures else 0


def cmd_ci(args):
    if cmd_selftest():
        return 1
    exp = load_expectations()
    s = Session(args)
    outcomes = {}
    counts = {c: 0 for c in runner.CLASSES}
    t0 = time.monotonic()
    n = 0
    for seed in parse_seeds(args.seeds):
        if time.monotonic() - t0 > args.time:
            print("time limit %.0f s reached after %d seeds" % (args.time, n))
            break
        prog = gen.generate(seed, features_for(seed))
        cls, detail, _ = s.evaluate("ci_%d" % seed, prog)
        outcomes[("seed", str(seed))] = (cls, detail)
        counts[cls] += 1
        n += 1
    elapsed = time.monotonic() - t0
    print("%d programs in %.1f s (%.2f programs/s): %s" % (
        n, elapsed, n / elapsed if elapsed else 0, ", ".join("%s %d" % (c, k) for c, k in counts.items() if k)))
    # Expectations for seeds that were not reached (time limit) are not judged.
    exp = {k: v for k, v in exp.items() if k[0] != "seed" or k in outcomes}
    s.close()
    names = regression_names()
    cmd_regress(args, outcomes)
    rc = {c: 0 for c in runner.CLASSES}
    for name in names:
        rc[outcomes[("regression", name)][0]] += 1
    print("%d regressions: %s" % (len(names), ", ".join("%s %d" % (c, k) for c, k in rc.items() if k)))
    known = sum(1 for v in exp.values() if v != "match")
    print("expectations: %d known failures listed in tests/difftest/expectations.txt" % known)
    bad = apply_expectations(outcomes, exp)
    invalid = [k for k, v in outcomes.items() if v[0] == "invalid"]
    if invalid:
        print("INVALID programs (generator or reference problem): %s" % invalid)
    if n == 0:
        print("no program ran")
        return 1
    print("%d unexpected outcomes" % bad)
    if args.write_expectations:
        write_expectations(outcomes)
        return 0
    return 1 if bad or invalid else 0


def write_expectations(outcomes):
    """Rewrites expectations.txt from what this run saw (the header comment is kept)."""
    header = []
    if os.path.exists(EXPECTATIONS):
        for ln in open(EXPECTATIONS):
            if not ln.startswith("#"):
                break
            header.append(ln)
    with open(EXPECTATIONS, "w") as f:
        f.writelines(header)
        for kind in ("regression", "seed"):
            keys = sorted((k for k in outcomes if k[0] == kind), key=lambda k: (k[1].isdigit() and int(k[1]), k[1]))
            for key in keys:
                cls, detail = outcomes[key]
                if cls not in ("match", "invalid"):
                    f.write("%s %s %s  # %s\n" % (kind, key[1], cls, detail[:160].replace("#", "")))
    print("wrote %s" % EXPECTATIONS)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["run", "reduce", "regress", "ci", "show", "selftest", "try"])
    ap.add_argument("files", nargs="*", help="try: GLSL files to run (inputs from --seed)")
    ap.add_argument("--runner", help="difftest-runner executable")
    ap.add_argument("--mica-icd", help="Mica's ICD manifest (build/src/driver/vulkan/mica_icd.json)")
    ap.add_argument("--workdir", default="/tmp/mica-difftest")
    ap.add_argument("--seeds", default=os.environ.get("MICA_DIFFTEST_SEEDS", "0:40"))
    ap.add_argument("--seed", default="0")
    ap.add_argument("--time", type=float, default=float(os.environ.get("MICA_DIFFTEST_SECONDS", "150")),
                    help="stop starting new seeds after this many seconds")
    ap.add_argument("--timeout", type=float, default=60, help="per backend and program, seconds")
    ap.add_argument("--reduce", action="store_true", help="reduce one program per distinct failure signature")
    ap.add_argument("--reduce-all", action="store_true", help="reduce every failing program")
    ap.add_argument("--max-tests", type=int, default=300, help="reduction budget (programs run) per failure")
    ap.add_argument("--save-regressions", action="store_true", help="write reduced programs to regressions/")
    ap.add_argument("--write-expectations", action="store_true",
                    help="ci: rewrite expectations.txt from this run's outcomes")
    ap.add_argument("--max-reductions", type=int, default=20, help="run --reduce: at most this many reductions")
    ap.add_argument("--max-mismatch-reductions", type=int, default=6,
                    help="run --reduce: mismatching seeds reduced separately before they count as one signature")
    ap.add_argument("--avoid", default="", help="comma-separated: dynarr, int64, subgroup, bitfield32, not64, "
                    "fallthrough, dowhile, return (leave them out of generated programs, to look past known defects)")
    args = ap.parse_intermixed_args()
    AVOID.extend(a for a in args.avoid.split(",") if a)
    for a in AVOID:
        if a not in gen.AVOIDABLE_FEATURES + gen.AVOIDABLE_FORMS:
            ap.error("--avoid: unknown '%s'" % a)
    if args.command == "show":
        seed = int(args.seed)
        print(gen.generate(seed, features_for(seed)).render(), end="")
        return 0
    if args.command == "selftest":
        return cmd_selftest()
    if not args.runner:
        ap.error("--runner is required")
    if args.command == "run":
        return cmd_run(args)
    if args.command == "reduce":
        return cmd_reduce(args)
    if args.command == "try":
        return cmd_try(args)
    if args.command == "regress":
        outcomes = cmd_regress(args)
        return 1 if apply_expectations(outcomes, load_expectations()) else 0
    return cmd_ci(args)


if __name__ == "__main__":
    sys.exit(main())
