// The SPIR-V -> IR translator's internal declarations, shared by its files:
//   spirv_to_ir.cpp       module level: capabilities, types and layouts, variables, entry point
//   spirv_memory.cpp      binding model: descriptors, built-ins, pointers, loads/stores/atomics
//   spirv_instructions.cpp  function bodies: control flow, arithmetic, composites, conversions
//   spirv_extended.cpp    GLSL.std.450 and subgroup (GroupNonUniform) instructions
//   spirv_integer_dot.cpp SPV_KHR_integer_dot_product
//   spirv_narrow.cpp      8/16-bit integers, OpBitcast
//   spirv_opencl_std*.cpp the OpenCL.std extended instructions
#pragma once

#include <spirv/unified1/GLSL.std.450.h>
#define SPV_ENABLE_UTILITY_CODE   // spv::HasResultAndType
#include <spirv/unified1/spirv.hpp11>

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "kernel_module.h"
#include "spirv_names.h"
#include "mica/compiler/compiler.h"
#include "spirv_to_ir.h"

namespace mica::compiler::spirv_detail {

using ir::Bank;
using ir::Block;
using ir::Instr;
using ir::Level;
using ir::Operand;
using ir::Program;
using ir::RegClass;
using spv::Op;
namespace IO = ir;
struct Fail {
	std::string msg;
};

struct Type {
	enum class K { Void, Bool, Int, Float, Vector, Array, RtArray, Struct, Pointer, Function, Image, Sampler, SampledImage, Other } k = K::Other;
	uint32_t width = 32, elem = 0, count = 0, storage = 0, array_stride = 0;
	bool is_signed = false;
	std::vector<uint32_t> members, member_offsets;
	// Matrices are arrays of column vectors (count = columns). In a buffer block a matrix
	// member gets its own copy of the type with the member's MatrixStride as array_stride
	// (and row_major when decorated RowMajor); 'layout_copy' marks such copies.
	bool matrix = false, row_major = false, layout_copy = false;
	bool packed = false;   // Kernel model: a CPacked struct (alignment 1)
	// OpTypeImage (spirv_image.cpp): Dim, Depth, Arrayed, MS, Sampled, Image Format; 'elem' is the
	// sampled type. OpTypeSampledImage: 'elem' is the image type.
	uint32_t dim = 0, depth = 0, arrayed = 0, ms = 0, sampled = 0, image_format = 0;
};

struct Var {
	uint32_t sc = 0, type = 0;     // storage class, pointee type
	uint32_t set = 0, binding = 0;
	bool desc_array = false;       // a buffer binding declared as an array of blocks (spirv_descriptors.cpp)
	int builtin = -1;
	uint32_t shared_offset = 0;
	uint32_t local_offset = 0;     // Function: byte offset in the lane's scratch area
	uint32_t ptr_type = 0;         // the OpVariable's (pointer) result type
};

// A pointer: either symbolic (a module-scope variable + byte offset) or physical
// (PhysicalStorageBuffer: a 64-bit address value + byte offset, 'phys').
struct Ptr {
	uint32_t var = 0, type = 0;    // root variable (symbolic only), pointee type
	uint32_t const_off = 0;        // byte offset, constant part
	Operand dyn;                   // dynamic part (Kind::none if zero; 64-bit for physical pointers)
	bool phys = false;
	bool generic = false;          // Kernel model: a generic pointer (may hold a __local address)
	Operand addr;                  // physical: the 64-bit base address
	Operand wrapped;               // robust access: boolean, the 32-bit dynamic offset overflowed
	// An arrayed buffer binding: the access chain's first index selected this element.
	bool desc_indexed = false;
	Operand desc_elem;
	// Robust access, a storage/uniform buffer pointer value (spirv_varptr.cpp): 'addr' is the
	// buffer's descriptor base, const_off + dyn its 32-bit offset (wrapping), 'range' its 32-bit
	// size; accesses are checked as those through a descriptor are. Also 'phys'.
	bool bounded = false;
	Operand range;
};

// Where a descriptor sits (spirv_descriptors.cpp).
struct DescRef {
	Operand set;        // the set's address
	Operand off;        // byte offset of the descriptor in the set (constant or per lane)
	Operand in_range;   // robust access to an array element: the index is below the count
	bool prologue;      // every operand is available in the prologue
};

// What compile_spirv passes for a Kernel-model entry point (Options fields and the reflection).
// Kernel model: a __local pointer cast to generic is its shared offset in this aperture (the
// top 16 address bits set: no device address of the 48-bit space has them).
constexpr uint64_t kLocalAperture = 0xffff000000000000ull;
// Variable pointers: the value of a null Workgroup pointer (spirv_varptr.cpp).
constexpr uint32_t kNullSharedPointer = 0xfffffff0u;

struct KernelOptions {
	std::array<uint32_t, 3> local_size{};
	std::map<uint32_t, uint32_t> local_arg_bytes;
	KernelModuleInfo info;
};

struct Leaf {
	uint32_t offset;
	uint32_t bytes;                // 1, 2 (8/16-bit integers), 4 or 8
	bool is_bool;
};

class Translator {
	friend struct OpenClStd;   // spirv_opencl_std*.cpp
public:
	Translator(std::span<const uint32_t> w, Program &p, RobustAccess robust, const KernelOptions *kernel = nullptr,
	           uint32_t subgroup_size = MICA_WAVE_SIZE)
		: kopts_(kernel), kernel_(kernel != nullptr), words_(w), p_(p), robust_(robust), sg_size_(subgroup_size) {}
	void run(const std::string &entry_name);

private:
	// ---- Kernel execution model (OpenCL; spirv_kernel*.cpp) ----
	const KernelOptions *kopts_ = nullptr;
	bool kernel_ = false;                 // the module's memory model is Physical64 OpenCL
	// The module declares VariablePointers(StorageBuffer): pointers to storage buffers can be
	// values, held as 64-bit device addresses, and Workgroup pointers as 32-bit shared offsets
	// (spirv_varptr.cpp, docs/compiler.md "Variable pointers").
	bool varptr_ = false;
	std::span<const uint32_t> words_;
	Program &p_;
	RobustAccess robust_ = RobustAccess::off;   // Options::robust_buffer_access(2)
	bool robust() const { return robust_ != RobustAccess::off; }
	// Options::robust_buffer_access2: each leaf of an access is checked on its own.
	bool robust_per_component() const { return robust_ == RobustAccess::per_component; }
	// Options::subgroup_size: N lanes per subgroup, 32 / N subgroups per wave (spirv_subgroup.cpp).
	uint32_t sg_size_ = MICA_WAVE_SIZE;
	std::unordered_map<uint32_t, Type> types_;
	std::unordered_map<uint32_t, std::vector<Operand>> vals_;
	std::unordered_map<uint32_t, uint32_t> val_type_;
	std::unordered_map<uint32_t, Var> vars_;
	std::unordered_map<uint32_t, Ptr> ptrs_;
	std::unordered_map<uint32_t, std::unordered_map<uint32_t, std::vector<uint32_t>>> decos_;   // id -> deco -> args
	std::unordered_map<uint64_t, std::unordered_map<uint32_t, uint32_t>> member_decos_;        // (id<<32|member) -> deco -> arg0
	std::unordered_map<uint32_t, uint32_t> labels_;   // label id -> block
	// Descriptor values (spirv_descriptors.cpp) by (block or ~0 for the prologue, kind, set, binding,
	// element), and the SGPRs the prologue's ones take.
	std::map<std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>, uint32_t> desc_cache_;
	uint32_t desc_prologue_sgprs_ = 0;
	std::optional<uint32_t> push_base_;
	uint32_t glsl_ext_ = 0;
	uint32_t cur_ = 0;
	std::vector<Instr> prologue_;
	struct PendingPhi {
		uint32_t block;
		size_t instr_index;
		std::vector<std::pair<uint32_t, uint32_t>> incoming;   // value id, label id
		size_t leaf;
	};
	std::vector<PendingPhi> phis_;
	std::vector<std::pair<uint32_t, uint32_t>> shared_inits_;   // Workgroup variable, initialiser
	void initialise_shared();
	static constexpr uint32_t kZeroUnrolledRounds = 8;   // more stores per invocation: a loop
	std::unordered_set<uint32_t> null_constants_;        // OpConstantNull ids
	bool too_large_for_value(uint32_t type_id);

