#!/usr/bin/env python3
"""Runs vulkaninfo against the Mica ICD and checks that it succeeds and shows the device honestly."""
import subprocess
import sys


def main():
    vulkaninfo = sys.argv[1]
    proc = subprocess.run([vulkaninfo], capture_output=True, text=True, timeout=120)
    out = proc.stdout
    problems = []
    if proc.returncode != 0:
        problems.append(f'vulkaninfo exited with {proc.returncode}: {proc.stderr.strip()[-2000:]}')
    for needle in ('deviceName', 'Mica', 'maxComputeWorkGroupInvocations', 'subgroupSize',
                   'QUEUE_COMPUTE', 'synchronization2', 'timelineSemaphore'):
        if needle not in out:
            problems.append(f'{needle!r} missing from the vulkaninfo output')
    for line in out.splitlines():
        if 'maxComputeWorkGroupInvocations' in line and '1024' not in line:
            problems.append('unexpected ' + line.strip())
    if 'ERROR' in proc.stderr:
        problems.append('errors on stderr: ' + proc.stderr.strip()[-2000:])
    if problems:
        print('\n'.join(problems))
        return 1
    print('vulkaninfo OK:', next(l.strip() for l in out.splitlines() if 'deviceName' in l))
    return 0


if __name__ == '__main__':
    sys.exit(main())
