// Kernel execution model (OpenCL; docs/compiler.md "Kernel programs"): OpenCL C memory layout,
// arguments from the argument block, the OpenCL built-ins from the dispatch block, the range guard
// of non-uniform NDRanges, __local arguments and program-scope __constant data in shared memory.
#include "spirv_translator.h"

namespace mica::compiler {

std::span<const SupportEntry> supported_kernel_capabilities()
{
#define CAP(name, notes) {#name, (uint32_t)spv::Capability::name, notes}
	static const SupportEntry table[] = {
		CAP(Kernel, "OpenCL kernels (Kernel execution model)"),
		CAP(Addresses, "Physical64 addressing: pointers are 64-bit device addresses"),
		CAP(Linkage, "linkage attributes (ignored: the module is one program)"),
		CAP(GenericPointer, "the Generic storage class (pointing at __global memory)"),
		CAP(Vector16, "vectors of 8 and 16 components"),
		CAP(Float16Buffer, "half in memory"),
		CAP(Int64Atomics, "64-bit atomics"),
		CAP(Groups, "sub_group_* and work_group_* reductions, scans, broadcast, all/any"),
		CAP(ImageBasic, "OpenCL images and samplers as kernel arguments (the texture unit)"),
		CAP(ImageReadWrite, "read_write images"),
		CAP(LiteralSampler, "inline samplers (OpConstantSampler)"),
	};
#undef CAP
	return table;
}

} // namespace mica::compiler