	[[noreturn]] void fail(const std::string &m) { throw Fail{m}; }
public:
	std::string where() const;   // the instruction being translated, for error messages
private:
	std::unordered_map<uint32_t, std::string> names_;   // OpName

	// ---- module level ----
	struct Inst {
		uint16_t op;
		std::span<const uint32_t> w;   // w[0] is the header word
	};
	std::vector<Inst> insts_;
	// OpSpecConstantOp that SPIRV-Tools left unfolded (64-bit shifts, ...; the spec constants are
	// frozen by then, so every operand is a constant) and the composites built from them: kept as
	// the ordinary instruction they name, translated at the top of the entry block, where
	// constant folding evaluates what it can.
	std::vector<std::vector<uint32_t>> deferred_constants_;
	std::unordered_set<uint32_t> deferred_constant_ids_;
	std::vector<Inst> deferred_insts_;
	void defer_constant(uint16_t opcode, uint32_t result_type, uint32_t result, std::span<const uint32_t> operands);
	void translate_deferred_constants();
	const Inst *at_ = nullptr;   // being translated (where())
	void split();
	std::string str(std::span<const uint32_t> w, size_t first);
	void check_capability(uint32_t cap);
	const Type &type(uint32_t id)
	{
		auto it = types_.find(id);
		if (it == types_.end())
			fail("reference to unknown type %" + std::to_string(id));
		return it->second;
	}
	bool has_deco(uint32_t id, spv::Decoration d) { return decos_.count(id) && decos_[id].count((uint32_t)d); }
	uint32_t deco_arg(uint32_t id, spv::Decoration d) { return decos_[id][(uint32_t)d].empty() ? 0 : decos_[id][(uint32_t)d][0]; }
	RegClass rc_of(uint32_t type_id);
	void leaves(uint32_t type_id, bool explicit_layout, uint32_t base, std::vector<Leaf> &out);
	uint32_t size_of(uint32_t type_id, bool explicit_layout);
	uint32_t align_of(uint32_t type_id);
	uint32_t leaf_count(uint32_t type_id);
	uint32_t next_layout_type_ = 0xf0000000u;
	uint32_t matrix_layout_type(uint32_t type_id, uint32_t stride, bool row_major);
	uint32_t strided_vector_type(uint32_t vector_type, uint32_t stride);
	void matrix_op(const Inst &in);
	Operand div64(IO::Op op, Operand a, Operand b);
	std::pair<Operand, Operand> udivrem64(Operand n, Operand d);
	Operand fdiv_f64(Operand a, Operand b);   // correctly rounded (lower_f64_div.cpp)

