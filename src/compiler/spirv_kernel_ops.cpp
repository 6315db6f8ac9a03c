// Kernel execution model instructions (docs/compiler.md "Kernel programs"): function calls
// (inlined here: the module is not run through SPIRV-Tools' inliner), pointer casts between
// storage classes, pointer arithmetic, byte copies, and the OpenCL.std dispatch.
#include <spirv/unified1/OpenCL.std.h>

#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

using SC = spv::StorageClass;

// Returns true when the instruction was translated here.
bool Translator::translate_kernel(const Inst &in)
{
	auto w = in.w;
	auto need = [&](size_t n) {
		if (w.size() < n)
			fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	};
	const Op op = (Op)in.op;
	switch (op) {
	case Op::OpLabel:
		need(2);
		cur_label_ = w[1];
		return false;   // the common code switches blocks
	case Op::OpFunctionCall:
		need(4);
		inline_call(in);
		return true;
	case Op::OpReturn:
	case Op::OpReturnValue:
	case Op::OpUnreachable:
		if (!returns_)
			return false;   // the kernel's own return
		returns_->push_back({cur_, op == Op::OpReturnValue && w.size() > 1 ? val(w[1]) : std::vector<Operand>{}});
		emit_void(IO::Op::br, {Operand::block(ret_block_)});
		return true;
	case Op::OpLifetimeStart:
	case Op::OpLifetimeStop:
	case Op::OpFunctionParameter:   // bound to the arguments (bind_kernel_arguments, inline_call)
		return true;
	case Op::OpInBoundsPtrAccessChain:
		need(5);
		access_chain(in, true);
		return true;
	case Op::OpPtrCastToGeneric:
	case Op::OpGenericCastToPtr:
	case Op::OpGenericCastToPtrExplicit:
	case Op::OpBitcast: {
		need(4);
		const uint32_t rt = w[1], res = w[2], src = w[3];
		uint32_t to_sc = 0, from_sc = 0;
		if (!is_kernel_ptr_type(rt, &to_sc))
			return false;   // a numeric bitcast
		if (op == Op::OpBitcast && !val_type_.count(src) && !ptrs_.count(src) && !vars_.count(src))
			fail("bitcast of %" + std::to_string(src) + " which is not a supported value");
		const uint32_t st = val_type_.count(src) ? val_type_.at(src) : 0;
		if (st && !is_kernel_ptr_type(st, &from_sc)) {
			// An integer bitcast to a pointer (same width): OpConvertUToPtr.
			Operand x = val(src).at(0);
			set(res, rt, {is_local_ptr_type(rt) ? low_dword(x) : x.size == 2 ? x : emit(IO::Op::zext, r64(), {x})});
			return true;
		}
		if (!st && vars_.count(src))
			from_sc = vars_[src].sc;
		else if (!st && ptrs_.count(src))
			from_sc = ptrs_[src].phys ? (uint32_t)SC::CrossWorkgroup : vars_[ptrs_[src].var].sc;
		const bool from_local = from_sc == (uint32_t)SC::Workgroup, to_local = to_sc == (uint32_t)SC::Workgroup;
		if (op == Op::OpPtrCastToGeneric && from_local) {
			// __local -> generic: the shared offset in the local aperture.
			Ptr p = pointer(src);
			Operand off = emit(IO::Op::zext, r64(), {shared_pointer_value(p)});
			set(res, rt, {emit(IO::Op::ior, r64(), {off, Operand::c64(kLocalAperture)})});
			ptrs_.erase(res);
			return true;
		}
		if (op != Op::OpBitcast && to_local) {
			// generic -> __local: the low word; the explicit cast gives NULL (0) for a pointer
			// outside the aperture.
			Operand a = val(src).at(0);
			Operand off = low_dword(a);
			if (op == Op::OpGenericCastToPtrExplicit)
				off = emit(IO::Op::select, r32(), {generic_is_local(a), off, Operand::c32(0)});
			set(res, rt, {off});
			ptrs_.erase(res);
			return true;
		}
		if (op == Op::OpGenericCastToPtrExplicit) {
			// to_global / to_private: NULL for an address of another space (__local ones are in
			// the local aperture, private ones in this wave's scratch area).
			Operand a = generic_address(src);
			const bool to_private = to_sc == (uint32_t)SC::Function;
			Operand priv = generic_is_private(a);
			Operand wrong = to_private ? emit(IO::Op::bnot, rbool(), {priv}) : priv;
			if (generic_local_)
				wrong = emit(IO::Op::bor, rbool(), {wrong, generic_is_local(a)});
			Operand r = emit(IO::Op::select, r64(), {wrong, Operand::c64(0), a});
			if (to_private) {   // used as a private pointer, as below
				Ptr p;
				p.phys = true;
				p.addr = r;
				p.type = type(rt).elem;
				ptrs_[res] = p;
				return true;
			}
			set(res, rt, {r});
			ptrs_.erase(res);
			return true;
		}
		if (op != Op::OpBitcast && (from_local || to_local))
			fail("casts between __local and generic pointers of this kind are not supported");
		if (op != Op::OpBitcast && from_sc == (uint32_t)SC::Function) {
			// Private -> generic: the scratch address (generic accesses are global ones).
			set(res, rt, {private_address(pointer(src))});
			ptrs_.erase(res);
			return true;
		}
		if (op != Op::OpBitcast && to_sc == (uint32_t)SC::Function) {
			// Generic -> private: an address into the scratch area, used as it is.
			Ptr p;
			p.phys = true;
			p.addr = val(src).at(0);
			p.type = type(rt).elem;
			ptrs_[res] = p;
			return true;
		}
		if (from_local != to_local)
			fail("bitcast between __local and other pointers");
		if (ptrs_.count(src) || vars_.count(src)) {
			Ptr p = pointer(src);
			p.type = type(rt).elem;
			p.generic = to_sc == (uint32_t)SC::Generic;
			ptrs_[res] = p;
		} else {
			ptrs_.erase(res);
		}
		if (vals_.count(src))
			set(res, rt, val(src));
		return true;
	}
	case Op::OpGenericPtrMemSemantics: {
		// get_fence: WorkgroupMemory for a __local address, CrossWorkgroupMemory otherwise
		// (private memory is global memory to a fence: scratch is accessed as global).
		need(4);
		Operand a = generic_address(w[3]);
		Operand sem = generic_local_ ? emit(IO::Op::select, r32(), {generic_is_local(a), Operand::c32(0x100), Operand::c32(0x200)})
		                             : Operand::c32(0x200);
		set(w[2], w[1], {sem});
		return true;
	}
	case Op::OpConvertPtrToU: {
		need(4);
		if (!vals_.count(w[3]) && (ptrs_.count(w[3]) || vars_.count(w[3]))) {
			// A symbolic pointer: private (scratch address) or __local (shared offset).
			Ptr p = pointer(w[3]);
			Operand a;
			if (p.phys)
				a = phys_address(p, true);
			else if (vars_[p.var].sc == (uint32_t)SC::Function)
				a = private_address(p);
			else if (vars_[p.var].sc == (uint32_t)SC::Workgroup)
				a = emit(IO::Op::zext, r64(), {shared_pointer_value(p)});
			else
				fail("OpConvertPtrToU of a pointer to this storage class is not supported");
			set(w[2], w[1], {rc_of(w[1]).size == 2 ? a : low_dword(a)});
			return true;
		}
		if (!is_local_ptr_type(val_type_.count(w[3]) ? val_type_.at(w[3]) : 0))
			return false;
		Operand x = val(w[3]).at(0);
		set(w[2], w[1], {rc_of(w[1]).size == 2 ? emit(IO::Op::zext, r64(), {x}) : x});
		return true;
	}
	case Op::OpConvertUToPtr:
		need(4);
		if (!is_local_ptr_type(w[1]))
			return false;
		set(w[2], w[1], {low_dword(val(w[3]).at(0))});
		return true;
	case Op::OpPtrDiff: {
		// (a - b) / sizeof(*a), signed
		need(5);
		Operand a = val(w[3]).at(0), b = val(w[4]).at(0);
		const uint32_t elem = type(val_type_.at(w[3])).elem;
		const uint32_t size = cl_size_align(elem).first;
		const bool wide = rc_of(w[1]).size == 2;
		if (a.size == 1)
			a = emit(IO::Op::sext, r64(), {a});
		if (b.size == 1)
			b = emit(IO::Op::sext, r64(), {b});
		Operand d = emit(IO::Op::isub, r64(), {a, b});
		if (size > 1) {
			if ((size & (size - 1)) == 0)
				d = emit(IO::Op::sshr, r64(), {d, Operand::c64((uint64_t)__builtin_ctz(size))});
			else
				d = div64(IO::Op::sdiv, d, Operand::c64(size));
		}
		set(w[2], w[1], {wide ? d : low_dword(d)});
		return true;
	}
	case Op::OpPtrEqual:
	case Op::OpPtrNotEqual: {
		need(5);
		Operand a = val(w[3]).at(0), b = val(w[4]).at(0);
		set(w[2], w[1], {emit(op == Op::OpPtrEqual ? IO::Op::ieq : IO::Op::ine, rbool(), {a, b})});
		return true;
	}
	case Op::OpCopyMemorySized: {
		need(4);
		const auto &n = val(w[3]);
		if (n.size() != 1 || !n[0].is_const())
			fail("OpCopyMemorySized with a size that is not a constant");
		uint32_t align = 1;
		if (w.size() > 5 && (w[4] & (uint32_t)spv::MemoryAccessMask::Aligned))
			align = w[5];
		copy_memory(pointer(w[1]), pointer(w[2]), (uint32_t)n[0].value, align);
		return true;
	}
	case Op::OpConvertFToS:
	case Op::OpConvertFToU:
	case Op::OpConvertSToF:
	case Op::OpConvertUToF:
	case Op::OpFConvert:
	case Op::OpUConvert:
	case Op::OpSConvert:
	case Op::OpSatConvertSToU:
	case Op::OpSatConvertUToS: {
		need(4);
		std::vector<Operand> r = convert_with_decorations(in);
		if (r.empty())
			return false;
		set(w[2], w[1], r);
		return true;
	}
	case Op::OpGroupAll:
	case Op::OpGroupAny:
	case Op::OpGroupBroadcast:
	case Op::OpGroupIAdd:
	case Op::OpGroupFAdd:
	case Op::OpGroupFMin:
	case Op::OpGroupUMin:
	case Op::OpGroupSMin:
	case Op::OpGroupFMax:
	case Op::OpGroupUMax:
	case Op::OpGroupSMax: {
		// Groups (OpenCL 2.0 sub_group_* / work_group_*): at Subgroup scope the same operation as
		// its GroupNonUniform twin (same operands) over the sub-group's active work-items.
		need(4);
		if (const_u32(w[3]) == (uint32_t)spv::Scope::Workgroup) {
			work_group_op(in);
			return true;
		}
		if (const_u32(w[3]) != (uint32_t)spv::Scope::Subgroup)
			fail(std::string(spirv_opcode_name(in.op)) + " at a scope other than Subgroup or Workgroup");
		static const std::pair<Op, Op> twins[] = {
			{Op::OpGroupAll, Op::OpGroupNonUniformAll},   {Op::OpGroupAny, Op::OpGroupNonUniformAny},
			{Op::OpGroupBroadcast, Op::OpGroupNonUniformBroadcast},
			{Op::OpGroupIAdd, Op::OpGroupNonUniformIAdd}, {Op::OpGroupFAdd, Op::OpGroupNonUniformFAdd},
			{Op::OpGroupFMin, Op::OpGroupNonUniformFMin}, {Op::OpGroupUMin, Op::OpGroupNonUniformUMin},
			{Op::OpGroupSMin, Op::OpGroupNonUniformSMin}, {Op::OpGroupFMax, Op::OpGroupNonUniformFMax},
			{Op::OpGroupUMax, Op::OpGroupNonUniformUMax}, {Op::OpGroupSMax, Op::OpGroupNonUniformSMax},
		};
		std::vector<uint32_t> words(w.begin(), w.end());
		for (auto [from, to] : twins)
			if (from == op)
				words[0] = (words[0] & 0xffff0000u) | (uint32_t)to;
		group_op(Inst{(uint16_t)(words[0] & 0xffff), words});
		return true;
	}
	case Op::OpGroupAsyncCopy:
		need(9);
		async_copy(in);
		return true;
	case Op::OpGroupWaitEvents:
		// The copies are done; the barrier makes every work-item's part visible to all.
		need(4);
		emit_void(IO::Op::memory_barrier, {}, MICA_SCOPE_WORKGROUP);
		emit_void(IO::Op::barrier, {});
		return true;
	case Op::OpExtInst:
		need(5);
		if (!opencl_ext_ || w[3] != opencl_ext_)
			return false;
		if (w[4] == OpenCLLIB::Printf) {
			printf_call(in);
			return true;
		}
		// Half operands of the arithmetic instructions are widened to f32 and a half result
		// rounded back (spirv_narrow.cpp, which comes back here with narrow_active_ set).
		if (!narrow_active_ && !opencl_std_moves_halves(w[4]) && translate_narrow(in))
			return true;
		opencl_std(in);   // spirv_opencl_std*.cpp
		return true;
	default:
		return false;
	}
}

