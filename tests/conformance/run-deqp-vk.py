#!/usr/bin/env python3
"""Run Khronos dEQP-VK (deqp-vk from the Vulkan CTS) against Mica's ICD and compare with expectations.

    run-deqp-vk.py --deqp /path/to/deqp-vk --caselist cases.txt \
        [--icd build/src/driver/vulkan/mica_icd.json] [--expectations tests/conformance/mica-expectations.txt] \
        [--batch 200] [--timeout 600] [--results results.csv]

The case list has one case name (dEQP-VK.compute.basic.empty_shader) per line; '#' starts a comment.
Cases run in batches through --deqp-caselist-file; when deqp-vk crashes or hangs, the case that was
running is recorded as Crash/Timeout and the batch resumes after it. Progress is printed per case.

The expectations file lists "<case or fnmatch pattern> <status>" lines (status: Pass, Fail,
NotSupported, Crash, Timeout, QualityWarning, CompatibilityWarning, Skip). Unlisted cases are
expected to Pass or be NotSupported. The exit status is 1 when any case regressed (a worse result
than expected), 0 otherwise; unexpected passes are reported so the expectations can be tightened.
"""
import argparse
import csv
import fnmatch
import os
import re
import subprocess
import sys
import tempfile
import time

GOOD = {'Pass', 'NotSupported', 'QualityWarning', 'CompatibilityWarning'}
CASE_RE = re.compile(r"^Test case '([^']+)'\.\.")
RESULT_RE = re.compile(r'^\s+(Pass|Fail|NotSupported|QualityWarning|CompatibilityWarning|InternalError|'
                       r'ResourceError|Crash|Timeout)\b(?: \((.*)\))?')


def read_caselist(path):
    cases = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                cases.append(line)
    return cases


def read_expectations(path):
    exact, patterns = {}, []
    if not path:
        return exact, patterns
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                raise SystemExit(f'{path}:{n}: expected "<case> <status>", got {line!r}')
            name, status = parts
            if any(c in name for c in '*?['):
                patterns.append((name, status))
            else:
                exact[name] = status
    return exact, patterns


def expected_status(case, exact, patterns):
    if case in exact:
        return exact[case]
    for pat, status in patterns:
        if fnmatch.fnmatchcase(case, pat):
            return status
    return None  # Pass or NotSupported


def run_batch(deqp, cases, env, timeout, workdir):
    """Runs cases with one deqp-vk process; returns {case: (status, detail)} for cases that reported."""
    listfile = os.path.join(workdir, 'batch.txt')
    with open(listfile, 'w', encoding='utf-8') as f:
        f.write('\n'.join(cases) + '\n')
    cmd = [deqp, f'--deqp-caselist-file={listfile}', '--deqp-log-images=disable',
           '--deqp-log-shader-sources=disable', f'--deqp-log-filename={os.path.join(workdir, "batch.qpa")}']
    results, current = {}, None
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                                cwd=os.path.dirname(os.path.abspath(deqp)) or '.')
    except OSError as e:
        raise SystemExit(f'cannot run {deqp}: {e}')
    deadline = time.monotonic() + timeout
    timed_out = False
    for line in proc.stdout:
        m = CASE_RE.match(line)
        if m:
            current = m.group(1)
            continue
        m = RESULT_RE.match(line)
        if m and current:
            results[current] = (m.group(1), m.group(2) or '')
            yield current, m.group(1), m.group(2) or ''
            current = None
        if time.monotonic() > deadline:
            timed_out = True
            proc.kill()
            break
    proc.wait()
    if current and current not in results:
        status = 'Timeout' if timed_out else 'Crash'
        yield current, status, f'deqp-vk exit status {proc.returncode}'