	// ---- values ----
	const std::vector<Operand> &val(uint32_t id)
	{
		auto it = vals_.find(id);
		if (it == vals_.end()) {
			// A storage buffer variable used as a value (a select/phi operand, stored, compared).
			if (varptr_ && vars_.count(id) && materialise_buffer_variable(id))
				return vals_.at(id);
			fail("use of %" + std::to_string(id) + " which is not a supported value");
		}
		return it->second;
	}
	// The SPIR-V type of a value (val() has already checked it exists).
	uint32_t value_type(uint32_t id)
	{
		val(id);
		return val_type_.at(id);
	}
	uint32_t const_u32(uint32_t id)
	{
		const auto &v = val(id);
		if (v.size() != 1 || !v[0].is_const())
			fail("expected a constant for %" + std::to_string(id));
		return (uint32_t)v[0].value;
	}
	static Instr make_instr(IO::Op op, std::vector<Operand> ops, int64_t imm, uint32_t aux)
	{
		Instr ins;
		ins.op = op;
		ins.ops = std::move(ops);
		ins.imm = imm;
		ins.aux = aux;
		return ins;
	}
	// Appends an instruction defining a new temporary of class 'rc' to 'to' (the current block or
	// the prologue).
	Operand emit_to(std::vector<Instr> &to, IO::Op op, RegClass rc, std::vector<Operand> ops, int64_t imm, uint32_t aux)
	{
		Instr ins = make_instr(op, std::move(ops), imm, aux);
		Operand d = p_.new_def(rc);
		ins.defs.push_back(d);
		to.push_back(std::move(ins));
		return d;
	}
	Operand emit(IO::Op op, RegClass rc, std::vector<Operand> ops, int64_t imm = 0, uint32_t aux = 0)
	{
		return emit_to(p_.blocks[cur_].instrs, op, rc, std::move(ops), imm, aux);
	}
	void emit_void(IO::Op op, std::vector<Operand> ops, int64_t imm = 0, uint32_t aux = 0)
	{
		p_.blocks[cur_].instrs.push_back(make_instr(op, std::move(ops), imm, aux));
	}
	Operand emit_prologue(IO::Op op, RegClass rc, std::vector<Operand> ops, int64_t imm = 0, uint32_t aux = 0)
	{
		return emit_to(prologue_, op, rc, std::move(ops), imm, aux);
	}
	static RegClass r32() { return RegClass{Bank::undecided, 1, false}; }
	static RegClass r64() { return RegClass{Bank::undecided, 2, false}; }
	static RegClass rbool() { return RegClass{Bank::undecided, 1, true}; }
	Operand iadd(Operand a, Operand b)
	{
		if (a.is_const() && a.value == 0)
			return b;
		if (b.is_const() && b.value == 0)
			return a;
		return emit(IO::Op::iadd, r32(), {a, b});
	}
	Operand imul(Operand a, Operand b)
	{
		if (a.is_const() && b.is_const())
			return Operand::c32((uint32_t)(a.value * b.value));
		if (b.is_const() && b.value == 1)
			return a;
		return emit(IO::Op::imul, r32(), {a, b});
	}