// A call: the callee's blocks are translated in place (its parameters bound to the arguments),
// its returns branch to a new block where the caller continues (phis there take the return
// value). Blocks of the caller after the call see the caller's label as that block.
void Translator::inline_call(const Inst &in)
{
	auto w = in.w;
	const uint32_t rt = w[1], res = w[2], fn = w[3];
	auto fit = functions_.find(fn);
	if (fit == functions_.end())
		fail("call of a function without a body (an unresolved import?)");
	if (std::find(inline_stack_.begin(), inline_stack_.end(), fn) != inline_stack_.end())
		fail("recursive function call (OpenCL C forbids recursion)");
	if (inline_stack_.size() >= 64)
		fail("function calls nested more than 64 deep");
	auto [first, last] = fit->second;
	size_t i = first + 1, a = 4;
	for (; i < last && insts_[i].op == (uint16_t)Op::OpFunctionParameter; i++, a++) {
		const uint32_t pid = insts_[i].w[2], ptype = insts_[i].w[1];
		if (a >= w.size())
			fail("function call with too few arguments");
		const uint32_t arg = w[a];
		ptrs_.erase(pid);
		vals_.erase(pid);
		if (byval_ids_.count(pid) && (ptrs_.count(arg) || vars_.count(arg))) {
			// A struct passed by value (FuncParamAttr ByVal): the caller passes a pointer to
			// its object and the callee owns a copy, which it may change without the caller
			// seeing it (LLVM's byval; the translator keeps the pointer and the decoration).
			const Type &pt = type(ptype);
			if (pt.k != Type::K::Pointer)
				fail("ByVal function parameter that is not a pointer");
			const uint32_t copy = next_layout_type_++;
			vars_[copy] = private_variable(pt.elem);
			Ptr dst;
			dst.var = copy;
			dst.type = pt.elem;
			Ptr src = pointer(arg);
			store(dst, pt.elem, load(src, pt.elem));
			ptrs_[pid] = dst;
			continue;
		}
		if (ptrs_.count(arg) || vars_.count(arg))
			ptrs_[pid] = pointer(arg);
		if (vals_.count(arg))
			set(pid, ptype, vals_.at(arg));
		else if (!ptrs_.count(pid))
			fail("function argument %" + std::to_string(arg) + " is not a supported value");
	}
	const uint32_t cont = (uint32_t)p_.blocks.size();
	p_.blocks.emplace_back();
	uint32_t entry = kNoBlock;
	for (size_t j = i; j <= last; j++)
		if (insts_[j].op == (uint16_t)Op::OpLabel) {
			labels_[insts_[j].w[1]] = (uint32_t)p_.blocks.size();
			phi_pred_.erase(insts_[j].w[1]);
			if (entry == kNoBlock)
				entry = (uint32_t)p_.blocks.size();
			p_.blocks.emplace_back();
		}
	if (entry == kNoBlock)
		fail("called function has no body");
	emit_void(IO::Op::br, {Operand::block(entry)});
	const uint32_t caller_label = cur_label_, saved_ret_block = ret_block_;
	std::vector<Return> *saved_returns = returns_;
	const Inst *saved_at = at_;
	std::vector<Return> rets;
	returns_ = &rets;
	ret_block_ = cont;
	const size_t phi_mark = phis_.size();
	inline_stack_.push_back(fn);
	for (size_t j = i; j < last; j++) {
		at_ = &insts_[j];
		translate(insts_[j]);
	}
	inline_stack_.pop_back();
	resolve_phis(phi_mark);
	returns_ = saved_returns;
	ret_block_ = saved_ret_block;
	cur_label_ = caller_label;
	at_ = saved_at;
	cur_ = cont;
	if (caller_label)
		phi_pred_[caller_label] = cont;
	if (type(rt).k == Type::K::Void)
		return;
	std::vector<Leaf> ls;
	leaves(rt, true, 0, ls);
	std::vector<std::pair<uint32_t, std::vector<Operand>>> values;
	for (const Return &r : rets)
		if (r.value.size() == ls.size())
			values.push_back({r.block, r.value});
	if (values.empty()) {
		std::vector<Operand> zero;
		for (const Leaf &l : ls)
			zero.push_back(l.bytes == 8 ? Operand::c64(0) : Operand::c32(0));
		set(res, rt, zero);
		return;
	}
	if (values.size() == 1 && rets.size() == 1) {
		set(res, rt, values[0].second);
		return;
	}
	std::vector<Operand> out;
	for (size_t leaf = 0; leaf < ls.size(); leaf++) {
		RegClass rc = ls[leaf].is_bool ? rbool() : ls[leaf].bytes == 8 ? r64() : r32();
		Instr phi;
		phi.op = IO::Op::phi;
		Operand d = p_.new_def(rc);
		phi.defs.push_back(d);
		for (const Return &r : rets) {
			Operand v = r.value.size() == ls.size() ? r.value[leaf] : ls[leaf].bytes == 8 ? Operand::c64(0) : Operand::c32(0);
			phi.ops.push_back(v);
			phi.ops.push_back(Operand::block(r.block));
		}
		p_.blocks[cont].instrs.push_back(std::move(phi));
		out.push_back(d);
	}
	set(res, rt, out);
}

