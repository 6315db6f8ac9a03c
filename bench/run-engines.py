#!/usr/bin/env python3
"""Issue 14's benchmark in one run: SAXPY 16M, SGEMM 512, tree reduction 16M (barriers), prefix
scan, histogram (atomics) and empty-dispatch latency on Mica with each compute-unit engine
(MICA_CU_ENGINE=interp and jit, through the Vulkan ICD), on Mesa's lavapipe (Vulkan) and on PoCL
(OpenCL), with the host's memory bandwidth measured in the same run. Prints each rate and the
ratios Mica/peer. Every engine's kernel time is the same span: host wall clock from submission
(vkQueueSubmit2, or the first clEnqueueNDRangeKernel of a run) to completion (the fence, clFinish),
the fastest of --reps runs after one warm-up run. PoCL's own profiling interval (START..END) is
printed beside it, and for each kernel's fastest run the process's threads' CPU time and time
spent runnable but waiting for a CPU (the host's load). The host's own SAXPY loop over the same
16M elements on every core is printed as the reference for the SAXPY rates (a reference, not a
ceiling: PoCL's vectorised kernel runs ahead of it on this machine, docs/performance.md). Run it
on an otherwise idle machine.

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
ROW = re.compile(r'^(\S+)\s+(\S+)\s+\|\s+([\d.]+)\s+([\d.]+)\s+\|\s+([\d.]+)\s+([\d.]+)\s+\|\s+\S+\s+'
                 r'\|\s+([\d.]+)\s+([\d.]+)\s+\|\s+([\d.]+)\s+([\d.]+)')
LAT = re.compile(r'dispatch latency .*: Mica ([\d.]+) ms, lavapipe ([\d.]+) ms')


LAST_RUN = {}  # wall and CPU seconds of the last run()
SPANS = {}  # (engine, kernel) -> (wall ms, CPU ms, CPU-wait ms) of the fastest run


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
    rates, units, spans = {}, {}, {}
    mica_lat = lvp_lat = None
    for line in out.splitlines():
        m = ROW.match(line)
        if m and m.group(1) in KERNELS:
            rates[m.group(1)] = (float(m.group(3)), float(m.group(5)))
            units[m.group(1)] = m.group(2)
            g = [float(x) for x in m.groups()[2:]]
            spans[m.group(1)] = ((g[1], g[4], g[5]), (g[3], g[6], g[7]))  # Mica's, lavapipe's
        m = LAT.search(line)
        if m:
            mica_lat, lvp_lat = float(m.group(1)), float(m.group(2))
        if 'WRONG' in line:
            print('  ' + line.strip())
    return rates, units, spans, mica_lat, lvp_lat, out


def pocl(build, args):
    bench = os.path.join(build, 'bench/opencl/mica-cl-bench')
    if not os.path.exists(bench) or not os.path.exists(POCL_ICD):
        return {}, None
    out = run([sys.executable, os.path.join(os.path.dirname(__file__), 'opencl/run-cl-bench.py'), bench, POCL_ICD,
               '--'] + args)
    rates, profiled, lat = {}, {}, None
    for line in out.splitlines():
        parts = [p.strip() for p in line.split('|')]
        if len(parts) >= 2:
            m = re.match(r'([\d.]+) ms\s+([\d.]+)\s+\S+\s+\[profiled\s+([\d.]+) ms\s+([\d.]+)\]'
                         r'\s+cpu ([\d.]+) wait ([\d.]+)', parts[1])
            if m:
                rates[parts[0]] = float(m.group(2))
                profiled[parts[0]] = float(m.group(4))
                name = {v[0]: k for k, v in CL_NAMES.items()}.get(parts[0])
                if name:
                    SPANS[('pocl', name)] = (float(m.group(1)), float(m.group(5)), float(m.group(6)))
        m = re.search(r'enqueue-to-complete latency ([\d.]+) ms', line)
        if m:
            lat = float(m.group(1))
    if not rates:
        print(out)
    return rates, profiled, lat


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
    m = re.search(r'host saxpy 16M: ([\d.]+) Gelement/s on (\d+) threads \(([\d.]+) GB/s', bw)
    host_saxpy = float(m.group(1)) * 1e3 if m else None
    if m:
        print('host saxpy 16M: %.1f Melement/s on %s threads (%s GB/s): a plain C++ loop, the same traffic'
              % (host_saxpy, m.group(2), m.group(3)))
    print('kernel time of every engine: host wall clock, submit (vkQueueSubmit2 / clEnqueueNDRangeKernel) to '
          'completion (fence / clFinish), fastest of %d after one warm-up run' % a.reps)

    results = {}
    for engine, name, env in [('interp', 'interp', {}), ('jit', 'jit', {})] + [('jit', n, e) for n, e in also]:
        r, units, spans, lat, _, out = vk(a.build, [mica_icd], engine, common + ['--mica-only'], a.job_timeout_ms,
                                          env)
        for k, (mica_span, _) in spans.items():
            SPANS[('mica-' + name, k)] = mica_span
        print('mica-%s: %.1f s wall, %.1f s CPU' % (name, LAST_RUN['wall'], LAST_RUN['cpu']))
        if not r:
            print(out)
        for line in out.splitlines():
            if line.startswith('pipeline creation') and name == 'jit':
                print(line.strip())
        results['mica-' + name] = ({k: v[0] for k, v in r.items()}, lat)
    r, units_l, spans, _, lvp_lat, out = vk(a.build, [LVP_ICD], 'interp', common)
    for k, (_, lvp_span) in spans.items():
        SPANS[('lavapipe', k)] = lvp_span
    results['lavapipe'] = ({k: v[1] for k, v in r.items()}, lvp_lat)
    units = units or units_l
    cl, cl_profiled, cl_lat = pocl(a.build, ['--issue14' if not a.quick else '--quick', '--reps', str(a.reps)])

    def items_per_s(rates):
        out = {}
        for k, (name, bytes_per_item) in CL_NAMES.items():
            if name in rates:
                out[k] = rates[name] * 1e3 / bytes_per_item if bytes_per_item else rates[name] * 1e3
        return out
    results['pocl'] = (items_per_s(cl), cl_lat)
    pocl_profiled = items_per_s(cl_profiled)

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
    if pocl_profiled:
        print("pocl's own profiling interval (CL_PROFILING_COMMAND_START..END) would give: " +
              ', '.join('%s %.3f' % (k, pocl_profiled[k]) for k in KERNELS if k in pocl_profiled))
    if host_saxpy and not a.quick:
        print('saxpy over the host loop (host saxpy 16M above): ' +
              ', '.join('%s %.3f' % (c, results[c][0].get('saxpy', 0.0) / host_saxpy) for c in cols))
    print('\nfastest run of each kernel: wall ms / CPU ms of all the process\'s threads / ms they waited for a CPU')
    print('%-12s' % 'kernel' + ''.join('%26s' % c for c in cols))
    for k in KERNELS:
        print('%-12s' % k + ''.join('%26s' % ('%.1f / %.1f / %.1f' % SPANS[(c, k)] if (c, k) in SPANS else 'n/a')
                                    for c in cols))
    for name, env in also:
        print('\nmica-jit with %s (%s):' % (name, ','.join('%s=%s' % kv for kv in env.items())))
        for k in KERNELS:
            x, y = results['mica-jit'][0].get(k, 0.0), results['mica-' + name][0].get(k, 0.0)
            print('%-12s %14.3f %14.3f   jit/%s %s' % (k, x, y, name, '%.4f' % (x / y) if x and y else 'n/a'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
