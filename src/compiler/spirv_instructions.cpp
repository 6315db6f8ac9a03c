// Function bodies: structured control flow, phis, access chains, loads/stores, arithmetic,
// comparisons, composites, conversions, barriers and atomics.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

uint32_t memory_scope_to_fence(uint32_t scope)
{
	switch ((spv::Scope)scope) {
	case spv::Scope::CrossDevice: return MICA_SCOPE_SYSTEM;
	case spv::Scope::Device:
	case spv::Scope::QueueFamily: return MICA_SCOPE_DEVICE;
	default: return MICA_SCOPE_WORKGROUP;
	}
}

// SPIR-V Memory Semantics of an atomic: with Acquire (or AcquireRelease, SequentiallyConsistent)
// the accesses after it may not be performed before it, with Release those before it not after
// it, for the storage classes the semantics name (Uniform, Subgroup, Workgroup, CrossWorkgroup,
// AtomicCounter, Image memory). A fence (memory_barrier: s_fence, which waits, also a scheduling
// barrier) after an acquiring and before a releasing atomic gives that; relaxed atomics get none.
// (dEQP-VK.memory_model.message_passing...fence_atomic...payload_local.image.guard_nonlocal.workgroup:
// the image load after an acquiring atomicLoad of the guard read the partner's texel before it.)
constexpr uint32_t kSemAcquire = 0x2, kSemRelease = 0x4, kSemAcquireRelease = 0x8, kSemSeqCst = 0x10;
constexpr uint32_t kSemStorageClasses = 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800;

static bool semantics_acquire(uint32_t sem)
{
	return (sem & kSemStorageClasses) && (sem & (kSemAcquire | kSemAcquireRelease | kSemSeqCst));
}

static bool semantics_release(uint32_t sem)
{
	return (sem & kSemStorageClasses) && (sem & (kSemRelease | kSemAcquireRelease | kSemSeqCst));
}


// The first scalar leaf and the type of the part of a composite of type 't' that the literal
// indices of OpCompositeExtract / OpCompositeInsert select.
std::pair<uint32_t, uint32_t> Translator::composite_leaf(uint32_t t, std::span<const uint32_t> indices)
{
	uint32_t first = 0;
	for (uint32_t k : indices) {
		const Type &ty = type(t);
		if (ty.k == Type::K::Struct) {
			if (k >= ty.members.size())
				fail("composite index out of range");
			for (uint32_t m = 0; m < k; m++)
				first += leaf_count(ty.members[m]);
			t = ty.members[k];
		} else {
			if (k >= ty.count)
				fail("composite index out of range");
			first += k * leaf_count(ty.elem);
			t = ty.elem;
		}
	}
	return {first, t};
}

