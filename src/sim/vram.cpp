// SPDX-License-Identifier: MIT
#include "vram.h"

#include <sys/mman.h>

#include <new>
#include <stdexcept>

namespace mica::sim {

Vram::Vram(uint64_t bytes, uint8_t *external) : size_(bytes), owned_(external == nullptr)
{
	if (bytes == 0 || bytes % 4096 != 0)
		throw std::invalid_argument("VRAM size must be a non-zero multiple of 4 KiB");
	if (external) {
		if (reinterpret_cast<uintptr_t>(external) % 4096 != 0)
			throw std::invalid_argument("external VRAM must be page aligned");
		base_ = external;
		return;
	}
	void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
	               -1, 0);
	if (p == MAP_FAILED)
		throw std::bad_alloc();
	base_ = static_cast<uint8_t *>(p);
}

Vram::~Vram()
{
	if (owned_)
		munmap(base_, size_);
}

// Callers guarantee natural alignment and bounds (checked at the packet/MMU level).
uint32_t Vram::load32(uint64_t addr) const
{
	return __atomic_load_n(reinterpret_cast<const uint32_t *>(base_ + addr), __ATOMIC_ACQUIRE);
}

uint64_t Vram::load64(uint64_t addr) const
{
	return __atomic_load_n(reinterpret_cast<const uint64_t *>(base_ + addr), __ATOMIC_ACQUIRE);
}

void Vram::store32(uint64_t addr, uint32_t value)
{
	__atomic_store_n(reinterpret_cast<uint32_t *>(base_ + addr), value, __ATOMIC_RELEASE);
}

void Vram::store64(uint64_t addr, uint64_t value)
{
	__atomic_store_n(reinterpret_cast<uint64_t *>(base_ + addr), value, __ATOMIC_RELEASE);
}

} // namespace mica::sim