def run(args):
    cases = read_caselist(args.caselist)
    exact, patterns = read_expectations(args.expectations)
    env = dict(os.environ)
    if args.icd:
        env['VK_DRIVER_FILES'] = os.path.abspath(args.icd)
        env['VK_ICD_FILENAMES'] = os.path.abspath(args.icd)
    results = {}
    total = len(cases)
    todo = list(cases)
    with tempfile.TemporaryDirectory() as workdir:
        while todo:
            batch = todo[:args.batch]
            seen = set()
            for case, status, detail in run_batch(args.deqp, batch, env, args.timeout, workdir):
                seen.add(case)
                results[case] = (status, detail)
                exp = expected_status(case, exact, patterns)
                mark = '' if (status == exp or (exp is None and status in GOOD)) else '  <-- unexpected'
                print(f'[{len(results)}/{total}] {case}: {status}{mark}', flush=True)
            # Resume after the last case that produced a result (crashes end a batch early).
            done_upto = max((batch.index(c) for c in seen if c in batch), default=-1)
            if done_upto < 0:
                # Not even the first case started: record it as a crash so the run makes progress.
                results[batch[0]] = ('Crash', 'deqp-vk produced no result')
                print(f'[{len(results)}/{total}] {batch[0]}: Crash  <-- unexpected', flush=True)
                done_upto = 0
            for c in batch[:done_upto + 1]:
                if c not in results:
                    results[c] = ('Skip', 'not run by deqp-vk')
            todo = todo[done_upto + 1:]

    regressions, fixed = [], []
    for case in cases:
        status, _ = results.get(case, ('Skip', ''))
        exp = expected_status(case, exact, patterns)
        if exp is None:
            if status not in GOOD:
                regressions.append((case, status, 'Pass'))
        elif status != exp:
            (fixed if status in GOOD else regressions).append((case, status, exp))
    counts = {}
    for status, _ in results.values():
        counts[status] = counts.get(status, 0) + 1
    print('\nsummary: ' + ', '.join(f'{k} {v}' for k, v in sorted(counts.items())))
    for case, status, exp in regressions:
        print(f'REGRESSION {case}: {status} (expected {exp})')
    for case, status, exp in fixed:
        print(f'UNEXPECTED PASS {case}: {status} (expected {exp}); update the expectations')
    if args.results:
        with open(args.results, 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(['case', 'status', 'detail'])
            for case in cases:
                w.writerow([case, *results.get(case, ('Skip', ''))])
    return 1 if regressions else 0


def self_test():
    """Exercises the runner against a scripted stand-in for deqp-vk's console output."""
    with tempfile.TemporaryDirectory() as d:
        fake = os.path.join(d, 'deqp-vk')
        with open(fake, 'w', encoding='utf-8') as f:
            f.write('#!/usr/bin/env python3\n'
                    'import sys\n'
                    'arg = [a for a in sys.argv if a.startswith("--deqp-caselist-file=")][0].split("=", 1)[1]\n'
                    'for c in open(arg).read().split():\n'
                    '    print(f"Test case \'{c}\'..", flush=True)\n'
                    '    if c.endswith("crash"): sys.exit(139)\n'
                    '    r = "Fail (bad)" if c.endswith("fail") else "NotSupported (x)" if c.endswith("ns") else "Pass (ok)"\n'
                    '    print("  " + r, flush=True)\n')
        os.chmod(fake, 0o755)
        cases = os.path.join(d, 'cases.txt')
        with open(cases, 'w', encoding='utf-8') as f:
            f.write('dEQP-VK.a.pass\ndEQP-VK.a.fail\ndEQP-VK.b.crash\ndEQP-VK.b.ns\ndEQP-VK.c.pass\n')
        exp = os.path.join(d, 'exp.txt')
        with open(exp, 'w', encoding='utf-8') as f:
            f.write('dEQP-VK.a.fail Fail\ndEQP-VK.b.* Crash\n')
        res = os.path.join(d, 'res.csv')
        ns = argparse.Namespace(deqp=fake, caselist=cases, expectations=exp, icd=None, batch=10, timeout=60,
                                results=res)
        assert run(ns) == 0, 'expected run with matching expectations to pass'
        rows = {r['case']: r['status'] for r in csv.DictReader(open(res, encoding='utf-8'))}
        assert rows == {'dEQP-VK.a.pass': 'Pass', 'dEQP-VK.a.fail': 'Fail', 'dEQP-VK.b.crash': 'Crash',
                        'dEQP-VK.b.ns': 'NotSupported', 'dEQP-VK.c.pass': 'Pass'}, rows
        ns.expectations = None
        assert run(ns) == 1, 'unexpected failures must fail the run'
    print('self-test OK')
    return 0


def main():
    if '--self-test' in sys.argv:
        return self_test()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--deqp', required=True, help='path to the deqp-vk binary')
    ap.add_argument('--caselist', required=True, help='file with one dEQP-VK case name per line')
    ap.add_argument('--expectations', help='expected non-passing results (default: all Pass/NotSupported)')
    ap.add_argument('--icd', help='ICD manifest to run against (sets VK_DRIVER_FILES)')
    ap.add_argument('--batch', type=int, default=200, help='cases per deqp-vk process')
    ap.add_argument('--timeout', type=int, default=600, help='seconds per batch')
    ap.add_argument('--results', help='write per-case results to this CSV file')
    return run(ap.parse_args())


if __name__ == '__main__':
    sys.exit(main())