void Translator::translate(const Inst &in)
{
	auto w = in.w;
	auto need = [&](size_t n) {
		if (w.size() < n)
			fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	};
	using IOp = IO::Op;
	Op op = (Op)in.op;
	// The fence an atomic read-modify-write with these semantics needs before (release) or after
	// (acquire) itself (semantics_acquire says why).
	auto atomic_fence = [&](uint32_t scope_id, uint32_t semantics_id, bool before) {
		const uint32_t sem = const_u32(semantics_id);
		if (before ? semantics_release(sem) : semantics_acquire(sem))
			emit_void(IOp::memory_barrier, {}, memory_scope_to_fence(const_u32(scope_id)));
	};
	if (kernel_ && translate_kernel(in))
		return;
	if (kernel_ && translate_kernel_image(in))   // spirv_kernel_image.cpp
		return;
	if (translate_image(in))   // spirv_image.cpp
		return;
	if (varptr_ && translate_variable_pointer(in))   // spirv_varptr.cpp
		return;
	// Vulkan allows FPRoundingMode on OpFConvert to a 16-bit float that is stored
	// (VK_KHR_16bit_storage); it overrides the RoundingModeRTE execution mode.
	if (!kernel_ && op == Op::OpFConvert && w.size() >= 4 && has_deco(w[2], spv::Decoration::FPRoundingMode)) {
		std::vector<Operand> r = convert_with_decorations(in);   // spirv_kernel_convert.cpp
		if (!r.empty()) {
			set(w[2], w[1], r);
			return;
		}
	}
	if (!narrow_active_ && translate_narrow(in))
		return;
	switch (op) {
	case Op::OpLabel:
		cur_ = labels_[w[1]];
		return;
	case Op::OpNop:
	case Op::OpLine:
	case Op::OpNoLine:
	case Op::OpExtInst:
		if (op == Op::OpExtInst) {
			need(5);
			if (w[3] == glsl_ext_) {
				ext_inst(in);
				return;
			}
			if (w[3] == opencl_ext_ && opencl_ext_) {
				opencl_std(in);
				return;
			}
			return;   // NonSemantic.* instructions carry no semantics
		}
		return;
	case Op::OpVariable:
		need(4);
		function_variable(in);
		return;
	case Op::OpUndef: {
		need(3);
		std::vector<Operand> v;
		std::vector<Leaf> l;
		leaves(w[1], false, 0, l);
		for (const Leaf &lf : l)
			v.push_back(lf.bytes == 8 ? Operand::c64(0) : Operand::c32(0));
		set(w[2], w[1], v);
		return;
	}
	case Op::OpSelectionMerge:
		need(2);
		p_.blocks[cur_].merge = Block::Merge::selection;
		p_.blocks[cur_].merge_block = labels_.at(w[1]);
		return;
	case Op::OpLoopMerge:
		need(3);
		p_.blocks[cur_].merge = Block::Merge::loop;
		p_.blocks[cur_].merge_block = labels_.at(w[1]);
		p_.blocks[cur_].continue_block = labels_.at(w[2]);
		return;
	case Op::OpBranch:
		need(2);
		emit_void(IOp::br, {Operand::block(labels_.at(w[1]))});
		return;
	case Op::OpBranchConditional:
		need(4);
		emit_void(IOp::cbr, {val(w[1])[0], Operand::block(labels_.at(w[2])), Operand::block(labels_.at(w[3]))});
		return;
	case Op::OpSwitch: {
		need(3);
		const auto &sel = val(w[1]);
		if (sel[0].size == 2) {
			// 64-bit selector (two-word literals): compared in 64 bits, then a switch on the
			// 1-based number of the matching case (0: the default).
			if ((w.size() - 3) % 3)
				fail("OpSwitch with a 64-bit selector needs two-word literals");
			Operand index = Operand::c32(0);
			std::vector<Operand> cases;
			for (size_t i = 3, k = 1; i + 2 < w.size(); i += 3, k++) {
				const uint64_t lit = (uint64_t)w[i] | (uint64_t)w[i + 1] << 32;
				Operand eq = emit(IOp::ieq, rbool(), {sel[0], Operand::c64(lit)});
				index = emit(IOp::select, r32(), {eq, Operand::c32((uint32_t)k), index});
				cases.push_back(Operand::c32((uint32_t)k));
				cases.push_back(Operand::block(labels_.at(w[i + 2])));
			}
			std::vector<Operand> ops{index, Operand::block(labels_.at(w[2]))};
			ops.insert(ops.end(), cases.begin(), cases.end());
			emit_void(IOp::switch_, ops);
			return;
		}
		std::vector<Operand> ops{sel[0], Operand::block(labels_.at(w[2]))};
		// narrow selectors: the literals of signed types are sign-extended in their word
		const unsigned nw = narrow_width(value_type(w[1]));
		for (size_t i = 3; i + 1 < w.size(); i += 2) {
			ops.push_back(nw ? narrow_mask(Operand::c32(w[i]), nw) : Operand::c32(w[i]));
			ops.push_back(Operand::block(labels_.at(w[i + 1])));
		}
		emit_void(IOp::switch_, ops);
		return;
	}
	case Op::OpReturn:
	case Op::OpUnreachable:
		emit_void(IOp::ret, {});
		return;
	case Op::OpReturnValue: fail("OpReturnValue in the entry point");
	case Op::OpKill:
	case Op::OpTerminateInvocation: fail("OpKill in a compute shader");
	case Op::OpFunctionCall: fail("function call that SPIRV-Tools did not inline (recursion?)");
	case Op::OpPhi: {
		need(3);
		uint32_t n = leaf_count(w[1]);
		std::vector<Operand> r;
		std::vector<Leaf> ls;
		leaves(w[1], false, 0, ls);
		for (uint32_t leaf = 0; leaf < n; leaf++) {
			RegClass rc = ls[leaf].is_bool ? rbool() : ls[leaf].bytes == 8 ? r64() : r32();
			Instr ins;
			ins.op = IOp::phi;
			Operand d = p_.new_def(rc);
			ins.defs.push_back(d);
			PendingPhi pp;
			pp.block = cur_;
			pp.instr_index = p_.blocks[cur_].instrs.size();
			pp.leaf = leaf;
			for (size_t i = 3; i + 1 < w.size(); i += 2)
				pp.incoming.push_back({w[i], w[i + 1]});
			phis_.push_back(pp);
			p_.blocks[cur_].instrs.push_back(ins);
			r.push_back(d);
		}
		set(w[2], w[1], r);
		return;
	}
	case Op::OpAccessChain:
	case Op::OpInBoundsAccessChain:
	case Op::OpPtrAccessChain:
		need(op == Op::OpPtrAccessChain ? 5 : 4);
		access_chain(in, op == Op::OpPtrAccessChain);
		return;
	case Op::OpConvertUToPtr: {
		// PhysicalStorageBuffer64: the pointer is the 64-bit address
		need(4);
		if (!is_phys_ptr_type(w[1]))
			fail("OpConvertUToPtr to a pointer that is not a PhysicalStorageBuffer pointer");
		Operand x = val(w[3]).at(0);
		set(w[2], w[1], {x.size == 2 ? x : emit(IOp::zext, r64(), {x})});
		return;
	}
	case Op::OpConvertPtrToU: {
		need(4);
		if (!is_phys_ptr_type(val_type_.at(w[3])))
			fail("OpConvertPtrToU of a pointer that is not a PhysicalStorageBuffer pointer");
		Operand x = val(w[3]).at(0);
		set(w[2], w[1], {rc_of(w[1]).size == 2 ? x : emit(IOp::trunc, r32(), {x})});
		return;
	}
	case Op::OpLoad: {
		need(4);
		Ptr p = pointer(w[3]);
		// A block member's matrix layout lives in the pointer's (copied) type.
		set(w[2], w[1], load(p, types_.count(p.type) && types_[p.type].layout_copy ? p.type : w[1]));
		if (kernel_ && p.var && !p.phys && vars_.count(p.var) && vars_[p.var].sc == (uint32_t)spv::StorageClass::Input && is_size_builtin(vars_[p.var].builtin))
			size_builtin_vals_.insert(w[2]);
		return;
	}
	case Op::OpStore: {
		need(3);
		Ptr p = pointer(w[1]);
		store(p, p.type, val(w[2]));
		return;
	}
	case Op::OpCopyMemory: {
		need(3);
		Ptr dst = pointer(w[1]), src = pointer(w[2]);
		store(dst, dst.type, load(src, src.type));
		return;
	}
	case Op::OpArrayLength: {
		need(5);
		Ptr p = pointer(w[3]);
		if (p.phys)
			fail("OpArrayLength through a physical storage buffer pointer");
		const Type &st = type(p.type);   // the block (an element, for an array of descriptors)
		if (w[4] >= st.members.size())
			fail("OpArrayLength member out of range");
		const Type &at = type(st.members[w[4]]);
		uint32_t stride = at.array_stride ? at.array_stride : 4;
		Operand size = desc_size(p);
		Operand bytes = emit(IOp::isub, r32(), {size, Operand::c32(st.member_offsets[w[4]])});
		// Sizes smaller than the fixed part give 0, not a huge unsigned number.
		bytes = emit(IOp::smax, r32(), {bytes, Operand::c32(0)});
		set(w[2], w[1], {emit(IOp::udiv, r32(), {bytes, Operand::c32(stride)})});
		return;
	}
	case Op::OpCompositeExtract: {
		need(5);
		auto [first, t] = composite_leaf(val_type_.at(w[3]), w.subspan(4));
		const auto &src = val(w[3]);
		uint32_t n = leaf_count(t);
		if (first + n > src.size())
			fail("composite shape mismatch");
		set(w[2], w[1], std::vector<Operand>(src.begin() + first, src.begin() + first + n));
		return;
	}
	case Op::OpCompositeInsert: {
		need(6);
		uint32_t first = composite_leaf(w[1], w.subspan(5)).first;
		std::vector<Operand> r = val(w[4]);
		const auto &obj = val(w[3]);
		if (first + obj.size() > r.size())
			fail("composite shape mismatch");
		std::copy(obj.begin(), obj.end(), r.begin() + first);
		set(w[2], w[1], r);
		return;
	}
	case Op::OpCompositeConstruct: {
		need(3);
		std::vector<Operand> r;
		for (size_t i = 3; i < w.size(); i++) {
			const auto &c = val(w[i]);
			r.insert(r.end(), c.begin(), c.end());
		}
		set(w[2], w[1], r);
		return;
	}
	case Op::OpVectorShuffle: {
		need(5);
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		std::vector<Operand> r;
		for (size_t i = 5; i < w.size(); i++) {
			uint32_t k = w[i];
			if (k == 0xffffffffu)   // an undefined component: zero of the element's width
				r.push_back(rc_of(scalar_type(w[1])).size == 2 ? Operand::c64(0) : Operand::c32(0));
			else if (k < a.size())
				r.push_back(a[k]);
			else if (k - a.size() < b.size())
				r.push_back(b[k - a.size()]);
			else
				fail("vector shuffle index out of range");
		}
		set(w[2], w[1], r);
		return;
	}
	case Op::OpVectorExtractDynamic: {
		need(5);
		const auto &v = val(w[3]);
		Operand idx = val(w[4])[0];
		// An index past the end reads undefined data in SPIR-V; Mica gives 0, or 1 for the
		// OpenCL size built-ins (get_global_size(3) == 1 by the OpenCL C spec: the translator
		// turns get_global_offset(j) into a dynamic extract without the range check).
		const RegClass erc = rc_of(w[1]);
		const uint64_t oob = size_builtin_vals_.count(w[3]) ? 1 : 0;
		const Operand oob_val = erc.size == 2 ? Operand::c64(oob) : Operand::c32((uint32_t)oob);
		if (idx.is_const()) {
			set(w[2], w[1], {idx.value < v.size() ? v[idx.value] : oob_val});
			return;
		}
		Operand r = oob_val;
		for (size_t i = 0; i < v.size(); i++) {
			Operand k = idx.size == 2 ? Operand::c64(i) : Operand::c32((uint32_t)i);
			r = emit(IOp::select, erc, {emit(IOp::ieq, rbool(), {idx, k}), v[i], r});
		}
		set(w[2], w[1], {r});
		return;
	}
	case Op::OpVectorInsertDynamic: {
		need(6);
		std::vector<Operand> v = val(w[3]);
		Operand comp = val(w[4])[0];
		Operand idx = val(w[5])[0];
		for (size_t i = 0; i < v.size(); i++) {
			if (idx.is_const())
				v[i] = idx.value == i ? comp : v[i];
			else
				v[i] = emit(IOp::select, rc_of(scalar_type(w[1])), {emit(IOp::ieq, rbool(), {idx, Operand::c32((uint32_t)i)}), comp, v[i]});
		}
		set(w[2], w[1], v);
		return;
	}
	case Op::OpCopyObject:
	case Op::OpCopyLogical:
		need(4);
		set(w[2], w[1], val(w[3]));
		return;
	case Op::OpBitcast:
		bitcast(in);
		return;
	// ---- arithmetic ----
	case Op::OpIAdd: need(5); set(w[2], w[1], binary(IOp::iadd, w[1], w[3], w[4])); return;
	case Op::OpISub: need(5); set(w[2], w[1], binary(IOp::isub, w[1], w[3], w[4])); return;
	case Op::OpIMul: need(5); set(w[2], w[1], binary(IOp::imul, w[1], w[3], w[4])); return;
	case Op::OpUDiv: need(5); set(w[2], w[1], binary(IOp::udiv, w[1], w[3], w[4])); return;
	case Op::OpSDiv: need(5); set(w[2], w[1], binary(IOp::sdiv, w[1], w[3], w[4])); return;
	case Op::OpUMod: need(5); set(w[2], w[1], binary(IOp::umod, w[1], w[3], w[4])); return;
	case Op::OpSRem: need(5); set(w[2], w[1], binary(IOp::srem, w[1], w[3], w[4])); return;
	case Op::OpSMod: need(5); set(w[2], w[1], binary(IOp::smod, w[1], w[3], w[4])); return;
	case Op::OpSNegate: need(4); set(w[2], w[1], unary(IOp::ineg, w[1], w[3])); return;
	case Op::OpFAdd: need(5); set(w[2], w[1], binary(IOp::fadd, w[1], w[3], w[4])); return;
	case Op::OpFSub: need(5); set(w[2], w[1], binary(IOp::fsub, w[1], w[3], w[4])); return;
	case Op::OpFMul: need(5); set(w[2], w[1], binary(IOp::fmul, w[1], w[3], w[4])); return;
	case Op::OpFDiv: {
		need(5);
		if (rc_of(scalar_type(w[1])).size != 2) {
			set(w[2], w[1], binary(IOp::fdiv, w[1], w[3], w[4]));
			return;
		}
		// doubles: correctly rounded, as OpenCL requires (lower_f64_div.cpp)
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		if (a.size() != b.size())
			fail("operand shape mismatch");
		std::vector<Operand> r;
		for (size_t i = 0; i < a.size(); i++)
			r.push_back(fdiv_f64(a[i], b[i]));
		set(w[2], w[1], r);
		return;
	}
	case Op::OpFNegate: {
		need(4);
		std::vector<Operand> r;
		bool wide = rc_of(w[1]).size == 2;
		for (const Operand &x : val(w[3]))
			r.push_back(emit(IOp::ixor, rc_of(w[1]), {x, wide ? Operand::c64(1ull << 63) : Operand::c32(0x80000000u)}));
		set(w[2], w[1], r);
		return;
	}
	case Op::OpFRem:
	case Op::OpFMod: {
		// a - b * trunc(a/b) (FRem) or floor (FMod)
		need(5);
		// (doubles: the quotient correctly rounded and b * q subtracted with one rounding)
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		if (a.size() != b.size())
			fail("operand shape mismatch");
		const bool wide = rc_of(scalar_type(w[1])).size == 2;
		std::vector<Operand> r;
		for (size_t i = 0; i < a.size(); i++) {
			Operand q = wide ? fdiv_f64(a[i], b[i]) : scalar_rc_op(IOp::fdiv, w[1], {a[i], b[i]});
			q = scalar_rc_op(op == Op::OpFRem ? IOp::ftrunc : IOp::ffloor, w[1], {q});
			if (wide) {
				Operand nq = scalar_rc_op(IOp::ixor, w[1], {q, Operand::c64(1ull << 63)});
				r.push_back(scalar_rc_op(IOp::ffma, w[1], {b[i], nq, a[i]}));
				continue;
			}
			Operand prod = scalar_rc_op(IOp::fmul, w[1], {b[i], q});
			r.push_back(scalar_rc_op(IOp::fsub, w[1], {a[i], prod}));
		}
		set(w[2], w[1], r);
		return;
	}
	case Op::OpVectorTimesScalar: {
		need(5);
		Operand s = val(w[4])[0];
		std::vector<Operand> r;
		for (const Operand &x : val(w[3]))
			r.push_back(scalar_rc_op(IOp::fmul, w[1], {x, s}));
		set(w[2], w[1], r);
		return;
	}
	case Op::OpDot: {
		need(5);
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		Operand acc = scalar_rc_op(IOp::fmul, w[1], {a[0], b[0]});
		for (size_t i = 1; i < a.size(); i++)
			acc = scalar_rc_op(IOp::ffma, w[1], {a[i], b[i], acc});
		set(w[2], w[1], {acc});
		return;
	}
	case Op::OpIAddCarry:
	case Op::OpISubBorrow: {
		// Result struct {result, carry/borrow (0 or 1)}: all results, then all carries.
		need(5);
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		if (a.size() != b.size() || a.empty())
			fail("OpIAddCarry/OpISubBorrow operand shape mismatch");
		std::vector<Operand> lo, carry;
		for (size_t i = 0; i < a.size(); i++) {
			const bool w64 = a[i].size == 2;
			const RegClass rc = w64 ? r64() : r32();
			auto flag = [&](Operand c) {   // 0/1 in the result width
				Operand x = bool_to_int(c);
				return w64 ? emit(IOp::pack64, r64(), {x, Operand::c32(0)}) : x;
			};
			if (op == Op::OpIAddCarry) {
				lo.push_back(emit(IOp::iadd, rc, {a[i], b[i]}));
				carry.push_back(flag(emit(IOp::ult, rbool(), {lo.back(), a[i]})));
			} else {
				lo.push_back(emit(IOp::isub, rc, {a[i], b[i]}));
				carry.push_back(flag(emit(IOp::ult, rbool(), {a[i], b[i]})));
			}
		}
		lo.insert(lo.end(), carry.begin(), carry.end());
		set(w[2], w[1], lo);
		return;
	}
	case Op::OpUMulExtended:
	case Op::OpSMulExtended: {
		// Result struct {low, high}: leaves are all low components, then all high ones.
		need(5);
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		if (a.size() != b.size() || a.empty())
			fail(std::string(op == Op::OpUMulExtended ? "OpUMulExtended" : "OpSMulExtended") + " operand shape mismatch");
		if (a[0].size == 2) {   // spirv_int64.cpp
			std::vector<Operand> low, high;
			for (size_t i = 0; i < a.size(); i++) {
				auto [l, h] = mul_extended64(a[i], b[i], op == Op::OpSMulExtended);
				low.push_back(l);
				high.push_back(h);
			}
			low.insert(low.end(), high.begin(), high.end());
			set(w[2], w[1], low);
			return;
		}
		std::vector<Operand> r;
		for (size_t i = 0; i < a.size(); i++)
			r.push_back(emit(IOp::imul, r32(), {a[i], b[i]}));
		for (size_t i = 0; i < a.size(); i++)
			r.push_back(emit(op == Op::OpUMulExtended ? IOp::umulhi : IOp::smulhi, r32(), {a[i], b[i]}));
		set(w[2], w[1], r);
		return;
	}
	case Op::OpSDot:
	case Op::OpUDot:
	case Op::OpSUDot:
	case Op::OpSDotAccSat:
	case Op::OpUDotAccSat:
	case Op::OpSUDotAccSat:
		integer_dot(in);
		return;
	case Op::OpMatrixTimesVector:
	case Op::OpVectorTimesMatrix:
	case Op::OpMatrixTimesMatrix:
	case Op::OpMatrixTimesScalar:
	case Op::OpTranspose:
	case Op::OpOuterProduct:
		matrix_op(in);
		return;
	case Op::OpBitwiseAnd: need(5); set(w[2], w[1], binary(IOp::iand, w[1], w[3], w[4])); return;
	case Op::OpBitwiseOr: need(5); set(w[2], w[1], binary(IOp::ior, w[1], w[3], w[4])); return;
	case Op::OpBitwiseXor: need(5); set(w[2], w[1], binary(IOp::ixor, w[1], w[3], w[4])); return;
	case Op::OpNot: {   // 64-bit: xor with all ones (the ISA's NOT is 32-bit)
		need(4);
		std::vector<Operand> r;
		for (const Operand &x : val(w[3]))
			r.push_back(x.size == 2 ? scalar_rc_op(IOp::ixor, w[1], {x, Operand::c64(~0ull)}) : scalar_rc_op(IOp::inot, w[1], {x}));
		set(w[2], w[1], r);
		return;
	}
	case Op::OpShiftLeftLogical: need(5); set(w[2], w[1], binary(IOp::shl, w[1], w[3], w[4])); return;
	case Op::OpShiftRightLogical: need(5); set(w[2], w[1], binary(IOp::ushr, w[1], w[3], w[4])); return;
	case Op::OpShiftRightArithmetic: need(5); set(w[2], w[1], binary(IOp::sshr, w[1], w[3], w[4])); return;
	case Op::OpBitCount:
	case Op::OpBitReverse:
	case Op::OpBitFieldUExtract:
	case Op::OpBitFieldSExtract:
	case Op::OpBitFieldInsert:
		bit_op(in);
		return;
	// ---- comparisons ----
	case Op::OpIEqual: need(5); set(w[2], w[1], binary(IOp::ieq, w[1], w[3], w[4])); return;
	case Op::OpINotEqual: need(5); set(w[2], w[1], binary(IOp::ine, w[1], w[3], w[4])); return;
	case Op::OpULessThan: need(5); set(w[2], w[1], binary(IOp::ult, w[1], w[3], w[4])); return;
	case Op::OpSLessThan: need(5); set(w[2], w[1], binary(IOp::slt, w[1], w[3], w[4])); return;
	case Op::OpULessThanEqual: need(5); set(w[2], w[1], binary(IOp::ule, w[1], w[3], w[4])); return;
	case Op::OpSLessThanEqual: need(5); set(w[2], w[1], binary(IOp::sle, w[1], w[3], w[4])); return;
	case Op::OpUGreaterThan: need(5); set(w[2], w[1], binary(IOp::ult, w[1], w[3], w[4], true)); return;
	case Op::OpSGreaterThan: need(5); set(w[2], w[1], binary(IOp::slt, w[1], w[3], w[4], true)); return;
	case Op::OpUGreaterThanEqual: need(5); set(w[2], w[1], binary(IOp::ule, w[1], w[3], w[4], true)); return;
	case Op::OpSGreaterThanEqual: need(5); set(w[2], w[1], binary(IOp::sle, w[1], w[3], w[4], true)); return;
	case Op::OpFOrdEqual: need(5); set(w[2], w[1], binary(IOp::feq, w[1], w[3], w[4])); return;
	case Op::OpFUnordNotEqual: need(5); set(w[2], w[1], binary(IOp::fne, w[1], w[3], w[4])); return;
	case Op::OpFOrdLessThan: need(5); set(w[2], w[1], binary(IOp::flt, w[1], w[3], w[4])); return;
	case Op::OpFOrdGreaterThan: need(5); set(w[2], w[1], binary(IOp::flt, w[1], w[3], w[4], true)); return;
	case Op::OpFOrdLessThanEqual: need(5); set(w[2], w[1], binary(IOp::fle, w[1], w[3], w[4])); return;
	case Op::OpFOrdGreaterThanEqual: need(5); set(w[2], w[1], binary(IOp::fle, w[1], w[3], w[4], true)); return;
	case Op::OpFOrdNotEqual:
	case Op::OpFUnordEqual:
	case Op::OpFUnordLessThan:
	case Op::OpFUnordGreaterThan:
	case Op::OpFUnordLessThanEqual:
	case Op::OpFUnordGreaterThanEqual: {
		// Expressed through the ordered compare and the unordered test.
		need(5);
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		std::vector<Operand> r;
		for (size_t i = 0; i < a.size(); i++) {
			Operand uno = emit(IOp::funord, rbool(), {a[i], b[i]});
			Operand x;
			switch (op) {
			case Op::OpFOrdNotEqual:
				x = emit(IOp::band, rbool(), {emit(IOp::fne, rbool(), {a[i], b[i]}), emit(IOp::bnot, rbool(), {uno})});
				break;
			case Op::OpFUnordEqual: x = emit(IOp::bor, rbool(), {emit(IOp::feq, rbool(), {a[i], b[i]}), uno}); break;
			case Op::OpFUnordLessThan: x = emit(IOp::bor, rbool(), {emit(IOp::flt, rbool(), {a[i], b[i]}), uno}); break;
			case Op::OpFUnordGreaterThan: x = emit(IOp::bor, rbool(), {emit(IOp::flt, rbool(), {b[i], a[i]}), uno}); break;
			case Op::OpFUnordLessThanEqual: x = emit(IOp::bor, rbool(), {emit(IOp::fle, rbool(), {a[i], b[i]}), uno}); break;
			default: x = emit(IOp::bor, rbool(), {emit(IOp::fle, rbool(), {b[i], a[i]}), uno}); break;
			}
			r.push_back(x);
		}
		set(w[2], w[1], r);
		return;
	}
	case Op::OpIsNan:
	case Op::OpIsInf:
	case Op::OpIsFinite:
	case Op::OpIsNormal:
	case Op::OpSignBitSet:
	case Op::OpOrdered:
	case Op::OpUnordered:
	case Op::OpLessOrGreater:
		relational_op(in);
		return;
	case Op::OpLogicalAnd: need(5); set(w[2], w[1], binary(IOp::band, w[1], w[3], w[4])); return;
	case Op::OpLogicalOr: need(5); set(w[2], w[1], binary(IOp::bor, w[1], w[3], w[4])); return;
	case Op::OpLogicalNotEqual: need(5); set(w[2], w[1], binary(IOp::bxor, w[1], w[3], w[4])); return;
	case Op::OpLogicalEqual: {
		need(5);
		auto x = binary(IOp::bxor, w[1], w[3], w[4]);
		for (auto &o : x)
			o = emit(IOp::bnot, rbool(), {o});
		set(w[2], w[1], x);
		return;
	}
	case Op::OpLogicalNot: need(4); set(w[2], w[1], unary(IOp::bnot, w[1], w[3])); return;
	case Op::OpAny:
	case Op::OpAll: {
		need(4);
		const auto &v = val(w[3]);
		Operand acc = v[0];
		for (size_t i = 1; i < v.size(); i++)
			acc = emit(op == Op::OpAny ? IOp::bor : IOp::band, rbool(), {acc, v[i]});
		set(w[2], w[1], {acc});
		return;
	}
	case Op::OpSelect: {
		need(6);
		const auto &c = val(w[3]);
		const auto &a = val(w[4]);
		const auto &b = val(w[5]);
		std::vector<Operand> r;
		for (size_t i = 0; i < a.size(); i++)
			r.push_back(emit(IOp::select, a[i].size == 2 ? r64() : (type(scalar_type(w[1])).k == Type::K::Bool ? rbool() : r32()),
			                 {c.size() == 1 ? c[0] : c[i], a[i], b[i]}));
		set(w[2], w[1], r);
		return;
	}
	// ---- conversions ----
	case Op::OpConvertFToU:
	case Op::OpConvertFToS:
	case Op::OpConvertSToF:
	case Op::OpConvertUToF:
	case Op::OpFConvert: {
		need(4);
		IOp o = op == Op::OpConvertFToU ? IOp::cvt_u_f : op == Op::OpConvertFToS ? IOp::cvt_s_f
		        : op == Op::OpConvertSToF ? IOp::cvt_f_s : op == Op::OpConvertUToF ? IOp::cvt_f_u : IOp::cvt_f_f;
		std::vector<Operand> r;
		for (const Operand &x : val(w[3]))
			r.push_back(scalar_rc_op(o, w[1], {x}, 0, x.size == 2 ? 1 : 0));
		set(w[2], w[1], r);
		return;
	}
	case Op::OpQuantizeToF16: {
		// f32 -> nearest-even half -> f32; a result too small for a normal half is a zero of
		// the operand's sign (the spec allows either zero; the CTS's flush_to_zero cases accept
		// both), infinities and NaNs pass through the conversions.
		need(4);
		std::vector<Operand> r;
		for (const Operand &x : val(w[3])) {
			Operand h = emit(IOp::cvt_f16_f32, r32(), {x});
			Operand back = emit(IOp::cvt_f32_f16, r32(), {h});
			Operand tiny = emit(IOp::ieq, rbool(), {emit(IOp::iand, r32(), {h, Operand::c32(0x7c00)}), Operand::c32(0)});
			Operand sign = emit(IOp::iand, r32(), {x, Operand::c32(0x80000000u)});
			r.push_back(emit(IOp::select, r32(), {tiny, sign, back}));
		}
		set(w[2], w[1], r);
		return;
	}
	case Op::OpUConvert:
	case Op::OpSConvert: {
		need(4);
		std::vector<Operand> r;
		RegClass rc = rc_of(w[1]);
		for (const Operand &x : val(w[3])) {
			if (x.size == rc.size)
				r.push_back(x);
			else if (rc.size == 2)
				r.push_back(emit(op == Op::OpUConvert ? IOp::zext : IOp::sext, rc, {x}));
			else
				r.push_back(emit(IOp::trunc, rc, {x}));
		}
		set(w[2], w[1], r);
		return;
	}
	// ---- memory model, atomics ----
	case Op::OpControlBarrier: {
		need(4);
		uint32_t exec_scope = const_u32(w[1]), mem_scope = const_u32(w[2]), sem = const_u32(w[3]);
		if (sem & 0x7fe0u)   // any storage-class bit: fence first
			emit_void(IOp::memory_barrier, {}, memory_scope_to_fence(mem_scope));
		if (exec_scope == (uint32_t)spv::Scope::Workgroup)
			emit_void(IOp::barrier, {});
		else if (exec_scope != (uint32_t)spv::Scope::Subgroup && exec_scope != (uint32_t)spv::Scope::Invocation)
			fail("control barriers wider than a workgroup are not supported");
		return;
	}
	case Op::OpMemoryBarrier:
		need(3);
		emit_void(IOp::memory_barrier, {}, memory_scope_to_fence(const_u32(w[1])));
		return;
	case Op::OpAtomicLoad: {
		need(6);
		set(w[2], w[1], load(pointer(w[3]), w[1]));
		if (semantics_acquire(const_u32(w[5])))
			emit_void(IOp::memory_barrier, {}, memory_scope_to_fence(const_u32(w[4])));
		return;
	}
	case Op::OpAtomicStore: {
		need(5);
		if (semantics_release(const_u32(w[3])))
			emit_void(IOp::memory_barrier, {}, memory_scope_to_fence(const_u32(w[2])));
		Ptr p = pointer(w[1]);
		store(p, p.type, val(w[4]));
		return;
	}
	case Op::OpAtomicExchange:
	case Op::OpAtomicIAdd:
	case Op::OpAtomicISub:
	case Op::OpAtomicSMin:
	case Op::OpAtomicUMin:
	case Op::OpAtomicSMax:
	case Op::OpAtomicUMax:
	case Op::OpAtomicAnd:
	case Op::OpAtomicOr:
	case Op::OpAtomicXor:
	case Op::OpAtomicFAddEXT:
	case Op::OpAtomicFMinEXT:
	case Op::OpAtomicFMaxEXT: {
		need(7);
		uint32_t kind = op == Op::OpAtomicIAdd ? 0 : op == Op::OpAtomicISub ? 1 : op == Op::OpAtomicSMin ? 2
		                : op == Op::OpAtomicUMin ? 3 : op == Op::OpAtomicSMax ? 4 : op == Op::OpAtomicUMax ? 5
		                : op == Op::OpAtomicAnd ? 6 : op == Op::OpAtomicOr ? 7 : op == Op::OpAtomicXor ? 8
		                : op == Op::OpAtomicExchange ? 9 : op == Op::OpAtomicFMinEXT ? 12
		                : op == Op::OpAtomicFMaxEXT ? 13 : 11;
		atomic_fence(w[4], w[5], true);
		set(w[2], w[1], {atomic(in, kind, val(w[6])[0], std::nullopt)});
		atomic_fence(w[4], w[5], false);
		return;
	}
	case Op::OpReadClockKHR: {
		// VK_KHR_shader_clock: Subgroup scope (shaderSubgroupClock) reads the wave's cycle
		// counter, monotonic within the subgroup; Device scope (shaderDeviceClock) the device
		// clock s_timestamp_b64 reads, monotonic across the device. SPV_KHR_shader_clock allows
		// no other scope.
		need(4);
		const uint32_t scope = const_u32(w[3]);
		if (scope != (uint32_t)spv::Scope::Subgroup && scope != (uint32_t)spv::Scope::Device)
			fail("OpReadClockKHR scope must be Subgroup or Device");
		Operand c = emit(scope == (uint32_t)spv::Scope::Device ? IOp::read_device_clock : IOp::read_clock, r64(), {});
		if (rc_of(w[1]).size == 2) {
			set(w[2], w[1], {c});
		} else {   // uvec2: low, high
			set(w[2], w[1], {emit(IOp::lo32, r32(), {c}), emit(IOp::hi32, r32(), {c})});
		}
		return;
	}
	case Op::OpAtomicIIncrement:
	case Op::OpAtomicIDecrement:
		need(6);
		atomic_fence(w[4], w[5], true);
		set(w[2], w[1], {atomic(in, op == Op::OpAtomicIIncrement ? 0 : 1,
		                        rc_of(w[1]).size == 2 ? Operand::c64(1) : Operand::c32(1), std::nullopt)});
		atomic_fence(w[4], w[5], false);
		return;
	case Op::OpAtomicCompareExchange:
		need(9);
		// The Unequal semantics (a failed exchange only loads) may not be stronger than Equal's.
		atomic_fence(w[4], w[5], true);
		set(w[2], w[1], {atomic(in, 10, val(w[7])[0], val(w[8])[0])});
		atomic_fence(w[4], w[5], false);
		return;
	default:
		break;
	}
	if (in.op >= (uint16_t)Op::OpGroupNonUniformElect && in.op <= (uint16_t)Op::OpGroupNonUniformQuadSwap) {
		group_op(in);
		return;
	}
	if (khr_subgroup_op(in))   // SPV_KHR_shader_ballot / SPV_KHR_subgroup_vote (spirv_extended.cpp)
		return;
	fail("unsupported SPIR-V instruction " + spirv_named(spirv_opcode_name(in.op), in.op));
}

} // namespace mica::compiler::spirv_detail
