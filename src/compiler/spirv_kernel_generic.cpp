// Generic pointers that may point at __local memory (Kernel model; docs/compiler.md "Kernel
// programs"). A __local pointer cast to generic is its shared offset inside the local aperture
// (kLocalAperture: top 16 address bits set, never a device address of the 48-bit space). An
// access through such a generic pointer does both kinds and keeps the right one per lane: the
// global access goes to a harmless address (predicated stores and atomics skip it) for lanes
// whose pointer is __local, the shared access to a spare slot for the others. Only modules that
// cast a __local pointer to generic pay for this; the others treat generic as global.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

// Whether any OpPtrCastToGeneric in the module takes a __local pointer.
void Translator::scan_generic_local()
{
	std::unordered_map<uint32_t, uint32_t> result_type;
	for (const Inst &in : insts_) {
		bool has_result = false, has_type = false;
		spv::HasResultAndType((Op)in.op, &has_result, &has_type);
		if (has_result && has_type && in.w.size() > 2)
			result_type[in.w[2]] = in.w[1];
	}
	for (const Inst &in : insts_) {
		if (in.op != (uint16_t)Op::OpPtrCastToGeneric || in.w.size() < 4)
			continue;
		auto it = result_type.find(in.w[3]);
		if (it == result_type.end())
			continue;
		auto t = types_.find(it->second);
		if (t != types_.end() && t->second.k == Type::K::Pointer && t->second.storage == (uint32_t)spv::StorageClass::Workgroup)
			generic_local_ = true;
	}
}

Operand Translator::generic_is_local(Operand addr)
{
	Operand top = emit(IO::Op::ushr, r64(), {addr, Operand::c64(48)});
	return emit(IO::Op::ieq, rbool(), {top, Operand::c64(kLocalAperture >> 48)});
}

Operand Translator::generic_is_private(Operand addr)
{
	local_address_offset(Ptr{});   // makes sure the scratch base exists (finish_locals defines it)
	if (private_end_.kind == Operand::Kind::none)
		private_end_ = p_.new_def(r64());
	Operand lo = emit(IO::Op::ule, rbool(), {local_base_, addr});
	Operand hi = emit(IO::Op::ult, rbool(), {addr, private_end_});
	return emit(IO::Op::band, rbool(), {lo, hi});
}

// The 64-bit address a generic pointer value holds.
Operand Translator::generic_address(uint32_t id)
{
	if (vals_.count(id))
		return val(id).at(0);
	Ptr p = pointer(id);
	if (p.phys)
		return phys_address(p, true);
	if (vars_[p.var].sc == (uint32_t)spv::StorageClass::Function)
		return private_address(p);
	fail("a generic pointer that holds no address");
}

Operand Translator::generic_sink()
{
	if (!generic_sink_) {
		const uint32_t start = (p_.shared_bytes + 7) & ~7u;
		if ((uint64_t)start + 8 > MICA_MAX_SHARED_BYTES)
			fail("no shared memory left for generic accesses to __local memory");
		p_.shared_bytes = start + 8;
		generic_sink_ = start + 1;
	}
	return Operand::c32(generic_sink_ - 1);
}

std::vector<Operand> Translator::generic_load(const Ptr &p, uint32_t type_id)
{
	std::vector<Leaf> ls;
	leaves(type_id, true, p.const_off, ls);
	Operand base = phys_address(p, false);
	Operand local = generic_is_local(base);
	Operand off = low_dword(base);
	// A mapped, readable address for the lanes whose pointer is __local: the dispatch block.
	Operand harmless = kernel_dispatch_base();
	std::vector<Operand> r;
	for (const Leaf &l : ls) {
		RegClass rc = l.bytes == 8 ? r64() : r32();
		Operand ga = emit(IO::Op::select, r64(), {local, harmless, emit(IO::Op::iadd, r64(), {base, Operand::c64(l.offset)})});
		Operand g = emit(IO::Op::load_global, rc, {ga, Operand::c32(0)}, 0, l.bytes);
		Operand la = emit(IO::Op::select, r32(), {local, iadd(off, Operand::c32(l.offset)), generic_sink()});
		Operand s = emit(IO::Op::load_shared, rc, {la}, 0, l.bytes);
		Operand x = emit(IO::Op::select, rc, {local, s, g});
		r.push_back(l.is_bool ? to_bool_from_int(x) : x);
	}
	return r;
}

void Translator::generic_store(const Ptr &p, uint32_t type_id, const std::vector<Operand> &value)
{
	std::vector<Leaf> ls;
	leaves(type_id, true, p.const_off, ls);
	if (ls.size() != value.size())
		fail("store of a value whose shape does not match the pointer");
	Operand base = phys_address(p, false);
	Operand local = generic_is_local(base);
	Operand global = emit(IO::Op::bnot, rbool(), {local});
	Operand off = low_dword(base);
	for (size_t i = 0; i < ls.size(); i++) {
		Operand x = ls[i].is_bool ? bool_to_int(value[i]) : value[i];
		emit_void(IO::Op::store_global, {base, Operand::c32(0), x, global}, ls[i].offset, ls[i].bytes | ir::kAuxPredicated);
		Operand la = emit(IO::Op::select, r32(), {local, iadd(off, Operand::c32(ls[i].offset)), generic_sink()});
		emit_void(IO::Op::store_shared, {la, x}, 0, ls[i].bytes);
	}
}

Operand Translator::generic_atomic(const Ptr &p, uint32_t kind, Operand data, std::optional<Operand> cmp, uint32_t width)
{
	Operand addr = phys_address(p, true);
	Operand local = generic_is_local(addr);
	Operand global = emit(IO::Op::bnot, rbool(), {local});
	RegClass rc = width == 64 ? r64() : r32();
	std::vector<Operand> gops = {addr, Operand::c32(0), data};
	if (cmp)
		gops.push_back(*cmp);
	gops.push_back(global);
	Operand g = emit(IO::Op::atomic_global, rc, gops, 0, kind | ir::kAuxPredicated);
	Operand la = emit(IO::Op::select, r32(), {local, low_dword(addr), generic_sink()});
	std::vector<Operand> lops = {la, data};
	if (cmp)
		lops.push_back(*cmp);
	Operand s = emit(IO::Op::atomic_shared, rc, lops, 0, kind);
	return emit(IO::Op::select, rc, {local, s, g});
}

} // namespace mica::compiler::spirv_detail
