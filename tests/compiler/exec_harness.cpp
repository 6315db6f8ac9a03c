#include "exec_harness.h"

#include <spirv-tools/libspirv.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../../src/compiler/spirv_to_ir.h"

namespace mica::compiler::test {

using mica::sim::baremetal::Machine;

std::string corpus_dir()
{
	const char *d = getenv("MICA_CORPUS_DIR");
	return d ? d : "tests/compiler/corpus";
}

std::string read_text(const std::string &path)
{
	std::ifstream f(path);
	std::stringstream ss;
	ss << f.rdbuf();
	return ss.str();
}

std::vector<uint32_t> spvasm(const std::string &file)
{
	std::string text = read_text(corpus_dir() + "/../spvasm/" + file);
	// Throws rather than using gtest macros: the harness also links into non-gtest programs
	// (tests/difftest's runner); gtest reports the exception as the test's failure.
	if (text.empty())
		throw std::runtime_error("spvasm: " + file + " is missing or empty");
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	std::string msg;
	tools.SetMessageConsumer([&](spv_message_level_t, const char *, const spv_position_t &p, const char *m) {
		msg += "line " + std::to_string(p.line) + ": " + m + "\n";
	});
	std::vector<uint32_t> words;
	if (!tools.Assemble(text, &words))
		throw std::runtime_error("spvasm: " + file + ": " + msg);
	return words;
}

std::string config_name(const ExecConfig &cfg)
{
	return "r" + std::to_string(cfg.rev) + "/" + (cfg.profile ? "lowpower" : "perf") + "/O" + std::to_string(cfg.opt);
}

std::variant<CompileResult, CompileError> compile_for(const std::vector<uint32_t> &spirv, const ExecConfig &cfg)
{
	Options o;
	o.revision = cfg.rev;
	o.power_profile = cfg.profile;
	o.opt_level = cfg.opt;
	return compile_spirv(spirv, o);
}

RunOutcome run_kernel(const CompileResult &compiled, uint32_t revision, uint32_t profile, std::vector<Buffer> &buffers,
                      const std::vector<uint32_t> &push, const uint32_t groups[3], bool checked)
{
	RunOutcome out;
	try {
		mica::sim::DeviceConfig cfg;
		cfg.revision = revision;
		cfg.power_profile = profile;
		cfg.cu_count = 2;
		cfg.vram_bytes = 64ull << 20;
		cfg.host_threads = 1;
		Machine m(cfg);
		m.set_hazard_mode(checked);
		m.set_power_profile(profile);
		m.set_watchdog(50'000'000);
		const uint32_t ctx = 1;
		const uint32_t rw = (uint32_t)(MICA_PTE_READ | MICA_PTE_WRITE);
		std::vector<uint64_t> vas;
		std::vector<uint32_t> push_words = push;
		// The launch ABI's descriptor sets (mica.toml [launch_abi]): a set table of set addresses;
		// each set dense by binding, every entry naming a one-element array header (empty
		// bindings: a count-0 header followed by a zero descriptor).
		constexpr uint32_t kD = abi::kDescStride / 4;
		std::vector<std::vector<uint32_t>> sets;
		for (const Buffer &b : buffers)
			if (b.address_push_offset < 0) {
				if (b.set >= sets.size())
					sets.resize(b.set + 1);
				sets[b.set].resize(std::max<size_t>(sets[b.set].size(), (b.binding + 1) * kD), 0);
			}
		std::vector<size_t> null_header(sets.size());
		for (size_t s = 0; s < sets.size(); s++) {
			null_header[s] = sets[s].size();
			sets[s].resize(sets[s].size() + (abi::kArrayHeaderBytes + abi::kDescStride) / 4, 0);
			for (size_t e = 0; e < null_header[s]; e += kD)
				sets[s][e + 3] = (uint32_t)null_header[s] * 4;
		}
		for (Buffer &b : buffers) {
			uint64_t bytes = std::max<size_t>(4, b.data.size() * 4);
			uint64_t va = m.alloc(ctx, bytes, rw);
			if (!b.data.empty())
				m.write(ctx, va, b.data.data(), b.data.size() * 4);
			vas.push_back(va);
			if (b.address_push_offset >= 0) {
				push_words.resize(std::max<size_t>(push_words.size(), (size_t)b.address_push_offset / 4 + 2), 0);
				push_words[b.address_push_offset / 4] = (uint32_t)va;
				push_words[b.address_push_offset / 4 + 1] = (uint32_t)(va >> 32);
				continue;
			}
			std::vector<uint32_t> &set = sets[b.set];
			const uint32_t range = std::min<uint32_t>(b.range_bytes, (uint32_t)(b.data.size() * 4));
			const uint32_t desc[4] = {(uint32_t)va, (uint32_t)(va >> 32), range, 0};
			const size_t header = set.size();
			set.push_back(1);   // header: count 1
			set.resize(header + abi::kArrayHeaderBytes / 4, 0);
			set.insert(set.end(), desc, desc + 4);
			std::copy(desc, desc + 3, set.begin() + b.binding * kD);
			set[b.binding * kD + 3] = (uint32_t)header * 4;
		}
		std::vector<uint32_t> table(std::max<size_t>(sets.size(), 1) * 2, 0);
		for (size_t s = 0; s < sets.size(); s++) {
			const uint64_t set_va = m.alloc(ctx, sets[s].size() * 4, rw);
			m.write(ctx, set_va, sets[s].data(), sets[s].size() * 4);
			table[2 * s] = (uint32_t)set_va;
			table[2 * s + 1] = (uint32_t)(set_va >> 32);
		}
		uint64_t table_va = m.alloc(ctx, table.size() * 4, rw);
		m.write(ctx, table_va, table.data(), table.size() * 4);
		uint64_t push_va = m.alloc(ctx, 256, rw);
		if (!push_words.empty())
			m.write(ctx, push_va, push_words.data(), std::min<size_t>(push_words.size() * 4, 256));
		const BinaryImage &img = compiled.binary;
		uint64_t code_va = m.load_code(ctx, img.code, img.const_data);
		Machine::Launch l;
		const BinaryEntry &e = img.entries.at(0);
		l.program_va = code_va + e.code_offset;
		l.vgpr_count = e.vgpr_count;
		l.sgpr_count = e.sgpr_count;
		l.shared_bytes = e.shared_bytes;
		for (int d = 0; d < 3; d++) {
			l.wg_size[d] = e.wg_size[d];
			l.groups[d] = groups[d];
		}
		// VGPR spills (launch ABI, mica.toml [launch_abi] s_scratch_base): one region of
		// scratch_bytes per lane for every wave slot of every CU, its address in s[10:11].
		uint64_t scratch_va = 0;
		if (e.scratch_bytes) {
			uint64_t bytes = (uint64_t)e.scratch_bytes * MICA_WAVE_SIZE * cfg.cu_count * MICA_WAVE_SLOTS_PER_CU;
			scratch_va = m.alloc(ctx, bytes, rw);
			if (scratch_va % 256)
				throw std::runtime_error("scratch buffer is not 256-byte aligned");
			out.scratch_buffer_bytes = bytes;
		}
		l.user_data = {(uint32_t)table_va, (uint32_t)(table_va >> 32), (uint32_t)push_va, (uint32_t)(push_va >> 32),
		               groups[0], groups[1], groups[2], 0, 0, 0, (uint32_t)scratch_va, (uint32_t)(scratch_va >> 32)};
		static_assert(MICA_ABI_S_SCRATCH_BASE == 10, "user_data above follows the launch ABI");
		auto r = m.dispatch(ctx, l);
		out.cycles = r.cycles;
		out.hazard_violations = r.hazard_violations;
		out.fault = r.fault;
		if (r.fault != MICA_FAULT_NONE) {
			out.error = r.describe();
			return out;
		}
		if (scratch_va) {
			out.scratch.resize(out.scratch_buffer_bytes / 4);
			m.read(ctx, scratch_va, out.scratch.data(), out.scratch_buffer_bytes);
		}
		for (size_t i = 0; i < buffers.size(); i++)
			if (!buffers[i].data.empty())
				m.read(ctx, vas[i], buffers[i].data.data(), buffers[i].data.size() * 4);
		out.ok = true;
	} catch (const std::exception &ex) {
		out.error = ex.what();
	}
	return out;
}

} // namespace mica::compiler::test
