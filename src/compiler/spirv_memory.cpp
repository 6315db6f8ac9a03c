// Binding model (docs/compiler.md): descriptor table and push-constant addresses, built-ins on the
// launch ABI, symbolic pointers, and loads/stores/atomics on base + offset.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

Operand Translator::desc_base(uint32_t set, uint32_t binding)
{
	uint32_t idx = set * abi::kBindingsPerSet + binding;
	auto it = desc_base_.find(idx);
	if (it != desc_base_.end())
		return Operand::temp(it->second, 2);
	Operand table = emit_prologue(IO::Op::user_data, RegClass{Bank::undecided, 2, false}, {}, abi::kDescTableSgpr);
	Operand b = emit_prologue(IO::Op::load_const, r64(), {table, Operand::c32(0)}, idx * abi::kDescStride, 8);
	desc_base_[idx] = b.id;
	return b;
}

Operand Translator::desc_size(uint32_t set, uint32_t binding)
{
	uint32_t idx = set * abi::kBindingsPerSet + binding;
	auto it = desc_size_.find(idx);
	if (it != desc_size_.end())
		return Operand::temp(it->second, 1);
	Operand table = emit_prologue(IO::Op::user_data, RegClass{Bank::undecided, 2, false}, {}, abi::kDescTableSgpr);
	Operand b = emit_prologue(IO::Op::load_const, r32(), {table, Operand::c32(0)}, idx * abi::kDescStride + 8, 4);
	desc_size_[idx] = b.id;
	return b;
}

Operand Translator::push_base()
{
	if (!push_base_)
		push_base_ = emit_prologue(IO::Op::user_data, RegClass{Bank::undecided, 2, false}, {}, abi::kPushConstSgpr).id;
	return Operand::temp(*push_base_, 2);
}

Operand Translator::workgroup_id(unsigned d)
{
	Operand id = emit(IO::Op::workgroup_id, r32(), {}, d);
	Operand base = emit(IO::Op::user_data, r32(), {}, abi::kBaseWorkgroupSgpr + d);
	return iadd(id, base);
}

std::vector<Operand> Translator::load_builtin(const Var &v, uint32_t type_id)
{
	using B = spv::BuiltIn;
	auto vec3 = [&](auto fn) {
		std::vector<Operand> r;
		for (unsigned d = 0; d < 3; d++)
			r.push_back(fn(d));
		return r;
	};
	auto lid = [&](unsigned d) {
		return wg_[d] == 1 ? Operand::c32(0) : emit(IO::Op::local_id, r32(), {}, d);
	};
	std::vector<Operand> r;
	switch ((B)v.builtin) {
	case B::LocalInvocationId: r = vec3(lid); break;
	case B::WorkgroupId: r = vec3([&](unsigned d) { return workgroup_id(d); }); break;
	case B::NumWorkgroups:
		r = vec3([&](unsigned d) { return emit(IO::Op::user_data, r32(), {}, abi::kNumWorkgroupsSgpr + d); });
		break;
	case B::GlobalInvocationId:
		r = vec3([&](unsigned d) { return iadd(imul(workgroup_id(d), Operand::c32(wg_[d])), lid(d)); });
		break;
	case B::LocalInvocationIndex:
		r = {iadd(iadd(imul(lid(2), Operand::c32(wg_[0] * wg_[1])), imul(lid(1), Operand::c32(wg_[0]))), lid(0))};
		break;
	case B::WorkgroupSize: r = vec3([&](unsigned d) { return Operand::c32(wg_[d]); }); break;
	case B::SubgroupSize: r = {Operand::c32(MICA_WAVE_SIZE)}; break;
	case B::SubgroupLocalInvocationId: r = {emit(IO::Op::lane_id, r32(), {})}; break;
	case B::SubgroupId: r = {emit(IO::Op::subgroup_id, r32(), {})}; break;
	case B::NumSubgroups:
		r = {Operand::c32((wg_[0] * wg_[1] * wg_[2] + MICA_WAVE_SIZE - 1) / MICA_WAVE_SIZE)};
		break;
	case B::SubgroupEqMask:
	case B::SubgroupGeMask:
	case B::SubgroupGtMask:
	case B::SubgroupLeMask:
	case B::SubgroupLtMask: {
		Operand lane = emit(IO::Op::lane_id, r32(), {});
		Operand one = emit(IO::Op::shl, r32(), {Operand::c32(1), lane});
		Operand m;
		switch ((B)v.builtin) {
		case B::SubgroupEqMask: m = one; break;
		case B::SubgroupLtMask: m = emit(IO::Op::isub, r32(), {one, Operand::c32(1)}); break;
		case B::SubgroupLeMask: m = emit(IO::Op::ior, r32(), {one, emit(IO::Op::isub, r32(), {one, Operand::c32(1)})}); break;
		case B::SubgroupGeMask: m = emit(IO::Op::ineg, r32(), {one}); break;
		default: m = emit(IO::Op::ixor, r32(), {emit(IO::Op::ineg, r32(), {one}), one}); break;
		}
		r = {m, Operand::c32(0), Operand::c32(0), Operand::c32(0)};
		break;
	}
	default:
		fail("unsupported built-in " + spirv_named(spirv_builtin_name((uint32_t)v.builtin), (uint32_t)v.builtin));
	}
	if (leaf_count(type_id) != r.size()) {
		if (leaf_count(type_id) < r.size())
			r.resize(leaf_count(type_id));
		else
			fail("built-in loaded with an unexpected type");
	}
	return r;
}

