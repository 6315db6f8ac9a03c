// Variable pointers (VariablePointersStorageBuffer / VariablePointers, docs/compiler.md "Variable
// pointers"). A pointer whose root is known where it is used stays symbolic (variable + offset)
// and keeps the descriptor fast paths and robust-access checks. A pointer that is a value --
// the result of OpSelect, OpPhi, an OpLoad from a local holding a pointer, OpConstantNull, a
// function parameter after inlining -- may point into any of several buffers, so it carries its
// base at run time: a storage (or uniform) buffer pointer is the 64-bit device address of what it
// points at and is accessed like a PhysicalStorageBuffer pointer; a Workgroup pointer is the
// 32-bit offset in the workgroup's shared memory, accessed from the synthetic variable at offset
// 0. Both are bounded by the hardware as every other access is: a device address goes through
// the context's page tables (the MMU), a shared offset is limited to the workgroup's allocation.
// With robust buffer access a buffer pointer value is *bounded* instead: three values, the
// buffer's descriptor base (64-bit), a 32-bit offset and the descriptor's 32-bit range, so that
// accesses through it are checked exactly as those through a descriptor are (a null pointer has
// range 0: it reads zero and drops stores). Pointer arithmetic changes the offset only, in 32
// bits (a step back wraps), and the check [offset, offset + n) <= range cannot wrap.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::enable_variable_pointers()
{
	if (varptr_ || kernel_)
		return;
	varptr_ = true;
	// The root every Workgroup pointer value is an offset from (as in the Kernel model).
	shared_root_ = next_layout_type_++;
	Var root;
	root.sc = (uint32_t)spv::StorageClass::Workgroup;
	vars_[shared_root_] = root;
}

// The address of a storage/uniform buffer variable's block. Loaded in the prologue (the set
// table is a user-data value), so it is available in every block, phis' predecessors included.
Operand Translator::buffer_variable_address(uint32_t var)
{
	auto it = buffer_var_addr_.find(var);
	if (it != buffer_var_addr_.end())
		return it->second;
	const Var &v = vars_.at(var);
	if (v.set >= abi::kMaxSets)
		fail("descriptor set " + std::to_string(v.set) + " is outside the binding model (sets < " +
		     std::to_string(abi::kMaxSets) + ")");
	if (v.binding >= (1u << 27))
		fail("binding " + std::to_string(v.binding) + " is outside the binding model");
	// The descriptor values the fast paths load (and cache) when they are prologue values; else
	// loaded here, in the prologue, again.
	auto in_prologue = [&](const Operand &x) {
		if (x.kind != Operand::Kind::temp)
			return false;
		for (const Instr &ins : prologue_)
			for (const Operand &d : ins.defs)
				if (d.id == x.id)
					return true;
		return false;
	};
	auto [cached_set, set_pro] = desc_set(v.set);
	Operand set = set_pro ? cached_set : emit_prologue(IO::Op::load_const, r64(), {desc_table(), Operand::c32(0)}, v.set * 8, 8);
	Operand a;
	if (v.desc_array) {
		// A pointer to a whole array of blocks is the address of its element 0's descriptor (after
		// the array header): an access chain's first index then loads the element's address
		// (descriptor_element_address).
		Operand header = emit_prologue(IO::Op::load_const, r32(), {set, Operand::c32(0)}, v.binding * abi::kDescStride + 12, 4);
		Operand off = emit_prologue(IO::Op::iadd, r32(), {header, Operand::c32(abi::kArrayHeaderBytes)});
		a = emit_prologue(IO::Op::iadd, r64(), {set, emit_prologue(IO::Op::zext, r64(), {off})});
	} else {
		Ptr p;
		p.var = var;
		p.type = v.type;
		Operand base = set_pro ? desc_base(p) : Operand{};
		a = in_prologue(base) ? base : emit_prologue(IO::Op::load_const, r64(), {set, Operand::c32(0)}, v.binding * abi::kDescStride, 8);
	}
	if (robust())   // its range, for bounded pointer values (also in the prologue)
		buffer_var_range_[var] = buffer_variable_range(var, set);
	buffer_var_addr_[var] = a;
	return a;
}

