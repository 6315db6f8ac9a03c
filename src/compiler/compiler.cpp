// The compilation pipeline, in order:
//   prepare_spirv (SPIRV-Tools validate + canonicalise) -> spirv_to_ir -> constant_fold -> dce
//   -> fold_offsets -> cse -> licm -> flatten_selections -> constant_fold -> dce -> split_critical_edges
//   -> uniformity -> isel (with exec-mask control flow; uniform_loops decides which loops take
//   scalar branches instead) -> merge_shared_loads -> schedule -> forward_launch_registers -> register_allocate
//   -> rotate_uniform_loops -> fold_scc_compares -> lower_to_asm -> insert_waits
//   -> insert_hazard_nops -> encode_program -> BinaryImage.
#include <algorithm>

#include "compiler_internal.h"
#include "machine.h"
#include "passes.h"
#include "spirv_prepare.h"
#include "spirv_to_ir.h"
#include "spirv_translator.h"

namespace mica::compiler {

using namespace ir;

namespace {

bool check(const Program &p, const Options &o, const char *after, std::string &error)
{
	if (!o.verify_ir)
		return true;
	std::string v = verify(p);
	if (v.empty())
		return true;
	error = std::string("internal error: IR invalid after ") + after + ": " + v;
	return false;
}

} // namespace

bool run_mid_passes(Program &mid, const Options &opts, std::string &log, std::string &error)
{
	auto step = [&](const char *name, auto fn) {
		fn(mid);
		if (opts.print_passes)
			log += "; after " + std::string(name) + "\n" + print_program(mid);
		return check(mid, opts, name, error);
	};
	if (!check(mid, opts, "spirv_to_ir", error))
		return false;
	if (opts.print_passes)
		log += "; after spirv_to_ir\n" + print_program(mid);
	if (opts.opt_level >= 1) {
		if (!step("constant_fold", constant_fold) || !step("dce", dce))
			return false;
	}
	if (opts.opt_level >= 2) {
		// CSE again after flatten_selections: a short-circuit condition's block (`col < n && t +
		// ly < n`) did not dominate the arm that recomputes `t + ly` until it was flattened into
		// its predecessor (golden glsl_cse_after_flatten; SGEMM's tile load).
		if (!step("fold_offsets", fold_offsets) || !step("cse", cse) || !step("licm", licm) || !step("flatten_selections", flatten_selections) ||
		    !step("constant_fold", constant_fold) || !step("cse", cse) || !step("dce", dce))
			return false;
	}
	return step("split_critical_edges", split_critical_edges) && step("uniformity", uniformity);
}

bool compile_machine(Program &m, const Options &opts, CompileResult &result, std::string &error, AsmProgram *asm_out)
{
	m.revision = opts.revision;
	m.power_profile = opts.power_profile;
	bool allocated = !m.temp_reg.empty();
	for (size_t t = 1; allocated && t < m.temps.size(); t++)
		allocated = m.temp_reg[t] != 0xffff;
	if (m.temps.size() <= 1)
		allocated = true;
	m.compute_linear_cfg();
	if (!allocated) {
		if (!check(m, opts, "isel", error))
			return false;
		if (opts.opt_level >= 2) {
			merge_shared_loads(m);
			if (!check(m, opts, "merge_shared_loads", error))
				return false;
			schedule(m);
			if (!check(m, opts, "schedule", error))
				return false;
		}
		if (opts.opt_level >= 1) {
			forward_launch_registers(m);
			if (!check(m, opts, "forward_launch_registers", error))
				return false;
			merge_constant_loads(m);
			if (!check(m, opts, "merge_constant_loads", error))
				return false;
		}
		if (opts.print_passes)
			result.pass_log += "; after isel/schedule\n" + print_program(m);
		if (!register_allocate(m, error) || !check(m, opts, "register_allocate", error))
			return false;
		if (opts.opt_level >= 1) {
			rotate_uniform_loops(m);
			fold_scc_compares(m);
			fold_constant_guards(m);
			if (!check(m, opts, "rotate_uniform_loops", error))
				return false;
		}
	} else {
		if (m.vgprs_used == 0)
			m.vgprs_used = kReservedVgprs;
		if (m.sgprs_used == 0)
			m.sgprs_used = kReservedSgprs;
		// Registers named directly in assembly count too.
		for (const Block &b : m.blocks)
			for (const Instr &ins : b.instrs) {
				auto note = [&](const Operand &o) {
					if (o.kind != Operand::Kind::reg)
						return;
					if (is_vgpr_code(o.reg))
						m.vgprs_used = std::max<uint32_t>(m.vgprs_used, o.reg - MICA_OPND_VGPR_FIRST + o.size);
					if (is_sgpr_code(o.reg))
						m.sgprs_used = std::max<uint32_t>(m.sgprs_used, o.reg - MICA_OPND_SGPR_FIRST + o.size);
				};
				for (const Operand &o : ins.ops)
					note(o);
				for (const Operand &o : ins.defs)
					note(o);
			}
	}
	if (opts.keep_final_ir || opts.print_passes)
		result.final_ir = print_program(m);
	if (opts.print_passes)
		result.pass_log += "; after register_allocate\n" + result.final_ir;
	AsmProgram as;
	if (!lower_to_asm(m, as, error))
		return false;
	HazardPassStats hs;
	if (opts.opt_level >= 1)
		sink_workgroup_fences(as);
	if (opts.waitcnt_pass)
		insert_waits(as, hs);
	if (opts.hazard_pass)
		insert_hazard_nops(as, hs);
	if (opts.print_passes)
		result.pass_log += "; after waitcnt and hazard passes\n" + print_asm(as);
	std::vector<uint8_t> code;
	if (!encode_program(as, code, error))
		return false;
	BinaryImage &img = result.binary;
	img = BinaryImage{};
	img.target_revision = (uint16_t)opts.revision;
	img.power_profile = (uint16_t)opts.power_profile;
	img.code = std::move(code);
	img.const_data = m.const_data;
	BinaryEntry e;
	e.name = opts.entry_point;
	e.code_offset = 0;
	e.vgpr_count = (uint16_t)m.vgprs_used;
	e.sgpr_count = (uint16_t)m.sgprs_used;
	e.shared_bytes = m.shared_bytes;
	e.scratch_bytes = m.scratch_bytes;
	for (int d = 0; d < 3; d++)
		e.wg_size[d] = (uint16_t)m.wg_size[d];
	img.entries.push_back(e);
	Stats &s = result.stats;
	s = Stats{};
	for (const AsmBlock &b : as.blocks)
		s.instructions += (uint32_t)b.insts.size();
	s.code_bytes = (uint32_t)img.code.size();
	s.vgprs = m.vgprs_used;
	s.sgprs = m.sgprs_used;
	s.spills = m.spills;
	s.scratch_bytes = m.scratch_bytes;
	s.shared_bytes = m.shared_bytes;
	Occupancy occ = estimate_occupancy(m.vgprs_used, m.sgprs_used, m.shared_bytes, m.wg_size[0] * m.wg_size[1] * m.wg_size[2]);
	s.waves_per_cu = occ.waves;
	s.occupancy_limited_by = occ.limited_by;
	s.estimated_cycles = estimate_cycles(as);
	s.nops_per_hazard = hs.nops_per_hazard;
	s.nop_cycles_per_hazard = hs.cycles_per_hazard;
	for (uint32_t n : hs.nops_per_hazard)
		s.nops_inserted += n;
	s.waits_inserted = hs.waits;
	if (asm_out)
		*asm_out = std::move(as);
	return true;
}

std::variant<CompileResult, CompileError> compile_spirv(std::span<const uint32_t> words, const Options &opts)
{
	if (opts.revision != MICA_REV_R1 && opts.revision != MICA_REV_R2)
		return CompileError{"unknown chip revision " + std::to_string(opts.revision)};
	if (opts.power_profile != MICA_PROFILE_PERF && opts.power_profile != MICA_PROFILE_LOWPOWER)
		return CompileError{"unknown power profile " + std::to_string(opts.power_profile)};
	const bool kernel = is_kernel_module(words);
	if (opts.subgroup_size != 8 && opts.subgroup_size != 16 && opts.subgroup_size != 32)
		return CompileError{"subgroup size " + std::to_string(opts.subgroup_size) + " is not supported (8, 16 or 32)"};
	if (kernel && opts.subgroup_size != 32)
		return CompileError{"kernel entry points take subgroup size 32 only"};
	PrepareResult prep = kernel ? prepare_kernel_spirv(words) : prepare_spirv(words, opts.spec_constants, opts.opt_level, opts.entry_point);
	if (!prep.ok)
		return CompileError{prep.error};
	CompileResult result;
	if (opts.print_passes && !prep.fallback.empty())
		result.pass_log += "; spirv_prepare: the full recipe's output did not validate, canonicalised " + prep.fallback + "\n";
	Program mid;
	std::string error;
	std::optional<spirv_detail::KernelOptions> kopts;
	if (kernel) {
		auto info = reflect_kernels(prep.words);
		if (auto *e = std::get_if<CompileError>(&info))
			return *e;
		kopts.emplace();
		kopts->info = std::move(std::get<KernelModuleInfo>(info));
		kopts->local_size = opts.local_size;
		kopts->local_arg_bytes = opts.local_arg_bytes;
	}
	const RobustAccess robust = opts.robust_buffer_access2  ? RobustAccess::per_component
	                            : opts.robust_buffer_access ? RobustAccess::per_access
	                                                        : RobustAccess::off;
	if (!spirv_to_ir(prep.words, opts.entry_point, mid, error, robust, kopts ? &*kopts : nullptr, opts.subgroup_size))
		return CompileError{error};
	// Kernel-model control flow comes without constructs: give it loop and selection merges.
	if (kernel && !structurize(mid, error))
		return CompileError{error};
	mid.revision = opts.revision;
	mid.power_profile = opts.power_profile;
	if (!run_mid_passes(mid, opts, result.pass_log, error))
		return CompileError{error, result.pass_log};
	Program machine;
	if (!isel(mid, machine, error))
		return CompileError{error, result.pass_log};
	if (!compile_machine(machine, opts, result, error))
		return CompileError{error, result.pass_log};
	return result;
}

std::variant<CompileResult, CompileError> compile_assembly(const std::string &text, const Options &opts)
{
	Program m;
	std::string error;
	if (!parse_program(text, m, error))
		return CompileError{"assembly: " + error};
	if (m.level != Level::machine)
		return CompileError{"assembly input must be a 'program machine' listing"};
	for (const Block &b : m.blocks)
		for (const Instr &ins : b.instrs)
			if (ins.op != Op::mach)
				return CompileError{std::string("assembly: '") + op_name(ins.op) + "' is not a Mica instruction"};
	CompileResult result;
	if (!compile_machine(m, opts, result, error))
		return CompileError{error};
	return result;
}

std::variant<std::vector<Violation>, std::string> verify_binary(const BinaryImage &img, int revision, int profile)
{
	std::vector<Violation> all;
	for (const BinaryEntry &e : img.entries) {
		AsmProgram p;
		std::string error;
		if (!decode_program(img.code, e.code_offset, p, error))
			return "entry '" + e.name + "': " + error;
		p.revision = revision >= 0 ? (uint32_t)revision : img.target_revision;
		p.power_profile = profile >= 0 ? (uint32_t)profile : img.power_profile;
		auto v = verify_hazards(p);
		all.insert(all.end(), v.begin(), v.end());
	}
	return all;
}

} // namespace mica::compiler