Ptr Translator::pointer(uint32_t id)
{
	auto it = ptrs_.find(id);
	if (it != ptrs_.end())
		return it->second;
	auto vit = vars_.find(id);
	if (vit == vars_.end())
		fail("use of %" + std::to_string(id) + " as a pointer: only module-scope variables and access chains are supported");
	Ptr p;
	p.var = id;
	p.type = vit->second.type;
	return p;
}

std::vector<Operand> Translator::load(const Ptr &ptr, uint32_t type_id)
{
	const Var &v = vars_[ptr.var];
	using SC = spv::StorageClass;
	if ((SC)v.sc == SC::Input) {
		if (ptr.var != 0 && (ptr.const_off || ptr.dyn.kind != Operand::Kind::none)) {
			// Component of a built-in vector: load it whole and pick.
			auto all = load_builtin(v, v.type);
			if (ptr.dyn.kind != Operand::Kind::none)
				fail("dynamic indexing of a built-in is not supported");
			uint32_t comp = ptr.const_off / 4;
			if (comp >= all.size())
				fail("built-in component out of range");
			return {all[comp]};
		}
		return load_builtin(v, type_id);
	}
	bool explicit_layout = (SC)v.sc != SC::Workgroup;
	std::vector<Leaf> ls;
	leaves(type_id, explicit_layout, ptr.const_off, ls);
	Operand dyn = ptr.dyn.kind == Operand::Kind::none ? Operand::c32(0) : ptr.dyn;
	std::vector<Operand> r;
	for (const Leaf &l : ls) {
		RegClass rc = l.bytes == 8 ? r64() : r32();
		Operand x;
		switch ((SC)v.sc) {
		case SC::StorageBuffer:
			x = emit(IO::Op::load_global, rc, {desc_base(v.set, v.binding), dyn}, l.offset, l.bytes);
			break;
		case SC::Uniform:
			x = emit(IO::Op::load_const, rc, {desc_base(v.set, v.binding), dyn}, l.offset, l.bytes);
			break;
		case SC::PushConstant:
			x = emit(IO::Op::load_const, rc, {push_base(), dyn}, l.offset, l.bytes);
			break;
		case SC::Workgroup:
			x = emit(IO::Op::load_shared, rc, {dyn}, l.offset + v.shared_offset, l.bytes);
			break;
		default: fail("load from an unsupported storage class");
		}
		r.push_back(l.is_bool ? to_bool_from_int(x) : x);
	}
	return r;
}

void Translator::store(const Ptr &ptr, uint32_t type_id, const std::vector<Operand> &value)
{
	const Var &v = vars_[ptr.var];
	using SC = spv::StorageClass;
	std::vector<Leaf> ls;
	leaves(type_id, (SC)v.sc != SC::Workgroup, ptr.const_off, ls);
	if (ls.size() != value.size())
		fail("store of a value whose shape does not match the pointer");
	Operand dyn = ptr.dyn.kind == Operand::Kind::none ? Operand::c32(0) : ptr.dyn;
	for (size_t i = 0; i < ls.size(); i++) {
		Operand x = ls[i].is_bool ? bool_to_int(value[i]) : value[i];
		switch ((SC)v.sc) {
		case SC::StorageBuffer:
			emit_void(IO::Op::store_global, {desc_base(v.set, v.binding), dyn, x}, ls[i].offset, ls[i].bytes);
			break;
		case SC::Workgroup:
			emit_void(IO::Op::store_shared, {dyn, x}, ls[i].offset + v.shared_offset, ls[i].bytes);
			break;
		default:
			fail("store to storage class " + spirv_named(spirv_storage_class_name(v.sc), v.sc) + " is not supported");
		}
	}
}

Operand Translator::atomic(const Inst &in, uint32_t kind, Operand data, std::optional<Operand> cmp)
{
	auto w = in.w;
	Ptr ptr = pointer(w[3]);
	const Var &v = vars_[ptr.var];
	const Type &t = type(ptr.type);
	if (t.k != Type::K::Int && t.k != Type::K::Float)
		fail("atomic on a non-scalar");
	if (t.width != 32)
		fail("64-bit atomics are not supported yet");
	Operand dyn = ptr.dyn.kind == Operand::Kind::none ? Operand::c32(0) : ptr.dyn;
	std::vector<Operand> ops;
	IO::Op op;
	using SC = spv::StorageClass;
	if ((SC)v.sc == SC::StorageBuffer) {
		op = IO::Op::atomic_global;
		ops = {desc_base(v.set, v.binding), dyn, data};
	} else if ((SC)v.sc == SC::Workgroup) {
		op = IO::Op::atomic_shared;
		ops = {dyn, data};
		ptr.const_off += v.shared_offset;
	} else {
		fail("atomics on storage class " + spirv_named(spirv_storage_class_name(v.sc), v.sc) + " are not supported");
	}
	if (cmp)
		ops.push_back(*cmp);
	return emit(op, r32(), ops, ptr.const_off, kind);
}

} // namespace mica::compiler::spirv_detail
