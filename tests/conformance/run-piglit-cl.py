#!/usr/bin/env python3
"""Run Piglit's OpenCL profile (Debian package piglit) against one OpenCL ICD and compare with expectations.

    run-piglit-cl.py [--icd build/src/driver/opencl/mica.icd | /path/libFoo.so] [--platform NAME]
        [--expectations tests/conformance/piglit-cl-expectations.txt] [--results results.csv]
        [--piglit /usr/lib/x86_64-linux-gnu/piglit] [--profile cl.xml.gz] [--filter REGEX]
        [--timeout 60] [--jobs 2] [--env KEY=VALUE ...] [--logs DIR]
    run-piglit-cl.py --self-test

* The test list is Piglit's own profile, tests/cl.xml.gz of the installed Piglit (710 tests in
  Debian 12's piglit): "cl" tests run bin/<command>, "cl_prog" tests run bin/cl-program-tester on a
  .cl or .program_test file, from Piglit's directory, as `piglit run cl` would.
* Which implementation runs: ocl-icd loads only the given ICD. A vendor file (*.icd) is placed alone
  in a private OCL_ICD_VENDORS directory; a library (*.so) goes into OCL_ICD_FILENAMES with an empty
  vendors directory. Without --icd the system's /etc/OpenCL/vendors decides. Piglit's CL framework
  runs every test on every platform it sees unless PIGLIT_CL_PLATFORM (--platform, a substring of
  the platform name) picks one.
* Every test runs in its own process (a crash ends only that test) with a time limit (--timeout,
  default 60 s as in Piglit; the process group is killed and the test recorded as timeout).
* A test's result follows Piglit's rules: the "PIGLIT: {...}" lines it prints, the worst of its
  subtests, crash for a death by signal, warn for a pass with a non-zero exit status, fail for no
  result line.

The expectations file lists "<test name or fnmatch pattern> <status>  # reason" lines (status: pass,
fail, skip, warn, crash, timeout). Unlisted tests must pass. The exit status is 1 when any test's
result differs from its expectation other than by passing; unexpected passes are reported so the
file can be tightened.
"""
import argparse
import ast
import collections
import concurrent.futures
import csv
import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expectations  # noqa: E402  (tests/conformance/expectations.py)

DEFAULT_PIGLIT = '/usr/lib/x86_64-linux-gnu/piglit'
# Piglit's severity order (framework/status.py): the worst subtest decides a test's result.
SEVERITY = {'notrun': 0, 'skip': 0, 'pass': 0, 'warn': 10, 'dmesg-warn': 20, 'fail': 30, 'dmesg-fail': 40,
            'timeout': 50, 'crash': 60, 'incomplete': 100}
STATUSES = ('pass', 'fail', 'skip', 'warn', 'crash', 'timeout')


def load_profile(piglit, profile):
    """[(name, argv)] from Piglit's XML test list, in profile order."""
    path = profile if os.path.isabs(profile) or os.path.exists(profile) else os.path.join(piglit, 'tests', profile)
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        root = ET.parse(f).getroot()
    tests = []
    for t in root.iter('Test'):
        opts = {o.get('name'): ast.literal_eval(o.get('value')) for o in t.findall('option')}
        kind = t.get('type')
        if kind == 'cl':
            argv = [os.path.join(piglit, 'bin', opts['command'][0])] + list(opts['command'][1:])
        elif kind == 'cl_prog':
            argv = [os.path.join(piglit, 'bin', 'cl-program-tester'), os.path.join(piglit, opts['filename'])]
        else:
            raise SystemExit(f'{path}: test {t.get("name")!r} has type {kind!r}, not an OpenCL test')
        tests.append((t.get('name'), argv))
    return tests


def read_expectations(path):
    return expectations.read(path, STATUSES)


def expected_status(name, exact, patterns):
    return expectations.expected(name, exact, patterns)


