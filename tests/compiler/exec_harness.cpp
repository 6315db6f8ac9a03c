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
		constexpr size_t kTableBytes = abi::kMaxSets * abi::kBindingsPerSet * abi::kDescStride;
		std::vector<uint32_t> table(kTableBytes / 4, 0);
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
			size_t e = (b.set * abi::kBindingsPerSet + b.binding) * abi::kDescStride / 4;
			table[e] = (uint32_t)va;
			table[e + 1] = (uint32_t)(va >> 32);
			table[e + 2] = (uint32_t)(b.data.size() * 4);
		}
		uint64_t table_va = m.alloc(ctx, kTableBytes, rw);
		m.write(ctx, table_va, table.data(), kTableBytes);
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