namespace mica::compiler::spirv_detail {

using SC = spv::StorageClass;

bool Translator::is_kernel_ptr_type(uint32_t type_id, uint32_t *sc)
{
	auto it = types_.find(type_id);
	if (it == types_.end() || it->second.k != Type::K::Pointer)
		return false;
	if (sc)
		*sc = it->second.storage;
	return true;
}

// Pointer values of a Kernel-model program: __global / __constant / generic ones are 64-bit
// device addresses (like PhysicalStorageBuffer pointers), __local ones 32-bit shared offsets.
bool Translator::is_kernel_value_ptr(uint32_t type_id)
{
	uint32_t sc = 0;
	if (!kernel_ || !is_kernel_ptr_type(type_id, &sc))
		return false;
	return sc == (uint32_t)SC::CrossWorkgroup || sc == (uint32_t)SC::UniformConstant || sc == (uint32_t)SC::Generic ||
	       sc == (uint32_t)SC::Workgroup;
}

// sizeof and alignof as OpenCL C has them (6.3.5: vectors aligned to their size, 3-component
// vectors take 4; structs padded unless packed).
std::pair<uint32_t, uint32_t> Translator::cl_size_align(uint32_t type_id)
{
	const Type &t = type(type_id);
	switch (t.k) {
	case Type::K::Bool: return {1, 1};
	case Type::K::Int:
	case Type::K::Float: return {t.width / 8, t.width / 8};
	case Type::K::Pointer: return {8, 8};
	case Type::K::Vector: {
		const uint32_t e = cl_size_align(t.elem).first * (t.count == 3 ? 4 : t.count);
		return {e, e};
	}
	case Type::K::Array: {
		auto [s, a] = cl_size_align(t.elem);
		const uint64_t n = (uint64_t)s * t.count;
		if (n > (1u << 30))
			fail("type too large");
		return {(uint32_t)n, a};
	}
	case Type::K::Struct: {
		uint32_t size = 0, align = 1;
		for (size_t m = 0; m < t.members.size(); m++) {
			auto [ms, ma] = cl_size_align(t.members[m]);
			const uint32_t off = t.member_offsets.size() > m ? t.member_offsets[m] : size;
			size = std::max(size, off + ms);
			align = std::max(align, ma);
		}
		if (t.packed)   // members at their own offsets, no padding, alignment 1
			align = 1;
		return {(size + align - 1) / align * align, align};
	}
	default: fail("type %" + std::to_string(type_id) + " has no OpenCL C layout");
	}
}

Operand Translator::kernel_args_base()
{
	if (!kargs_base_)
		kargs_base_ = emit_prologue(IO::Op::user_data, r64(), {}, abi::kKernelArgsSgpr).id;
	return Operand::temp(*kargs_base_, 2);
}

Operand Translator::kernel_dispatch_base()
{
	if (!kdispatch_base_)
		kdispatch_base_ = emit_prologue(IO::Op::user_data, r64(), {}, abi::kKernelDispatchSgpr).id;
	return Operand::temp(*kdispatch_base_, 2);
}

Operand Translator::dispatch_u32(uint32_t offset)
{
	return emit(IO::Op::load_const, r32(), {kernel_dispatch_base(), Operand::c32(0)}, offset, 4);
}

Operand Translator::dispatch_u64(uint32_t offset)
{
	return emit(IO::Op::load_const, r64(), {kernel_dispatch_base(), Operand::c32(0)}, offset, 8);
}

// The OpenCL built-ins (SPIR-V environment spec 2.9): size_t ones are 64-bit here (Physical64).
// get_local_size is the enqueued size except in the last work-group of a non-uniform NDRange.
std::vector<Operand> Translator::load_kernel_builtin(const Var &v, uint32_t type_id, bool &handled)
{
	using B = spv::BuiltIn;
	handled = true;
	auto lid = [&](unsigned d) { return wg_[d] == 1 ? Operand::c32(0) : emit(IO::Op::local_id, r32(), {}, d); };
	auto group_start = [&](unsigned d) { return imul(workgroup_id(d), Operand::c32(wg_[d])); };
	auto global_size = [&](unsigned d) { return dispatch_u32(MICA_ABI_KERNEL_DISPATCH_GLOBAL_SIZE + 4 * d); };
	auto global_offset = [&](unsigned d) { return dispatch_u64(MICA_ABI_KERNEL_DISPATCH_GLOBAL_OFFSET + 8 * d); };
	auto wide = [&](Operand x) { return x.size == 2 ? x : emit(IO::Op::zext, r64(), {x}); };
	std::vector<Operand> r;
	bool sized64 = true;   // the value is 64-bit (size_t) before it is fitted to the loaded type
	switch ((B)v.builtin) {
	case B::GlobalInvocationId:
		for (unsigned d = 0; d < 3; d++)
			r.push_back(emit(IO::Op::iadd, r64(), {wide(iadd(group_start(d), lid(d))), global_offset(d)}));
		break;
	case B::GlobalOffset:
		for (unsigned d = 0; d < 3; d++)
			r.push_back(global_offset(d));
		break;
	case B::GlobalSize:
		for (unsigned d = 0; d < 3; d++)
			r.push_back(global_size(d));
		break;
	case B::EnqueuedWorkgroupSize:
		for (unsigned d = 0; d < 3; d++)
			r.push_back(Operand::c32(wg_[d]));
		break;
	case B::WorkgroupSize:
		for (unsigned d = 0; d < 3; d++)
			r.push_back(emit(IO::Op::umin, r32(), {Operand::c32(wg_[d]), emit(IO::Op::isub, r32(), {global_size(d), group_start(d)})}));
		break;
	case B::WorkDim:
		r.push_back(dispatch_u32(MICA_ABI_KERNEL_DISPATCH_WORK_DIM));
		sized64 = false;
		break;
	case B::GlobalLinearId: {
		// (id2 * size1 + id1) * size0 + id0 with ids less the global offset
		Operand acc;
		for (int d = 2; d >= 0; d--) {
			Operand id = wide(iadd(group_start((unsigned)d), lid((unsigned)d)));
			acc = acc.kind == Operand::Kind::none ? id
			      : emit(IO::Op::iadd, r64(), {emit(IO::Op::imul, r64(), {acc, wide(global_size((unsigned)d))}), id});
		}
		r.push_back(acc);
		break;
	}
	case B::LocalInvocationIndex: {
		// get_local_linear_id: (lid2 * size1 + lid1) * size0 + lid0 with the work-group's own
		// sizes, smaller than the enqueued ones in the last work-group of a non-uniform NDRange.
		auto size = [&](unsigned d) {
			return emit(IO::Op::umin, r32(), {Operand::c32(wg_[d]), emit(IO::Op::isub, r32(), {global_size(d), group_start(d)})});
		};
		Operand acc = lid(2);
		for (int d = 1; d >= 0; d--)
			acc = iadd(imul(acc, size((unsigned)d)), lid((unsigned)d));
		r.push_back(acc);
		sized64 = false;
		break;
	}
	case B::NumEnqueuedSubgroups:
	case B::SubgroupMaxSize: {
		Var alias = v;
		alias.builtin = (int)((B)v.builtin == B::SubgroupMaxSize ? B::SubgroupSize : B::NumSubgroups);
		r = load_builtin(alias, type_id);
		sized64 = false;
		break;
	}
	default:
		handled = false;
		return {};
	}
	(void)sized64;
	return fit_builtin(std::move(r), type_id);
}

bool Translator::is_size_builtin(int builtin)
{
	using B = spv::BuiltIn;
	switch ((B)builtin) {
	case B::GlobalSize:
	case B::WorkgroupSize:
	case B::EnqueuedWorkgroupSize:
	case B::NumWorkgroups: return true;
	default: return false;
	}
}

// A built-in's components fitted to the type it is loaded as: u64 (size_t) or u32.
std::vector<Operand> Translator::fit_builtin(std::vector<Operand> r, uint32_t type_id)
{
	std::vector<Leaf> ls;
	leaves(type_id, true, 0, ls);
	if (ls.size() > r.size())
		fail("built-in loaded with an unexpected type");
	r.resize(ls.size());
	for (size_t i = 0; i < r.size(); i++) {
		if (ls[i].bytes == 8 && r[i].size == 1)
			r[i] = r[i].is_const() ? Operand::c64(r[i].value) : emit(IO::Op::zext, r64(), {r[i]});
		else if (ls[i].bytes == 4 && r[i].size == 2)
			r[i] = low_dword(r[i]);
	}
	return r;
}

// The entry function's parameters from the argument block at the reflected offsets: pointers
// as 64-bit addresses, by-value arguments leaf by leaf, ByVal structs as pointers into the block,
// __local pointers as the shared offsets placed after the kernel's own __local variables.
void Translator::bind_kernel_arguments(size_t first)
{
	std::vector<std::pair<uint32_t, uint32_t>> params;   // id, type
	for (size_t i = first + 1; i < insts_.size() && insts_[i].op == (uint16_t)Op::OpFunctionParameter; i++)
		params.push_back({insts_[i].w[2], insts_[i].w[1]});
	if (params.size() != kinfo_->args.size())
		fail("internal error: the reflection has " + std::to_string(kinfo_->args.size()) + " arguments, the function " +
		     std::to_string(params.size()));
	shared_root_ = next_layout_type_++;
	Var root;
	root.sc = (uint32_t)SC::Workgroup;
	vars_[shared_root_] = root;
	for (size_t a = 0; a < params.size(); a++) {
		const KernelArg &arg = kinfo_->args[a];
		auto [id, tid] = params[a];
		const std::string which = "argument " + std::to_string(a) + (arg.name.empty() ? "" : " '" + arg.name + "'");
		switch (arg.kind) {
		case KernelArgKind::global_pointer:
		case KernelArgKind::constant_pointer:
			set(id, tid, {emit_prologue(IO::Op::load_const, r64(), {kernel_args_base(), Operand::c32(0)}, arg.offset, 8)});
			break;
		case KernelArgKind::local_pointer: {
			auto it = kopts_->local_arg_bytes.find((uint32_t)a);
			// 0 bytes is a size too: what OpenCL assumes for an unset __local argument in the
			// work-group queries, and what the OpenCL frontend compiles with at build time.
			if (it == kopts_->local_arg_bytes.end())
				fail("kernel " + which + " is a __local pointer: its size must be given (Options::local_arg_bytes)");
			const uint32_t start = (p_.shared_bytes + 15) & ~15u;
			const uint64_t end = (uint64_t)start + it->second;
			if (end > MICA_MAX_SHARED_BYTES)
				fail("shared memory use of " + std::to_string(end) + " bytes (with the __local arguments) exceeds the device limit of " +
				     std::to_string(MICA_MAX_SHARED_BYTES));
			// Allocations are whole 16-byte granules: an access to the granule's tail stays inside
			// the workgroup's shared memory (Piglit's atomic_int64_cmpxchg-local gives 8 bytes for
			// two longs; GPUs with granular local memory, and PoCL, run it).
			p_.shared_bytes = (uint32_t)std::min<uint64_t>((end + 15) & ~uint64_t(15), MICA_MAX_SHARED_BYTES);
			set(id, tid, {Operand::c32(start)});
			break;
		}
		case KernelArgKind::by_value: {
			if (byval_ids_.count(id)) {
				// A struct passed by value: a pointer to its bytes in the argument block.
				Ptr p;
				p.phys = true;
				p.type = type(tid).elem;
				p.addr = emit_prologue(IO::Op::iadd, r64(), {kernel_args_base(), Operand::c64(arg.offset)});
				ptrs_[id] = p;
				break;
			}
			std::vector<Leaf> ls;
			leaves(tid, true, arg.offset, ls);
			std::vector<Operand> v;
			for (const Leaf &l : ls) {
				Operand x = emit_prologue(IO::Op::load_const, l.bytes == 8 ? r64() : r32(), {kernel_args_base(), Operand::c32(0)},
				                          l.offset, l.bytes);
				v.push_back(l.is_bool ? emit_prologue(IO::Op::ine, rbool(), {x, Operand::c32(0)}) : x);
			}
			set(id, tid, v);
			break;
		}
		case KernelArgKind::sampler:
		case KernelArgKind::image:
			bind_image_argument(id, tid, arg);   // spirv_kernel_image.cpp
			break;
		}
	}
}

// Non-uniform NDRanges: work-items whose id reaches the global size do not run. The entry block
// becomes a guard that branches around the kernel for them (the structurizer gives it its merge;
// a wave whose lanes are all outside skips the body, barriers included, and ends).
void Translator::kernel_range_guard()
{
	const uint32_t body = (uint32_t)p_.blocks.size();
	p_.blocks.push_back(std::move(p_.blocks[0]));
	p_.blocks[0] = Block{};
	for (auto &[label, block] : labels_)
		if (block == 0)
			block = body;
	for (auto &[label, block] : phi_pred_)
		if (block == 0)
			block = body;
	for (PendingPhi &ph : phis_)
		if (ph.block == 0)
			ph.block = body;
	const uint32_t saved = cur_;
	cur_ = 0;
	Operand inside;
	for (unsigned d = 0; d < 3; d++) {
		Operand lid = wg_[d] == 1 ? Operand::c32(0) : emit(IO::Op::local_id, r32(), {}, d);
		Operand id = iadd(imul(workgroup_id(d), Operand::c32(wg_[d])), lid);
		Operand in = emit(IO::Op::ult, rbool(), {id, dispatch_u32(MICA_ABI_KERNEL_DISPATCH_GLOBAL_SIZE + 4 * d)});
		inside = d == 0 ? in : emit(IO::Op::band, rbool(), {inside, in});
	}
	const uint32_t out = (uint32_t)p_.blocks.size();
	p_.blocks.emplace_back();
	emit_void(IO::Op::cbr, {inside, Operand::block(body), Operand::block(out)});
	cur_ = out;
	emit_void(IO::Op::ret, {});
	cur_ = saved;
}

// Program-scope __constant data that a load reads: it gets a range of shared memory that every
// invocation fills with the initialiser before the kernel runs (initialise_shared).
Ptr Translator::const_data_pointer(uint32_t var)
{
	Var &v = vars_[var];
	auto ait = const_data_addr_.find(var);
	if (ait == const_data_addr_.end()) {
		// The initialiser's bytes in the OpenCL C layout, appended to the program's const data.
		auto it = const_inits_.find(var);
		if (it == const_inits_.end())
			fail("internal error: program-scope __constant variable without an initialiser");
		const auto [size, align] = cl_size_align(v.type);
		const uint32_t a = std::max(align, 4u);
		const uint64_t start = (p_.const_data.size() + a - 1) / a * a;
		if (start + size > (1u << 24))
			fail("program-scope __constant data of " + std::to_string(start + size) + " bytes exceeds the limit of 16 MiB");
		// Leaves of the whole variable; a large array (lookup tables can exceed leaves()'s 4096
		// elements) as its element's leaves repeated at the element stride.
		std::vector<Leaf> ls;
		const Type &vt = type(v.type);
		if (vt.k == Type::K::Array && !vt.matrix && vt.count > 64) {
			std::vector<Leaf> el;
			leaves(vt.elem, true, 0, el);
			const uint32_t stride = vt.array_stride ? vt.array_stride : size_of(vt.elem, true);
			for (uint32_t i = 0; i < vt.count; i++)
				for (const Leaf &l : el)
					ls.push_back({l.offset + i * stride, l.bytes, l.is_bool});
		} else {
			leaves(v.type, true, 0, ls);
		}
		const auto &value = val(it->second);
		if (ls.size() != value.size())
			fail("initialiser shape does not match its variable");
		p_.const_data.resize(start + size, 0);
		for (size_t k = 0; k < ls.size(); k++) {
			if (!value[k].is_const())
				fail("program-scope __constant initialiser that is not a constant");
			const uint64_t x = value[k].value;
			for (uint32_t b = 0; b < ls[k].bytes && ls[k].offset + b < size; b++)
				p_.const_data[start + ls[k].offset + b] = (uint8_t)(x >> (8 * b));
		}
		const_inits_.erase(it);
		if (!const_data_base_)
			const_data_base_ = emit_prologue(IO::Op::const_data_base, r64(), {}).id;
		Operand base = Operand::temp(*const_data_base_, 2);
		ait = const_data_addr_.emplace(var, start ? emit_prologue(IO::Op::iadd, r64(), {base, Operand::c64(start)}) : base).first;
	}
	Ptr p;
	p.phys = true;
	p.type = v.type;
	p.addr = ait->second;
	return p;
}

// The 32-bit shared-memory offset a symbolic __local pointer stands for.
Operand Translator::shared_pointer_value(const Ptr &p)
{
	Operand off = Operand::c32(vars_[p.var].shared_offset + p.const_off);
	if (p.dyn.kind == Operand::Kind::none)
		return off;
	return iadd(p.dyn, off);
}

// A private variable lives in the lane's scratch area: its address is the scratch base plus
// the lane's offset, the variable's and the pointer's.
Operand Translator::private_address(const Ptr &p)
{
	Operand off = iadd(local_address_offset(p), Operand::c32(vars_[p.var].local_offset + p.const_off));
	return emit(IO::Op::iadd, r64(), {local_base_, emit(IO::Op::zext, r64(), {off})});
}

// A pointer value of a Kernel-model program as a Ptr: __local ones are offsets from the shared
// root (a variable at offset 0).
Ptr Translator::kernel_pointer(uint32_t id, bool &found)
{
	found = false;
	auto tit = val_type_.find(id);
	uint32_t sc = 0;
	if (tit == val_type_.end() || !is_kernel_ptr_type(tit->second, &sc) || sc != (uint32_t)SC::Workgroup)
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

} // namespace mica::compiler::spirv_detail
