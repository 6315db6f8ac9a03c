#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds mica.ko out of tree against a kernel's headers:
#   kernel/linux/build-module.sh OUTDIR [KDIR]
# KDIR defaults to /lib/modules/$(uname -r)/build, else the newest /usr/src/linux-headers-*-amd64.
# MICA_W=1 adds make W=1; MICA_SPARSE=1 runs sparse (make C=2); with MICA_STRICT=1 any compiler
# or sparse warning about Mica's own files fails the build. Exits 77 (skip) without headers.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
KDIR=${2:-}
if [ -z "$KDIR" ]; then
	if [ -d "/lib/modules/$(uname -r)/build" ]; then
		KDIR=/lib/modules/$(uname -r)/build
	else
		KDIR=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
	fi
fi
if [ -z "$KDIR" ] || [ ! -f "$KDIR/Makefile" ]; then
	echo "build-module: no kernel headers (install linux-headers-amd64): skipped"
	exit 77
fi
echo "build-module: against $KDIR into $OUT"

# Stage: symlinks to the sources, real directories for the objects.
rm -rf "$OUT/core" "$OUT/hw"
mkdir -p "$OUT/core/linux" "$OUT/core/include/uapi/drm" "$OUT/hw/include"
for f in "$SRC"/kernel/*.c "$SRC"/kernel/*.h; do ln -s "$f" "$OUT/core/"; done
for f in "$SRC"/kernel/linux/*.c "$SRC"/kernel/linux/*.h; do ln -s "$f" "$OUT/core/linux/"; done
ln -s "$SRC/kernel/include/uapi/drm/mica_drm.h" "$OUT/core/include/uapi/drm/"
for f in "$SRC"/src/hw/*.c; do ln -s "$f" "$OUT/hw/"; done
for f in "$SRC"/src/hw/include/*.h; do ln -s "$f" "$OUT/hw/include/"; done
ln -sf "$SRC/kernel/linux/Kbuild" "$OUT/Kbuild"
python3 "$SRC/src/hw/gen_hw.py" --toml "$SRC/src/hw/mica.toml" --isa "$SRC/src/hw/mica.isa" \
	--header "$OUT/hw/mica_hw.h" --tables "$OUT/hw/mica_hw_tables.c"

"$SRC/kernel/linux/configure.sh" "$KDIR" "$OUT"

W=""
[ "${MICA_W:-0}" = 1 ] && W="W=1"
status=0
make -C "$KDIR" M="$OUT" $W modules > "$OUT/build.log" 2>&1 || status=$?
cat "$OUT/build.log"
[ $status = 0 ] || { echo "build-module: make failed ($status)"; exit 1; }
warn=$(grep -E "^$OUT/.*(warning|error):" "$OUT/build.log" || true)
if [ "${MICA_SPARSE:-0}" = 1 ]; then
	make -C "$KDIR" M="$OUT" C=2 modules > "$OUT/sparse.log" 2>&1 || {
		cat "$OUT/sparse.log"; echo "build-module: sparse run failed"; exit 1; }
	swarn=$(grep -E "^$OUT/.*(warning|error):" "$OUT/sparse.log" || true)
	[ -z "$swarn" ] || { echo "$swarn"; warn="$warn$swarn"; }
fi
if [ -n "$warn" ] && [ "${MICA_STRICT:-0}" = 1 ]; then
	echo "build-module: warnings in Mica's files (above): failing"
	exit 1
fi
ls -l "$OUT/mica.ko"
echo "build-module: ok"
