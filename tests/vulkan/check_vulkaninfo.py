#!/usr/bin/env python3
"""Runs vulkaninfo against the Mica ICD and checks that it succeeds and shows the device honestly."""
import json
import os
import subprocess
import sys
import tempfile

AGGREGATES = ('VkPhysicalDeviceVulkan11', 'VkPhysicalDeviceVulkan12', 'VkPhysicalDeviceVulkan13')


def promoted_disagreements(vulkaninfo):
    """vulkaninfo's own JSON: every member of a promoted property/feature structure that also
    exists in a Vulkan 1.1/1.2/1.3 aggregate must have the same value there (vulkaninfo chains them
    itself, so this does not rely on the driver's tests)."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, 'vi.json')
        proc = subprocess.run([vulkaninfo, '--json', '-o', out], capture_output=True, text=True, timeout=120)
        if proc.returncode != 0 or not os.path.exists(out):
            return [f'vulkaninfo --json failed ({proc.returncode}): {proc.stderr.strip()[-500:]}']
        with open(out, encoding='utf-8') as f:
            device = json.load(f)['capabilities']['device']
    problems, compared = [], 0
    for kind in ('properties', 'features'):
        structs = device.get(kind, {})
        aggregates = {n: v for n, v in structs.items() if n.startswith(AGGREGATES)}
        if len(aggregates) != 3:
            problems.append(f'vulkaninfo shows {sorted(aggregates)} of the Vulkan 1.x {kind} aggregates')
        for name, members in structs.items():
            if name.startswith(AGGREGATES) or not isinstance(members, dict):
                continue
            for member, value in members.items():
                for agg_name, agg in aggregates.items():
                    if member in agg:
                        compared += 1
                        if agg[member] != value:
                            problems.append(f'{name}.{member} = {value!r} but {agg_name}.{member} = {agg[member]!r}')
    if compared < 50:
        problems.append(f'only {compared} promoted members compared: vulkaninfo showed fewer structures than expected')
    return problems


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
    problems += promoted_disagreements(vulkaninfo)
    if problems:
        print('\n'.join(problems))
        return 1
    print('vulkaninfo OK:', next(l.strip() for l in out.splitlines() if 'deviceName' in l))
    return 0


if __name__ == '__main__':
    sys.exit(main())