	// ---- builtins, memory ----
	uint32_t wg_[3] = {1, 1, 1};
	bool wg_from_builtin_ = false;
	std::vector<Operand> load_builtin(const Var &v, uint32_t type_id);
	// Descriptor addressing (spirv_descriptors.cpp): the buffer a pointer into a descriptor-backed
	// variable goes through, its base address and size in bytes.
	DescRef desc_ref(const Ptr &p);
	std::pair<Operand, bool> desc_value(uint32_t kind, uint32_t set, uint32_t binding, uint32_t element, bool movable,
	                                    IO::Op op, RegClass rc, std::vector<Operand> ops, int64_t imm, uint32_t aux);
	std::pair<Operand, bool> desc_set(uint32_t set);
	std::pair<Operand, bool> desc_binding_word(uint32_t set, uint32_t binding, bool count);
	Operand desc_base(const Ptr &p);
	Operand desc_size(const Ptr &p);
	bool desc_select_element(Ptr &p, const Operand &idx);
	void check_descriptor_variable(Var &v);
	Operand push_base();
	Operand workgroup_id(unsigned d);
	Operand local_invocation_index();
	std::vector<Operand> load(const Ptr &ptr, uint32_t type_id);
	void store(const Ptr &ptr, uint32_t type_id, const std::vector<Operand> &v);
	Ptr pointer(uint32_t id);
	// PhysicalStorageBuffer pointers, and in Kernel-model programs the pointers that are 64-bit
	// device addresses (__global, __constant, generic).
	bool is_phys_ptr_type(uint32_t type_id)
	{
		auto it = types_.find(type_id);
		if (it == types_.end() || it->second.k != Type::K::Pointer)
			return false;
		using SC = spv::StorageClass;
		const auto sc = (SC)it->second.storage;
		return sc == SC::PhysicalStorageBuffer ||
		       (kernel_ && (sc == SC::CrossWorkgroup || sc == SC::UniformConstant || sc == SC::Generic)) ||
		       (varptr_ && (sc == SC::StorageBuffer || sc == SC::Uniform));   // spirv_varptr.cpp
	}
	// Variable pointers with robust access: a storage/uniform buffer pointer value is bounded,
	// three values (base address, 32-bit offset, 32-bit range; spirv_varptr.cpp).
	bool is_bounded_ptr_type(uint32_t type_id)
	{
		if (!varptr_ || !robust())
			return false;
		auto it = types_.find(type_id);
		using SC = spv::StorageClass;
		return it != types_.end() && it->second.k == Type::K::Pointer &&
		       (it->second.storage == (uint32_t)SC::StorageBuffer || it->second.storage == (uint32_t)SC::Uniform);
	}
	// Kernel model, and Vulkan modules with variable pointers: a Workgroup pointer value (a
	// 32-bit shared-memory offset).
	bool is_local_ptr_type(uint32_t type_id)
	{
		auto it = types_.find(type_id);
		return (kernel_ || varptr_) && it != types_.end() && it->second.k == Type::K::Pointer &&
		       it->second.storage == (uint32_t)spv::StorageClass::Workgroup;
	}
	bool explicit_layout(const Ptr &p)
	{
		// Kernel model: every type has the OpenCL C layout (member offsets and strides set at
		// declaration), wherever it lives.
		return kernel_ || p.phys || (vars_[p.var].sc != (uint32_t)spv::StorageClass::Workgroup &&
		                  vars_[p.var].sc != (uint32_t)spv::StorageClass::Function);
	}
	// Function-scope variables SPIRV-Tools could not promote (run-time indexed arrays, ...) live in
	// the lane's part of the wave's scratch region (spirv_to_ir.cpp, docs/compiler.md).
	uint32_t local_bytes_ = 0;
	uint32_t local_align_ = 0;              // Kernel model: strictest private variable alignment
	Operand local_base_, local_lane_off_;   // scratch base (uniform), lane * local stride
	void function_variable(const Inst &in);
	Var private_variable(uint32_t type_id);   // a fresh Function-storage variable (scratch)
	Operand local_address_offset(const Ptr &p);   // the lane's offset plus the pointer's dynamic part
	void finish_locals();
	Operand phys_address(const Ptr &p, bool with_const_off);
	Operand in_bounds(const Ptr &p, uint32_t end);
	std::vector<Operand> leaf_bounds(const Ptr &p, const std::vector<Leaf> &ls);
	Operand desc_table();
	static uint32_t access_end(const std::vector<Leaf> &ls)
	{
		uint32_t end = 0;
		for (const Leaf &l : ls)
			end = std::max(end, l.offset + l.bytes);
		return end;
	}
	bool robust_checked(const Ptr &p);
	std::vector<Operand> robust_load(const Ptr &p, const std::vector<Leaf> &ls, IO::Op op);
	void access_chain(const Inst &in, bool ptr_chain);
	// ---- variable pointers (spirv_varptr.cpp) ----
	bool translate_variable_pointer(const Inst &in);   // OpPtrEqual / OpPtrNotEqual / OpPtrDiff, OpSelect
	bool select_within_buffer(const Inst &in);
	Operand buffer_variable_address(uint32_t var);     // a storage buffer variable as a value
	Operand buffer_variable_range(uint32_t var, const Operand &set);   // ... its range (spirv_descriptors.cpp)
	std::pair<Operand, Operand> descriptor_at(const Operand &addr);    // base and size of the descriptor at addr
	std::vector<Operand> variable_pointer_value(const Ptr &p);   // a symbolic buffer/shared pointer as a value
	std::vector<Operand> bounded_value(const Ptr &p);  // a bounded pointer as its three values
	Ptr bounded_pointer(const std::vector<Operand> &v, uint32_t pointee);
	Ptr fold_bounded_offset(const Ptr &p);             // const_off added to dyn (a 32-bit offset)
	Ptr shared_pointer(uint32_t id, bool &found);      // a Workgroup pointer value as a Ptr
	uint32_t ptr_chain_stride(uint32_t ptr_type, const Ptr &p);
	bool descriptor_element_address(Ptr &p, uint32_t ptr_type, const Operand &idx);
	void enable_variable_pointers();
	bool materialise_buffer_variable(uint32_t var);
	std::unordered_map<uint32_t, Operand> buffer_var_addr_;   // storage buffer variable -> address
	// Robust access: its range (a block's size; for an array of blocks, its element count).
	std::unordered_map<uint32_t, Operand> buffer_var_range_;
	Operand bounded_offset(const Ptr &p);
	Operand atomic(const Inst &in, uint32_t kind, Operand data, std::optional<Operand> cmp);

