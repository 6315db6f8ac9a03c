// SPIR-V -> mid-level IR. Values are flattened to scalar leaves (a vec4 is four temporaries),
// pointers are tracked symbolically (variable + byte offset), and memory accesses become
// load/store operations on descriptor base + offset (binding model in spirv_to_ir.h).
#include "mica/compiler/compiler.h"
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::split()
{
	size_t i = 5;
	while (i < words_.size()) {
		uint32_t h = words_[i];
		uint32_t wc = h >> 16;
		if (wc == 0 || i + wc > words_.size())
			fail("SPIR-V instruction at word " + std::to_string(i) + " is truncated");
		insts_.push_back({(uint16_t)(h & 0xffff), words_.subspan(i, wc)});
		i += wc;
	}
}

std::string Translator::str(std::span<const uint32_t> w, size_t first)
{
	std::string s;
	for (size_t i = first; i < w.size(); i++) {
		for (int b = 0; b < 4; b++) {
			char c = (char)((w[i] >> (8 * b)) & 0xff);
			if (!c)
				return s;
			s += c;
		}
	}
	return s;
}

void Translator::check_capability(uint32_t cap)
{
	for (const SupportEntry &e : supported_capabilities())
		if (e.value == cap)
			return;
	if (kernel_)
		for (const SupportEntry &e : supported_kernel_capabilities())
			if (e.value == cap)
				return;
	if (cap == (uint32_t)spv::Capability::Kernel || cap == (uint32_t)spv::Capability::Addresses)
		fail("unsupported SPIR-V capability " + spirv_named(spirv_capability_name(cap), cap) +
		     ": OpenCL kernel modules are not supported yet (Vulkan GLCompute only)");
	fail("unsupported SPIR-V capability " + spirv_named(spirv_capability_name(cap), cap));
}

// " (at SPIR-V instruction OpFoo %id \"name\")" for the instruction being translated, or "".
std::string Translator::where() const
{
	if (!at_)
		return "";
	const Inst &in = *at_;
	std::string s = " (at SPIR-V instruction " + spirv_named(spirv_opcode_name(in.op), in.op);
	bool has_type = false, has_result = false;
	spv::HasResultAndType((Op)in.op, &has_result, &has_type);
	const size_t id_word = has_type ? 2 : 1;
	if (has_result && in.w.size() > id_word) {
		const uint32_t id = in.w[id_word];
		s += " %" + std::to_string(id);
		auto n = names_.find(id);
		if (n != names_.end())
			s += " \"" + n->second + "\"";
	}
	return s + ")";
}

} // namespace mica::compiler::spirv_detail

namespace mica::compiler {

// The capabilities check_capability() accepts (and docs/compiler.md lists, generated from here).
std::span<const SupportEntry> supported_capabilities()
{
#define CAP(name, notes) {#name, (uint32_t)spv::Capability::name, notes}
	static const SupportEntry table[] = {
		CAP(Shader, "compute shaders (GLCompute)"),
		CAP(Matrix, "matrix types and arithmetic"),
		CAP(Float16, "16-bit floats (computed in f32, rounded)"),
		CAP(Float64, "64-bit floats"),
		CAP(Int8, "8-bit integers"),
		CAP(Int16, "16-bit integers"),
		CAP(Int64, "64-bit integers"),
		CAP(Int64Atomics, "64-bit atomics on buffers and shared memory"),
		CAP(StorageBuffer8BitAccess, "8-bit storage buffer access"),
		CAP(UniformAndStorageBuffer8BitAccess, "8-bit uniform buffer access"),
		CAP(StoragePushConstant8, "8-bit push constants"),
		CAP(StorageBuffer16BitAccess, "16-bit storage buffer access"),
		CAP(UniformAndStorageBuffer16BitAccess, "16-bit uniform buffer access"),
		CAP(StoragePushConstant16, "16-bit push constants"),
		CAP(GroupNonUniform, "subgroup basics (elect, ids, masks)"),
		CAP(GroupNonUniformVote, "subgroup all/any/all-equal"),
		CAP(GroupNonUniformBallot, "ballot, broadcast, bit count/extract/find"),
		CAP(GroupNonUniformArithmetic, "reductions and inclusive/exclusive scans"),
		CAP(GroupNonUniformShuffle, "shuffle, shuffle xor"),
		CAP(GroupNonUniformShuffleRelative, "shuffle up/down"),
		CAP(GroupNonUniformClustered, "clustered reductions (the first log2(size) butterfly steps)"),
		CAP(GroupNonUniformQuad, "quad broadcast and swaps (shuffles within groups of 4 lanes)"),
		CAP(SubgroupBallotKHR, "SPV_KHR_shader_ballot (as the GroupNonUniform instructions)"),
		CAP(SubgroupVoteKHR, "SPV_KHR_subgroup_vote (as the GroupNonUniform instructions)"),
		CAP(SignedZeroInfNanPreserve, "the execution mode (IEEE arithmetic; no unsafe float folding)"),
		CAP(RoundingModeRTE, "the execution mode (the device rounds to nearest even)"),
		CAP(AtomicFloat32AddEXT, "atomic f32 add on buffers and shared memory"),
		CAP(AtomicFloat32MinMaxEXT, "atomic f32 min/max on buffers, shared memory and R32_SFLOAT images"),
		CAP(AtomicFloat64MinMaxEXT, "atomic f64 min/max on buffers and shared memory"),
		CAP(ShaderClockKHR, "OpReadClockKHR at Subgroup scope (the wave's cycle counter) and Device scope (s_timestamp_b64)"),
		CAP(DeviceGroup, "the DeviceIndex built-in (0: a Mica device group has one physical device)"),
		CAP(VulkanMemoryModel, "the Vulkan memory model"),
		CAP(VulkanMemoryModelDeviceScope, "device scope in the Vulkan memory model"),
		CAP(PhysicalStorageBufferAddresses, "buffer device addresses (physical pointers)"),
		CAP(VariablePointersStorageBuffer, "storage buffer pointers as values (selects, phis, OpPtrAccessChain, null)"),
		CAP(VariablePointers, "the same for Workgroup pointers, and pointer comparisons"),
		CAP(DotProduct, "integer dot products"),
		CAP(DotProductInputAll, "dot products of any integer vector"),
		CAP(DotProductInput4x8Bit, "dot products of i8vec4"),
		CAP(DotProductInput4x8BitPacked, "dot products of packed 4x8-bit values"),
		CAP(DemoteToHelperInvocation, "declared only (the instruction is fragment-only)"),
		CAP(UniformBufferArrayDynamicIndexing, "arrays of uniform buffers, dynamically uniform index"),
		CAP(StorageBufferArrayDynamicIndexing, "arrays of storage buffers, dynamically uniform index"),
		CAP(ShaderNonUniform, "NonUniform decoration"),
		CAP(UniformBufferArrayNonUniformIndexing, "arrays of uniform buffers, per-lane index"),
		CAP(StorageBufferArrayNonUniformIndexing, "arrays of storage buffers, per-lane index"),
		CAP(RuntimeDescriptorArray, "runtime-sized arrays of buffer descriptors"),
		CAP(ImageQuery, "image size, level and sample-count queries"),
		CAP(StorageImageMultisample, "multisampled storage images (the sample index in the texture unit's fourth register)"),
		CAP(ImageMSArray, "arrayed multisampled storage images"),
		CAP(StorageImageReadWithoutFormat, "storage image loads without a declared format"),
		CAP(StorageImageWriteWithoutFormat, "storage image stores without a declared format"),
		CAP(StorageImageExtendedFormats, "storage image formats beyond the basic set"),
		CAP(Sampled1D, "1D sampled images"),
		CAP(Image1D, "1D storage images"),
		CAP(SampledBuffer, "uniform texel buffers"),
		CAP(ImageBuffer, "storage texel buffers"),
		CAP(SampledCubeArray, "cube-array sampled images"),
		CAP(ImageCubeArray, "cube-array storage images"),
		CAP(ImageGatherExtended, "constant texel offsets on gathers"),
		CAP(SampledImageArrayDynamicIndexing, "arrays of sampled images, dynamically uniform index"),
		CAP(StorageImageArrayDynamicIndexing, "arrays of storage images, dynamically uniform index"),
		// Texel buffers are image descriptors (a BUFFER-type view) indexed like image arrays.
		CAP(UniformTexelBufferArrayDynamicIndexing, "arrays of uniform texel buffers, dynamically uniform index"),
		CAP(StorageTexelBufferArrayDynamicIndexing, "arrays of storage texel buffers, dynamically uniform index"),
	};
#undef CAP
	return table;
}

// Kept next to check_capability(): every entry is what that switch and the translator accept.
const ShaderFeatures &shader_features()
{
	static const ShaderFeatures f = [] {
		ShaderFeatures x;
		x.int64 = true;
		x.float64 = true;
		x.int8 = true;
		x.int16 = true;
		x.float16 = true;
		x.storage_buffer_8bit = true;
		x.storage_buffer_16bit = true;
		x.subgroup_extended_types = true;
		x.shader_buffer_int64_atomics = true;
		x.shader_shared_int64_atomics = true;
		x.buffer_device_address = true;
		x.variable_pointers_storage_buffer = true;
		x.variable_pointers = true;
		x.integer_dot_product = true;
		x.zero_initialize_workgroup_memory = true;
		x.subgroup_broadcast_dynamic_id = true;
		x.demote_to_helper_invocation = true;
		x.terminate_invocation = true;
		x.vulkan_memory_model = true;
		x.vulkan_memory_model_device_scope = true;
		x.robust_buffer_access = true;
		x.robust_buffer_access2 = true;   // per-component checks at byte granularity (spirv_memory.cpp)
		// Block members are loaded and stored leaf by leaf at their Offset, so any offset the
		// scalar / standard layouts allow works (spirv_prepare.cpp tells the validator).
		x.scalar_block_layout = true;
		x.uniform_buffer_standard_layout = true;
		x.buffer_array_dynamic_indexing = true;
		x.buffer_array_non_uniform_indexing = true;
		x.runtime_descriptor_array = true;
		x.signed_zero_inf_nan_preserve = true;
		x.rounding_mode_rte = true;
		x.float32_atomics = true;
		x.float32_atomic_add = true;
		x.float64_atomics = true;
		x.float32_atomic_min_max = true;
		x.float64_atomic_min_max = true;
		x.shader_subgroup_clock = true;
		x.shader_device_clock = true;
		// basic, vote, arithmetic, ballot, shuffle, shuffle relative, clustered, quad
		x.subgroup_operations = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80;
		return x;
	}();
	return f;
}

} // namespace mica::compiler