def interpret(output, returncode):
    """Piglit's reading of a native test: (status, detail)."""
    result, subtests, other = None, collections.OrderedDict(), []
    for line in output.splitlines():
        if line.startswith('PIGLIT:'):
            try:
                d = json.loads(line[7:])
            except ValueError:
                other.append(line)
                continue
            if 'result' in d:
                result = d['result']
            elif 'subtest' in d:
                subtests.update(d['subtest'])
            elif 'enumerate subtests' in d:
                for s in d['enumerate subtests']:
                    subtests.setdefault(s, 'notrun')
        else:
            other.append(line)
    if returncode is not None and returncode < 0:
        try:
            sig = signal.Signals(-returncode).name
        except ValueError:
            sig = str(-returncode)
        return 'crash', f'killed by {sig}'
    status = result or 'fail'
    if subtests and result != 'crash':
        worst = status if result else None
        for s in subtests.values():
            if worst is None or SEVERITY.get(s, 30) > SEVERITY.get(worst, 30):
                worst = s
        status = worst
    if returncode:
        status = 'warn' if status == 'pass' else 'fail'  # Piglit: a non-zero exit spoils any result
    if status == 'notrun':
        status = 'fail'
    bad = [k for k, v in subtests.items() if SEVERITY.get(v, 30) > 0]
    # Piglit's banner lines ("## Test: ...", "# Result:", "# Running on:" and the platform
    # lines under it) say nothing about the outcome; skip reasons are "# Skipping ..." lines.
    banner = ('## ', '# Result', '# Running on', '#   Platform', '#   Device', '#   OpenCL version')
    info = ' | '.join([ln.strip() for ln in other if ln.strip() and not ln.startswith(banner)][-3:])
    if bad:
        detail = 'subtests: ' + ', '.join(f'{k}={subtests[k]}' for k in bad[:5]) + (' ...' if len(bad) > 5 else '')
    elif result is None:
        detail = 'no PIGLIT result line' + (f', exit status {returncode}' if returncode else '') + \
            (': ' + info if info else '')
    else:
        detail = info  # the last informative lines a test printed
    return status, detail[:300]


def run_one(argv, env, cwd, timeout, log_path=None):
    status, detail, secs, out = run_process(argv, env, cwd, timeout)
    if log_path:
        with open(log_path, 'w', encoding='utf-8') as f:
            f.write(f'$ {" ".join(argv)}\n{out}\n=> {status}: {detail}\n')
    return status, detail, secs


def run_process(argv, env, cwd, timeout):
    start = time.monotonic()
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        return 'fail', f'cannot start: {e}', 0.0, ''
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
        return 'timeout', f'no result after {timeout} s', time.monotonic() - start, out.decode('utf-8', 'replace')
    text = out.decode('utf-8', 'replace')
    status, detail = interpret(text, proc.returncode)
    return status, detail, time.monotonic() - start, text


def icd_environment(icd, tmpdir, env):
    """Makes ocl-icd load exactly `icd` (a vendor .icd file or an ICD library)."""
    vendors = os.path.join(tmpdir, 'vendors')
    os.makedirs(vendors, exist_ok=True)
    icd = os.path.abspath(icd)
    if icd.endswith('.icd'):
        if not os.path.isfile(icd):
            raise SystemExit(f'{icd}: no such vendor file')
        shutil.copy(icd, os.path.join(vendors, os.path.basename(icd)))
        env.pop('OCL_ICD_FILENAMES', None)
    else:
        if not os.path.isfile(icd):
            raise SystemExit(f'{icd}: no such ICD library')
        env['OCL_ICD_FILENAMES'] = icd
    env['OCL_ICD_VENDORS'] = vendors


