#!/usr/bin/env bash
# Builds the validator fuzzer with clang (libFuzzer + ASan + UBSan) from the kernel C files only,
# refreshes the seed corpus, and fuzzes for a bounded time; then the texture-unit isolation fuzzer
# (fuzz_texture.cpp: hostile image/sampler descriptors on the whole device model, built in its own
# clang build tree) for the same time. Exits non-zero on any finding.
# Usage: tests/kernel/fuzz/run-fuzz.sh [seconds (default 60)] [extra libFuzzer args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
secs="${1:-60}"
shift || true
CC="${CC_FUZZ:-clang}"
work="$(mktemp -d "${TMPDIR:-/tmp}/mica-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

python3 "$root/src/hw/gen_hw.py" --toml "$root/src/hw/mica.toml" --isa "$root/src/hw/mica.isa" \
	--header "$work/mica_hw.h" --tables "$work/mica_hw_tables.c"
inc=(-I"$work" -I"$root/src/hw/include" -I"$root/kernel" -I"$root/kernel/include/uapi")
kernel_c=("$root"/kernel/mica_cs_validate.c "$root"/kernel/mica_shader_validate.c
	"$root"/kernel/mica_log.c "$root"/kernel/userspace/mica_os_user.c
	"$root"/src/hw/mica_isa.c "$root"/src/hw/mica_occupancy.c "$root"/src/hw/mica_dma.c "$work"/mica_hw_tables.c)

"$CC" -std=gnu11 -O1 -g "${inc[@]}" -o "$work/gen_seeds" "$here/gen_seeds.c" \
	"$root"/src/hw/mica_isa.c "$work"/mica_hw_tables.c
mkdir -p "$here/corpus"
"$work/gen_seeds" "$here/corpus" "$work/cs.dict"

"$CC" -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	"${inc[@]}" -o "$work/fuzz_validate" "$here/fuzz_validate.c" "${kernel_c[@]}" -lpthread

# New inputs go to a scratch corpus; the committed seeds stay small.
mkdir -p "$work/corpus"
cd "$work"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$work/fuzz_validate" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -dict="$work/cs.dict" \
	-artifact_prefix="$work/" "$@" "$work/corpus" "$here/corpus" && status=0 || status=$?
if [ "$status" -ne 0 ]; then
	mkdir -p "$root/build-fuzz-findings"
	cp -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$root/build-fuzz-findings/" 2>/dev/null || true
	echo "run-fuzz.sh: the fuzzer found a problem (exit $status); inputs in build-fuzz-findings/" >&2
	exit "$status"
fi
echo "run-fuzz.sh: no validator findings in ${secs}s"

# The texture unit against hostile descriptors: the device model built with clang, ASan, UBSan and
# coverage instrumentation (fuzzer-no-link) so the fuzzer is guided by the texture unit's branches.
tbuild="${MICA_TEXTURE_FUZZ_BUILD:-$root/build-fuzz-texture}"
if [ ! -f "$tbuild/build.ninja" ]; then
	CC="$CC" CXX="${CXX_FUZZ:-clang++}" meson setup "$tbuild" "$root" -Dcompiler=false -Dkernel=false \
		-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
		-Dc_args=-g1 -Dcpp_args='-fsanitize=fuzzer-no-link -g1' >/dev/null
fi
ninja -C "$tbuild" tests/sim/texture_fuzz
mkdir -p "$work/texture-corpus"
"$tbuild/tests/sim/texture_fuzz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
	-artifact_prefix="$work/" "$@" "$work/texture-corpus" "$here/corpus-texture" && status=0 || status=$?
if [ "$status" -ne 0 ]; then
	mkdir -p "$root/build-fuzz-findings"
	cp -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$root/build-fuzz-findings/" 2>/dev/null || true
	echo "run-fuzz.sh: the texture fuzzer found a problem (exit $status); inputs in build-fuzz-findings/" >&2
	exit "$status"
fi
echo "run-fuzz.sh: no findings in ${secs}s (validators) + ${secs}s (texture unit)"
