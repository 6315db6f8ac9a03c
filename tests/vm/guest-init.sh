#!/bin/busybox sh
# /init of the test guest (packed by run-vm-tests.sh): loads the module on the Mica PCI device,
# runs the tests against /dev/dri/renderD128, reloads the module repeatedly, checks dmesg, and
# prints "mica-vm: N passed, N failed" on the serial console before powering off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs none /sys/kernel/debug
P=0
F=0
ok() { P=$((P + 1)); echo "ok - $1"; }
nok() { F=$((F + 1)); echo "not ok - $1"; }
step() { name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
wait_node() {
	w=0
	while [ ! -c /dev/dri/renderD128 ] && [ $w -lt 50 ]; do sleep 0.1; w=$((w + 1)); done
	[ -c /dev/dri/renderD128 ]
}
# Counts from a test program's closing "N passed, N failed" line.
run_prog() {
	out=$("$@" 2>&1)
	echo "$out"
	line=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then nok "$1 printed no result line"; return; fi
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/')
	P=$((P + p))
	F=$((F + f))
}

# If something hangs, say where before the host's timeout kills the guest.
GUARD=$(cat /etc/mica-guard 2>/dev/null || echo 240)
(sleep "$GUARD"; echo "# guest guard: ${GUARD}s passed, blocked tasks and dmesg follow"
 echo w > /proc/sysrq-trigger; dmesg | tail -n 80; tail -n 30 /tmp/gtest.log 2>/dev/null; echo "mica-vm: $P passed, $((F + 1)) failed (hung)"
 poweroff -f) &
# gtest: counts from its "[  PASSED  ] N tests." and "[  FAILED  ] N tests," lines.
run_gtest() {
	# Sanitized builds (CI): the kernel is under test here, not the test binary's own leaks.
	ASAN_OPTIONS=detect_leaks=0 "$@" > /tmp/gtest.log 2>&1
	grep -E -A4 '^\[  FAILED  \]|Failure$' /tmp/gtest.log | head -n 300
	p=$(sed -n -E 's/^\[  PASSED  \] ([0-9]+) tests?\..*/\1/p' /tmp/gtest.log | tail -n 1)
	f=$(sed -n -E 's/^\[  FAILED  \] ([0-9]+) tests?, listed below.*/\1/p' /tmp/gtest.log | tail -n 1)
	if [ -z "$p" ]; then nok "$1 printed no result line"; tail -n 20 /tmp/gtest.log; return; fi
	echo "# $1: ${p} passed, ${f:-0} failed"
	P=$((P + p))
	F=$((F + ${f:-0}))
}
PARAMS=$(cat /etc/mica-params 2>/dev/null)
RELOADS=$(cat /etc/mica-reloads 2>/dev/null || echo 10)
step "insmod drm" insmod /lib/modules/drm.ko
step "insmod gpu-sched" insmod /lib/modules/gpu-sched.ko
# shellcheck disable=SC2086
step "insmod mica $PARAMS" insmod /lib/modules/mica.ko $PARAMS
step "render node /dev/dri/renderD128" wait_node
step "sysfs power_profile readable" sh -c 'grep -qE "^[0-9]+$" /sys/bus/pci/drivers/mica/*/power_profile'
step "debugfs mica_log readable" sh -c 'cat /sys/kernel/debug/dri/*/mica_log | grep -q "Mica revision"'
run_prog /bin/mica_vm_smoke
# PRIME: dma-bufs between Mica clients and with vgem (loaded after mica, so mica keeps renderD128).
step "insmod drm_shmem_helper + vgem" sh -c 'insmod /lib/modules/drm_shmem_helper.ko && insmod /lib/modules/vgem.ko'
run_prog /bin/mica_vm_prime
step "rmmod vgem (no attachment of a Mica dma-buf left)" rmmod vgem
step "the hang left a devcoredump" sh -c 'grep -q "Mica devcoredump" /sys/class/devcoredump/devcd*/data'

# Module unload/reload: every instance must come up on a freshly reset device and go away.
# (Debian's kernel has no kmemleak: the slab total before and after is printed as a figure.)
slab_before=$(sed -n 's/^Slab: *//p' /proc/meminfo)
r=0
good=0
while [ $r -lt "$RELOADS" ]; do
	# shellcheck disable=SC2086
	echo "# reload $r"
	if rmmod mica && insmod /lib/modules/mica.ko $PARAMS && wait_node; then good=$((good + 1)); fi
	r=$((r + 1))
done
step "module unload/reload x$RELOADS ($good good)" [ "$good" = "$RELOADS" ]
echo "# slab before the reloads: $slab_before, after: $(sed -n 's/^Slab: *//p' /proc/meminfo)"
run_prog /bin/mica_vm_smoke
cat /sys/kernel/debug/dri/*/mica_sched
# The module unloads after the kill tests (nothing of the killed clients pins it), and reloads
# with a watchdog that never fires, so only the kernel timeout (drm_sched's timedout_job, then
# the core's recovery) can end a hang.
slab_before=$(sed -n 's/^Slab: *//p' /proc/meminfo)
step "rmmod mica after the killed clients" rmmod mica
echo "# slab after the smoke run and the unload: $slab_before -> $(sed -n 's/^Slab: *//p' /proc/meminfo)"
step "insmod mica (no watchdog, 300 ms job timeout)" \
	sh -c 'insmod /lib/modules/mica.ko watchdog_cycles=4294967295 job_timeout_ns=300000000'
wait_node
run_prog /bin/mica_vm_smoke tdr
dmesg | grep -i "mica" | tail -n 3
rmmod mica
# The unload must never race drm_sched's timeout handler, which parked the scheduler thread
# while drm_sched_fini() stopped it (a WARNING in kthread_park, or an rmmod that never returns).
# A 100 ms job timeout gives drm_sched a 50 ms timeout period; each round stalls one job for a
# different time, exits and unloads at once, so the unloads land all over that period.
ROUNDS=$(cat /etc/mica-unload-races 2>/dev/null || echo 30)
r=0
good=0
fired=0
while [ $r -lt "$ROUNDS" ]; do
	if insmod /lib/modules/mica.ko watchdog_cycles=4294967295 job_timeout_ns=100000000 &&
	   wait_node && /bin/mica_vm_smoke busy $((20 + (r * 7) % 60)); then
		t=$(sed -n 's/^timeouts //p' /sys/kernel/debug/dri/*/mica_sched)
		[ "${t:-0}" = 0 ] || fired=$((fired + 1))
		if rmmod mica; then good=$((good + 1)); fi
	else
		rmmod mica 2>/dev/null
	fi
	r=$((r + 1))
done
step "unload right after a job, drm_sched's timeout armed x$ROUNDS ($good good, it fired in $fired)" \
	[ "$good" = "$ROUNDS" ]
# shellcheck disable=SC2086
step "insmod mica $PARAMS" insmod /lib/modules/mica.ko $PARAMS
wait_node
if [ -x /bin/mica-vk-example ]; then
	# The examples check their results against a CPU reference (exit 0 only if all match).
	step "Vulkan examples (all) through the real driver" \
		env VK_ICD_FILENAMES=/etc/vulkan/mica_icd.json VK_DRIVER_FILES=/etc/vulkan/mica_icd.json \
		MICA_WINSYS=drm /bin/mica-vk-example all
fi
if [ -x /bin/vk_test_external_memory ]; then
	run_gtest env VK_ICD_FILENAMES=/etc/vulkan/mica_icd.json VK_DRIVER_FILES=/etc/vulkan/mica_icd.json \
		MICA_WINSYS=drm /bin/vk_test_external_memory
fi
if [ -x /bin/vk_test_external_memory_host ]; then
	# No system DMA on this device: the extension is not offered (the other cases skip).
	run_gtest env VK_ICD_FILENAMES=/etc/vulkan/mica_icd.json VK_DRIVER_FILES=/etc/vulkan/mica_icd.json \
		MICA_WINSYS=drm /bin/vk_test_external_memory_host
fi
if [ -x /bin/vk_test_external_semaphore ]; then
	run_gtest env VK_ICD_FILENAMES=/etc/vulkan/mica_icd.json VK_DRIVER_FILES=/etc/vulkan/mica_icd.json \
		MICA_WINSYS=drm /bin/vk_test_external_semaphore
fi
if [ -x /bin/kernel_uapi_test_drm ]; then
	EXCLUDE=$(grep -v '^#' /etc/mica-uapi-exclude | grep . | tr '\n' ':')
	UAPI_FILTER=$(cat /etc/mica-uapi-filter 2>/dev/null)
	# vgem for the PRIME cases that need another driver (mica keeps renderD128: loaded first)
	step "insmod vgem for the uapi suite" insmod /lib/modules/vgem.ko
	# MICA_VM_UAPI_REPEAT (run-vm-tests.sh) repeats the suite to shake out races.
	REPEAT=$(cat /etc/mica-uapi-repeat 2>/dev/null || echo 1)
	run_gtest /bin/kernel_uapi_test_drm --gtest_filter="${UAPI_FILTER:-*}-$EXCLUDE" --gtest_repeat="$REPEAT"
	step "rmmod vgem after the uapi suite" rmmod vgem
fi
step "rmmod mica" rmmod mica
KREPORT="WARNING:|BUG:|Oops|general protection"
step "no WARNING/BUG/Oops in dmesg" sh -c "! dmesg | grep -E '$KREPORT'"
# A report is useful only with where it came from: each one with the lines after it (its
# registers and backtrace), marked for run-vm-tests.sh, which repeats them after the result.
dmesg | grep -E -A30 "$KREPORT" | head -n 120 | sed 's/^/#kmsg /'
[ ! -e /etc/mica-dmesg ] || dmesg | sed 's/^/#dmesg /'
dmesg | grep -i mica | tail -n 20
echo "mica-vm: $P passed, $F failed"
poweroff -f
