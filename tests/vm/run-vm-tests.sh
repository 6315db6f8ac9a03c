#!/bin/sh
# SPDX-License-Identifier: MIT
# Boots the real kernel module on the Mica PCI device under QEMU and runs the tests in the guest.
#   tests/vm/run-vm-tests.sh BUILDDIR [WORKDIR]
# Fetches the Debian kernel image matching the installed headers (apt-get download, cached in
# WORKDIR), builds mica.ko, packs an initramfs (busybox-static, drm.ko, gpu-sched.ko, mica.ko, the guest
# tests), starts the device model as the ivshmem server, boots QEMU (TCG; MICA_VM_ACCEL, below)
# and prints the guest's "mica-vm: N passed, N failed". Exit 0 only if that line appears with 0
# failed; 77 (skip) when headers, image or QEMU (or a requested KVM) are unavailable.
# MICA_VM_TIMEOUT (seconds, default 300) bounds the boot; MICA_VM_RELOADS the reload loop;
# MICA_VM_UNLOAD_RACES the rounds of unloading while drm_sched's timeout is armed (default 30);
# MICA_VM_UAPI_REPEAT runs the uapi suite that many times and MICA_VM_UAPI_FILTER picks its cases
# (a gtest filter), to shake out races (raise MICA_VM_TIMEOUT with them); MICA_VM_DMESG=1 prints
# the guest's whole dmesg at the end.
set -eu
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "$1" && pwd)
WORK=${2:-$BUILD/tests/vm}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
TIMEOUT=${MICA_VM_TIMEOUT:-300}
RELOADS=${MICA_VM_RELOADS:-100}
skip() { echo "run-vm-tests: $*: skipped"; exit 77; }

SERVER=$BUILD/src/sim/ivshmem/mica-ivshmem-server
[ -x "$SERVER" ] || skip "no $SERVER (build it first)"
command -v qemu-system-x86_64 > /dev/null || skip "no qemu-system-x86_64"
[ -x /bin/busybox ] || skip "no busybox-static"
HDRS=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$HDRS" ] || skip "no linux-headers-amd64"
KVER=${HDRS##*/linux-headers-}

# The accelerator: MICA_VM_ACCEL=tcg (default), kvm, or auto (KVM where it can run this guest,
# TCG otherwise). KVM runs Debian's kernel at speed only with hardware virtualization (VMX/SVM).
# Where /dev/kvm is PVM instead (kvm_pvm: KVM without VMX/SVM, built for PVM-enlightened guest
# kernels, as on this project's machines and CI), an ordinary kernel runs in KVM's instruction
# emulator: ~1000x slower than TCG (the bzImage decompressor alone needs ~25 min, which looked
# like a hang in early boot), and it stops with "KVM internal error ... emulation failure" at
# its first cmpxchg16b anyway. Prints why KVM cannot be used here, nothing if it can.
kvm_unfit() {
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		echo "no usable /dev/kvm"
	elif [ -d /sys/module/kvm_pvm ]; then
		echo "/dev/kvm is PVM (kvm_pvm, no VMX/SVM): it emulates an unmodified guest kernel instruction by instruction"
	elif ! grep -qwE 'vmx|svm' /proc/cpuinfo; then
		echo "the CPU has no VMX/SVM"
	fi
}
ACCEL_MODE=${MICA_VM_ACCEL:-tcg}
case "$ACCEL_MODE" in
kvm)  why=$(kvm_unfit)
      [ -z "$why" ] || skip "MICA_VM_ACCEL=kvm, but $why"
      ACCEL="-accel kvm" ;;
auto) why=$(kvm_unfit)
      if [ -z "$why" ]; then ACCEL="-accel kvm"; else
	      echo "run-vm-tests: TCG, not KVM: $why"
	      ACCEL="-accel tcg"
      fi ;;
tcg)  ACCEL="-accel tcg" ;;
*)    echo "run-vm-tests: MICA_VM_ACCEL=$ACCEL_MODE: expected tcg, kvm or auto"; exit 2 ;;
esac

# 1. The kernel image matching the headers.
IMG=$WORK/image
if [ ! -f "$IMG/boot/vmlinuz-$KVER" ]; then
	mkdir -p "$WORK/debs"
	(cd "$WORK/debs" && { apt-get download "linux-image-$KVER-unsigned" ||
			       apt-get download "linux-image-$KVER"; }) > "$WORK/apt.log" 2>&1 ||
		{ cat "$WORK/apt.log"; skip "apt-get download linux-image-$KVER failed"; }
	rm -rf "$IMG"
	dpkg-deb -x "$(ls "$WORK"/debs/linux-image-"$KVER"*.deb | head -n 1)" "$IMG"
