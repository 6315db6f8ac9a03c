// SPDX-License-Identifier: MIT
// Device memory: one anonymous host mapping. Pages cost nothing until touched, so a 256 MiB
// device is cheap for tests that use a few pages. Zero-filled like memory after device reset.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mica::sim {

// 32/64-bit accesses of the device's own (command processor, MMU) to memory at a host address,
// in VRAM or system memory. Acquire/release atomics: the host may write the same memory
// concurrently (rings, page tables, fences), as on a real bus. Callers guarantee alignment.
inline uint32_t mem_load32(const uint8_t *p)
{
	return __atomic_load_n(reinterpret_cast<const uint32_t *>(p), __ATOMIC_ACQUIRE);
}
inline uint64_t mem_load64(const uint8_t *p)
{
	return __atomic_load_n(reinterpret_cast<const uint64_t *>(p), __ATOMIC_ACQUIRE);
}
inline void mem_store32(uint8_t *p, uint32_t value)
{
	__atomic_store_n(reinterpret_cast<uint32_t *>(p), value, __ATOMIC_RELEASE);
}
inline void mem_store64(uint8_t *p, uint64_t value)
{
	__atomic_store_n(reinterpret_cast<uint64_t *>(p), value, __ATOMIC_RELEASE);
}

class Vram {
public:
	// external: caller-owned memory of bytes bytes (not unmapped here); nullptr: own mapping.
	explicit Vram(uint64_t bytes, uint8_t *external = nullptr);
	~Vram();
	Vram(const Vram &) = delete;
	Vram &operator=(const Vram &) = delete;

	uint8_t *data() const { return base_; }
	uint64_t size() const { return size_; }

	// True when [addr, addr + bytes) lies inside device memory (no wrap-around).
	bool contains(uint64_t addr, uint64_t bytes) const
	{
		return addr <= size_ && bytes <= size_ - addr;
	}

	// 32/64-bit accesses used by the command processor and the MMU. Relaxed atomics: the host
	// may write the same memory concurrently (rings, page tables, fences), as on a real bus.
	uint32_t load32(uint64_t addr) const;
	uint64_t load64(uint64_t addr) const;
	void store32(uint64_t addr, uint32_t value);
	void store64(uint64_t addr, uint64_t value);

private:
	uint8_t *base_ = nullptr;
	uint64_t size_ = 0;
	bool owned_ = true;
};

} // namespace mica::sim
