#!/usr/bin/env python3
"""Issue 14's benchmark in one run: SAXPY 16M, SGEMM 512, tree reduction 16M (barriers), prefix
scan, histogram (atomics) and empty-dispatch latency on Mica with each compute-unit engine
(MICA_CU_ENGINE=interp and jit, through the Vulkan ICD), on Mesa's lavapipe (Vulkan) and on PoCL
(OpenCL), with the host's memory bandwidth measured in the same run. Prints each rate and the
ratios Mica/peer. Wall-clock host time; run it on an otherwise idle machine.

    run-engines.py --build BUILD_DIR [--reps N] [--quick] [--also NAME:VAR=VALUE[,VAR=VALUE...]]

--also runs Mica's JIT once more per NAME with those environment variables (for example
--also 1thread:MICA_SIM_HOST_THREADS=1) and prints its rates and jit/NAME. Each Mica run's wall
clock and CPU time (user + system of the process) are printed: on a shared host the CPU time
shows how much of the wall clock the run actually had.
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import time

LVP_ICD = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'
POCL_ICD = '/etc/OpenCL/vendors/pocl.icd'
# OpenCL bench reports GB/s (GFLOP/s for sgemm); bytes per item convert to the Vulkan bench's units.
CL_NAMES = {'saxpy': ('saxpy', 12.0), 'reduction': ('reduction', 4.0), 'prefix-scan': ('scan', 8.0),
            'matmul': ('sgemm', None), 'histogram': ('histogram', 1.0)}
KERNELS = ['saxpy', 'reduction', 'prefix-scan', 'matmul', 'histogram']
ROW = re.compile(r'^(\S+)\s+(\S+)\s+\|\s+([\d.]+)\s+([\d.]+)\s+\|\s+([\d.]+)\s+([\d.]+)')
LAT = re.compile(r'dispatch latency .*: Mica ([\d.]+) ms, lavapipe ([\d.]+) ms')


LAST_RUN = {}  # wall and CPU seconds of the last run()


def run(cmd, env=None, timeout=1800):
    e = dict(os.environ)
    e.update(env or {})
    before, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    p = subprocess.run(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    LAST_RUN['wall'] = time.monotonic() - t0
    LAST_RUN['cpu'] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p.stdout


def vk(build, icds, engine, args, job_timeout_ms=None, extra_env=None):
    env = {'VK_DRIVER_FILES': ':'.join(icds), 'MICA_CU_ENGINE': engine}
    env.update(extra_env or {})
    if job_timeout_ms:
        # A kernel is one job: the 16M reduction is one dispatch of several seconds on a loaded
        # host, and the in-process kernel's default job timeout (5 s of host wall clock, like
        # mica.ko's) would kill it; the benchmark measures speed, not the hang check.
        env['MICA_SIM_JOB_TIMEOUT_MS'] = str(job_timeout_ms)
    out = run([os.path.join(build, 'bench/vulkan/mica-vk-bench')] + args, env)
    rates, units = {}, {}
    mica_lat = lvp_lat = None
    for line in out.splitlines():
        m = ROW.match(line)
        if m and m.group(1) in KERNELS:
            rates[m.group(1)] = (float(m.group(3)), float(m.group(5)))
            units[m.group(1)] = m.group(2)
        m = LAT.search(line)
        if m:
            mica_lat, lvp_lat = float(m.group(1)), float(m.group(2))
        if 'WRONG' in line:
            print('  ' + line.strip())
    return rates, units, mica_lat, lvp_lat, out


def pocl(build, args):
    bench = os.path.join(build, 'bench/opencl/mica-cl-bench')
    if not os.path.exists(bench) or not os.path.exists(POCL_ICD):
        return {}, None
    out = run([sys.executable, os.path.join(os.path.dirname(__file__), 'opencl/run-cl-bench.py'), bench, POCL_ICD,
               '--'] + args)
    rates, lat = {}, None
    for line in out.splitlines():
        parts = [p.strip() for p in line.split('|')]
        if len(parts) >= 2:
            m = re.match(r'([\d.]+) ms\s+([\d.]+)', parts[1])
            if m:
                rates[parts[0]] = float(m.group(2))
        m = re.search(r'enqueue-to-complete latency ([\d.]+) ms', line)
        if m:
            lat = float(m.group(1))
    return rates, lat


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', required=True)
    ap.add_argument('--reps', type=int, default=2)
    ap.add_argument('--quick', action='store_true', help='small sizes (a smoke run, not the issue-14 sizes)')
    ap.add_argument('--job-timeout-ms', type=int, default=60000,
                    help="Mica's in-process kernel job timeout for the runs (MICA_SIM_JOB_TIMEOUT_MS; 0: the default 5 s)")
    ap.add_argument('--also', action='append', default=[], metavar='NAME:VAR=VALUE[,VAR=VALUE]',
                    help="run Mica's JIT again with these environment variables (repeatable)")
    a = ap.parse_args()
    also = []
    for spec in a.also:
        name, _, assigns = spec.partition(':')
        env = dict(kv.split('=', 1) for kv in assigns.split(',') if '=' in kv)
        if not name or not env:
            ap.error('--also wants NAME:VAR=VALUE[,VAR=VALUE...], got %r' % spec)
        also.append((name, env))
    mica_icd = os.path.join(a.build, 'src/driver/vulkan/mica_icd.json')
    size = ['--quick'] if a.quick else ['--issue14']
    common = size + ['--reps', str(a.reps)]

    bw = run([os.path.join(a.build, 'bench/sim/mica-bench-sim'), 'bandwidth'])
    m = re.search(r'host memcpy bandwidth: ([\d.]+) GB/s \(copy; ([\d.]+) GB/s', bw)
    print('host memory bandwidth: %s GB/s copied (%s GB/s read+write)' % (m.group(1), m.group(2)) if m else bw)

    results = {}
    for engine, name, env in [('interp', 'interp', {}), ('jit', 'jit', {})] + [('jit', n, e) for n, e in also]:
        r, units, lat, _, out = vk(a.build, [mica_icd], engine, common + ['--mica-only'], a.job_timeout_ms, env)
        print('mica-%s: %.1f s wall, %.1f s CPU' % (name, LAST_RUN['wall'], LAST_RUN['cpu']))
        if not r:
            print(out)
        for line in out.splitlines():
            if line.startswith('pipeline creation') and name == 'jit':
                print(line.strip())
        results['mica-' + name] = ({k: v[0] for k, v in r.items()}, lat)
    r, units_l, _, lvp_lat, out = vk(a.build, [LVP_ICD], 'interp', common)
    results['lavapipe'] = ({k: v[1] for k, v in r.items()}, lvp_lat)
    units = units or units_l
    cl, cl_lat = pocl(a.build, ['--issue14' if not a.quick else '--quick', '--reps', str(a.reps)])
    pr = {}
    for k, (name, bytes_per_item) in CL_NAMES.items():
        if name in cl:
            pr[k] = cl[name] * 1e3 / bytes_per_item if bytes_per_item else cl[name] * 1e3
    results['pocl'] = (pr, cl_lat)

    cols = ['mica-interp', 'mica-jit', 'lavapipe', 'pocl']
    print('\n%-12s %-9s' % ('kernel', 'unit') + ''.join('%14s' % c for c in cols) +
          '%12s%12s%12s' % ('jit/interp', 'jit/lvp', 'jit/pocl'))
    for k in KERNELS:
        vals = [results[c][0].get(k, 0.0) for c in cols]
        def ratio(x, y):
            return '%12.4f' % (x / y) if x and y else '%12s' % 'n/a'
        print('%-12s %-9s' % (k, 'M' + units.get(k, '?')[:7] + '/s') + ''.join('%14.3f' % v for v in vals) +
              ratio(vals[1], vals[0]) + ratio(vals[1], vals[2]) + ratio(vals[1], vals[3]))
    lats = [results[c][1] for c in cols]
    print('%-22s' % 'empty dispatch (ms)' + ''.join('%14s' % ('%.3f' % v if v else 'n/a') for v in lats))
    print('(Vulkan: submit to fence of a one-group dispatch; PoCL: enqueue to clFinish of one work-item)')
    for name, env in also:
        print('\nmica-jit with %s (%s):' % (name, ','.join('%s=%s' % kv for kv in env.items())))
        for k in KERNELS:
            x, y = results['mica-jit'][0].get(k, 0.0), results['mica-' + name][0].get(k, 0.0)
            print('%-12s %14.3f %14.3f   jit/%s %s' % (k, x, y, name, '%.4f' % (x / y) if x and y else 'n/a'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