bool Translator::materialise_buffer_variable(uint32_t var)
{
	const Var &v = vars_.at(var);
	using SC = spv::StorageClass;
	if ((v.sc != (uint32_t)SC::StorageBuffer && v.sc != (uint32_t)SC::Uniform) || !v.ptr_type)
		fail("a pointer to a variable in storage class " + spirv_named(spirv_storage_class_name(v.sc), v.sc) +
		     " cannot be a value (selected, merged in a phi, stored, compared): variable pointers are StorageBuffer "
		     "and Workgroup pointers");
	const Operand a = buffer_variable_address(var);
	if (is_bounded_ptr_type(v.ptr_type))
		set(var, v.ptr_type, {a, Operand::c32(0), buffer_var_range_.at(var)});
	else
		set(var, v.ptr_type, {a});
	return true;
}

// An access chain's first index into a pointer value to a whole array of buffer blocks (a select
// between two descriptor arrays) selects a descriptor: 'p' then points at that block's start. The
// descriptors are read from the set (the index is not checked against the array's count: like
// any variable pointer, what it reaches is bounded by the MMU).
bool Translator::descriptor_element_address(Ptr &p, uint32_t ptr_type, const Operand &idx)
{
	using SC = spv::StorageClass;
	const Type &pt = type(ptr_type);
	if (!p.phys || pt.k != Type::K::Pointer || (pt.storage != (uint32_t)SC::StorageBuffer && pt.storage != (uint32_t)SC::Uniform))
		return false;
	const Type &t = type(p.type);
	if ((t.k != Type::K::Array && t.k != Type::K::RtArray) || type(t.elem).k != Type::K::Struct ||
	    !(has_deco(t.elem, spv::Decoration::Block) || has_deco(t.elem, spv::Decoration::BufferBlock)))
		return false;
	if (p.bounded) {
		// Its range is the array's element count: an index past it selects a null pointer (range
		// 0, every access out of bounds), as a descriptor array's robust check does. The offset
		// of a pointer to a whole array of descriptors is always 0.
		Operand i = low_dword(idx);
		Operand ok = emit(IO::Op::ult, rbool(), {i, p.range});
		i = emit(IO::Op::select, r32(), {ok, i, Operand::c32(0)});
		Operand at = emit(IO::Op::iadd, r64(), {p.addr, emit(IO::Op::zext, r64(), {imul(i, Operand::c32(abi::kDescStride))})});
		auto [base, size] = descriptor_at(at);
		p.addr = base;
		p.range = emit(IO::Op::select, r32(), {ok, size, Operand::c32(0)});
		p.const_off = 0;
		p.dyn = Operand{};
		p.type = t.elem;
		return true;
	}
	if (p.const_off || p.dyn.kind != Operand::Kind::none)
		fail("an offset pointer into an array of buffer descriptors");
	Operand i = low_dword(idx);
	Operand scaled = i.is_const() ? Operand::c64((uint64_t)(uint32_t)i.value * abi::kDescStride)
	                              : emit(IO::Op::zext, r64(), {imul(i, Operand::c32(abi::kDescStride))});
	Operand at = emit(IO::Op::iadd, r64(), {p.addr, scaled});
	p.addr = emit(IO::Op::load_const, r64(), {at, Operand::c32(0)}, 0, 8);
	p.type = t.elem;
	return true;
}

