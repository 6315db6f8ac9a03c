// SPDX-License-Identifier: MIT
#include "host_bus.h"

#include <mutex>

#include "mica_hw.h"

namespace mica::sim {

bool HostBus::map(uint64_t bus, uint64_t bytes, uint8_t *host)
{
	const uint64_t mask = MICA_PAGE_SIZE - 1;
	if (bytes == 0 || host == nullptr || (bus & mask) || (bytes & mask) || bus + bytes < bus ||
	    ((bus + bytes - 1) & ~MICA_PTE_ADDR_MASK & ~mask))
		return false;
	std::unique_lock lk(mu_);
	auto next = ranges_.lower_bound(bus);
	if (next != ranges_.end() && next->first < bus + bytes)
		return false;
	if (next != ranges_.begin()) {
		auto prev = std::prev(next);
		if (prev->first + prev->second.bytes > bus)
			return false;
	}
	ranges_.emplace(bus, Range{bytes, host});
	return true;
}

bool HostBus::unmap(uint64_t bus, uint64_t bytes)
{
	std::unique_lock lk(mu_);
	auto it = ranges_.find(bus);
	if (it == ranges_.end() || it->second.bytes != bytes)
		return false;
	ranges_.erase(it);
	return true;
}

uint8_t *HostBus::resolve(uint64_t bus, uint64_t bytes) const
{
	std::shared_lock lk(mu_);
	auto it = ranges_.upper_bound(bus);
	if (it == ranges_.begin())
		return nullptr;
	--it;
	const uint64_t off = bus - it->first;
	if (off >= it->second.bytes || bytes > it->second.bytes - off)
		return nullptr;
	return it->second.host + off;
}

} // namespace mica::sim