namespace mica::compiler::spirv_detail {

RegClass Translator::rc_of(uint32_t type_id)
{
	const Type &t = type(scalar_type(type_id));
	switch (t.k) {
	case Type::K::Bool: return rbool();
	case Type::K::Pointer:
		if (is_phys_ptr_type(scalar_type(type_id)))
			return r64();
		if (is_local_ptr_type(scalar_type(type_id)))
			return r32();
		if (kernel_)
			fail("pointers to private memory cannot be values (phis, selects, memory) yet");
		fail("pointer values other than PhysicalStorageBuffer pointers are not supported (variable pointers)");
	case Type::K::Int:
	case Type::K::Float:
		if (t.width == 32 || t.width == 16 || (t.k == Type::K::Int && t.width == 8))
			return r32();   // 8/16-bit values: zero-extended (spirv_narrow.cpp)
		if (t.width == 64)
			return r64();
		fail(std::to_string(t.width) + "-bit types are not supported");
	default:
		fail("value of unsupported type %" + std::to_string(type_id));
	}
}

// The copy of a matrix type (or of an array of matrices) laid out with a block member's
// MatrixStride / RowMajor decorations.
uint32_t Translator::matrix_layout_type(uint32_t type_id, uint32_t stride, bool row_major)
{
	Type t = type(type_id);
	// Through sized and runtime arrays (an unsized array of row-major matrices is decorated on
	// the block member just like a sized one).
	if ((t.k == Type::K::Array || t.k == Type::K::RtArray) && !t.matrix)
		t.elem = matrix_layout_type(t.elem, stride, row_major);
	else if (t.matrix) {
		t.array_stride = stride;
		t.row_major = row_major;
	} else
		return type_id;
	t.layout_copy = true;
	uint32_t id = next_layout_type_++;
	types_[id] = t;
	return id;
}

// Whether a value of this type would have more scalars than a value may (leaf_count's limit).
bool Translator::too_large_for_value(uint32_t type_id)
{
	std::function<uint64_t(uint32_t)> count = [&](uint32_t id) -> uint64_t {
		const Type &t = type(id);
		switch (t.k) {
		case Type::K::Vector: return t.count;
		case Type::K::Array: return (uint64_t)t.count * count(t.elem);
		case Type::K::Struct: {
			uint64_t n = 0;
			for (uint32_t m : t.members)
				n += count(m);
			return n;
		}
		default: return 1;
		}
	};
	return count(type_id) > 4096;
}

// A vector whose components are 'stride' bytes apart in memory: a column of a row-major matrix.
uint32_t Translator::strided_vector_type(uint32_t vector_type, uint32_t stride)
{
	Type t = type(vector_type);
	t.array_stride = stride;
	t.layout_copy = true;
	uint32_t id = next_layout_type_++;
	types_[id] = t;
	return id;
}

uint32_t Translator::leaf_count(uint32_t type_id)
{
	const Type &t = type(type_id);
	switch (t.k) {
	case Type::K::Bool:
	case Type::K::Int:
	case Type::K::Float: return 1;
	case Type::K::Pointer:
		if (!is_phys_ptr_type(type_id) && !is_local_ptr_type(type_id))
			fail(kernel_ ? "pointers to private memory cannot be values (phis, selects, memory) yet"
			             : "pointer values other than PhysicalStorageBuffer pointers are not supported (variable pointers)");
		return is_bounded_ptr_type(type_id) ? 3 : 1;   // base, offset, range (spirv_varptr.cpp)
	case Type::K::Vector: return t.count;
	case Type::K::Array: {
		uint64_t n = (uint64_t)t.count * leaf_count(t.elem);
		if (n > 4096)
			fail("composite value with more than 4096 scalars");
		return (uint32_t)n;
	}
	case Type::K::Struct: {
		uint32_t n = 0;
		for (uint32_t m : t.members)
			n += leaf_count(m);
		if (n > 4096)
			fail("composite value with more than 4096 scalars");
		return n;
	}
	default: fail("value of unsupported type %" + std::to_string(type_id));
	}
}

uint32_t Translator::align_of(uint32_t type_id)
{
	const Type &t = type(type_id);
	switch (t.k) {
	case Type::K::Bool: return 4;
	case Type::K::Int:
	case Type::K::Float: return t.width / 8;
	case Type::K::Pointer: return 8;
	case Type::K::Vector:
	case Type::K::Array:
	case Type::K::RtArray: return align_of(t.elem);
	case Type::K::Struct: {
		uint32_t a = 4;
		for (uint32_t m : t.members)
			a = std::max(a, align_of(m));
		return a;
	}
	default: fail("type %" + std::to_string(type_id) + " has no memory layout");
	}
}

uint32_t Translator::size_of(uint32_t type_id, bool explicit_layout)
{
	std::vector<Leaf> l;
	const Type &t = type(type_id);
	if (t.k == Type::K::Array && t.row_major && explicit_layout) {
		const Type &col = type(t.elem);
		return col.count * t.array_stride;
	}
	if (t.k == Type::K::Array) {
		uint32_t stride = explicit_layout && t.array_stride ? t.array_stride : size_of(t.elem, explicit_layout);
		uint64_t s = (uint64_t)stride * t.count;
		if (s > (1u << 30))
			fail("type too large");
		return (uint32_t)s;
	}
	if (t.k == Type::K::Struct) {
		uint32_t off = 0;
		for (size_t i = 0; i < t.members.size(); i++) {
			uint32_t mo = explicit_layout ? t.member_offsets[i]
			                              : (off + align_of(t.members[i]) - 1) / align_of(t.members[i]) * align_of(t.members[i]);
			off = std::max(off, mo + size_of(t.members[i], explicit_layout));
		}
		uint32_t a = align_of(type_id);
		return (off + a - 1) / a * a;
	}
	if (t.k == Type::K::Vector && explicit_layout && t.array_stride)   // strided_vector_type
		return (t.count - 1) * t.array_stride + size_of(t.elem, true);
	if (t.k == Type::K::Vector)
		return t.count * size_of(t.elem, explicit_layout);
	if (t.k == Type::K::Bool)
		return 4;
	if (t.k == Type::K::Int || t.k == Type::K::Float)
		return t.width / 8;
	if (t.k == Type::K::Pointer && (is_phys_ptr_type(type_id) || is_local_ptr_type(type_id)))
		return is_bounded_ptr_type(type_id) ? 16 : 8;
	fail("type %" + std::to_string(type_id) + " has no memory layout");
}

void Translator::leaves(uint32_t type_id, bool explicit_layout, uint32_t base, std::vector<Leaf> &out)
{
	const Type &t = type(type_id);
	switch (t.k) {
	case Type::K::Bool: out.push_back({base, 4, true}); return;
	case Type::K::Int:
	case Type::K::Float:
		if (t.width != 32 && t.width != 64 && !(t.k == Type::K::Int && t.width == 8) && t.width != 16)
			fail(std::to_string(t.width) + "-bit memory accesses are not supported");
		out.push_back({base, t.width / 8, false});
		return;
	case Type::K::Pointer:
		if (is_local_ptr_type(type_id)) {   // Kernel model: a 32-bit shared offset (low half of the slot)
			out.push_back({base, 4, false});
			return;
		}
		if (!is_phys_ptr_type(type_id))
			fail("only PhysicalStorageBuffer pointers can be stored in memory");
		out.push_back({base, 8, false});
		if (is_bounded_ptr_type(type_id)) {   // its offset and range follow the base (spirv_varptr.cpp)
			out.push_back({base + 8, 4, false});
			out.push_back({base + 12, 4, false});
		}
		return;
	case Type::K::Vector: {
		// array_stride on a vector: a column of a row-major matrix (strided_vector_type)
		const uint32_t stride = explicit_layout && t.array_stride ? t.array_stride : size_of(t.elem, explicit_layout);
		for (uint32_t i = 0; i < t.count; i++)
			leaves(t.elem, explicit_layout, base + i * stride, out);
		return;
	}
	case Type::K::Array: {
		if (t.row_major && explicit_layout) {
			// Row-major matrix: column c, row r at r * MatrixStride + c * component size.
			const Type &col = type(t.elem);
			uint32_t cs = size_of(col.elem, true);
			for (uint32_t c = 0; c < t.count; c++)
				for (uint32_t r = 0; r < col.count; r++)
					leaves(col.elem, true, base + r * t.array_stride + c * cs, out);
			return;
		}
		uint32_t stride = explicit_layout && t.array_stride ? t.array_stride : size_of(t.elem, explicit_layout);
		if (t.count > 4096)
			fail("array with more than 4096 elements accessed as a whole");
		for (uint32_t i = 0; i < t.count; i++)
			leaves(t.elem, explicit_layout, base + i * stride, out);
		return;
	}
	case Type::K::Struct: {
		uint32_t off = 0;
		for (size_t i = 0; i < t.members.size(); i++) {
			uint32_t a = align_of(t.members[i]);
			uint32_t mo = explicit_layout ? t.member_offsets[i] : (off + a - 1) / a * a;
			leaves(t.members[i], explicit_layout, base + mo, out);
			off = mo + size_of(t.members[i], explicit_layout);
		}
		return;
	}
	default: fail("type %" + std::to_string(type_id) + " cannot be loaded or stored");
	}
}

void Translator::run(const std::string &entry_name)
{
	if (words_.size() < 5 || words_[0] != spv::MagicNumber)
		fail("not a SPIR-V module");
	split();
	p_ = Program{};
	p_.level = Level::mid;
	uint32_t entry_fn = 0;
	bool found_entry = false;
	std::string other_model_entry;   // the execution model of a same-named entry point that is not GLCompute
	std::vector<uint32_t> local_size_ids;
	std::vector<std::pair<size_t, size_t>> functions;   // [first, last] instruction index
	size_t fn_start = 0;
	bool in_fn = false;
	// Pass 1: module-level information.
	for (size_t idx = 0; idx < insts_.size(); idx++) {
		const Inst &in = insts_[idx];
		at_ = &in;
		auto w = in.w;
		auto need = [&](size_t n) {
			if (w.size() < n)
				fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
		};
		switch ((Op)in.op) {
		case Op::OpCapability:
			need(2);
			check_capability(w[1]);
			if (w[1] == (uint32_t)spv::Capability::VariablePointers ||
			    w[1] == (uint32_t)spv::Capability::VariablePointersStorageBuffer)
				enable_variable_pointers();   // spirv_varptr.cpp
			break;
		case Op::OpName:
			if (w.size() > 2)
				names_[w[1]] = str(w, 2);
			break;
		case Op::OpExtInstImport:
			need(3);
			if (str(w, 2) == "GLSL.std.450")
				glsl_ext_ = w[1];
			else if (str(w, 2) == "OpenCL.std")   // in either execution model (spirv_opencl_std*.cpp)
				opencl_ext_ = w[1];
			else if (str(w, 2).rfind("NonSemantic.", 0) != 0)
				fail("unsupported extended instruction set " + str(w, 2));
			break;
		case Op::OpMemoryModel:
			need(3);
			if (kernel_ && (w[1] != (uint32_t)spv::AddressingModel::Physical64 || w[2] != (uint32_t)spv::MemoryModel::OpenCL))
				fail("Kernel-model modules must use the Physical64 OpenCL memory model");
			if (!kernel_ && w[1] != (uint32_t)spv::AddressingModel::Logical &&
			    w[1] != (uint32_t)spv::AddressingModel::PhysicalStorageBuffer64)
				fail("unsupported addressing model " + std::to_string(w[1]) +
				     " (Logical and PhysicalStorageBuffer64 are supported)");
			break;
		case Op::OpEntryPoint: {
			need(4);
			std::string name = str(w, 3);
			if (name == entry_name && kernel_) {
				if (w[1] != (uint32_t)spv::ExecutionModel::Kernel)
					fail("entry point '" + name + "' is not a Kernel entry point");
				entry_fn = w[2];
				found_entry = true;
				for (const KernelInfo &k : kopts_->info.kernels)
					if (k.name == name)
						kinfo_ = &k;
			} else if (name == entry_name && w[1] != (uint32_t)spv::ExecutionModel::GLCompute) {
				// One name may name entry points of several execution models (each <name, model>
				// pair is unique): a compute pipeline's stage is the GLCompute one, wherever it is.
				if (other_model_entry.empty())
					other_model_entry = spirv_named(spirv_execution_model_name(w[1]), w[1]);
			} else if (name == entry_name && !found_entry) {
				entry_fn = w[2];
				found_entry = true;
			}
			break;
		}
		case Op::OpExecutionMode:
		case Op::OpExecutionModeId:
			need(3);
			if (w[1] != entry_fn && found_entry)
				break;
			if (w[2] == (uint32_t)spv::ExecutionMode::LocalSize) {
				need(6);
				for (int d = 0; d < 3; d++)
					wg_[d] = w[3 + d];
			} else if (w[2] == (uint32_t)spv::ExecutionMode::LocalSizeId) {
				need(6);
				local_size_ids = {w[3], w[4], w[5]};
			}
			break;
		case Op::OpDecorate:
		case Op::OpDecorateId:
			need(3);
			decos_[w[1]][w[2]] = std::vector<uint32_t>(w.begin() + 3, w.end());
			if (w[2] == (uint32_t)spv::Decoration::FuncParamAttr && w.size() > 3 &&
			    w[3] == (uint32_t)spv::FunctionParameterAttribute::ByVal)
				byval_ids_.insert(w[1]);
			break;
		case Op::OpMemberDecorate:
			need(4);
			member_decos_[((uint64_t)w[1] << 32) | w[2]][w[3]] = w.size() > 4 ? w[4] : 0;
			break;
		case Op::OpTypeVoid: need(2); types_[w[1]].k = Type::K::Void; break;
		case Op::OpTypeBool: need(2); types_[w[1]].k = Type::K::Bool; break;
		case Op::OpTypeInt:
			need(4);
			types_[w[1]] = Type{Type::K::Int, w[2], 0, 0, 0, 0, w[3] != 0, {}, {}};
			if (w[2] != 8 && w[2] != 16 && w[2] != 32 && w[2] != 64)
				fail(std::to_string(w[2]) + "-bit integer types are not supported");
			break;
		case Op::OpTypeFloat:
			need(3);
			types_[w[1]] = Type{Type::K::Float, w[2], 0, 0, 0, 0, false, {}, {}};
			if (w[2] != 16 && w[2] != 32 && w[2] != 64)   // 16: spirv_narrow.cpp
				fail(std::to_string(w[2]) + "-bit float types are not supported");
			break;
		case Op::OpTypeVector: {
			need(4);
			Type t;
			t.k = Type::K::Vector;
			t.elem = w[2];
			t.count = w[3];
			types_[w[1]] = t;
			break;
		}
		case Op::OpTypeArray: {
			need(4);
			Type t;
			t.k = Type::K::Array;
			t.elem = w[2];
			t.count = const_u32(w[3]);
			t.array_stride = has_deco(w[1], spv::Decoration::ArrayStride) ? deco_arg(w[1], spv::Decoration::ArrayStride) : 0;
			types_[w[1]] = t;
			if (kernel_)   // OpenCL C layout: elements sizeof(T) apart
				types_[w[1]].array_stride = cl_size_align(t.elem).first;
			break;
		}
		case Op::OpTypeRuntimeArray: {
			need(3);
			Type t;
			t.k = Type::K::RtArray;
			t.elem = w[2];
			t.array_stride = has_deco(w[1], spv::Decoration::ArrayStride) ? deco_arg(w[1], spv::Decoration::ArrayStride) : 0;
			types_[w[1]] = t;
			break;
		}
		case Op::OpTypeStruct: {
			need(2);
			Type t;
			t.k = Type::K::Struct;
			for (size_t i = 2; i < w.size(); i++) {
				t.members.push_back(w[i]);
				auto it = member_decos_.find(((uint64_t)w[1] << 32) | (i - 2));
				uint32_t off = 0;
				if (it != member_decos_.end()) {
					if (it->second.count((uint32_t)spv::Decoration::Offset))
						off = it->second[(uint32_t)spv::Decoration::Offset];
					if (it->second.count((uint32_t)spv::Decoration::BuiltIn)) {
						if (!found_entry && !other_model_entry.empty())   // another stage's gl_PerVertex
							fail("entry point '" + entry_name + "' has execution model " + other_model_entry +
							     "; only GLCompute is supported");
						fail("built-in block members are not supported in compute shaders");
					}
					if (it->second.count((uint32_t)spv::Decoration::MatrixStride))
						t.members.back() = matrix_layout_type(t.members.back(), it->second[(uint32_t)spv::Decoration::MatrixStride],
						                                      it->second.count((uint32_t)spv::Decoration::RowMajor) != 0);
				}
				t.member_offsets.push_back(off);
			}
			types_[w[1]] = t;
			if (kernel_) {
				// OpenCL C layout (CPacked: no padding); the pointers reach structs as bytes.
				const bool packed = has_deco(w[1], spv::Decoration::CPacked);
				types_[w[1]].packed = packed;
				uint32_t off = 0;
				for (size_t m = 0; m < t.members.size(); m++) {
					const auto [size, align] = cl_size_align(t.members[m]);
					const uint32_t a = packed ? 1 : align;
					off = (off + a - 1) / a * a;
					types_[w[1]].member_offsets[m] = off;
					off += size;
				}
			}
			break;
		}
		case Op::OpTypePointer: {
			need(4);
			Type t;
			t.k = Type::K::Pointer;
			t.storage = w[2];
			t.elem = w[3];
			types_[w[1]] = t;
			break;
		}
		case Op::OpTypeFunction: need(2); types_[w[1]].k = Type::K::Function; break;
		case Op::OpTypeEvent:
			// Kernel model: async copies complete at once, an event is a 32-bit 0 (spirv_kernel_ops.cpp)
			need(2);
			if (!kernel_)
				fail("OpTypeEvent outside a Kernel module");
			types_[w[1]] = Type{Type::K::Int, 32, 0, 0, 0, 0, false, {}, {}};
			break;
		case Op::OpTypeMatrix: {
			need(4);
			Type t;
			t.k = Type::K::Array;
			t.matrix = true;
			t.elem = w[2];
			t.count = w[3];
			if (type(w[2]).k != Type::K::Vector)
				fail("matrix column type is not a vector");
			types_[w[1]] = t;
			break;
		}
		case Op::OpTypeImage:
		case Op::OpTypeSampler:
		case Op::OpTypeSampledImage: image_type(in); break;   // spirv_image.cpp
		case Op::OpConstantSampler:
			if (!kernel_)
				fail("OpConstantSampler is only available in OpenCL kernels");
			kernel_constant_sampler(in);   // spirv_kernel_image.cpp
			break;
		case Op::OpConstantTrue:
		case Op::OpConstantFalse:
		case Op::OpSpecConstantTrue:
		case Op::OpSpecConstantFalse:
			need(3);
			set(w[2], w[1], {Operand::c32(in.op == (uint16_t)Op::OpConstantTrue || in.op == (uint16_t)Op::OpSpecConstantTrue)});
			break;
		case Op::OpConstant:
		case Op::OpSpecConstant: {
			need(4);
			const Type &t = type(w[1]);
			if (t.width == 64) {
				need(5);
				set(w[2], w[1], {Operand::c64(w[3] | ((uint64_t)w[4] << 32))});
			} else if (t.width < 32) {
				set(w[2], w[1], {narrow_mask(Operand::c32(w[3]), t.width)});   // signed: sign-extended in the word
			} else {
				set(w[2], w[1], {Operand::c32(w[3])});
			}
			break;
		}
		case Op::OpConstantComposite:
		case Op::OpSpecConstantComposite: {
			need(3);
			if (std::any_of(w.begin() + 3, w.end(), [&](uint32_t id) { return deferred_constant_ids_.count(id) != 0; })) {
				defer_constant((uint16_t)Op::OpCompositeConstruct, w[1], w[2], w.subspan(3));
				break;
			}
			std::vector<Operand> v;
			for (size_t i = 3; i < w.size(); i++) {
				const auto &c = val(w[i]);
				v.insert(v.end(), c.begin(), c.end());
			}
			set(w[2], w[1], v);
			if (has_deco(w[2], spv::Decoration::BuiltIn) &&
			    deco_arg(w[2], spv::Decoration::BuiltIn) == (uint32_t)spv::BuiltIn::WorkgroupSize && v.size() == 3) {
				for (int d = 0; d < 3; d++)
					wg_[d] = (uint32_t)v[d].value;
				wg_from_builtin_ = true;
			}
			break;
		}
		case Op::OpConstantNull:
		case Op::OpUndef: {
			need(3);
			if (in_fn)
				break;   // function-level OpUndef handled in translate()
			if ((Op)in.op == Op::OpConstantNull && kernel_ && type(w[1]).k == Type::K::Pointer &&
			    type(w[1]).storage == (uint32_t)spv::StorageClass::Function) {
				// A NULL private pointer (compared with to_private's result): address 0.
				Ptr p;
				p.phys = true;
				p.addr = Operand::c64(0);
				p.type = type(w[1]).elem;
				ptrs_[w[2]] = p;
				break;
			}
			if ((Op)in.op == Op::OpConstantNull && varptr_ && is_local_ptr_type(w[1])) {
				// A null Workgroup pointer: an offset no shared variable has (0 is the first
				// variable's), so OpPtrEqual tells them apart; a dereference faults
				// (SHARED_OUT_OF_RANGE) as a null buffer pointer's does (MMU_UNMAPPED).
				set(w[2], w[1], {Operand::c32(kNullSharedPointer)});
				break;
			}
			if ((Op)in.op == Op::OpConstantNull) {
				null_constants_.insert(w[2]);
				// A null aggregate too large to be a value (a big shared array's zero initialiser)
				// is only ever an initialiser: initialise_shared() zeroes memory without it.
				if (too_large_for_value(w[1]))
					break;
			}
			uint32_t n = leaf_count(w[1]);
			std::vector<Operand> v;
			std::vector<Leaf> l;
			leaves(w[1], false, 0, l);
			for (const Leaf &lf : l)
				v.push_back(lf.bytes == 8 ? Operand::c64(0) : Operand::c32(0));
			(void)n;
			set(w[2], w[1], v);
			break;
		}
		case Op::OpSpecConstantOp:
			if (kernel_)
				break;   // constant address expressions (printf formats): read by the module scan
			need(4);
			defer_constant((uint16_t)w[3], w[1], w[2], w.subspan(4));
			break;
		case Op::OpVariable: {
			need(4);
			if (in_fn)
				break;
			Var v;
			v.sc = w[3];
			v.ptr_type = w[1];
			const Type &pt = type(w[1]);
			v.type = pt.elem;
			if (kernel_ && w.size() > 4 && v.sc == (uint32_t)spv::StorageClass::UniformConstant) {
				// Program-scope __constant data: placed in the program's const data when it is
				// used (const_data_pointer).
				const_inits_[w[2]] = w[4];
				vars_[w[2]] = v;
				break;
			}
			if (w.size() > 4) {
				if (v.sc != (uint32_t)spv::StorageClass::Workgroup)
					fail("initialisers on module-scope variables other than Workgroup ones are not supported");
				shared_inits_.push_back({w[2], w[4]});   // shaderZeroInitializeWorkgroupMemory
			}
			if (has_deco(w[2], spv::Decoration::BuiltIn))
				v.builtin = (int)deco_arg(w[2], spv::Decoration::BuiltIn);
			v.set = has_deco(w[2], spv::Decoration::DescriptorSet) ? deco_arg(w[2], spv::Decoration::DescriptorSet) : 0;
			v.binding = has_deco(w[2], spv::Decoration::Binding) ? deco_arg(w[2], spv::Decoration::Binding) : 0;
			using SC = spv::StorageClass;
			// SPIR-V 1.0-1.2 (Vulkan 1.0 targets) declare storage buffers as Uniform blocks
			// decorated BufferBlock: from here on they are storage buffers in every respect.
			if ((SC)v.sc == SC::Uniform && has_deco(v.type, spv::Decoration::BufferBlock))
				v.sc = (uint32_t)SC::StorageBuffer;
			switch ((SC)v.sc) {
			case SC::StorageBuffer:
			case SC::Uniform:
				check_descriptor_variable(v);   // set and binding are checked where the buffer is used
				break;
			case SC::PushConstant:
				break;
			case SC::UniformConstant:
				check_image_variable(v);   // images, samplers, texel buffers (spirv_image.cpp)
				break;
			case SC::Workgroup: {
				uint32_t a = align_of(v.type);
				uint64_t bytes = size_of(v.type, false);
				if (kernel_) {
					a = std::max(a, cl_size_align(v.type).second);
					bytes = std::max<uint64_t>(bytes, cl_size_align(v.type).first);
				}
				if (w.size() > 4) {
					// initialise_shared() zeroes whole dwords: a null-initialised variable gets a
					// dword-aligned range rounded up to dwords (an f16vec3 is 6 bytes), so the
					// zeroing neither writes unaligned nor runs past the allocation.
					a = std::max<uint32_t>(a, 4);
					bytes = (bytes + 3) / 4 * 4;
				}
				p_.shared_bytes = (p_.shared_bytes + a - 1) / a * a;
				v.shared_offset = p_.shared_bytes;
				uint64_t end = (uint64_t)p_.shared_bytes + bytes;
				if (end > MICA_MAX_SHARED_BYTES)
					fail("shared memory use of " + std::to_string(end) + " bytes exceeds the device limit of " +
					     std::to_string(MICA_MAX_SHARED_BYTES));
				p_.shared_bytes = (uint32_t)end;
				if (kernel_ || varptr_)   // a __local / variable pointer value: the byte offset in shared memory
					set(w[2], w[1], {Operand::c32(v.shared_offset)});
				break;
			}
			case SC::Input:
				if (v.builtin < 0)
					fail("compute shader inputs must be built-ins");
				break;
			case SC::CrossWorkgroup:
				if (kernel_)
					fail("program-scope __global variables are not supported");
				fail("variables in storage class CrossWorkgroup are not supported");
			case SC::Private:
				fail("Private variables that SPIRV-Tools could not promote are not supported");
			default:
				fail("variables in storage class " + spirv_named(spirv_storage_class_name(v.sc), v.sc) +
				     " are not supported");
			}
			vars_[w[2]] = v;
			break;
		}
		case Op::OpFunction:
			need(3);
			fn_start = idx;
			in_fn = true;
			break;
		case Op::OpFunctionEnd:
			functions.push_back({fn_start, idx});
			in_fn = false;
			break;
		case Op::OpTypeForwardPointer:
			// The pointer type itself follows (OpTypePointer); types are looked up lazily.
			need(3);
			if (w[2] != (uint32_t)spv::StorageClass::PhysicalStorageBuffer)
				fail("OpTypeForwardPointer to a storage class other than PhysicalStorageBuffer");
			break;
		default:
			break;
		}
	}
	if (!found_entry && !other_model_entry.empty())
		fail("entry point '" + entry_name + "' has execution model " + other_model_entry + "; only GLCompute is supported");
	if (!found_entry)
		fail(std::string(kernel_ ? "no Kernel" : "no GLCompute") + " entry point named '" + entry_name + "'");
	if (kernel_) {
		if (!kinfo_)
			fail("internal error: no reflection for kernel '" + entry_name + "'");
		const auto &req = kinfo_->reqd_work_group_size;
		const auto &opt = kopts_->local_size;
		const bool has_opt = opt[0] || opt[1] || opt[2];
		if (req[0] && has_opt && (req[0] != opt[0] || req[1] != opt[1] || req[2] != opt[2]))
			fail("kernel '" + entry_name + "' has reqd_work_group_size(" + std::to_string(req[0]) + "," +
			     std::to_string(req[1]) + "," + std::to_string(req[2]) + ") but is compiled for a local size of " +
			     std::to_string(opt[0]) + "x" + std::to_string(opt[1]) + "x" + std::to_string(opt[2]));
		if (!req[0] && !has_opt)
			fail("kernel '" + entry_name + "' needs a local size (Options::local_size): it has no reqd_work_group_size");
		for (int d = 0; d < 3; d++)
			wg_[d] = has_opt ? opt[d] : req[d];
		for (auto [first, last] : functions)
			functions_[insts_[first].w[2]] = {first, last};
		scan_generic_local();
	}
	if (!local_size_ids.empty() && !wg_from_builtin_)
		for (int d = 0; d < 3; d++)
			wg_[d] = const_u32(local_size_ids[d]);
	uint64_t inv = (uint64_t)wg_[0] * wg_[1] * wg_[2];
	if (!wg_[0] || !wg_[1] || !wg_[2] || inv > MICA_MAX_WORKGROUP_INVOCATIONS || wg_[0] > MICA_MAX_WORKGROUP_DIM_X ||
	    wg_[1] > MICA_MAX_WORKGROUP_DIM_Y || wg_[2] > MICA_MAX_WORKGROUP_DIM_Z)
		fail("workgroup size " + std::to_string(wg_[0]) + "x" + std::to_string(wg_[1]) + "x" +
		     std::to_string(wg_[2]) + " is outside the device limits");
	for (int d = 0; d < 3; d++)
		p_.wg_size[d] = wg_[d];
	for (auto [first, last] : functions)
		if (insts_[first].w[2] == entry_fn)
			translate_function(first, last);
	if (p_.blocks.empty())
		fail("entry point function has no body");
}

// Phis from 'from' on get their operands (values of back edges exist now); a label whose block
// an inlined call split names the block the call continued in.
void Translator::resolve_phis(size_t from)
{
	for (size_t k = from; k < phis_.size(); k++) {
		const PendingPhi &ph = phis_[k];
		Instr &ins = p_.blocks[ph.block].instrs[ph.instr_index];
		for (auto [value, label] : ph.incoming) {
			auto lit = labels_.find(label);
			if (lit == labels_.end())
				fail("OpPhi names an unknown block");
			auto split = phi_pred_.find(label);
			const uint32_t pred = split != phi_pred_.end() ? split->second : lit->second;
			const auto &v = val(value);
			if (ph.leaf >= v.size())
				fail("OpPhi operand shape mismatch");
			ins.ops.push_back(v[ph.leaf]);
			ins.ops.push_back(Operand::block(pred));
		}
	}
	phis_.resize(from);
}

void Translator::translate_function(size_t first, size_t last)
{
	// Create a block per label first so branches can name later blocks.
	for (size_t i = first; i <= last; i++) {
		if (insts_[i].op == (uint16_t)Op::OpLabel) {
			if (insts_[i].w.size() < 2)
				fail("malformed OpLabel");
			labels_[insts_[i].w[1]] = (uint32_t)p_.blocks.size();
			p_.blocks.emplace_back();
		}
		if (insts_[i].op == (uint16_t)Op::OpFunctionParameter && !kernel_)
			fail("entry point with parameters");
	}
	if (kernel_)
		bind_kernel_arguments(first);
	bool entry_label = true;
	for (size_t i = first + 1; i < last; i++) {
		at_ = &insts_[i];
		translate(insts_[i]);
		if (entry_label && insts_[i].op == (uint16_t)Op::OpLabel) {
			entry_label = false;
			translate_deferred_constants();
		}
	}
	at_ = nullptr;
	if (kernel_)
		kernel_range_guard();
	finish_locals();
	initialise_shared();
	// Phi operands may name values defined later (back edges): resolve now.
	resolve_phis(0);
	p_.block_labels.assign(p_.blocks.size(), 0);
	for (auto [label, block] : labels_)
		p_.block_labels.at(block) = label;
	// Descriptor/push-constant address loads go first in the entry block.
	auto &entry = p_.blocks[0].instrs;
	entry.insert(entry.begin(), prologue_.begin(), prologue_.end());
	p_.recompute_preds();
}

void Translator::defer_constant(uint16_t opcode, uint32_t result_type, uint32_t result, std::span<const uint32_t> operands)
{
	std::vector<uint32_t> words{(uint32_t)(3 + operands.size()) << 16 | opcode, result_type, result};
	words.insert(words.end(), operands.begin(), operands.end());
	deferred_constants_.push_back(std::move(words));
	deferred_constant_ids_.insert(result);
}

void Translator::translate_deferred_constants()
{
	// at_ must outlive a failure (where() reads it after the throw): the Insts are members.
	const Inst *saved = at_;
	deferred_insts_.clear();
	for (const auto &words : deferred_constants_)
		deferred_insts_.push_back(Inst{(uint16_t)(words[0] & 0xffff), std::span<const uint32_t>(words)});
	for (const Inst &in : deferred_insts_) {
		at_ = &in;
		translate(in);
	}
	at_ = saved;
}

// A function-scope variable SPIRV-Tools could not promote to SSA values (an array indexed at run
// time, a struct or matrix reached through a dynamic access chain, ...): it gets a naturally
// aligned range of the lane's scratch area. All of a function's variables come first in its first
// block, so the area's size is final before the first access; its initialiser is stored here.
void Translator::function_variable(const Inst &in)
{
	auto w = in.w;
	const Type &pt = type(w[1]);
	if (pt.k != Type::K::Pointer)
		fail("OpVariable whose result type is not a pointer");
	vars_[w[2]] = private_variable(pt.elem);
	if (w.size() > 4) {
		Ptr p;
		p.var = w[2];
		p.type = pt.elem;
		store(p, pt.elem, val(w[4]));
	}
}

// A fresh Function-storage variable of type 'type_id' in this invocation's scratch area.
Var Translator::private_variable(uint32_t type_id)
{
	Var v;
	v.sc = (uint32_t)spv::StorageClass::Function;
	v.type = type_id;
	uint32_t a = std::max<uint32_t>(align_of(v.type), 4);
	uint64_t bytes = size_of(v.type, false);
	if (kernel_) {   // OpenCL C layout; the lane stride keeps the alignment (finish_locals)
		a = std::max(a, cl_size_align(v.type).second);
		bytes = std::max<uint64_t>(bytes, cl_size_align(v.type).first);
		local_align_ = std::max(local_align_, std::min(a, 128u));
	}
	const uint64_t start = ((uint64_t)local_bytes_ + a - 1) / a * a;
	const uint64_t end = start + bytes;
	if (end > abi::kMaxLocalBytes)
		fail("function-scope variables of " + std::to_string(end) + " bytes per invocation exceed the limit of " +
		     std::to_string(abi::kMaxLocalBytes));
	v.local_offset = (uint32_t)start;
	local_bytes_ = (uint32_t)end;
	return v;
}

Operand Translator::local_address_offset(const Ptr &p)
{
	if (local_base_.kind == Operand::Kind::none) {
		local_base_ = p_.new_def(r64());
		local_lane_off_ = p_.new_def(r32());
	}
	return p.dyn.kind == Operand::Kind::none ? local_lane_off_ : iadd(p.dyn, local_lane_off_);
}

// Defines the scratch base and the lane offset the accesses used: base = s[10:11] + this wave's
// region (scratch_wave_offset), lane offset = lane id x the lane's area (8-byte aligned).
void Translator::finish_locals()
{
	if (local_base_.kind == Operand::Kind::none)
		return;
	// Lanes' areas are a multiple of the strictest variable alignment apart (at most 128, which
	// the wave regions keep: scratch bytes x 32 from a 256-byte aligned buffer).
	const uint32_t align = std::max(8u, local_align_);
	const uint32_t stride = (local_bytes_ + align - 1) / align * align;
	p_.local_bytes = stride;
	Operand buffer = emit_prologue(IO::Op::user_data, r64(), {}, abi::kScratchBaseSgpr);
	Operand region = emit_prologue(IO::Op::scratch_wave_offset, r32(), {});
	Operand region64 = emit_prologue(IO::Op::zext, r64(), {region});
	prologue_.push_back(make_instr(IO::Op::iadd, {buffer, region64}, 0, 0));
	prologue_.back().defs.push_back(local_base_);
	Operand lane = emit_prologue(IO::Op::lane_id, r32(), {});
	prologue_.push_back(make_instr(IO::Op::imul, {lane, Operand::c32(stride)}, 0, 0));
	prologue_.back().defs.push_back(local_lane_off_);
	if (private_end_.kind != Operand::Kind::none) {   // generic_is_private: the wave's lanes' areas
		prologue_.push_back(make_instr(IO::Op::iadd, {local_base_, Operand::c64((uint64_t)stride * MICA_WAVE_SIZE)}, 0, 0));
		prologue_.back().defs.push_back(private_end_);
	}
}

// Workgroup variables with an initialiser (OpConstantNull, the only one Vulkan allows) are zeroed before
// the entry point's code, then a workgroup barrier. Zero ranges are cleared cooperatively: each
// invocation stores the dwords local_index, local_index + N, ... (clamped to the last dword, so
// no branch is needed: a clamped store writes the same zero again).
void Translator::initialise_shared()
{
	if (shared_inits_.empty())
		return;
	// The entry block's code moves to a new block that runs after the zeroing (which may loop);
	// phis name blocks through labels_, resolved after this.
	const uint32_t body = (uint32_t)p_.blocks.size();
	p_.blocks.push_back(std::move(p_.blocks[0]));
	p_.blocks[0] = Block{};
	for (auto &[label, block] : labels_)
		if (block == 0)
			block = body;
	const uint32_t saved_cur = cur_;
	cur_ = 0;
	const uint32_t invocations = wg_[0] * wg_[1] * wg_[2];
	const Operand byte_index = imul(local_invocation_index(), Operand::c32(4));
	auto new_block = [&]() {
		p_.blocks.emplace_back();
		return (uint32_t)p_.blocks.size() - 1;
	};
	auto branch = [&](uint32_t to) { emit_void(IO::Op::br, {Operand::block(to)}); };
	for (auto [var_id, init_id] : shared_inits_) {
		const Var &v = vars_.at(var_id);
		// Vulkan allows only OpConstantNull here (VUID-StandaloneSpirv-OpVariable-04734).
		if (!null_constants_.count(init_id)) {
			const auto &value = val(init_id);
			if (!std::all_of(value.begin(), value.end(), [](const Operand &o) { return o.is_const() && o.value == 0; }))
				fail("Workgroup variable initialisers other than OpConstantNull are not supported");
		}
		const uint32_t dwords = (size_of(v.type, false) + 3) / 4;
		const uint32_t rounds = (dwords + invocations - 1) / invocations;
		if (rounds <= kZeroUnrolledRounds) {
			for (uint32_t k = 0; k < rounds; k++) {
				Operand off = iadd(byte_index, Operand::c32(k * invocations * 4));
				if ((uint64_t)(k + 1) * invocations > dwords)
					off = emit(IO::Op::umin, r32(), {off, Operand::c32((dwords - 1) * 4)});
				emit_void(IO::Op::store_shared, {off, Operand::c32(0)}, v.shared_offset, 4);
			}
			continue;
		}
		// A loop: for (off = index * 4; off < size; off += invocations * 4) store 0.
		const uint32_t pre = cur_, header = new_block(), store = new_block(), cont = new_block(), merge = new_block();
		branch(header);
		cur_ = header;
		Block &h = p_.blocks[header];
		h.merge = Block::Merge::loop;
		h.merge_block = merge;
		h.continue_block = cont;
		Operand off = p_.new_def(r32()), next = p_.new_def(r32());
		Instr phi = make_instr(IO::Op::phi, {byte_index, Operand::block(pre), next, Operand::block(cont)}, 0, 0);
		phi.defs.push_back(off);
		p_.blocks[header].instrs.push_back(std::move(phi));
		Operand more = emit(IO::Op::ult, rbool(), {off, Operand::c32(dwords * 4)});
		emit_void(IO::Op::cbr, {more, Operand::block(store), Operand::block(merge)});
		cur_ = store;
		emit_void(IO::Op::store_shared, {off, Operand::c32(0)}, v.shared_offset, 4);
		branch(cont);
		cur_ = cont;
		Instr add = make_instr(IO::Op::iadd, {off, Operand::c32(invocations * 4)}, 0, 0);
		add.defs.push_back(next);
		p_.blocks[cont].instrs.push_back(std::move(add));
		branch(header);
		cur_ = merge;
	}
	emit_void(IO::Op::memory_barrier, {}, MICA_SCOPE_WORKGROUP);
	emit_void(IO::Op::barrier, {});
	branch(body);
	cur_ = saved_cur;
}

std::vector<Operand> Translator::unary(IO::Op op, uint32_t rt, uint32_t a)
{
	std::vector<Operand> r;
	for (const Operand &x : val(a))
		r.push_back(scalar_rc_op(op, rt, {x}));
	return r;
}

std::vector<Operand> Translator::binary(IO::Op op, uint32_t rt, uint32_t a, uint32_t b, bool swap)
{
	std::vector<Operand> r;
	const auto &va = val(a);
	const auto &vb = val(b);
	if (va.size() != vb.size())
		fail("operand shape mismatch");
	const bool division = op == IO::Op::udiv || op == IO::Op::sdiv || op == IO::Op::umod || op == IO::Op::srem ||
	                      op == IO::Op::smod;
	const bool shift = op == IO::Op::shl || op == IO::Op::ushr || op == IO::Op::sshr;
	for (size_t i = 0; i < va.size(); i++) {
		if (division && va[i].size == 2) {
			r.push_back(div64(op, va[i], vb[i]));   // the ISA divides 32-bit values only
			continue;
		}
		Operand bi = vb[i];
		if (shift && bi.size != va[i].size)   // SPIR-V lets Shift's width differ from Base's
			bi = bi.size == 2 ? emit(IO::Op::trunc, r32(), {bi}) : emit(IO::Op::zext, r64(), {bi});
		r.push_back(scalar_rc_op(op, rt, swap ? std::vector<Operand>{bi, va[i]} : std::vector<Operand>{va[i], bi}));
	}
	return r;
}

} // namespace mica::compiler::spirv_detail

namespace mica::compiler {

bool spirv_to_ir(std::span<const uint32_t> words, const std::string &entry_point, ir::Program &out,
                 std::string &error, RobustAccess robust, const spirv_detail::KernelOptions *kernel,
                 uint32_t subgroup_size)
{
	spirv_detail::Translator t(words, out, robust, kernel, subgroup_size);
	try {
		t.run(entry_point);
	} catch (const spirv_detail::Fail &f) {
		// Diagnosable: the instruction the translation stopped at (ids of the canonicalised module,
		// which keeps the ids of the instructions it does not remove).
		error = f.msg + t.where();
		return false;
	} catch (const std::out_of_range &) {
		error = "SPIR-V refers to an undefined id";
		return false;
	}
	return true;
}

} // namespace mica::compiler