// A symbolic pointer as the value a phi, select or store needs: its buffer's address plus its
// offset (with robust access: the buffer's address, the offset and the range), or its
// shared-memory offset.
std::vector<Operand> Translator::variable_pointer_value(const Ptr &p)
{
	const Var &v = vars_.at(p.var);
	if (v.sc == (uint32_t)spv::StorageClass::Workgroup)
		return {shared_pointer_value(p)};
	Operand base = v.desc_array ? desc_base(p) : buffer_variable_address(p.var);
	if (robust()) {
		Operand range = v.desc_array ? desc_size(p) : buffer_var_range_.at(p.var);
		// An offset whose 32-bit computation wrapped is out of bounds: range 0 keeps it so.
		if (p.wrapped.kind != Operand::Kind::none)
			range = emit(IO::Op::select, r32(), {p.wrapped, Operand::c32(0), range});
		return {base, bounded_offset(p), range};
	}
	if (p.dyn.kind == Operand::Kind::none && !p.const_off)
		return {base};
	// A symbolic offset is 32-bit arithmetic (the fast paths add it to the base as a 32-bit
	// offset): a negative constant part (OpPtrAccessChain by -2) is 2^32 - 8 and must wrap with
	// the dynamic part before it is widened, or the address lands 4 GiB too far.
	const Operand off = bounded_offset(p);
	return {emit(IO::Op::iadd, r64(), {base, off.is_const() ? Operand::c64((uint32_t)off.value) : emit(IO::Op::zext, r64(), {off})})};
}

// A bounded pointer's (or a symbolic one's) whole 32-bit offset: dynamic + constant part,
// wrapping.
Operand Translator::bounded_offset(const Ptr &p)
{
	if (p.dyn.kind == Operand::Kind::none)
		return Operand::c32(p.const_off);
	return p.const_off ? iadd(p.dyn, Operand::c32(p.const_off)) : p.dyn;
}

std::vector<Operand> Translator::bounded_value(const Ptr &p)
{
	return {p.addr, bounded_offset(p), p.range};
}

Ptr Translator::bounded_pointer(const std::vector<Operand> &v, uint32_t pointee)
{
	if (v.size() != 3)
		fail("a bounded buffer pointer value has the wrong shape");
	Ptr p;
	p.phys = p.bounded = true;
	p.addr = v[0];
	if (v[1].is_const())
		p.const_off = (uint32_t)v[1].value;
	else
		p.dyn = v[1];
	p.range = v[2];
	p.type = pointee;
	return p;
}

// The pointer an access checks: its whole offset in 'dyn', so the bounds check sees the wrapped
// 32-bit offset (a constant part of 2^32 - 4 must not be added to the access's end).
Ptr Translator::fold_bounded_offset(const Ptr &p)
{
	Ptr q = p;
	q.dyn = bounded_offset(p);
	q.const_off = 0;
	return q;
}

// A Workgroup pointer value: an offset from the shared root.
Ptr Translator::shared_pointer(uint32_t id, bool &found)
{
	found = false;
	auto tit = val_type_.find(id);
	if (tit == val_type_.end() || !is_local_ptr_type(tit->second))
		return {};
	found = true;
	Ptr p;
	p.var = shared_root_;
	p.type = type(tit->second).elem;
	Operand v = val(id).at(0);
	if (v.is_const())
		p.const_off = (uint32_t)v.value;
	else
		p.dyn = v;
	return p;
}

// The step of OpPtrAccessChain's element index. Storage and uniform buffer (and physical) pointer
// types carry it as ArrayStride; for Workgroup pointers the implementation chooses (SPIR-V
// "OpPtrAccessChain": an ArrayStride there is not the stride), and it is the element's size in the
// layout shared memory uses, as in an array of that type (the CTS's ptr_access_chain.workgroup_bad_stride).
uint32_t Translator::ptr_chain_stride(uint32_t ptr_type, const Ptr &p)
{
	if (!p.phys && vars_.at(p.var).sc == (uint32_t)spv::StorageClass::Workgroup)
		return size_of(p.type, explicit_layout(p));
	if (has_deco(ptr_type, spv::Decoration::ArrayStride))
		return deco_arg(ptr_type, spv::Decoration::ArrayStride);
	fail("OpPtrAccessChain through a pointer type without ArrayStride");
}