fi
DRM_KO=$(find "$IMG/lib/modules/$KVER" -name drm.ko | head -n 1)
# drm_sched (mica.ko depends on drm and gpu-sched)
SCHED_KO=$(find "$IMG/lib/modules/$KVER" -name gpu-sched.ko | head -n 1)
# vgem (and the shmem helper it needs): a second DRM driver for the PRIME tests.
SHMEM_KO=$(find "$IMG/lib/modules/$KVER" -name drm_shmem_helper.ko | head -n 1)
VGEM_KO=$(find "$IMG/lib/modules/$KVER" -name vgem.ko | head -n 1)

# 2. The module and the guest programs.
"$SRC/kernel/linux/build-module.sh" "$WORK/module" "$HDRS" > "$WORK/module.log" 2>&1 ||
	{ cat "$WORK/module.log"; echo "run-vm-tests: module build failed"; exit 1; }
cc -static -O2 -Wall -Wextra -Werror -I"$SRC/kernel/include/uapi" -I"$BUILD/src/hw" \
	-I/usr/include/libdrm "$SRC/tests/vm/mica_vm_smoke.c" -o "$WORK/mica_vm_smoke"
cc -static -O2 -Wall -Wextra -Werror -I"$SRC/kernel/include/uapi" -I"$BUILD/src/hw" \
	-I/usr/include/libdrm "$SRC/tests/vm/mica_vm_prime.c" -o "$WORK/mica_vm_prime"

# 3. The initramfs.
ROOT=$WORK/root
rm -rf "$ROOT"
mkdir -p "$ROOT/bin" "$ROOT/lib/modules" "$ROOT/etc" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/tmp"
cp /bin/busybox "$ROOT/bin/busybox"
cp "$SRC/tests/vm/guest-init.sh" "$ROOT/init"
chmod +x "$ROOT/init"
cp "$DRM_KO" "$SCHED_KO" "$WORK/module/mica.ko" "$ROOT/lib/modules/"
cp "$WORK/mica_vm_smoke" "$WORK/mica_vm_prime" "$ROOT/bin/"
if [ -n "$SHMEM_KO" ] && [ -n "$VGEM_KO" ]; then
	cp "$SHMEM_KO" "$VGEM_KO" "$ROOT/lib/modules/"
else
	echo "run-vm-tests: the kernel image has no vgem.ko: the vgem PRIME cases fail"
