// SPDX-License-Identifier: MIT
// GPU virtual-address allocator: a sorted, coalesced free list, first fit.
#include <cerrno>

#include "mica/winsys/winsys.h"

namespace mica::winsys {

VaAllocator::VaAllocator(uint64_t start, uint64_t end)
{
	if (start < end)
		free_.push_back({start, end});
}

uint64_t VaAllocator::alloc(uint64_t size, uint64_t align)
{
	if (size == 0 || align == 0 || (align & (align - 1)))
		throw Error(EINVAL, "VA allocation: size must be non-zero and alignment a power of two");
	std::lock_guard lk(mu_);
	for (size_t i = 0; i < free_.size(); i++) {
		Range &r = free_[i];
		uint64_t va = (r.start + align - 1) & ~(align - 1);
		if (va < r.start || va > r.end || r.end - va < size)
			continue;
		const Range before{r.start, va}, after{va + size, r.end};
		free_.erase(free_.begin() + static_cast<ptrdiff_t>(i));
		if (after.start < after.end)
			free_.insert(free_.begin() + static_cast<ptrdiff_t>(i), after);
		if (before.start < before.end)
			free_.insert(free_.begin() + static_cast<ptrdiff_t>(i), before);
		return va;
	}
	throw Error(ENOSPC, "VA allocation: no free range of " + std::to_string(size) + " bytes");
}

void VaAllocator::free(uint64_t va, uint64_t size)
{
	std::lock_guard lk(mu_);
	Range n{va, va + size};
	size_t i = 0;
	while (i < free_.size() && free_[i].start < n.start)
		i++;
	free_.insert(free_.begin() + static_cast<ptrdiff_t>(i), n);
	// Coalesce with the neighbours.
	if (i + 1 < free_.size() && free_[i].end == free_[i + 1].start) {
		free_[i].end = free_[i + 1].end;
		free_.erase(free_.begin() + static_cast<ptrdiff_t>(i + 1));
	}
	if (i > 0 && free_[i - 1].end == free_[i].start) {
		free_[i - 1].end = free_[i].end;
		free_.erase(free_.begin() + static_cast<ptrdiff_t>(i));
	}
}

uint64_t VaAllocator::free_bytes() const
{
	std::lock_guard lk(mu_);
	uint64_t n = 0;
	for (const Range &r : free_)
		n += r.end - r.start;
	return n;
}

} // namespace mica::winsys