	// ---- images, samplers, texel buffers (spirv_image.cpp) ----
	struct TexelPtr {
		uint32_t image;                 // the pointer to the image variable (or array element)
		std::vector<Operand> coords;    // integer x, y, z|layer
	};
	std::unordered_map<uint32_t, TexelPtr> texel_ptrs_;   // OpImageTexelPointer results
	void image_type(const Inst &in);
	bool is_image_like(uint32_t type_id);          // image, sampler, sampled image, or an array of them
	void check_image_variable(Var &v);
	bool translate_image(const Inst &in);          // true when 'in' was an image instruction
	Operand image_descriptor(const Ptr &p, bool sampler);
	std::vector<Operand> image_result(Operand texel, uint32_t result_type);
	void image_atomic_op(const Inst &in, const TexelPtr &tp);
	// Kernel model (OpenCL images; spirv_kernel_image.cpp): descriptors from the argument block.
	struct ConstSampler {
		uint32_t addressing, normalized, filter;
	};
	static constexpr uint32_t kConstSamplerTag = 0x5a3d0000u;          // value of inline sampler i: tag | i
	std::vector<ConstSampler> const_samplers_;                          // OpConstantSampler, in order
	std::unordered_map<uint32_t, Operand> const_sampler_desc_;         // index -> its descriptor, once loaded
	std::unordered_map<uint32_t, uint32_t> image_arg_offset_;          // descriptor temp -> argument offset
	std::unordered_map<uint32_t, Operand> sampler_nearest_;            // sampler descriptor temp -> NEAREST twin
	std::unordered_map<uint32_t, Operand> image_level0_;               // image descriptor temp -> its level-0 view
	void kernel_constant_sampler(const Inst &in);
	Operand kernel_sampler(uint32_t id);
	void bind_image_argument(uint32_t id, uint32_t tid, const KernelArg &arg);
	Operand image_arg_word(Operand desc, uint32_t at);
	Operand image_level0_desc(Operand desc);
	std::vector<Operand> kernel_image_coords(const Type &it, std::vector<Operand> coords, bool sampled, uint32_t coord_type);
	bool translate_kernel_image(const Inst &in);