def run(args):
    piglit = os.path.abspath(args.piglit)
    tests = load_profile(piglit, args.profile)
    if args.filter:
        rx = re.compile(args.filter)
        tests = [t for t in tests if rx.search(t[0])]
    exact, patterns = read_expectations(args.expectations)
    env = dict(os.environ)
    for kv in args.env or []:
        k, _, v = kv.partition('=')
        env[k] = v
    if args.platform:
        env['PIGLIT_CL_PLATFORM'] = args.platform
    if args.logs:
        os.makedirs(args.logs, exist_ok=True)
    results = {}
    lock = threading.Lock()
    done = [0]
    total = len(tests)
    width = len(str(total))
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='piglit-cl-') as tmp:
        if args.icd:
            icd_environment(args.icd, tmp, env)
        print(f'piglit-cl: {total} tests from {args.profile}, ICD {args.icd or "(system)"}, '
              f'platform {args.platform or "(all)"}, timeout {args.timeout} s, {args.jobs} jobs', flush=True)

        def work(test):
            name, argv = test
            log_path = None
            if args.logs:
                log_path = os.path.join(args.logs, re.sub(r'[^A-Za-z0-9_.@-]', '_', name) + '.log')
            status, detail, secs = run_one(argv, env, piglit, args.timeout, log_path)
            exp = expected_status(name, exact, patterns) or 'pass'
            with lock:
                results[name] = (status, exp, secs, detail)
                done[0] += 1
                mark = '' if status == exp else '  <-- unexpected' if status != 'pass' else '  <-- unexpected pass'
                print(f'[{done[0]:{width}}/{total}] {name}: {status} ({secs:.1f} s){mark}', flush=True)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(work, tests))

    if args.results:
        with open(args.results, 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(['test', 'status', 'expected', 'seconds', 'detail'])
            for name, _ in tests:
                s, e, secs, d = results[name]
                w.writerow([name, s, e, f'{secs:.2f}', d])

    counts = collections.Counter(r[0] for r in results.values())
    regressions = [(n, r) for n, r in results.items() if r[0] != r[1] and r[0] != 'pass']
    unexpected_pass = [(n, r) for n, r in results.items() if r[0] == 'pass' and r[1] != 'pass']
    expected_nonpass = sum(1 for r in results.values() if r[0] == r[1] and r[0] != 'pass')
    for n, r in sorted(regressions):
        print(f'REGRESSION {n}: {r[0]} (expected {r[1]}): {r[3]}')
    for n, r in sorted(unexpected_pass):
        print(f'UNEXPECTED PASS {n} (expected {r[1]}); update the expectations')
    unused = [n for n in exact if n not in results]
    if unused and not args.filter:
        print(f'note: {len(unused)} expectation(s) name tests not in the profile: {", ".join(sorted(unused)[:5])}')
    print('piglit-cl: ' + ', '.join(f'{s} {counts.get(s, 0)}' for s in STATUSES) +
          f' of {total}; {expected_nonpass} non-passing results expected, {len(regressions)} regressions, '
          f'{len(unexpected_pass)} unexpected passes; {time.monotonic() - started:.0f} s', flush=True)
    return 1 if regressions else 0


FAKE_TEST = r'''#!/usr/bin/env python3
# Stand-in for a Piglit CL test: behaviour chosen by the program file's contents or its own name.
import os, sys, time, signal
what = open(sys.argv[1]).read().strip() if len(sys.argv) > 1 else os.path.basename(sys.argv[0])[3:]
assert os.getcwd() == os.environ['FAKE_PIGLIT_ROOT'], os.getcwd()
vendors = os.environ.get('OCL_ICD_VENDORS', '')
icds = sorted(os.listdir(vendors)) if os.path.isdir(vendors) else []
if 'checkenv' in what:
    ok = (icds == ['fake.icd'] and os.environ.get('PIGLIT_CL_PLATFORM') == 'Fake Platform'
          and 'OCL_ICD_FILENAMES' not in os.environ)
    print('PIGLIT: {"result": "%s"}' % ('pass' if ok else 'fail'))
elif 'checklib' in what:
    ok = icds == [] and os.environ.get('OCL_ICD_FILENAMES', '').endswith('libfake.so')
    print('PIGLIT: {"result": "%s"}' % ('pass' if ok else 'fail'))
elif 'pass' in what and 'subfail' not in what:
    print('# all good'); print('PIGLIT: {"result": "pass" }')
    if 'exit1' in what: sys.exit(1)
elif 'subfail' in what:
    print('PIGLIT: {"enumerate subtests": ["a", "b", "c"]}')
    print('PIGLIT: {"subtest": {"a" : "pass"}}'); print('PIGLIT: {"subtest": {"b" : "fail"}}')
    print('PIGLIT: {"subtest": {"c" : "skip"}}'); print('PIGLIT: {"result": "pass" }')
elif 'skip' in what:
    print('## Test: fake (x.c) ##'); print('# Skipping device X because extension cl_khr_fp16 is not supported.')
    print('# Result:'); print('PIGLIT: {"result": "skip" }')
elif 'fail' in what:
    print('Expecting 3, got 4'); print('PIGLIT: {"result": "fail" }'); sys.exit(1)
elif 'segv' in what:
    print('PIGLIT: {"subtest": {"a" : "pass"}}', flush=True); os.kill(os.getpid(), signal.SIGSEGV)
elif 'hang' in what:
    print('started', flush=True); time.sleep(600)
elif 'silent' in what:
    print('Device side queue is unimplemented'); sys.exit(2)
'''


def self_test():
    """Exercises the runner against a fake Piglit tree with scripted tests."""
    with tempfile.TemporaryDirectory() as d:
        root = os.path.join(d, 'piglit')
        os.makedirs(os.path.join(root, 'bin'))
        os.makedirs(os.path.join(root, 'tests', 'cl'))
        fake = os.path.join(root, 'bin', 'cl-program-tester')
        with open(fake, 'w', encoding='utf-8') as f:
            f.write(FAKE_TEST)
        os.chmod(fake, 0o755)
        entries = []
        for name in ['pass', 'fail', 'skip', 'segv', 'hang', 'subfail', 'pass-exit1', 'silent', 'checkenv']:
            with open(os.path.join(root, 'tests', 'cl', name + '.cl'), 'w', encoding='utf-8') as f:
                f.write(name)
            entries.append(f'<Test type="cl_prog" name="program@{name}"><option name="filename" '
                           f'value="\'tests/cl/{name}.cl\'" /></Test>')
        for name in ['api-pass', 'api-checklib']:
            os.symlink(fake, os.path.join(root, 'bin', 'cl-' + name))
            entries.append(f'<Test type="cl" name="api@{name}"><option name="command" value="[\'cl-{name}\']" /></Test>')
        with gzip.open(os.path.join(root, 'tests', 'cl.xml.gz'), 'wt', encoding='utf-8') as f:
            f.write(f'<?xml version="1.0"?><PiglitTestList count="{len(entries)}" name="cl">' + ''.join(entries) +
                    '</PiglitTestList>')
        icd = os.path.join(d, 'fake.icd')
        with open(icd, 'w', encoding='utf-8') as f:
            f.write('libfake.so\n')
        exp = os.path.join(d, 'exp.txt')
        with open(exp, 'w', encoding='utf-8') as f:
            f.write('# reasons go here\nprogram@fail fail  # expected\nprogram@skip skip\nprogram@segv crash\n'
                    'program@hang timeout\nprogram@sub* fail\nprogram@pass-exit1 warn\nprogram@silent fail\n'
                    'api@api-checklib fail  # --icd is a vendor file here, not a library\n')
        res = os.path.join(d, 'res.csv')
        os.environ['FAKE_PIGLIT_ROOT'] = root
        logs = os.path.join(d, 'logs')
        ns = argparse.Namespace(piglit=root, profile='cl.xml.gz', filter=None, expectations=exp, env=None,
                                platform='Fake Platform', icd=icd, timeout=3, jobs=2, results=res, logs=logs)
        start = time.monotonic()
        assert run(ns) == 0, 'a run matching its expectations must succeed'
        assert time.monotonic() - start < 30, 'the timeout must end the hung test'
        rows = {r['test']: r for r in csv.DictReader(open(res, encoding='utf-8'))}
        got = {k: v['status'] for k, v in rows.items()}
        want = {'program@pass': 'pass', 'program@fail': 'fail', 'program@skip': 'skip', 'program@segv': 'crash',
                'program@hang': 'timeout', 'program@subfail': 'fail', 'program@pass-exit1': 'warn',
                'program@silent': 'fail', 'program@checkenv': 'pass', 'api@api-pass': 'pass',
                'api@api-checklib': 'fail'}
        assert got == want, got
        assert 'b=fail' in rows['program@subfail']['detail'], rows['program@subfail']
        assert 'SIGSEGV' in rows['program@segv']['detail'], rows['program@segv']
        assert 'Expecting 3, got 4' in rows['program@fail']['detail'], rows['program@fail']
        assert rows['program@skip']['detail'].startswith('# Skipping device X'), rows['program@skip']
        assert rows['program@silent']['detail'] == 'no PIGLIT result line, exit status 2: Device side queue is ' \
            'unimplemented', rows['program@silent']
        assert list(rows) == [n for n in want if n.startswith('program@')] + ['api@api-pass', 'api@api-checklib']
        fail_log = open(os.path.join(logs, 'program@fail.log'), encoding='utf-8').read()
        assert 'Expecting 3, got 4' in fail_log and fail_log.rstrip().endswith('=> fail: Expecting 3, got 4'), fail_log
        assert 'started' in open(os.path.join(logs, 'program@hang.log'), encoding='utf-8').read()
        ns.logs = None

        # A library as --icd goes into OCL_ICD_FILENAMES with no vendor files.
        lib = os.path.join(d, 'libfake.so')
        open(lib, 'w').close()
        ns.icd, ns.filter, ns.expectations = lib, 'checklib', None
        assert run(ns) == 0 and open(res).read().count(',pass,') == 1

        # Without expectations every non-pass is a regression; a filter narrows the run.
        ns.icd, ns.filter = icd, 'program@(fail|pass)$'
        assert run(ns) == 1, 'an unexpected failure must fail the run'
        assert len(list(csv.DictReader(open(res, encoding='utf-8')))) == 2
        # An unexpected pass is reported but does not fail the run; a crash where a fail was
        # expected does.
        with open(exp, 'w', encoding='utf-8') as f:
            f.write('program@pass fail\nprogram@fail pass\n')
        ns.expectations = exp
        assert run(ns) == 1
        with open(exp, 'w', encoding='utf-8') as f:
            f.write('program@pass fail\nprogram@fail fail\n')
        assert run(ns) == 0
        with open(exp, 'w', encoding='utf-8') as f:
            f.write('program@segv fail\n')
        ns.filter = 'segv'
        assert run(ns) == 1, 'a crash is not the expected fail'
        with open(exp, 'w', encoding='utf-8') as f:
            f.write('program@segv bogus\n')
        try:
            run(ns)
            raise AssertionError('a malformed expectations line must be refused')
        except SystemExit as e:
            assert 'exp.txt:1' in str(e), e
    print('self-test OK')
    return 0


def main():
    if '--self-test' in sys.argv:
        return self_test()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--piglit', default=DEFAULT_PIGLIT, help=f'Piglit installation (default {DEFAULT_PIGLIT})')
    ap.add_argument('--profile', default='cl.xml.gz', help="Piglit's test list (default tests/cl.xml.gz)")
    ap.add_argument('--icd', help='vendor file (*.icd) or ICD library (*.so) that ocl-icd loads alone')
    ap.add_argument('--platform', help="substring of the platform's name (PIGLIT_CL_PLATFORM)")
    ap.add_argument('--expectations', help='expected non-passing results (default: every test passes)')
    ap.add_argument('--results', help='write per-test results to this CSV file')
    ap.add_argument('--logs', help="write each test's command and full output to DIR/<test>.log")
    ap.add_argument('--filter', help='run only tests whose name matches this regular expression')
    ap.add_argument('--timeout', type=float, default=60, help='seconds per test (default 60, as Piglit)')
    ap.add_argument('--jobs', type=int, default=2, help='tests run at once (default 2)')
    ap.add_argument('--env', action='append', metavar='KEY=VALUE', help='extra environment for the tests; repeatable')
    return run(ap.parse_args())


if __name__ == '__main__':
    sys.exit(main())
