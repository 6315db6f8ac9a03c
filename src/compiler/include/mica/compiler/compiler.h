// Public API of the Mica compiler: SPIR-V (or GLSL compute source) in, Mica shader binary out.
// The Vulkan driver and micac call this; everything else in src/compiler is internal.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "mica/compiler/binary_image.h"

namespace mica::compiler {

struct Options {
	uint32_t revision = 2;          // MICA_REV_R1 / MICA_REV_R2
	uint32_t power_profile = 0;     // MICA_PROFILE_PERF / MICA_PROFILE_LOWPOWER
	int opt_level = 2;              // 0: no IR optimisation passes, 1: cleanups, 2: + CSE, LICM, scheduling
	std::string entry_point = "main";
	// SpecId -> value: the low bits for 8/16/32-bit constants (booleans: 0 or 1), all 64 for
	// 64-bit ones (OpSpecConstant of a 64-bit type takes two words).
	std::map<uint32_t, uint64_t> spec_constants;
	// Debugging switches (micac --no-hazard-pass, tests): leave hazards or waits out.
	bool hazard_pass = true;
	bool waitcnt_pass = true;
	bool verify_ir = true;           // run the IR verifier between passes
	bool print_passes = false;       // dump the IR after every pass to 'pass_log'
	bool keep_final_ir = false;      // print the final machine IR to CompileResult::final_ir (tests)
	// Vulkan robustBufferAccess: storage/uniform buffer accesses through descriptors are checked
	// against the descriptor's size; out-of-bounds loads return 0, out-of-bounds stores and
	// atomics are not performed. Physical-pointer accesses are not checked.
	bool robust_buffer_access = false;
	// Vulkan robustBufferAccess2 (VK_EXT_robustness2; implies robust_buffer_access): each scalar
	// component of an access is checked on its own against the descriptor's exact size (byte
	// granularity), so a vector or struct straddling the end keeps its in-bounds components and
	// only the components past the end read 0 or are not stored.
	bool robust_buffer_access2 = false;
	// Subgroup size of a GLCompute entry point (VK_EXT_subgroup_size_control): 8, 16 or 32. Below
	// the 32-lane wave, each wave holds 32 / N subgroups of N consecutive lanes and every subgroup
	// operation and built-in is confined to its subgroup (docs/compiler.md "Subgroup sizes").
	// Kernel-model entries (OpenCL) take 32 only. Anything else is a CompileError.
	uint32_t subgroup_size = 32;
	// Kernel execution model (OpenCL; docs/opencl.md "Contract"). The work-group size to compile
	// for, x y z: it must equal the kernel's reqd_work_group_size when it has one; all zero takes
	// reqd_work_group_size, and a kernel without one needs it. Ignored for GLCompute entries.
	std::array<uint32_t, 3> local_size = {0, 0, 0};
	// Byte size of each __local pointer argument, by argument index (0-based). A __local
	// argument missing here is a CompileError (clSetKernelArg sets every one before enqueue).
	std::map<uint32_t, uint32_t> local_arg_bytes;
};

// Per hazard rule (index = MICA_HAZARD_* id) how many NOP cycles were inserted for it.
struct Stats {
	uint32_t instructions = 0;
	uint32_t code_bytes = 0;
	uint32_t vgprs = 0;
	uint32_t sgprs = 0;
	uint32_t spills = 0;             // values spilled: SGPRs to VGPR lanes and VGPRs to scratch memory
	uint32_t shared_bytes = 0;
	uint32_t waves_per_cu = 0;       // occupancy estimate: resident waves per CU (mica.toml [device] limits)
	uint64_t estimated_cycles = 0;   // static estimate of one wave's issue cycles (loops counted once)
	uint32_t nops_inserted = 0;
	uint32_t waits_inserted = 0;
	std::vector<uint32_t> nop_cycles_per_hazard;   // indexed by hazard id
	std::vector<uint32_t> nops_per_hazard;         // s_nop instructions attributed to each rule
	uint32_t scratch_bytes = 0;      // VGPR spill memory per lane (binary entry scratch_bytes)
	std::string occupancy_limited_by;   // what bounds waves_per_cu: wave slots, VGPRs, SGPRs, shared memory
};

struct CompileResult {
	BinaryImage binary;
	Stats stats;
	std::string pass_log;            // filled when Options::print_passes
	// Machine IR after register allocation, when Options::keep_final_ir or print_passes (tests; the
	// drivers never read it, and printing it was ~1% of a small shader's compile).
	std::string final_ir;
};

// A compile error: what failed and why, e.g. "unsupported SPIR-V capability Float16".
struct CompileError {
	CompileError(std::string m = {}, std::string log = {}) : message(std::move(m)), pass_log(std::move(log)) {}
	std::string message;
	std::string pass_log;            // IR dumps up to the failure when Options::print_passes
};

std::variant<CompileResult, CompileError> compile_spirv(std::span<const uint32_t> words,
                                                        const Options &options);

// GLSL compute shader through glslang (Vulkan 1.2 / SPIR-V 1.5 semantics).
std::variant<std::vector<uint32_t>, CompileError> glsl_to_spirv(const std::string &source,
                                                              const std::string &filename);

// The same for another target environment, as glslangValidator's --target-env names it:
// "vulkan1.0" (SPIR-V 1.0: storage buffers are Uniform + BufferBlock), "vulkan1.1" (1.3),
// "vulkan1.2" (1.5), "vulkan1.3" (1.6), or "spirv1.0" .. "spirv1.6" (that SPIR-V version, with the
// oldest Vulkan client that accepts it). An unknown name is a CompileError.
std::variant<std::vector<uint32_t>, CompileError> glsl_to_spirv(const std::string &source,
                                                              const std::string &filename,
                                                              const std::string &target_env);

std::string format_stats(const Stats &stats, bool json);

// ---- Kernel execution model reflection (OpenCL clGetKernelInfo / clGetKernelArgInfo) ----

enum class KernelArgKind : uint8_t {
	global_pointer,     // __global T *: 8-byte device address in the argument block (NULL = 0)
	constant_pointer,   // __constant T *: the same
	local_pointer,      // __local T *: no bytes in the block; its size is Options::local_arg_bytes
	by_value,           // scalars, vectors, structs (ByVal): their bytes at 'offset'
	sampler,            // sampler_t: its descriptors inline (mica/compiler/kernel_image_abi.h)
	image,              // image*_t: its 32-byte descriptor and 16 bytes of format data inline
};

enum class KernelArgAddress : uint8_t { global, constant, local, private_ };
enum class KernelArgAccess : uint8_t { none, read_only, write_only, read_write };

struct KernelArg {
	KernelArgKind kind = KernelArgKind::by_value;
	uint32_t offset = 0;       // byte offset in the argument block
	uint32_t size = 0;         // bytes the frontend writes there (0 for __local pointers)
	uint32_t alignment = 1;    // of 'offset' (OpenCL C alignment of the type; 8 for pointers)
	std::string type_name;     // OpenCL C spelling ("float*", "uint4", "struct S"): from the
	                           // module's kernel_arg_type string if present, else from the SPIR-V type
	std::string name;          // the parameter's OpName; empty when the module has none
	KernelArgAddress address = KernelArgAddress::private_;
	KernelArgAccess access = KernelArgAccess::none;   // images only
	// Type qualifiers (CL_KERNEL_ARG_TYPE_*): from the kernel_arg_type_qual string if present,
	// else from decorations (NoAlias -> restrict, Volatile -> volatile; __constant pointers are const)
	bool is_const = false, is_restrict = false, is_volatile = false, is_pipe = false;
	// Whether type_name / qualifiers came from the module's -cl-kernel-arg-info strings.
	bool has_arg_info = false;
};

struct KernelInfo {
	std::string name;
	std::vector<KernelArg> args;
	uint32_t arg_block_bytes = 0;                    // bytes of the argument block (multiple of 8)
	std::array<uint32_t, 3> reqd_work_group_size{};  // all zero: none
	std::array<uint32_t, 3> work_group_size_hint{};  // all zero: none
	std::string vec_type_hint;                       // OpenCL C type name ("float4"); empty: none
	std::string attributes;                          // CL_KERNEL_ATTRIBUTES, e.g. "reqd_work_group_size(64,1,1)"
};

struct KernelModuleInfo {
	std::vector<KernelInfo> kernels;                 // in OpEntryPoint order
	// printf strings, indexed by the ids in printf records: every format string of an OpenCL.std
	// printf in the module and every constant string passed to its %s, each once, in module order.
	std::vector<std::string> printf_strings;
};

// Reflects every OpEntryPoint Kernel of a module without compiling it. A module that is not
// SPIR-V, or whose kernels use an argument type this cannot place, is a CompileError.
std::variant<KernelModuleInfo, CompileError> reflect_kernels(std::span<const uint32_t> words);

// The reflection as text, one line per kernel, argument and printf string (micac --reflect).
std::string format_kernel_info(const KernelModuleInfo &info);

// What the compiler accepts in a Vulkan compute shader: the single source the Vulkan driver
// derives its shader feature bits from (docs/compiler.md, "Coverage"). A shader using something
// that is false here is refused with a message naming the capability or feature.
struct ShaderFeatures {
	bool int64 = false;
	bool float64 = false;
	bool int16 = false;
	bool int8 = false;
	bool float16 = false;
	bool storage_buffer_16bit = false;            // 16-bit int/float loads/stores: storage/uniform buffers, push constants
	bool storage_buffer_8bit = false;             // the same for 8-bit integers
	bool shader_buffer_int64_atomics = false;     // 64-bit atomics on storage buffers
	bool shader_shared_int64_atomics = false;     // ... and on Workgroup memory
	bool buffer_device_address = false;           // PhysicalStorageBufferAddresses
	// VariablePointersStorageBuffer / VariablePointers: logical pointers to storage buffers (and
	// to Workgroup memory) as values -- selects, phis, OpPtrAccessChain, null, stored in locals.
	bool variable_pointers_storage_buffer = false;
	bool variable_pointers = false;
	bool integer_dot_product = false;             // DotProduct, DotProductInputAll, DotProductInput4x8Bit(Packed)
	bool zero_initialize_workgroup_memory = false;
	bool subgroup_extended_types = false;         // subgroup operations on 8/16/64-bit values
	bool subgroup_broadcast_dynamic_id = false;
	bool demote_to_helper_invocation = false;     // the capability (the instruction is fragment-only)
	bool terminate_invocation = false;            // SPV_KHR_terminate_invocation (fragment-only instruction)
	bool vulkan_memory_model = false;
	bool vulkan_memory_model_device_scope = false;
	bool robust_buffer_access = false;            // Options::robust_buffer_access is implemented
	bool robust_buffer_access2 = false;           // Options::robust_buffer_access2 is implemented
	bool scalar_block_layout = false;             // VK_EXT_scalar_block_layout offsets in every block
	bool uniform_buffer_standard_layout = false;  // std430 (and scalar) uniform blocks
	// Arrays of storage/uniform buffer descriptors indexed by a dynamically uniform index, by a
	// non-uniform one (ShaderNonUniform), and runtime-sized ones (RuntimeDescriptorArray).
	bool buffer_array_dynamic_indexing = false;
	bool buffer_array_non_uniform_indexing = false;
	bool runtime_descriptor_array = false;
	// Float controls (VkPhysicalDeviceFloatControlsProperties) for 16-, 32- and 64-bit floats:
	// SignedZeroInfNanPreserve (the device is IEEE; SPIRV-Tools does not fold x + 0.0 into x
	// in modules declaring it) and RoundingModeRTE (the only
	// rounding the device does).
	bool signed_zero_inf_nan_preserve = false;
	bool rounding_mode_rte = false;
	// VK_EXT_shader_atomic_float: atomic load/store/exchange on f32 and f64 and atomic f32 add, in
	// storage buffers, physical storage buffers and shared memory (not images).
	bool float32_atomics = false;
	bool float32_atomic_add = false;
	bool float64_atomics = false;
	// VK_EXT_shader_atomic_float2's min/max: f32 in buffers, shared memory and R32_SFLOAT images,
	// f64 in buffers and shared memory (global/ds/image_atomic_min/max_f32/f64).
	bool float32_atomic_min_max = false;
	bool float64_atomic_min_max = false;
	// VK_KHR_shader_clock's shaderSubgroupClock: OpReadClockKHR at Subgroup scope (the wave's cycle counter).
	bool shader_subgroup_clock = false;
	// ... and shaderDeviceClock: OpReadClockKHR at Device scope (s_timestamp_b64, the device clock).
	bool shader_device_clock = false;
	// VkSubgroupFeatureFlagBits values: basic 0x1, vote 0x2, arithmetic 0x4, ballot 0x8,
	// shuffle 0x10, shuffle_relative 0x20, clustered 0x40, quad 0x80.
	uint32_t subgroup_operations = 0;
};

const ShaderFeatures &shader_features();

// What the front end accepts, as the lists its checks use: a capability not in
// supported_capabilities() and a GLSL.std.450 instruction not in supported_glsl_std450() are
// refused with a message naming them. 'types' says on which types (f16 f32 f64, i8..i64).
struct SupportEntry {
	const char *name;     // as the SPIR-V grammar spells it
	uint32_t value;       // enumerant / instruction number
	const char *notes;    // capabilities: what it enables; GLSL.std.450: the types
};
std::span<const SupportEntry> supported_capabilities();
std::span<const SupportEntry> supported_glsl_std450();
// The capabilities accepted in Kernel-model (OpenCL) modules on top of supported_capabilities().
std::span<const SupportEntry> supported_kernel_capabilities();

// The two lists as the Markdown tables of docs/compiler.md ("micac --support-table" prints it).
std::string support_table_markdown();

} // namespace mica::compiler