// async_work_group_(strided_)copy: the work-items copy the elements between them at once
// (element k by the work-item of local index k mod the work-group size), in a loop the
// structurizer gives its construct; the event is 0 and wait_group_events is a barrier.
void Translator::async_copy(const Inst &in)
{
	auto w = in.w;
	if (const_u32(w[3]) != (uint32_t)spv::Scope::Workgroup)
		fail("OpGroupAsyncCopy at a scope other than Workgroup");
	Ptr dst = pointer(w[4]), src = pointer(w[5]);
	Operand count = low_dword(val(w[6]).at(0)), stride = low_dword(val(w[7]).at(0));
	const uint32_t elem = dst.type;
	const uint32_t size = cl_size_align(elem).first;
	const bool dst_local = !dst.phys && vars_[dst.var].sc == (uint32_t)SC::Workgroup;
	auto at = [&](Ptr p, Operand index, bool strided) {
		Operand off = imul(strided ? imul(index, stride) : index, Operand::c32(size));
		if (p.phys) {
			Operand o64 = emit(IO::Op::zext, r64(), {off});
			p.dyn = p.dyn.kind == Operand::Kind::none ? o64 : emit(IO::Op::iadd, r64(), {p.dyn, o64});
		} else {
			p.dyn = p.dyn.kind == Operand::Kind::none ? off : iadd(p.dyn, off);
		}
		return p;
	};
	const Operand first = local_invocation_index();   // in the block before the loop
	const uint32_t pre = cur_, header = (uint32_t)p_.blocks.size(), body = header + 1, exit = header + 2;
	p_.blocks.resize(p_.blocks.size() + 3);
	emit_void(IO::Op::br, {Operand::block(header)});
	cur_ = header;
	Operand k = p_.new_def(r32()), next = p_.new_def(r32());
	Instr phi = make_instr(IO::Op::phi, {first, Operand::block(pre), next, Operand::block(body)}, 0, 0);
	phi.defs.push_back(k);
	p_.blocks[header].instrs.push_back(std::move(phi));
	emit_void(IO::Op::cbr, {emit(IO::Op::ult, rbool(), {k, count}), Operand::block(body), Operand::block(exit)});
	cur_ = body;
	store(at(dst, k, !dst_local), elem, load(at(src, k, dst_local), elem));
	Instr add = make_instr(IO::Op::iadd, {k, Operand::c32(wg_[0] * wg_[1] * wg_[2])}, 0, 0);
	add.defs.push_back(next);
	p_.blocks[body].instrs.push_back(std::move(add));
	emit_void(IO::Op::br, {Operand::block(header)});
	cur_ = exit;
	if (cur_label_)
		phi_pred_[cur_label_] = exit;
	set(w[2], w[1], {Operand::c32(0)});
}

// memcpy of a constant size (struct copies): 4-byte pieces when the alignment allows, else bytes.
void Translator::copy_memory(const Ptr &dst, const Ptr &src, uint32_t bytes, uint32_t align)
{
	if (bytes > 65536)
		fail("OpCopyMemorySized of more than 64 KiB");
	if (!u8_type_) {
		u8_type_ = next_layout_type_++;
		types_[u8_type_] = Type{Type::K::Int, 8, 0, 0, 0, 0, false, {}, {}};
		u32_type_ = next_layout_type_++;
		types_[u32_type_] = Type{Type::K::Int, 32, 0, 0, 0, 0, false, {}, {}};
	}
	const uint32_t piece = align >= 4 && bytes % 4 == 0 ? 4 : 1;
	for (uint32_t off = 0; off < bytes; off += piece) {
		Ptr s = src, d = dst;
		s.const_off += off;
		d.const_off += off;
		s.type = d.type = piece == 4 ? u32_type_ : u8_type_;
		store(d, d.type, load(s, s.type));
	}
}

} // namespace mica::compiler::spirv_detail
