#!/usr/bin/env python3
"""Run Khronos dEQP-VK (deqp-vk from the Vulkan CTS) against Mica's ICD and compare with expectations.

    run-deqp-vk.py --deqp /path/to/deqp-vk --caselist cases.txt \
        [--icd build/src/driver/vulkan/mica_icd.json] [--expectations tests/conformance/mica-expectations.txt] \
        [--known-cases caselist-compute.txt] [--batch 200] [--case-timeout 120] [--results results.csv]
        [--deqp-env KEY=VALUE ...]

The case list has one case name (dEQP-VK.compute.basic.empty_shader) per line; '#' starts a comment.

* deqp-vk runs with --deqp-compute-only=enable (Mica has no graphics queue; without it every process
  stops before its first case with "No matching queue found"). --no-compute-only drops it.
* Names that are not in --known-cases (the CTS release's full case list, e.g. the shared CTS's
  caselist-compute.txt) are reported as NotFound and not run. Without --known-cases, a case that
  deqp-vk silently left out of a batch that ended normally is NotFound too.
* Cases run in batches through --deqp-caselist-file. deqp-vk runs a batch in its own tree order,
  not in list order, so after a crash or a hang the batch resumes with exactly the cases that have
  not reported a result (the one that was running is recorded as Crash or Timeout).
* --case-timeout bounds the silence: when deqp-vk prints nothing for that many seconds (a hung
  driver), the process is killed and the running case recorded as Timeout.

The expectations file lists "<case or fnmatch pattern> <status>" lines (status: Pass, Fail,
NotSupported, Crash, Timeout, QualityWarning, CompatibilityWarning, NotFound, ...). Unlisted cases are
expected to Pass or be NotSupported. The exit status is 1 when any case regressed (a result other
than the expected one that is not a pass), 0 otherwise; unexpected passes are reported so the
expectations can be tightened.
"""
import argparse
import collections
import csv
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expectations  # noqa: E402  (tests/conformance/expectations.py)

GOOD = {'Pass', 'NotSupported', 'QualityWarning', 'CompatibilityWarning'}
CASE_RE = re.compile(r"^Test case '([^']+)'\.\.")
RESULT_RE = re.compile(r'^\s+(Pass|Fail|NotSupported|QualityWarning|CompatibilityWarning|InternalError|'
                       r'ResourceError|Crash|Timeout|Waiver)\b(?: \((.*)\))?')


def read_caselist(path):
    cases = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                cases.append(line)
    return cases


def read_expectations(path):
    return expectations.read(path)


def expected_status(name, exact, patterns):
    return expectations.expected(name, exact, patterns)


def run_batch(deqp, cases, env, case_timeout, workdir, extra_args):
    """Runs cases with one deqp-vk process.

    Yields (case, status, detail) for each case that reported, then for the case that was running
    when the process died or went silent. Returns (through StopIteration's value, read by the
    caller via a list) nothing; the caller works out which cases are left.
    """
    listfile = os.path.join(workdir, 'batch.txt')
    with open(listfile, 'w', encoding='utf-8') as f:
        f.write('\n'.join(cases) + '\n')
    # deqp-vk runs in its own directory (it finds its data files relative to it), so a relative
    # path to it must be resolved before the directory changes.
    deqp = os.path.abspath(deqp)
    cmd = [deqp, f'--deqp-caselist-file={listfile}', '--deqp-log-images=disable',
           '--deqp-log-shader-sources=disable', f'--deqp-log-filename={os.path.join(workdir, "batch.qpa")}',
           *extra_args]
    try:
        # stderr apart from stdout: a driver's or loader's stderr line landing inside a buffered
        # "Test case '...'.." line would hide that case's result.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                cwd=os.path.dirname(deqp))
    except OSError as e:
        raise SystemExit(f'cannot run {deqp}: {e}')
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, 'out')
    sel.register(proc.stderr, selectors.EVENT_READ, 'err')
    current, reported, timed_out = None, set(), False
    tail = collections.deque(maxlen=5)  # last lines: the reason when a process dies
    bufs = {'out': b'', 'err': b''}
    last_output = time.monotonic()
    open_streams = 2
    while open_streams:
        remaining = case_timeout - (time.monotonic() - last_output)
        if remaining <= 0:
            timed_out = True
            proc.kill()
            break
        for key, _ in sel.select(timeout=remaining):
            chunk = os.read(key.fileobj.fileno(), 65536)
            which = key.data
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
                chunk = b'\n' if bufs[which] else b''
            last_output = time.monotonic()
            bufs[which] += chunk
            *lines, bufs[which] = bufs[which].split(b'\n')
            for raw in lines:
                line = raw.decode('utf-8', 'replace')
                if line.strip():
                    tail.append(line.strip())
                if which == 'err':
                    continue
                m = CASE_RE.match(line)
                if m:
                    current = m.group(1)
                    tail.clear()  # a crash's reason is what this case printed
                    continue
                m = RESULT_RE.match(line)
                if m and current:
                    reported.add(current)
                    yield current, m.group(1), m.group(2) or ''
                    current = None
    sel.close()
    proc.stdout.close()
    proc.stderr.close()
    rc = proc.wait()
    if current and current not in reported:
        if timed_out:
            yield current, 'Timeout', f'no output for {case_timeout} s'
        else:
            yield current, 'Crash', f'deqp-vk exit status {rc}: ' + ' | '.join(tail)
    elif not reported and (rc != 0 or timed_out):
        # The process died before its first case: every case of the batch gets the reason.
        yield None, 'Crash', f'deqp-vk exit status {rc} before any case: ' + ' | '.join(tail)
    elif rc != 0 or timed_out:
        # It died between cases: the ones left are run again (this run made progress).
        yield None, 'Restart', f'deqp-vk exit status {rc} between cases'


