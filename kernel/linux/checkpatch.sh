#!/bin/sh
# SPDX-License-Identifier: MIT
# The kernel's own style checker over the driver: scripts/checkpatch.pl --strict from Debian's
# linux-source-6.1 (only checkpatch.pl and its data files are extracted, into OUTDIR).
#   kernel/linux/checkpatch.sh OUTDIR
# Every finding in every file fails, except the types docs/kernel.md ("checkpatch") justifies
# (IGNORE below).
# Exits 77 (skip) without linux-source-6.1.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
TAR=$(ls /usr/src/linux-source-6.1.tar.xz /usr/src/linux-source-6.1.tar.bz2 2>/dev/null | head -n 1 || true)
[ -n "$TAR" ] || { echo "checkpatch: no /usr/src/linux-source-6.1.tar.* (apt-get install linux-source-6.1): skipped"; exit 77; }
CP=$OUT/linux-source-6.1/scripts/checkpatch.pl
if [ ! -f "$CP" ] || [ "$TAR" -nt "$CP" ]; then
	tar -xf "$TAR" -C "$OUT" linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt linux-source-6.1/scripts/const_structs.checkpatch
	touch "$CP"
fi

# Justified in docs/kernel.md, one reason each.
IGNORE=BIT_MACRO,PREFER_FALLTHROUGH,SPACING,MACRO_ARG_REUSE,LONG_LINE_STRING

cd "$SRC"
files=$(ls kernel/*.c kernel/*.h kernel/linux/*.c kernel/linux/*.h kernel/include/uapi/drm/*.h)
status=0
for f in $files; do
	out=$(perl "$CP" --no-tree --strict --terse --show-types --ignore "$IGNORE" -f "$f" 2>&1 |
	      grep -E ': (ERROR|WARNING|CHECK):' || true)
	[ -n "$out" ] || continue
	echo "$out"
	status=1
done
[ $status = 0 ] && echo "checkpatch: clean ($(echo "$files" | wc -w) files, --strict, ignoring $IGNORE)"
[ $status = 0 ] || echo "checkpatch: findings above"
exit $status