	// ---- functions ----
	void translate_function(size_t first, size_t last);
	void translate(const Inst &in);
	std::pair<uint32_t, uint32_t> composite_leaf(uint32_t type_id, std::span<const uint32_t> indices);
	void ext_inst(const Inst &in);
	void opencl_std(const Inst &in);   // spirv_opencl_std.cpp
	void group_op(const Inst &in);
	bool khr_subgroup_op(const Inst &in);
	uint32_t subgroup_scope_id_ = 0;   // a value id holding the constant Subgroup scope (khr_subgroup_op)
	// Subgroups of sg_size_ lanes inside the wave (spirv_subgroup.cpp)
	Operand sg_lane();
	Operand sg_base();
	Operand sg_lanes_mask() const;
	Operand sg_bits(Operand wave_mask);
	Operand sg_active();
	Operand sg_first_lane();
	Operand sg_abs_lane(Operand rel);
	Operand sg_all(Operand b);
	Operand sg_subgroup_id();
	void integer_dot(const Inst &in);
	void bit_op(const Inst &in);   // spirv_bits.cpp
	void relational_op(const Inst &in);   // spirv_relational.cpp
	std::pair<Operand, Operand> mul_extended64(Operand a, Operand b, bool is_signed);   // spirv_int64.cpp
	// 8/16-bit integers (spirv_narrow.cpp): zero-extended in 32-bit registers
	unsigned narrow_width(uint32_t type_id);   // 8 or 16 for a narrow integer (vector) type, else 0
	Operand narrow_sext(Operand x, unsigned width);
	Operand narrow_mask(Operand x, unsigned width);
	bool is_half(uint32_t type_id);            // 16-bit float (scalar or vector)
	std::vector<bool> half_leaves(uint32_t type_id);
	bool has_half(uint32_t type_id);
	std::vector<size_t> value_operands(const Inst &in);
	Operand f64_to_f32_round_odd(Operand x);
	std::vector<size_t> signed_operands(const Inst &in);
	bool translate_narrow(const Inst &in);
	bool narrow_active_ = false;
	// cl_khr_fp16 (spirv_half.cpp): directed rounding to half, conversions to half with a
	// rounding mode, correctly rounded fma on half, OpenCL.std instructions that move halves
	Operand half_directed(Operand r, Operand up, Operand down, int mode);
	Operand f32_to_half(Operand y, int mode);
	std::vector<Operand> convert_to_half(const Inst &in, int mode);
	bool translate_half_fma(const Inst &in);
	static bool opencl_std_moves_halves(uint32_t inst);
	void bitcast(const Inst &in);
	std::vector<Operand> unary(IO::Op op, uint32_t rt, uint32_t a);
	std::vector<Operand> binary(IO::Op op, uint32_t rt, uint32_t a, uint32_t b, bool swap = false);
	void set(uint32_t id, uint32_t type, std::vector<Operand> v)
	{
		vals_[id] = std::move(v);
		val_type_[id] = type;
	}
	Operand scalar_rc_op(IO::Op op, uint32_t rt, std::vector<Operand> ops, int64_t imm = 0, uint32_t aux = 0)
	{
		return emit(op, rc_of(rt), std::move(ops), imm, aux);
	}
	uint32_t scalar_type(uint32_t t)
	{
		const Type &ty = type(t);
		return ty.k == Type::K::Vector ? ty.elem : t;
	}
	Operand fconst(uint32_t type_id, double v)
	{
		if (type(scalar_type(type_id)).width == 64) {
			uint64_t b;
			memcpy(&b, &v, 8);
			return Operand::c64(b);
		}
		float f = (float)v;
		uint32_t b;
		memcpy(&b, &f, 4);
		return Operand::c32(b);
	}
	// An access chain index (SPIR-V treats indices as signed): 8/16-bit ones sign-extended.
	Operand signed_index(uint32_t id)
	{
		Operand x = val(id).at(0);
		const unsigned nw = narrow_width(value_type(id));
		return nw ? narrow_sext(x, nw) : x;
	}
	// An index or lane id of any integer width as 32 bits (wider ids select nothing more).
	Operand low_dword(Operand x)
	{
		if (x.size == 2 && x.is_const())
			return Operand::c32((uint32_t)x.value);
		return x.size == 2 ? emit(IO::Op::lo32, r32(), {x}) : x;
	}
	Operand to_bool_from_int(Operand x) { return emit(IO::Op::ine, rbool(), {x, Operand::c32(0)}); }
	Operand bool_to_int(Operand b) { return emit(IO::Op::b2i, r32(), {b}); }

