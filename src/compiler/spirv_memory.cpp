// Binding model (docs/compiler.md): push-constant addresses, built-ins on the launch ABI, symbolic
// pointers, and loads/stores/atomics on base + offset (descriptors: spirv_descriptors.cpp).
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

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

Operand Translator::local_invocation_index()
{
	auto lid = [&](unsigned d) { return wg_[d] == 1 ? Operand::c32(0) : emit(IO::Op::local_id, r32(), {}, d); };
	return iadd(iadd(imul(lid(2), Operand::c32(wg_[0] * wg_[1])), imul(lid(1), Operand::c32(wg_[0]))), lid(0));
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
	case B::LocalInvocationIndex: r = {local_invocation_index()}; break;
	case B::WorkgroupSize: r = vec3([&](unsigned d) { return Operand::c32(wg_[d]); }); break;
	// The index of the physical device running the shader within the logical device's group:
	// the driver reports groups of one physical device only (vkEnumeratePhysicalDeviceGroups).
	case B::DeviceIndex: r = {Operand::c32(0)}; break;
	// Options::subgroup_size N: subgroups of N consecutive lanes (spirv_subgroup.cpp)
	case B::SubgroupSize: r = {Operand::c32(sg_size_)}; break;
	case B::SubgroupLocalInvocationId: r = {sg_lane()}; break;
	case B::SubgroupId: r = {sg_subgroup_id()}; break;
	case B::NumSubgroups:
		r = {Operand::c32((wg_[0] * wg_[1] * wg_[2] + sg_size_ - 1) / sg_size_)};
		break;
	case B::SubgroupEqMask:
	case B::SubgroupGeMask:
	case B::SubgroupGtMask:
	case B::SubgroupLeMask:
	case B::SubgroupLtMask: {
		Operand lane = sg_lane();
		Operand one = emit(IO::Op::shl, r32(), {Operand::c32(1), lane});
		Operand m;
		switch ((B)v.builtin) {
		case B::SubgroupEqMask: m = one; break;
		case B::SubgroupLtMask: m = emit(IO::Op::isub, r32(), {one, Operand::c32(1)}); break;
		case B::SubgroupLeMask: m = emit(IO::Op::ior, r32(), {one, emit(IO::Op::isub, r32(), {one, Operand::c32(1)})}); break;
		case B::SubgroupGeMask: m = emit(IO::Op::ineg, r32(), {one}); break;
		default: m = emit(IO::Op::ixor, r32(), {emit(IO::Op::ineg, r32(), {one}), one}); break;
		}
		if (sg_size_ < MICA_WAVE_SIZE)   // no bits for lanes past the subgroup
			m = emit(IO::Op::iand, r32(), {m, sg_lanes_mask()});
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
	if (kernel_ && vit != vars_.end() && (const_inits_.count(id) || const_data_addr_.count(id)))
		return const_data_pointer(id);   // program-scope __constant data
	if (vit != vars_.end()) {
		Ptr p;
		p.var = id;
		p.type = vit->second.type;
		return p;
	}
	if (kernel_ || varptr_) {   // a __local pointer value, a Workgroup variable pointer
		bool found = false;
		Ptr p = kernel_ ? kernel_pointer(id, found) : shared_pointer(id, found);
		if (found)
			return p;
	}
	// A physical pointer value (OpConvertUToPtr, OpBitcast, a load, a phi, a select, ...).
	auto tit = val_type_.find(id);
	if (tit != val_type_.end() && is_bounded_ptr_type(tit->second))   // robust access (spirv_varptr.cpp)
		return bounded_pointer(val(id), type(tit->second).elem);
	if (tit != val_type_.end() && is_phys_ptr_type(tit->second)) {
		Ptr p;
		p.phys = true;
		p.generic = kernel_ && type(tit->second).storage == (uint32_t)spv::StorageClass::Generic;
		p.addr = val(id).at(0);
		p.type = type(tit->second).elem;
		return p;
	}
	fail("use of %" + std::to_string(id) +
	     " as a pointer: only module-scope variables, access chains and physical storage buffer pointers are supported");
}

bool Translator::robust_checked(const Ptr &p)
{
	if (p.bounded)
		return true;
	if (!robust() || p.phys)
		return false;   // physical-pointer accesses are not checked (Vulkan robustBufferAccess)
	const uint32_t sc = vars_[p.var].sc;
	return sc == (uint32_t)spv::StorageClass::StorageBuffer || sc == (uint32_t)spv::StorageClass::Uniform;
}

// Robust buffer access: whether bytes [dyn, dyn + end) of the descriptor's buffer are all inside
// its size ('end' includes the constant offset).
Operand Translator::in_bounds(const Ptr &p, uint32_t end)
{
	Operand size = desc_size(p);
	Operand ok = emit(IO::Op::ule, rbool(), {Operand::c32(end), size});
	if (p.dyn.kind != Operand::Kind::none)
		ok = emit(IO::Op::band, rbool(), {ok, emit(IO::Op::ule, rbool(), {p.dyn, emit(IO::Op::isub, r32(), {size, Operand::c32(end)})})});
	if (p.wrapped.kind != Operand::Kind::none)
		ok = emit(IO::Op::band, rbool(), {ok, emit(IO::Op::bnot, rbool(), {p.wrapped})});
	return ok;
}

// The bounds check of each leaf of an access: with robustBufferAccess the whole access's (every
// leaf in bounds or none: one predicate, shared), with robustBufferAccess2 each leaf's own bytes
// [offset, offset + bytes), so a vector or struct straddling the end of the descriptor's range
// keeps its in-bounds components (Vulkan: robustStorage/UniformBufferAccessSizeAlignment 1).
std::vector<Operand> Translator::leaf_bounds(const Ptr &p, const std::vector<Leaf> &ls)
{
	if (!robust_per_component())
		return std::vector<Operand>(ls.size(), in_bounds(p, access_end(ls)));
	std::vector<Operand> ok;
	ok.reserve(ls.size());
	for (const Leaf &l : ls)
		ok.push_back(in_bounds(p, l.offset + l.bytes));
	return ok;
}

// A robust load of leaves 'ls' (offsets from the pointer's dynamic offset) with 'op': an
// out-of-bounds one reads the (always mapped) descriptor table instead and returns 0.
std::vector<Operand> Translator::robust_load(const Ptr &ptr, const std::vector<Leaf> &ls, IO::Op op)
{
	const Operand dyn = ptr.dyn.kind == Operand::Kind::none ? Operand::c32(0) : ptr.dyn;
	const std::vector<Operand> ok = leaf_bounds(ptr, ls);
	const Operand desc = desc_base(ptr);
	std::vector<Operand> r;
	Operand base;
	for (size_t i = 0; i < ls.size(); i++) {
		const Leaf &l = ls[i];
		if (i == 0 || robust_per_component())
			base = emit(IO::Op::select, r64(), {ok[i], desc, desc_table()});
		RegClass rc = l.bytes == 8 ? r64() : r32();
		Operand off = emit(IO::Op::select, r32(), {ok[i], iadd(dyn, Operand::c32(l.offset)), Operand::c32(0)});
		Operand x = emit(op, rc, {base, off}, 0, l.bytes);
		x = emit(IO::Op::select, rc, {ok[i], x, l.bytes == 8 ? Operand::c64(0) : Operand::c32(0)});
		r.push_back(l.is_bool ? to_bool_from_int(x) : x);
	}
	return r;
}

// base + dynamic offset (+ the constant offset) of a physical pointer as one 64-bit value.
Operand Translator::phys_address(const Ptr &p, bool with_const_off)
{
	Operand a = p.addr;
	if (p.dyn.kind != Operand::Kind::none)
		a = emit(IO::Op::iadd, r64(), {a, p.dyn});
	if (with_const_off && p.const_off)
		a = emit(IO::Op::iadd, r64(), {a, Operand::c64(p.const_off)});
	return a;
}

// OpAccessChain / OpInBoundsAccessChain / OpPtrAccessChain (physical pointers only: the
// element index steps by the pointer type's ArrayStride).
void Translator::access_chain(const Inst &in, bool ptr_chain)
{
	auto w = in.w;
	Ptr p = pointer(w[3]);
	const bool input = !p.phys && vars_[p.var].sc == (uint32_t)spv::StorageClass::Input;
	const bool layout = explicit_layout(p);
	// Adds index * stride to the pointer's offset.
	auto step = [&](Operand idx, uint32_t stride) {
		if (p.bounded) {
			// A bounded pointer's offset is 32-bit and wraps (a signed step back is 2^32 - k);
			// the access's check keeps a wrapped result that lands outside the buffer out.
			idx = low_dword(idx);
			if (idx.is_const())
				p.const_off += (uint32_t)idx.value * stride;
			else
				p.dyn = p.dyn.kind == Operand::Kind::none ? imul(idx, Operand::c32(stride)) : iadd(p.dyn, imul(idx, Operand::c32(stride)));
			return;
		}
		if (p.phys) {
			int64_t c = 0;
			if (idx.is_const()) {
				c = idx.size == 2 ? (int64_t)idx.value : (int64_t)(int32_t)(uint32_t)idx.value;
				int64_t total = (int64_t)p.const_off + c * (int64_t)stride;
				if (total >= 0 && total < (1 << 20)) {
					p.const_off = (uint32_t)total;
					return;
				}
			}
			Operand scaled = idx.is_const() ? Operand::c64((uint64_t)(c * (int64_t)stride))
			                 : emit(IO::Op::imul, r64(), {idx.size == 2 ? idx : emit(IO::Op::sext, r64(), {idx}), Operand::c64(stride)});
			p.dyn = p.dyn.kind == Operand::Kind::none ? scaled : emit(IO::Op::iadd, r64(), {p.dyn, scaled});
			return;
		}
		// A 64-bit index into a variable: its low 32 bits (a larger one is out of bounds anyway).
		idx = low_dword(idx);
		if (input && !idx.is_const() && kernel_)
			fail("dynamic indexing of a built-in is not supported");
		if (idx.is_const()) {
			p.const_off += (uint32_t)idx.value * stride;
			return;
		}
		Operand scaled = imul(idx, Operand::c32(stride));
		Operand sum = p.dyn.kind == Operand::Kind::none ? scaled : iadd(p.dyn, scaled);
		if (robust_checked(p)) {
			// The 32-bit offset must not wrap into the buffer: index * stride and the sum are checked.
			auto either = [&](Operand a, Operand b) { return a.kind == Operand::Kind::none ? b : emit(IO::Op::bor, rbool(), {a, b}); };
			if (stride > 1)
				p.wrapped = either(p.wrapped, emit(IO::Op::ult, rbool(), {Operand::c32(0xffffffffu / stride), idx}));
			if (p.dyn.kind != Operand::Kind::none)
				p.wrapped = either(p.wrapped, emit(IO::Op::ult, rbool(), {sum, scaled}));
		}
		p.dyn = sum;
	};
	size_t first = 4;
	if (ptr_chain && kernel_) {
		// Physical64: the element index steps by sizeof(pointee) (OpenCL C layout).
		if (val(w[4]).size() != 1)
			fail("OpPtrAccessChain element index must be a scalar");
		step(signed_index(w[4]), cl_size_align(p.type).first);
		first = 5;
	} else if (ptr_chain) {
		if (!p.phys && !varptr_)
			fail("OpPtrAccessChain on a non-physical pointer is not supported (capability VariablePointers)");
		// The base's type: a variable's declared pointer type, else the value's.
		const uint32_t base_type = !p.phys && vars_.count(w[3]) ? vars_[w[3]].ptr_type
		                           : val_type_.count(w[3])       ? val_type_.at(w[3])
		                                                         : 0;   // no ArrayStride: refused below
		const auto &idx = val(w[4]);
		if (idx.size() != 1)
			fail("OpPtrAccessChain element index must be a scalar");
		const uint32_t stride = ptr_chain_stride(base_type, p);
		if (robust_checked(p) && !p.bounded) {
			// The element index is signed (a step back is valid SPIR-V), which the unsigned 32-bit
			// bounds checks of symbolic offsets cannot express: the pointer continues as a bounded
			// pointer value (base, 32-bit offset, range), still checked against the range.
			p = bounded_pointer(variable_pointer_value(p), p.type);
		}
		step(signed_index(w[4]), stride);
		first = 5;
	}
	for (size_t i = first; i < w.size(); i++) {
		if (val(w[i]).size() != 1)
			fail("access chain index must be a scalar");
		const std::vector<Operand> idx = {signed_index(w[i])};
		if (desc_select_element(p, idx[0]))
			continue;   // the element of an array of buffer descriptors
		if (varptr_ && i == first && p.phys && val_type_.count(w[3]) && descriptor_element_address(p, val_type_.at(w[3]), idx[0]))
			continue;   // ... through a pointer value to the whole array (spirv_varptr.cpp; not an
			            // OpPtrAccessChain on a variable, which robust access makes a pointer value)
		const Type &t = type(p.type);
		if (t.k == Type::K::Struct) {
			if (!idx[0].is_const())
				fail("struct member index must be a constant");
			uint32_t m = (uint32_t)idx[0].value;
			if (m >= t.members.size())
				fail("struct member index out of range");
			uint32_t off = 0;
			if (layout) {
				off = t.member_offsets[m];
			} else {
				for (uint32_t k = 0; k <= m; k++) {
					uint32_t a = align_of(t.members[k]);
					off = (off + a - 1) / a * a;
					if (k == m)
						break;
					off += size_of(t.members[k], false);
				}
			}
			p.const_off += off;
			p.type = t.members[m];
		} else if (t.k == Type::K::Array || t.k == Type::K::RtArray || t.k == Type::K::Vector) {
			if (t.row_major && layout) {
				// Column c of a row-major matrix starts at c * component size; its components
				// are MatrixStride apart (a strided vector type).
				step(idx[0], size_of(type(t.elem).elem, true));
				p.type = strided_vector_type(t.elem, t.array_stride);
				continue;
			}
			uint32_t stride = t.k == Type::K::Vector && !(layout && t.array_stride) ? size_of(t.elem, layout)
			                  : layout && t.array_stride ? t.array_stride
			                                             : size_of(t.elem, layout);
			step(idx[0], stride);
			p.type = t.elem;
		} else {
			fail("access chain into a scalar");
		}
	}
	ptrs_[w[2]] = p;
	if (p.bounded)   // also a value: phis, selects, stores and comparisons of the pointer
		set(w[2], w[1], bounded_value(p));
	else if (p.phys)   // also a value: phis, selects, stores and conversions of the pointer
		set(w[2], w[1], {phys_address(p, true)});
	else if (kernel_ && vars_[p.var].sc == (uint32_t)spv::StorageClass::Workgroup)
		set(w[2], w[1], {shared_pointer_value(p)});   // a __local pointer value
	else if (varptr_ && (is_phys_ptr_type(w[1]) || is_local_ptr_type(w[1])) && !(vars_[p.var].desc_array && !p.desc_indexed))
		set(w[2], w[1], variable_pointer_value(p));   // in case it is used as a value (unused: removed)
}

std::vector<Operand> Translator::load(const Ptr &ptr, uint32_t type_id)
{
	using SC = spv::StorageClass;
	std::vector<Leaf> ls;
	if (ptr.phys && ptr.generic && generic_local_)
		return generic_load(ptr, type_id);
	if (ptr.bounded) {   // a buffer pointer value with robust access (spirv_varptr.cpp)
		leaves(type_id, true, 0, ls);
		return robust_load(fold_bounded_offset(ptr), ls, IO::Op::load_global);
	}
	if (ptr.phys) {
		// Physical storage buffer: base address in a register pair (per lane when divergent).
		leaves(type_id, true, ptr.const_off, ls);
		Operand base = phys_address(ptr, false);
		std::vector<Operand> r;
		for (const Leaf &l : ls) {
			Operand x = emit(IO::Op::load_global, l.bytes == 8 ? r64() : r32(), {base, Operand::c32(0)}, l.offset, l.bytes);
			r.push_back(l.is_bool ? to_bool_from_int(x) : x);
		}
		return r;
	}
	const Var &v = vars_[ptr.var];
	if (kernel_ && (SC)v.sc == SC::Input) {
		// size_t vectors: the component is const_off / 8 (or / 4 for the u32 built-ins)
		bool handled = false;
		std::vector<Operand> all = load_kernel_builtin(v, v.type, handled);
		if (!handled)
			all = fit_builtin(load_builtin(v, v.type), v.type);
		if (ptr.dyn.kind != Operand::Kind::none)
			fail("dynamic indexing of a built-in is not supported");
		if (!ptr.const_off && leaf_count(type_id) == all.size())
			return all;
		std::vector<Leaf> comps;
		leaves(v.type, true, 0, comps);
		for (size_t i = 0; i < comps.size(); i++)
			if (comps[i].offset == ptr.const_off)
				return {all.at(i)};
		fail("built-in component out of range");
	}
	if ((SC)v.sc == SC::Input) {
		if (ptr.var != 0 && (ptr.const_off || ptr.dyn.kind != Operand::Kind::none)) {
			// Component of a built-in vector: load it whole and pick.
			auto all = load_builtin(v, v.type);
			if (ptr.dyn.kind != Operand::Kind::none) {
				// A dynamic index (the optimizer forwards a copy of a subgroup mask into a local
				// array indexed at run time): a select over the 32-bit components; an index past
				// the end reads the last one (out of bounds is undefined).
				if (type_id != scalar_type(type_id) || leaf_count(type_id) != 1)
					fail("dynamic indexing of a built-in for a value that is not a scalar");
				Operand comp = emit(IO::Op::ushr, r32(), {iadd(low_dword(ptr.dyn), Operand::c32(ptr.const_off)), Operand::c32(2)});
				Operand r = all.back();
				for (size_t c = all.size() - 1; c-- > 0;)
					r = emit(IO::Op::select, r32(), {emit(IO::Op::ieq, rbool(), {comp, Operand::c32((uint32_t)c)}), all[c], r});
				return {r};
			}
			uint32_t comp = ptr.const_off / 4;
			if (comp >= all.size())
				fail("built-in component out of range");
			return {all[comp]};
		}
		return load_builtin(v, type_id);
	}
	leaves(type_id, explicit_layout(ptr), ptr.const_off, ls);
	Operand dyn = ptr.dyn.kind == Operand::Kind::none ? Operand::c32(0) : ptr.dyn;
	std::vector<Operand> r;
	if (robust_checked(ptr))
		return robust_load(ptr, ls, (SC)v.sc == SC::StorageBuffer ? IO::Op::load_global : IO::Op::load_const);
	const Operand local_off = (SC)v.sc == SC::Function ? local_address_offset(ptr) : Operand{};
	for (const Leaf &l : ls) {
		RegClass rc = l.bytes == 8 ? r64() : r32();
		Operand x;
		switch ((SC)v.sc) {
		case SC::StorageBuffer:
			x = emit(IO::Op::load_global, rc, {desc_base(ptr), dyn}, l.offset, l.bytes);
			break;
		case SC::Uniform:
			x = emit(IO::Op::load_const, rc, {desc_base(ptr), dyn}, l.offset, l.bytes);
			break;
		case SC::PushConstant:
			x = emit(IO::Op::load_const, rc, {push_base(), dyn}, l.offset, l.bytes);
			break;
		case SC::Workgroup:
			x = emit(IO::Op::load_shared, rc, {dyn}, l.offset + v.shared_offset, l.bytes);
			break;
		case SC::Function:
			x = emit(IO::Op::load_global, rc, {local_base_, local_off}, l.offset + v.local_offset, l.bytes);
			break;
		default: fail("load from an unsupported storage class");
		}
		r.push_back(l.is_bool ? to_bool_from_int(x) : x);
	}
	return r;
}

void Translator::store(const Ptr &to, uint32_t type_id, const std::vector<Operand> &value)
{
	using SC = spv::StorageClass;
	if (to.phys && to.generic && generic_local_) {
		generic_store(to, type_id, value);
		return;
	}
	// A bounded pointer value (robust access) is stored through as a storage buffer's descriptor.
	const Ptr ptr = to.bounded ? fold_bounded_offset(to) : to;
	const uint32_t sc = ptr.bounded ? (uint32_t)SC::StorageBuffer : ptr.phys ? (uint32_t)SC::PhysicalStorageBuffer : vars_[ptr.var].sc;
	std::vector<Leaf> ls;
	leaves(type_id, explicit_layout(ptr), ptr.const_off, ls);
	if (ls.size() != value.size())
		fail("store of a value whose shape does not match the pointer");
	Operand dyn = ptr.dyn.kind == Operand::Kind::none ? Operand::c32(0) : ptr.dyn;
	Operand base = ptr.phys && !ptr.bounded ? phys_address(ptr, false) : Operand{};
	// Robust access: out-of-bounds stores are not performed (predicated on the bounds check).
	const std::vector<Operand> ok = robust_checked(ptr) ? leaf_bounds(ptr, ls) : std::vector<Operand>{};
	const Operand local_off = sc == (uint32_t)SC::Function ? local_address_offset(ptr) : Operand{};
	for (size_t i = 0; i < ls.size(); i++) {
		Operand x = ls[i].is_bool ? bool_to_int(value[i]) : value[i];
		switch ((SC)sc) {
		case SC::PhysicalStorageBuffer:
			emit_void(IO::Op::store_global, {base, Operand::c32(0), x}, ls[i].offset, ls[i].bytes);
			break;
		case SC::StorageBuffer: {
			if (!ok.empty())
				emit_void(IO::Op::store_global, {desc_base(ptr), dyn, x, ok[i]}, ls[i].offset,
				          ls[i].bytes | ir::kAuxPredicated);
			else
				emit_void(IO::Op::store_global, {desc_base(ptr), dyn, x}, ls[i].offset, ls[i].bytes);
			break;
		}
		case SC::Workgroup:
			emit_void(IO::Op::store_shared, {dyn, x}, ls[i].offset + vars_[ptr.var].shared_offset, ls[i].bytes);
			break;
		case SC::Function:
			emit_void(IO::Op::store_global, {local_base_, local_off, x}, ls[i].offset + vars_[ptr.var].local_offset, ls[i].bytes);
			break;
		default:
			fail("store to storage class " + spirv_named(spirv_storage_class_name(sc), sc) + " is not supported");
		}
	}
}

// Atomic read-modify-write on a 32- or 64-bit integer (or f32 add, f32/f64 min/max); the result
// width is the pointee's. kind: the IR atomic kind (imm of atomic_*: 0 add .. 9 swap, 10 cmpswap,
// 11 add_f32, 12 min_f, 13 max_f), the opcode's offset from the add of its width (isel.cpp).
Operand Translator::atomic(const Inst &in, uint32_t kind, Operand data, std::optional<Operand> cmp)
{
	auto w = in.w;
	Ptr ptr = pointer(w[3]);
	if (ptr.bounded)
		ptr = fold_bounded_offset(ptr);
	const Type &t = type(ptr.type);
	if (t.k != Type::K::Int && t.k != Type::K::Float)
		fail("atomic on a non-scalar");
	if (t.width != 32 && t.width != 64)
		fail(std::to_string(t.width) + "-bit atomics are not supported");
	if (t.width == 64 && kind == 11)
		fail("64-bit float atomic add is not supported (capability AtomicFloat64AddEXT)");
	if ((kind == 11 || kind == 12 || kind == 13) && t.k != Type::K::Float)
		fail("float atomic on a non-float pointee");
	if (ptr.phys && ptr.generic && generic_local_)
		return generic_atomic(ptr, kind, data, cmp, t.width);
	Operand dyn = ptr.dyn.kind == Operand::Kind::none ? Operand::c32(0) : ptr.dyn;
	std::vector<Operand> ops;
	IO::Op op;
	using SC = spv::StorageClass;
	const uint32_t sc = ptr.bounded ? (uint32_t)SC::StorageBuffer : ptr.phys ? (uint32_t)SC::PhysicalStorageBuffer : vars_[ptr.var].sc;
	if ((SC)sc == SC::PhysicalStorageBuffer) {
		op = IO::Op::atomic_global;
		ops = {phys_address(ptr, false), Operand::c32(0), data};
	} else if ((SC)sc == SC::StorageBuffer) {
		op = IO::Op::atomic_global;
		ops = {desc_base(ptr), dyn, data};
	} else if ((SC)sc == SC::Workgroup) {
		op = IO::Op::atomic_shared;
		ops = {dyn, data};
		ptr.const_off += vars_[ptr.var].shared_offset;
	} else {
		fail("atomics on storage class " + spirv_named(spirv_storage_class_name(sc), sc) + " are not supported");
	}
	if (cmp)
		ops.push_back(*cmp);
	if (robust_checked(ptr)) {   // out-of-bounds atomics are not performed
		ops.push_back(in_bounds(ptr, ptr.const_off + t.width / 8));
		kind |= ir::kAuxPredicated;
	}
	return emit(op, t.width == 64 ? r64() : r32(), ops, ptr.const_off, kind);
}

} // namespace mica::compiler::spirv_detail
