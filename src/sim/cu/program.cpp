// SPDX-License-Identifier: MIT
#include "program.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string_view>

#include "../include/mica/sim/test_hooks.h"

namespace mica::sim {
namespace {
std::atomic<FetchObserver *> g_fetch_observer{nullptr};
} // namespace

void set_fetch_observer(FetchObserver *observer) { g_fetch_observer.store(observer, std::memory_order_release); }
} // namespace mica::sim

namespace mica::sim::cu {

namespace {

// Float inline constants take the operand's float format: binary16 for the f16 instructions
// (those whose source type, the last type suffix of the mnemonic, is f16), else by width.
unsigned const_bits(const mica_op_info *info, unsigned col)
{
	if (mica_kind_table[info->kind[col]].regs == 2)
		return 64;
	std::string_view name(info->name);
	if (name.size() >= 4 && name.substr(name.size() - 4) == "_f16")
		return 16;
	return 32;
}

Src classify(unsigned raw)
{
	switch (mica_opnd_classify(raw)) {
	case MICA_OC_VGPR: return Src::Vgpr;
	case MICA_OC_SGPR:
	case MICA_OC_EXEC:
	case MICA_OC_VCC:
	case MICA_OC_SCC: return Src::Sreg;
	case MICA_OC_LANE_ID: return Src::LaneId;
	case MICA_OC_CONST:
	case MICA_OC_LITERAL: return Src::Const;
	default: return Src::None;
	}
}

} // namespace

void CodeCache::reset(Mmu *mmu, uint32_t ctx, uint64_t program_va)
{
	mmu_ = mmu;
	ctx_ = ctx;
	program_va_ = program_va;
	dispatch_++;
	last_page_va_ = ~0ull;
	last_page_ = nullptr;
	if (pages_.size() > kMaxPages)
		pages_.clear();
}

// The page at page_va for this dispatch: its slots are kept only if the bytes it fetches now
// are the bytes they were decoded from.
CodePage *CodeCache::open_page(uint64_t page_va)
{
	auto &p = pages_[page_va];
	if (!p)
		p = std::make_unique<CodePage>();
	CodePage &page = *p;
	if (page.checked == dispatch_)
		return &page;
	page.checked = dispatch_;
	for (uint16_t i : page.transient)
		page.slots[i].epoch = 0;
	page.transient.clear();
	uint32_t fault = MICA_FAULT_NONE;
	const uint8_t *host = mmu_->translate(ctx_, page_va, MICA_ACCESS_EXEC, &fault);
	// A test's fetch observer sees every instruction fetched by every dispatch: no reuse then.
	const bool observed = g_fetch_observer.load(std::memory_order_acquire) != nullptr;
	if (host && !observed && page.snapshot && std::memcmp(page.bytes, host, MICA_PAGE_SIZE) == 0) {
		pages_reused_++;
		return &page;
	}
	if (++page.epoch == 0) { // wrapped: 0 would match never-decoded slots
		for (CodeSlot &sl : page.slots)
			sl.epoch = 0;
		page.epoch = 1;
	}
	page.snapshot = host != nullptr;
	if (host)
		std::memcpy(page.bytes, host, MICA_PAGE_SIZE);
	return &page;
}

const CodeSlot &CodeCache::fetch(uint64_t pc)
{
	uint64_t page_va = pc & ~uint64_t(MICA_PAGE_SIZE - 1);
	if (page_va != last_page_va_) {
		last_page_ = open_page(page_va);
		last_page_va_ = page_va;
	}
	CodeSlot &slot = last_page_->slots[(pc & (MICA_PAGE_SIZE - 1)) / MICA_INSTRUCTION_BYTES];
	if (slot.epoch == last_page_->epoch)
		return slot;
	return decode(*last_page_, slot, pc);
}

CodeSlot &CodeCache::decode(CodePage &page, CodeSlot &slot, uint64_t pc)
{
	decodes_++;
	slot = CodeSlot{};
	slot.epoch = page.epoch;
	// Until it is known to depend on this page's bytes alone, the slot lasts this dispatch only.
	page.transient.push_back(static_cast<uint16_t>(&slot - page.slots.data()));
	uint64_t words[2] = {0, 0};
	size_t nwords = 0;
	bool own_page = true; // every byte read came from page.bytes
	for (unsigned w = 0; w < 2; w++) {
		uint64_t va = pc + w * MICA_INSTRUCTION_BYTES;
		const uint64_t in_page = va & (MICA_PAGE_SIZE - 1);
		const bool same_page = (va & ~uint64_t(MICA_PAGE_SIZE - 1)) == (pc & ~uint64_t(MICA_PAGE_SIZE - 1));
		const uint8_t *p = nullptr;
		uint32_t fault = MICA_FAULT_NONE;
		if (same_page && page.snapshot) {
			p = page.bytes + in_page;
		} else {
			own_page = false;
			p = mmu_->translate(ctx_, va, MICA_ACCESS_EXEC, &fault);
		}
		if (!p) {
			if (w == 0) {
				slot.state = SlotState::Fault;
				slot.fault = fault ? fault : static_cast<uint32_t>(MICA_FAULT_MMU_UNMAPPED);
				slot.fault_addr = va;
				return slot;
			}
			break; // the second word is only needed for a literal; decode reports truncation
		}
		if (w == 0)
			if (FetchObserver *o = g_fetch_observer.load(std::memory_order_acquire))
				o->fetched(ctx_, program_va_, va, p); // the bytes decoded (the page's copy)
		std::memcpy(&words[w], p, sizeof(uint64_t));
		nwords++;
		if (w == 0) {
			// Only fetch the literal word when the first word asks for one (a literal field).
			mica_inst probe;
			int st = mica_decode(words, 1, &probe, nullptr);
			if (st != MICA_DEC_TRUNCATED)
				break;
		}
	}
	mica_inst mi;
	int st = mica_decode(words, nwords, &mi, nullptr);
	DecodedInst &d = slot.inst;
	d.word_lo = static_cast<uint32_t>(words[0]);
	if (st == MICA_DEC_TRUNCATED && nwords == 1) {
		// The literal word lies on a page that cannot be fetched.
		slot.state = SlotState::Fault;
		uint32_t fault = MICA_FAULT_NONE;
		mmu_->translate(ctx_, pc + MICA_INSTRUCTION_BYTES, MICA_ACCESS_EXEC, &fault);
		slot.fault = fault ? fault : static_cast<uint32_t>(MICA_FAULT_MMU_UNMAPPED);
		slot.fault_addr = pc + MICA_INSTRUCTION_BYTES;
		return slot;
	}
	if (st != MICA_DEC_OK) {
		slot.state = SlotState::Fault;
		slot.fault = MICA_FAULT_ILLEGAL_INSTRUCTION;
		slot.fault_addr = pc;
		return slot;
	}
	d.info = mi.info;
	d.op = mi.info->opcode;
	d.unit = mi.info->unit;
	d.words = mi.words;
	d.flags = mi.info->flags;
	d.imm = mi.info->format == MICA_FMT_MEM ? mi.offset : mi.imm;
	for (unsigned i = 0; i < 4; i++) {
		d.opnd[i] = mi.opnd[i];
		d.src[i] = mi.info->kind[i] == MICA_KIND_UNUSED ? Src::None : classify(mi.opnd[i]);
		if (d.src[i] == Src::Const) {
			unsigned bits = const_bits(mi.info, i);
			if (mi.opnd[i] == MICA_OPND_LITERAL)
				d.k[i] = bits == 64 ? mi.literal : (mi.literal & 0xffffffffu);
			else
				d.k[i] = mica_inline_const_value(mi.opnd[i], bits);
		}
	}
	slot.state = SlotState::Ok;
	if (own_page)
		page.transient.pop_back(); // decoded from the page's copy alone: kept while the copy is
	vgprs_.add(vgprs_written(d));
	sgprs_.add(sgprs_written(d));
	return slot;
}

RegRange sgprs_written(const DecodedInst &d)
{
	if (!d.info || mica_opnd_classify(d.opnd[0]) != MICA_OC_SGPR)
		return {};
	const unsigned regs = std::max<unsigned>(1, mica_kind_table[d.info->kind[0]].regs);
	const uint32_t first = d.opnd[0] - MICA_OPND_SGPR_FIRST;
	return {first, std::min<uint32_t>(MICA_OPND_SGPR_LAST + 1u - MICA_OPND_SGPR_FIRST, first + regs)};
}

RegRange vgprs_written(const DecodedInst &d)
{
	if (!d.info || mica_opnd_classify(d.opnd[0]) != MICA_OC_VGPR)
		return {};
	const unsigned regs = std::max<unsigned>(1, mica_kind_table[d.info->kind[0]].regs);
	const uint32_t first = d.opnd[0] - MICA_OPND_VGPR_FIRST;
	return {first, std::min<uint32_t>(MICA_VGPRS_PER_WAVE, first + regs)};
}

std::string reg_name(unsigned raw)
{
	switch (mica_opnd_classify(raw)) {
	case MICA_OC_VGPR: return std::string("v").append(std::to_string(raw - MICA_OPND_VGPR_FIRST));
	case MICA_OC_SGPR: return std::string("s").append(std::to_string(raw - MICA_OPND_SGPR_FIRST));
	case MICA_OC_EXEC: return "exec";
	case MICA_OC_VCC: return "vcc";
	case MICA_OC_SCC: return "scc";
	case MICA_OC_LANE_ID: return "lane_id";
	case MICA_OC_NONE: return "none";
	default: return "?";
	}
}

std::string describe(const DecodedInst &d)
{
	if (!d.info)
		return "<invalid>";
	std::string s = d.info->name;
	bool first = true;
	for (unsigned i = 0; i < 4; i++) {
		if (d.info->kind[i] == MICA_KIND_UNUSED)
			continue;
		s += first ? " " : ", ";
		first = false;
		unsigned regs = mica_kind_table[d.info->kind[i]].regs;
		if (d.info->kind[i] == MICA_KIND_GADDR && d.opnd[2] != MICA_OPND_NONE)
			regs = 1;
		auto cls = mica_opnd_classify(d.opnd[i]);
		if (d.src[i] == Src::Const) {
			char buf[32];
			std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(d.k[i]));
			s += buf;
		} else if ((cls == MICA_OC_VGPR || cls == MICA_OC_SGPR) && regs > 1) {
			unsigned base = cls == MICA_OC_VGPR ? MICA_OPND_VGPR_FIRST : MICA_OPND_SGPR_FIRST;
			s.append(cls == MICA_OC_VGPR ? "v[" : "s[");
			s.append(std::to_string(d.opnd[i] - base));
			s.append(":");
			s.append(std::to_string(d.opnd[i] - base + regs - 1));
			s.append("]");
		} else {
			s += reg_name(d.opnd[i]);
		}
	}
	if (d.info->format == MICA_FMT_MEM && d.imm)
		s.append(" offset:").append(std::to_string(d.imm));
	if (d.info->format == MICA_FMT_CTRL && d.info->imm != MICA_IMM_NONE)
		s.append(first ? " " : ", ").append(std::to_string(d.imm));
	return s;
}

} // namespace mica::sim::cu
