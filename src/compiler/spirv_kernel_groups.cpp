// work_group_* collective functions (Groups capability at Workgroup scope; OpenCL C 6.15.14):
// each sub-group combines its work-items with the sub-group operation, the sub-groups meet in
// a few slots of shared memory between barriers, and every work-item combines the slots.
//   barrier; every work-item fills the slots with the identity; barrier;
//   every work-item of sub-group s writes its sub-group's result to slot s (the same value);
//   barrier; every work-item reads the slots it needs.
// Slots of sub-groups with no work-item in the NDRange keep the identity. All work-items of the
// work-group must reach the function (the OpenCL rule), so the barriers are uniform.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

namespace {
enum class Combine { add, min, max, all, any };
}

void Translator::work_group_op(const Inst &in)
{
	auto w = in.w;
	const Op op = (Op)in.op;
	const uint32_t rt = w[1], res = w[2];
	const uint32_t invocations = wg_[0] * wg_[1] * wg_[2];
	const uint32_t groups = (invocations + MICA_WAVE_SIZE - 1) / MICA_WAVE_SIZE;
	if (!wg_scratch_) {
		// slots 0 .. groups-1, then one slot nobody reads (broadcast's other work-items)
		const uint32_t start = (p_.shared_bytes + 7) & ~7u;
		const uint64_t end = (uint64_t)start + 8ull * (groups + 1);
		if (end > MICA_MAX_SHARED_BYTES)
			fail("work_group_* functions need " + std::to_string(8 * (groups + 1)) + " bytes of shared memory beyond the limit");
		p_.shared_bytes = (uint32_t)end;
		wg_scratch_ = start + 1;   // stored + 1: 0 means not placed yet
	}
	const uint32_t base = wg_scratch_ - 1;
	auto sync = [&] {
		emit_void(IO::Op::memory_barrier, {}, MICA_SCOPE_WORKGROUP);
		emit_void(IO::Op::barrier, {});
	};
	const Type &t = type(scalar_type(rt));
	const bool is_bool = t.k == Type::K::Bool;
	const bool wide = !is_bool && t.width == 64;
	const bool is_float = t.k == Type::K::Float;
	const uint32_t bytes = wide ? 8 : 4;
	RegClass rc = wide ? r64() : r32();
	auto k = [&](uint64_t v) { return wide ? Operand::c64(v) : Operand::c32((uint32_t)v); };
	Operand sgid = emit(IO::Op::subgroup_id, r32(), {});

	if (op == Op::OpGroupBroadcast) {
		// The work-item at the given local id writes slot 0, the others the spare slot.
		Operand x = val(w[4]).at(0);
		if (is_bool)
			x = bool_to_int(x);
		const auto &ids = val(w[5]);
		Operand match;
		for (size_t d = 0; d < ids.size() && d < 3; d++) {
			Operand lid = wg_[d] == 1 ? Operand::c32(0) : emit(IO::Op::local_id, r32(), {}, (int64_t)d);
			Operand eq = emit(IO::Op::ieq, rbool(), {lid, low_dword(ids[d])});
			match = d == 0 ? eq : emit(IO::Op::band, rbool(), {match, eq});
		}
		sync();
		Operand slot = emit(IO::Op::select, r32(), {match, Operand::c32(0), Operand::c32(8 * groups)});
		emit_void(IO::Op::store_shared, {slot, x}, base, bytes);
		sync();
		Operand r = emit(IO::Op::load_shared, rc, {Operand::c32(0)}, base, bytes);
		set(res, rt, {is_bool ? to_bool_from_int(r) : r});
		return;
	}

	// The combining operation and its identity.
	Combine c = Combine::add;
	bool is_signed = false;
	switch (op) {
	case Op::OpGroupAll: c = Combine::all; break;
	case Op::OpGroupAny: c = Combine::any; break;
	case Op::OpGroupIAdd:
	case Op::OpGroupFAdd: c = Combine::add; break;
	case Op::OpGroupSMin: is_signed = true; [[fallthrough]];
	case Op::OpGroupUMin:
	case Op::OpGroupFMin: c = Combine::min; break;
	case Op::OpGroupSMax: is_signed = true; [[fallthrough]];
	case Op::OpGroupUMax:
	case Op::OpGroupFMax: c = Combine::max; break;
	default: fail("unsupported work-group function");
	}
	const uint32_t operation = (c == Combine::all || c == Combine::any) ? 0 : w[4];   // Reduce/Inclusive/Exclusive
	Operand identity;
	if (c == Combine::all)
		identity = Operand::c32(1);
	else if (c == Combine::any)
		identity = Operand::c32(0);
	else if (c == Combine::add)
		identity = is_float ? (wide ? Operand::c64(0x8000000000000000ull) : Operand::c32(0x80000000u)) : k(0);   // -0.0
	else if (is_float)
		identity = c == Combine::min ? (wide ? Operand::c64(0x7ff0000000000000ull) : Operand::c32(0x7f800000u))
		                             : (wide ? Operand::c64(0xfff0000000000000ull) : Operand::c32(0xff800000u));
	else if (c == Combine::min)
		identity = is_signed ? k(wide ? 0x7fffffffffffffffull : 0x7fffffffu) : k(~0ull);
	else
		identity = is_signed ? k(wide ? 0x8000000000000000ull : 0x80000000u) : k(0);
	auto combine = [&](Operand a, Operand b) -> Operand {
		switch (c) {
		case Combine::add: return emit(is_float ? IO::Op::fadd : IO::Op::iadd, rc, {a, b});
		case Combine::all: return emit(IO::Op::umin, r32(), {a, b});
		case Combine::any: return emit(IO::Op::umax, r32(), {a, b});
		default: {
			const IO::Op lt = is_float ? IO::Op::flt : is_signed ? IO::Op::slt : IO::Op::ult;
			Operand a_first = c == Combine::min ? emit(lt, rbool(), {a, b}) : emit(lt, rbool(), {b, a});
			return emit(IO::Op::select, rc, {a_first, a, b});
		}
		}
	};
	// The sub-group part: the GroupNonUniform twin on a synthetic instruction.
	auto subgroup = [&](uint32_t which, uint32_t value_id) {
		static const std::pair<Op, Op> twins[] = {
			{Op::OpGroupIAdd, Op::OpGroupNonUniformIAdd}, {Op::OpGroupFAdd, Op::OpGroupNonUniformFAdd},
			{Op::OpGroupFMin, Op::OpGroupNonUniformFMin}, {Op::OpGroupUMin, Op::OpGroupNonUniformUMin},
			{Op::OpGroupSMin, Op::OpGroupNonUniformSMin}, {Op::OpGroupFMax, Op::OpGroupNonUniformFMax},
			{Op::OpGroupUMax, Op::OpGroupNonUniformUMax}, {Op::OpGroupSMax, Op::OpGroupNonUniformSMax},
		};
		Op twin = Op::OpGroupNonUniformIAdd;
		for (auto [from, to] : twins)
			if (from == op)
				twin = to;
		const uint32_t scope_id = next_layout_type_++, out_id = next_layout_type_++;
		set(scope_id, rt, {Operand::c32((uint32_t)spv::Scope::Subgroup)});
		const uint32_t words[] = {(6u << 16) | (uint32_t)twin, rt, out_id, scope_id, which, value_id};
		group_op(Inst{(uint16_t)twin, words});
		return val(out_id).at(0);
	};
	Operand mine;   // this sub-group's contribution to the slots
	if (c == Combine::all || c == Combine::any) {
		const uint32_t words[] = {(5u << 16) | (uint32_t)(c == Combine::all ? Op::OpGroupNonUniformAll : Op::OpGroupNonUniformAny),
		                          rt, next_layout_type_++, next_layout_type_++, w[4]};
		set(words[3], rt, {Operand::c32((uint32_t)spv::Scope::Subgroup)});
		group_op(Inst{(uint16_t)(words[0] & 0xffff), words});
		mine = bool_to_int(val(words[2]).at(0));
	} else {
		mine = subgroup(0, w[5]);   // Reduce
	}
	const uint32_t slot_bytes = c == Combine::all || c == Combine::any ? 4 : bytes;
	RegClass slot_rc = slot_bytes == 8 ? r64() : r32();
	sync();
	for (uint32_t s = 0; s < groups; s++)
		emit_void(IO::Op::store_shared, {Operand::c32(0), identity}, base + 8 * s, slot_bytes);
	sync();
	emit_void(IO::Op::store_shared, {imul(sgid, Operand::c32(8)), mine}, base, slot_bytes);
	sync();
	if (operation == 0) {   // Reduce: every slot
		Operand acc = identity;
		for (uint32_t s = 0; s < groups; s++) {
			Operand v = emit(IO::Op::load_shared, slot_rc, {Operand::c32(0)}, base + 8 * s, slot_bytes);
			acc = s == 0 ? v : combine(acc, v);
		}
		set(res, rt, {c == Combine::all || c == Combine::any ? to_bool_from_int(acc) : acc});
		return;
	}
	// Scans: the slots of the sub-groups before this one, then the sub-group's own scan.
	Operand prefix = identity;
	for (uint32_t s = 0; s + 1 < groups; s++) {
		Operand v = emit(IO::Op::load_shared, slot_rc, {Operand::c32(0)}, base + 8 * s, slot_bytes);
		Operand before = emit(IO::Op::ult, rbool(), {Operand::c32(s), sgid});
		prefix = combine(prefix, emit(IO::Op::select, slot_rc, {before, v, identity}));
	}
	Operand own = subgroup(operation, w[5]);
	set(res, rt, {combine(prefix, own)});
}

} // namespace mica::compiler::spirv_detail