// OpSelect between two pointers into the same (single-block) buffer: the result stays symbolic,
// its offset the selected one, so the descriptor fast path and robust access's bounds checks keep
// working (the CTS's single_buffer cases). Returns false for any other select.
bool Translator::select_within_buffer(const Inst &in)
{
	auto w = in.w;
	if (w.size() < 6 || !is_phys_ptr_type(w[1]) || type(w[1]).storage == (uint32_t)spv::StorageClass::PhysicalStorageBuffer)
		return false;
	auto symbolic = [&](uint32_t id) { return ptrs_.count(id) ? ptrs_.at(id) : vars_.count(id) ? pointer(id) : Ptr{}; };
	const Ptr a = symbolic(w[4]), b = symbolic(w[5]);
	if (!a.var || a.phys || b.phys || a.var != b.var || a.type != b.type || !vars_.count(a.var) || vars_.at(a.var).desc_array)
		return false;
	const auto &c = val(w[3]);
	if (c.size() != 1)
		return false;
	// The whole 32-bit offset of each (dynamic + constant, wrapping as the fast paths do).
	Ptr p = a;
	p.const_off = 0;
	p.dyn = emit(IO::Op::select, r32(), {c[0], bounded_offset(a), bounded_offset(b)});
	auto wrapped = [&](const Ptr &q) { return q.wrapped.kind == Operand::Kind::none ? Operand::c32(0) : q.wrapped; };
	if (a.wrapped.kind != Operand::Kind::none || b.wrapped.kind != Operand::Kind::none)
		p.wrapped = emit(IO::Op::select, rbool(), {c[0], wrapped(a), wrapped(b)});
	else
		p.wrapped = Operand{};
	ptrs_[w[2]] = p;
	set(w[2], w[1], variable_pointer_value(p));   // for phis, stores and comparisons
	return true;
}

bool Translator::translate_variable_pointer(const Inst &in)
{
	using Op = spv::Op;
	const Op op = (Op)in.op;
	if (op == Op::OpSelect)
		return select_within_buffer(in);
	if (op != Op::OpPtrEqual && op != Op::OpPtrNotEqual && op != Op::OpPtrDiff)
		return false;
	auto w = in.w;
	if (w.size() < 5)
		fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	auto value = [&](uint32_t id) {
		if (!vals_.count(id) && ptrs_.count(id))
			return variable_pointer_value(ptrs_.at(id));
		return val(id);
	};
	const std::vector<Operand> av = value(w[3]), bv = value(w[4]);
	if (av.size() != bv.size() || av.at(0).size != bv.at(0).size)
		fail("pointer comparison of pointers in different storage classes");
	// Bounded pointers (base, offset, range): the same base and offset.
	const bool bounded = av.size() == 3;
	Operand a = av[0], b = bv[0];
	if (op == Op::OpPtrDiff) {
		// (a - b) / element size, as a signed integer of the result type's width (bounded: the
		// offsets' difference, both pointers being into the same buffer).
		const uint32_t pt = val_type_.count(w[3]) ? val_type_.at(w[3]) : 0;
		Ptr pa = pointer(w[3]);
		const uint32_t stride = pt ? ptr_chain_stride(pt, pa) : size_of(pa.type, explicit_layout(pa));
		if (bounded) {
			a = av[1];
			b = bv[1];
		}
		Operand d = emit(IO::Op::isub, a.size == 2 ? r64() : r32(), {a, b});
		if (d.size == 2)
			d = low_dword(d);   // objects are smaller than 4 GiB
		if (stride > 1)
			d = emit(IO::Op::sdiv, r32(), {d, Operand::c32(stride)});
		if (rc_of(w[1]).size == 2)
			d = emit(IO::Op::sext, r64(), {d});
		set(w[2], w[1], {d});
		return true;
	}
	if (bounded) {
		Operand eq = emit(IO::Op::band, rbool(), {emit(IO::Op::ieq, rbool(), {a, b}), emit(IO::Op::ieq, rbool(), {av[1], bv[1]})});
		set(w[2], w[1], {op == Op::OpPtrEqual ? eq : emit(IO::Op::bnot, rbool(), {eq})});
		return true;
	}
	set(w[2], w[1], {emit(op == Op::OpPtrEqual ? IO::Op::ieq : IO::Op::ine, rbool(), {a, b})});
	return true;
}

} // namespace mica::compiler::spirv_detail