def run(args):
    cases = read_caselist(args.caselist)
    exact, patterns = read_expectations(args.expectations)
    env = dict(os.environ)
    if args.icd:
        env['VK_DRIVER_FILES'] = os.path.abspath(args.icd)
        env['VK_ICD_FILENAMES'] = os.path.abspath(args.icd)
    for kv in args.deqp_env or []:
        key, sep, value = kv.partition('=')
        if not sep:
            raise SystemExit(f'--deqp-env wants KEY=VALUE, got {kv!r}')
        env[key] = value
    extra = ['--deqp-compute-only=enable'] if args.compute_only else []
    results = {}
    total = len(cases)

    def record(case, status, detail):
        results[case] = (status, detail)
        exp = expected_status(case, exact, patterns)
        mark = '' if (status == exp or (exp is None and status in GOOD)) else '  <-- unexpected'
        print(f'[{len(results)}/{total}] {case}: {status}{mark}' + (f' ({detail})' if detail and mark else ''),
              flush=True)

    todo = []
    known = None
    if args.known_cases:
        known = set(read_caselist(args.known_cases))
    for case in dict.fromkeys(cases):
        if known is not None and case not in known:
            record(case, 'NotFound', f'not a case of {os.path.basename(args.known_cases)}')
        else:
            todo.append(case)
    with tempfile.TemporaryDirectory() as workdir:
        while todo:
            batch, todo = todo[:args.batch], todo[args.batch:]
            while batch:
                ended_early = False
                for case, status, detail in run_batch(args.deqp, batch, env, args.case_timeout, workdir, extra):
                    if status == 'Restart':
                        ended_early = True
                        break
                    if case is None:  # no case started: the whole batch shares the reason
                        for c in batch:
                            record(c, status, detail)
                        ended_early = True
                        break
                    if case in batch and case not in results:
                        record(case, status, detail)
                    if status in ('Crash', 'Timeout'):
                        ended_early = True
                left = [c for c in batch if c not in results]
                if not ended_early:
                    # A normal end: whatever did not report is not a case of this deqp-vk.
                    for c in left:
                        record(c, 'NotFound', 'deqp-vk did not run it')
                    left = []
                batch = left

    regressions, fixed = [], []
    for case in dict.fromkeys(cases):
        status, _ = results[case]
        exp = expected_status(case, exact, patterns)
        if exp is None:
            if status not in GOOD:
                regressions.append((case, status, 'Pass'))
        elif status != exp:
            (fixed if status in GOOD else regressions).append((case, status, exp))
    counts = collections.Counter(status for status, _ in results.values())
    print('\nsummary: ' + ', '.join(f'{k} {v}' for k, v in sorted(counts.items())))
    for case, status, exp in regressions:
        print(f'REGRESSION {case}: {status} (expected {exp}): {results[case][1]}')
    for case, status, exp in fixed:
        print(f'UNEXPECTED PASS {case}: {status} (expected {exp}); update the expectations')
    if args.results:
        with open(args.results, 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(['case', 'status', 'detail'])
            for case in dict.fromkeys(cases):
                w.writerow([case, *results[case]])
    return 1 if regressions else 0


# A stand-in for deqp-vk: runs the listed cases it knows in sorted (tree) order, refuses to start
# without --deqp-compute-only=enable like the real one on a compute-only device, and crashes,
# hangs silently or fails when a case's name says so.
FAKE_DEQP = r'''#!/usr/bin/env python3
import sys, time
KNOWN = {KNOWN}
args = sys.argv[1:]
import os
assert os.environ.get('MICA_FAKE') == '1', '--deqp-env did not reach deqp-vk'
if '--deqp-compute-only=enable' not in args:
    print('FATAL ERROR: No matching queue found', flush=True)
    sys.exit(1)
path = [a for a in args if a.startswith('--deqp-caselist-file=')][0].split('=', 1)[1]
with open('runs.log', 'a') as log:
    log.write(' '.join(open(path).read().split()) + '\n')
for c in sorted(set(open(path).read().split()) & KNOWN):
    sys.stderr.write('error: noise on stderr\n')
    sys.stderr.flush()
    print("Test case '" + c + "'..", flush=True)
    if c.endswith('crash'):
        sys.exit(139)
    if c.endswith('hang'):
        time.sleep(600)
    r = 'Fail (bad)' if c.endswith('fail') else 'NotSupported (x)' if c.endswith('ns') else 'Pass (ok)'
    print('  ' + r, flush=True)
    if c.endswith('diesafter') and not os.path.exists('died'):
        open('died', 'w').close()
        os._exit(134)  # after reporting its result, once
'''


def self_test():
    """Exercises the runner against a scripted stand-in for deqp-vk's console output."""
    with tempfile.TemporaryDirectory() as d:
        known_cases = ['dEQP-VK.a.pass', 'dEQP-VK.a.fail', 'dEQP-VK.b.crash', 'dEQP-VK.b.ns', 'dEQP-VK.c.pass',
                       'dEQP-VK.c.hang', 'dEQP-VK.d.pass', 'dEQP-VK.a.diesafter']
        fake = os.path.join(d, 'deqp-vk')
        with open(fake, 'w', encoding='utf-8') as f:
            f.write(FAKE_DEQP.replace('{KNOWN}', repr(set(known_cases))))
        os.chmod(fake, 0o755)
        known = os.path.join(d, 'known.txt')
        with open(known, 'w', encoding='utf-8') as f:
            f.write('\n'.join(known_cases) + '\n')
        cases = os.path.join(d, 'cases.txt')
        # List order differs from tree order: the crash (b) comes after c and d in the tree walk's
        # terms only if the runner mistakes list position for execution order.
        with open(cases, 'w', encoding='utf-8') as f:
            f.write('dEQP-VK.d.pass\ndEQP-VK.c.pass\ndEQP-VK.b.crash\ndEQP-VK.a.fail\ndEQP-VK.b.ns\n'
                    'dEQP-VK.a.pass\ndEQP-VK.c.hang\ndEQP-VK.zz.missing\ndEQP-VK.a.diesafter\n')
        exp = os.path.join(d, 'exp.txt')
        with open(exp, 'w', encoding='utf-8') as f:
            f.write('dEQP-VK.a.fail Fail\ndEQP-VK.b.* Crash\ndEQP-VK.c.hang Timeout\ndEQP-VK.zz.* NotFound\n')
        res = os.path.join(d, 'res.csv')
        ns = argparse.Namespace(deqp=fake, caselist=cases, expectations=exp, icd=None, batch=10, case_timeout=3,
                                results=res, known_cases=known, compute_only=True, deqp_env=['MICA_FAKE=1'])
        start = time.monotonic()
        assert run(ns) == 0, 'expected run with matching expectations to pass'
        assert time.monotonic() - start < 30, 'the silence timeout must end the hung case'
        rows = {r['case']: r['status'] for r in csv.DictReader(open(res, encoding='utf-8'))}
        want = {'dEQP-VK.a.pass': 'Pass', 'dEQP-VK.a.fail': 'Fail', 'dEQP-VK.b.crash': 'Crash',
                'dEQP-VK.b.ns': 'NotSupported', 'dEQP-VK.c.pass': 'Pass', 'dEQP-VK.c.hang': 'Timeout',
                'dEQP-VK.d.pass': 'Pass', 'dEQP-VK.zz.missing': 'NotFound', 'dEQP-VK.a.diesafter': 'Pass'}
        assert rows == want, rows
        # The unknown name never reached deqp-vk; every resumed batch holds only unreported cases.
        runs = open(os.path.join(d, 'runs.log'), encoding='utf-8').read().splitlines()
        assert all('zz.missing' not in r for r in runs), runs
        # first run; after the death between cases (nothing charged to a case); after the crash;
        # after the hang
        assert len(runs) == 4, runs
        assert 'dEQP-VK.a.diesafter' not in runs[1].split() and len(runs[1].split()) == 7, runs
        assert runs[2].split() == ['dEQP-VK.d.pass', 'dEQP-VK.c.pass', 'dEQP-VK.b.ns', 'dEQP-VK.c.hang'], runs
        assert runs[3].split() == ['dEQP-VK.d.pass', 'dEQP-VK.c.pass'], runs
        os.remove(os.path.join(d, 'runs.log'))
        os.remove(os.path.join(d, 'died'))

        # Without --known-cases, a name deqp-vk does not know is NotFound after a normal end.
        ns.known_cases = None
        assert run(ns) == 0
        os.remove(os.path.join(d, 'died'))
        rows = {r['case']: r['status'] for r in csv.DictReader(open(res, encoding='utf-8'))}
        assert rows == want, rows

        # Without compute-only mode every case carries deqp-vk's own reason.
        ns.compute_only = False
        ns.expectations = None
        assert run(ns) == 1
        rows = list(csv.DictReader(open(res, encoding='utf-8')))
        assert all(r['status'] == 'Crash' and 'No matching queue found' in r['detail'] for r in rows), rows

        ns.compute_only = True
        assert run(ns) == 1, 'unexpected failures must fail the run'

        # A relative path to deqp-vk (as scripts/run-tests passes it) works from any directory.
        ns.expectations = exp
        old_cwd = os.getcwd()
        try:
            os.chdir(os.path.dirname(d))
            ns.deqp = os.path.join(os.path.basename(d), 'deqp-vk')
            assert run(ns) == 0, 'a relative deqp-vk path must run'
            os.remove(os.path.join(d, 'died'))
        finally:
            os.chdir(old_cwd)
        assert all(r['status'] != 'NotFound' or 'zz' in r['case'] for r in csv.DictReader(open(res, encoding='utf-8')))
    print('self-test OK')
    return 0


def main():
    if '--self-test' in sys.argv:
        return self_test()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--deqp', required=True, help='path to the deqp-vk binary')
    ap.add_argument('--caselist', required=True, help='file with one dEQP-VK case name per line')
    ap.add_argument('--expectations', help='expected non-passing results (default: all Pass/NotSupported)')
    ap.add_argument('--known-cases', help="the CTS release's full case list; other names are NotFound")
    ap.add_argument('--icd', help='ICD manifest to run against (sets VK_DRIVER_FILES)')
    ap.add_argument('--batch', type=int, default=200, help='cases per deqp-vk process')
    ap.add_argument('--case-timeout', '--timeout', type=int, default=120, dest='case_timeout',
                    help='seconds without output from deqp-vk before the running case is a Timeout')
    ap.add_argument('--no-compute-only', dest='compute_only', action='store_false',
                    help='do not pass --deqp-compute-only=enable')
    ap.add_argument('--deqp-env', action='append', metavar='KEY=VALUE',
                    help='environment for deqp-vk only (e.g. LD_PRELOAD of sanitizer runtimes); repeatable')
    ap.add_argument('--results', help='write per-case results to this CSV file')
    return run(ap.parse_args())


if __name__ == '__main__':
    sys.exit(main())