	// ---- Kernel execution model, continued ----
	uint32_t opencl_ext_ = 0;             // OpExtInstImport "OpenCL.std" (either model; spirv_opencl_std*.cpp)
	const KernelInfo *kinfo_ = nullptr;   // the entry point's reflection (argument offsets)
	uint32_t shared_root_ = 0;            // synthetic Workgroup variable at shared offset 0
	std::optional<uint32_t> kargs_base_, kdispatch_base_;   // s[0:1], s[2:3] (prologue)
	std::optional<uint32_t> const_data_base_;               // Program::const_data's address (prologue)
	std::unordered_set<uint32_t> byval_ids_;                // parameters decorated FuncParamAttr ByVal
	std::unordered_map<uint32_t, std::pair<size_t, size_t>> functions_;   // function id -> [first, last]
	std::vector<uint32_t> inline_stack_;
	std::unordered_map<uint32_t, uint32_t> phi_pred_;   // label -> block a phi names it by (calls split blocks)
	uint32_t cur_label_ = 0;
	struct Return {
		uint32_t block;
		std::vector<Operand> value;
	};
	std::vector<Return> *returns_ = nullptr;   // the inlined callee's returns
	std::unordered_map<uint32_t, uint32_t> const_inits_;   // UniformConstant variable -> initialiser
	// Program-scope __constant data: placed in the program's const data (loaded once with the
	// code) on first use; a pointer to it is a physical one (global loads).
	std::unordered_map<uint32_t, Operand> const_data_addr_;   // variable -> its address
	Ptr const_data_pointer(uint32_t var);
	uint32_t u8_type_ = 0, u32_type_ = 0;        // synthetic integer types for byte copies
	bool is_kernel_ptr_type(uint32_t type_id, uint32_t *sc = nullptr);
	bool is_kernel_value_ptr(uint32_t type_id);   // a pointer held as a value (global: 64-bit, local: 32-bit)
	std::pair<uint32_t, uint32_t> cl_size_align(uint32_t type_id);
	Operand kernel_args_base();
	Operand kernel_dispatch_base();
	Operand dispatch_u32(uint32_t offset);
	Operand dispatch_u64(uint32_t offset);
	std::vector<Operand> load_kernel_builtin(const Var &v, uint32_t type_id, bool &handled);
	// Values loaded from a size built-in (global/local/enqueued size, number of groups): a
	// component past the end reads 1, not 0 (OpVectorExtractDynamic).
	std::unordered_set<uint32_t> size_builtin_vals_;
	static bool is_size_builtin(int builtin);
	std::vector<Operand> fit_builtin(std::vector<Operand> r, uint32_t type_id);
	void bind_kernel_arguments(size_t first);
	void kernel_range_guard();
	bool translate_kernel(const Inst &in);
	void inline_call(const Inst &in);
	void resolve_phis(size_t from);
	void copy_memory(const Ptr &dst, const Ptr &src, uint32_t bytes, uint32_t align);
	uint32_t ret_block_ = ~0u;             // where the inlined callee's returns go
	static constexpr uint32_t kNoBlock = ~0u;
	std::unique_ptr<kernel::ModuleScan> scan_;   // printf strings (kernel_module.h)
	std::vector<Operand> convert_with_decorations(const Inst &in);
	void printf_call(const Inst &in);
	void work_group_op(const Inst &in);   // spirv_kernel_groups.cpp
	void async_copy(const Inst &in);
	uint32_t wg_scratch_ = 0;             // its shared slots' offset + 1 (0: not placed)
	Operand shared_pointer_value(const Ptr &p);
	Operand private_address(const Ptr &p);   // the 64-bit address of a private (scratch) pointer
	// Generic pointers that may hold __local addresses (the module casts __local to generic):
	// a __local address is the shared offset in the aperture kLocalAperture (spirv_kernel_generic.cpp).
	bool generic_local_ = false;
	uint32_t generic_sink_ = 0;   // shared offset + 1 of a slot the other lanes' shared accesses use
	void scan_generic_local();
	Operand generic_is_local(Operand addr);
	// Whether a generic address is in this wave's private (scratch) area: to_private / to_global
	// and get_fence tell private from global memory by it (spirv_kernel_generic.cpp).
	Operand generic_is_private(Operand addr);
	Operand generic_address(uint32_t id);
	Operand private_end_;   // local_base_ + the wave's private bytes (defined by finish_locals)
	Operand generic_sink();
	std::vector<Operand> generic_load(const Ptr &p, uint32_t type_id);
	void generic_store(const Ptr &p, uint32_t type_id, const std::vector<Operand> &v);
	Operand generic_atomic(const Ptr &p, uint32_t kind, Operand data, std::optional<Operand> cmp, uint32_t width);
	Ptr kernel_pointer(uint32_t id, bool &found);

};

uint32_t memory_scope_to_fence(uint32_t scope);

} // namespace mica::compiler::spirv_detail