namespace mica::compiler {

std::variant<CompileResult, CompileError> finish_code(std::span<const uint8_t> code, const BinaryEntry &entry,
                                                      const Options &opts)
{
	AsmProgram as;
	std::string error;
	if (!decode_program(code, entry.code_offset, as, error))
		return CompileError{error};
	as.revision = opts.revision;
	as.power_profile = opts.power_profile;
	HazardPassStats hs;
	if (opts.waitcnt_pass)
		insert_waits(as, hs);
	if (opts.hazard_pass)
		insert_hazard_nops(as, hs);
	CompileResult r;
	if (!encode_program(as, r.binary.code, error))
		return CompileError{error};
	r.binary.target_revision = (uint16_t)opts.revision;
	r.binary.power_profile = (uint16_t)opts.power_profile;
	BinaryEntry e = entry;
	e.code_offset = 0;
	r.binary.entries.push_back(e);
	for (const AsmBlock &b : as.blocks)
		r.stats.instructions += (uint32_t)b.insts.size();
	r.stats.code_bytes = (uint32_t)r.binary.code.size();
	r.stats.vgprs = e.vgpr_count;
	r.stats.sgprs = e.sgpr_count;
	r.stats.shared_bytes = e.shared_bytes;
	Occupancy occ = estimate_occupancy(e.vgpr_count, e.sgpr_count, e.shared_bytes,
	                                   (uint32_t)e.wg_size[0] * e.wg_size[1] * e.wg_size[2]);
	r.stats.waves_per_cu = occ.waves;
	r.stats.occupancy_limited_by = occ.limited_by;
	r.stats.scratch_bytes = e.scratch_bytes;
	r.stats.estimated_cycles = estimate_cycles(as);
	r.stats.nops_per_hazard = hs.nops_per_hazard;
	r.stats.nop_cycles_per_hazard = hs.cycles_per_hazard;
	for (uint32_t n : hs.nops_per_hazard)
		r.stats.nops_inserted += n;
	r.stats.waits_inserted = hs.waits;
	if (opts.keep_final_ir || opts.print_passes)
		r.final_ir = print_asm(as);
	return r;
}

} // namespace mica::compiler
