#!/usr/bin/env python3
"""Runs mica-cl-bench with ocl-icd seeing exactly the given vendor files (or directories of them).

    run-cl-bench.py BENCH VENDOR.icd|DIR... [-- bench arguments]
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    extra = []
    if '--' in args:
        extra = args[args.index('--') + 1:]
        args = args[:args.index('--')]
    bench, vendors = args[0], args[1:]
    with tempfile.TemporaryDirectory(prefix='cl-bench-') as d:
        for v in vendors:
            files = [os.path.join(v, f) for f in sorted(os.listdir(v))] if os.path.isdir(v) else [v]
            for f in files:
                if f.endswith('.icd') and os.path.isfile(f):
                    shutil.copy(f, os.path.join(d, os.path.basename(f)))
        env = dict(os.environ, OCL_ICD_VENDORS=d)
        env.pop('OCL_ICD_FILENAMES', None)
        return subprocess.call([bench] + extra, env=env)


if __name__ == '__main__':
    sys.exit(main())
