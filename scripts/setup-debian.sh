#!/usr/bin/env bash
# Installs everything Mica builds and tests with, from Debian 12 packages only. Idempotent.
set -euo pipefail
packages=(
  build-essential clang lld meson ninja-build pkg-config python3
  libgtest-dev libgmock-dev
  spirv-headers spirv-tools glslang-tools glslang-dev
  libvulkan-dev vulkan-tools mesa-vulkan-drivers vulkan-validationlayers
  ocl-icd-opencl-dev ocl-icd-libopencl1 pocl-opencl-icd clinfo
  libdrm-dev libclang-rt-14-dev
  # OpenCL: OpenCL C -> LLVM IR (libclang) -> SPIR-V (LLVMSPIRVLib) in process, libclc's builtins,
  # MPFR for correctly rounded references of the precision tests, and the real clients the tests run.
  libclang-15-dev llvm-15-dev clang-15 libllvmspirvlib-15-dev llvm-spirv-15 libclc-15 libmpfr-dev
  piglit clpeak python3-pyopencl
  # The kernel module: built against Debian's 6.1 headers, checked with sparse, booted under QEMU.
  linux-headers-amd64 linux-source-6.1 sparse qemu-system-x86 busybox-static cpio
  ccache   # meson picks it up: rebuilds of unchanged files (CI on a kept machine) come from the cache
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