fi
# Dynamically linked programs go in with the libraries they load (and the loader).
pack() {
	cp "$1" "$ROOT/bin/"
	# Without debug info: the initramfs is unpacked into the guest's RAM, and sanitizer builds
	# are large (the ASan ICD alone is ~240 MB with it).
	strip --strip-debug "$ROOT/bin/$(basename "$1")"
	for lib in $(ldd "$1" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'); do
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib"
	done
}
# The Vulkan examples through the loader, the ICD and the winsys drm backend on the real module.
VKEX=$BUILD/examples/vulkan/mica-vk-example
ICD=$BUILD/src/driver/vulkan/libvulkan_mica.so
if [ -x "$VKEX" ] && [ -f "$ICD" ]; then
	pack "$VKEX"
	pack "$ICD"
	# The examples load their SPIR-V from the build tree's absolute path.
	mkdir -p "$ROOT$BUILD/examples/vulkan"
	cp "$BUILD"/examples/vulkan/*.spv "$ROOT$BUILD/examples/vulkan/"
	mkdir -p "$ROOT/etc/vulkan"
	printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "/bin/libvulkan_mica.so", "api_version": "1.3.239" } }\n' \
		> "$ROOT/etc/vulkan/mica_icd.json"
else
	echo "run-vm-tests: no $VKEX or $ICD: the Vulkan examples do not run in the guest"
fi
# Vulkan external memory (dma-buf fds) between VkDevices and processes on the real module.
VKEXTMEM=$BUILD/tests/vulkan/vk_test_external_memory
if [ -x "$VKEXTMEM" ] && [ -f "$ICD" ]; then
	pack "$VKEXTMEM"
else
	echo "run-vm-tests: no $VKEXTMEM: Vulkan external memory does not run in the guest"
fi
# VK_EXT_external_memory_host: the guest's device has no system DMA, so it must not be offered.
VKHOSTMEM=$BUILD/tests/vulkan/vk_test_external_memory_host
if [ -x "$VKHOSTMEM" ] && [ -f "$ICD" ]; then
	pack "$VKHOSTMEM"
else
	echo "run-vm-tests: no $VKHOSTMEM: Vulkan host memory import does not run in the guest"
fi
# Vulkan external semaphores (DRM sync object fds, sync files) between VkDevices and processes.
VKEXTSEM=$BUILD/tests/vulkan/vk_test_external_semaphore
if [ -x "$VKEXTSEM" ] && [ -f "$ICD" ]; then
	pack "$VKEXTSEM"
else
	echo "run-vm-tests: no $VKEXTSEM: Vulkan external semaphores do not run in the guest"
fi
UAPI=$BUILD/tests/kernel/kernel_uapi_test_drm
if [ -x "$UAPI" ]; then
	pack "$UAPI"
	cp "$SRC/tests/vm/uapi-exclude.txt" "$ROOT/etc/mica-uapi-exclude"
	echo "${MICA_VM_UAPI_REPEAT:-1}" > "$ROOT/etc/mica-uapi-repeat"
	[ -z "${MICA_VM_UAPI_FILTER:-}" ] || echo "$MICA_VM_UAPI_FILTER" > "$ROOT/etc/mica-uapi-filter"
	[ -z "${MICA_VM_DMESG:-}" ] || touch "$ROOT/etc/mica-dmesg"
else
	echo "run-vm-tests: no $UAPI: the uapi suite does not run in the guest"
fi
# A short watchdog so the hang tests finish quickly under TCG too.
echo "watchdog_cycles=2000000 job_timeout_ns=2000000000" > "$ROOT/etc/mica-params"
echo "$RELOADS" > "$ROOT/etc/mica-reloads"
echo "${MICA_VM_UNLOAD_RACES:-30}" > "$ROOT/etc/mica-unload-races"
echo $((TIMEOUT - 30)) > "$ROOT/etc/mica-guard"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$WORK/initramfs.cpio.gz"

# 4. The device, then the guest.
SOCK=$WORK/mica.sock
rm -f "$SOCK"
# The uapi fixture's device: revision 2, 2 compute units, 64 MiB.
"$SERVER" --socket "$SOCK" --once --vram-mib 64 --cus 2 --revision 2 > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT INT TERM
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$SOCK" ] || { cat "$WORK/server.log"; echo "run-vm-tests: the device server did not start"; exit 1; }
echo "run-vm-tests: booting $KVER ($ACCEL), timeout ${TIMEOUT}s"
start=$(date +%s)
# shellcheck disable=SC2086
timeout "$TIMEOUT" qemu-system-x86_64 $ACCEL -m 2048 -smp 2 -nographic -no-reboot \
	-kernel "$IMG/boot/vmlinuz-$KVER" -initrd "$WORK/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4" \
	-chardev socket,path="$SOCK",id=mica -device ivshmem-doorbell,chardev=mica,vectors=1 \
	< /dev/null > "$WORK/serial.log" 2>&1 || echo "run-vm-tests: qemu exited with $?"
end=$(date +%s)
wait $SERVER_PID 2>/dev/null || true
grep -E "^(ok|not ok|#|mica|mica_vm_smoke)" "$WORK/serial.log" | tr -d '\r' || true
cat "$WORK/server.log"
line=$(tr -d '\r' < "$WORK/serial.log" | grep -E '^mica-vm: [0-9]+ passed, [0-9]+ failed' | tail -n 1 || true)
echo "run-vm-tests: $((end - start)) s in the guest"
# A truncated initramfs drops the programs packed last, which then "print no result": say why.
if grep -q "Initramfs unpacking failed" "$WORK/serial.log"; then
	echo "run-vm-tests: the guest could not unpack the whole initramfs (too large for its RAM)"
	exit 1
fi
if [ -z "$line" ]; then
	tail -n 40 "$WORK/serial.log"
	echo "run-vm-tests: the guest printed no result (see $WORK/serial.log)"
	exit 1
fi
# Kernel reports (WARN, BUG, Oops) the guest found in dmesg: first their headers and the
# backtrace's functions, last, so that a log cut to its end still says where they came from.
if grep -q '^#kmsg ' "$WORK/serial.log"; then
	echo "run-vm-tests: kernel reports in the guest's dmesg (whole: $WORK/serial.log):"
	tr -d '\r' < "$WORK/serial.log" | sed -n 's/^#kmsg //p' |
		grep -E "WARNING:|BUG:|Oops|general protection|RIP:|^\[ *[0-9.]+\]  [a-z_0-9.]+\+0x" | head -n 30
fi
echo "$line"
case "$line" in
*" 0 failed") exit 0 ;;
*) exit 1 ;;
esac
