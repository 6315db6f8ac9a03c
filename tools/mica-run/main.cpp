// SPDX-License-Identifier: MIT
// mica-run: runs a Mica program on the device model through the bare-metal Machine and prints
// what happened. With `;!` harness lines in the source (examples/asm/README.md) it also sets up
// buffers and arguments, checks the results against a host computation and reports
// throughput. Exit status: 0 success, 1 fault or wrong result, 2 usage or input error.
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "harness.h"
#include "mica/isa/assembler.h"
#include "mica/isa/binary.h"
#include "mica/sim/baremetal.h"

namespace {

using mica::run::ElemType;
using mica::run::Harness;
using mica::sim::baremetal::Machine;

constexpr uint32_t kContext = 1;

struct Options {
	std::string input;
	std::optional<uint32_t> revision, profile;
	bool checked = false;
	std::optional<std::vector<uint32_t>> groups;
	std::string entry;
	uint64_t watchdog = 100'000'000;
	uint32_t cus = 4;
	unsigned threads = 0;
	std::string harness_file;
	bool quiet = false;
};

[[noreturn]] void usage(int code)
{
	std::fprintf(code ? stderr : stdout,
	             "usage: mica-run PROGRAM.s|PROGRAM.mbin [options]\n"
	             "  --rev r1|r2            chip revision (default: the binary's target)\n"
	             "  --profile perf|lowpower power profile (default: the binary's profile)\n"
	             "  --checked              HAZARD_MODE checked: hazard violations fault\n"
	             "  --groups X[,Y[,Z]]     workgroup counts (overrides ;! grid/groups)\n"
	             "  --entry NAME           entry point (default: the first)\n"
	             "  --watchdog CYCLES      per-dispatch cycle limit (default 100000000, 0 = off)\n"
	             "  --cus N                compute units (default 4)\n"
	             "  --threads N            host threads for the compute units (default: all cores)\n"
	             "  --harness FILE         read ;! harness lines from FILE (e.g. for a .mbin)\n"
	             "  -q, --quiet            do not print the launch description\n");
	std::exit(code);
}

std::vector<uint32_t> parse_groups(const std::string &s)
{
	std::vector<uint32_t> g;
	std::istringstream in(s);
	for (std::string part; std::getline(in, part, ',');)
		g.push_back(static_cast<uint32_t>(std::stoul(part)));
	if (g.empty() || g.size() > 3)
		throw std::invalid_argument("groups");
	while (g.size() < 3)
		g.push_back(1);
	return g;
}

Options parse_options(int argc, char **argv)
{
	Options o;
	auto value = [&](int &i) -> std::string {
		if (i + 1 >= argc) {
			std::fprintf(stderr, "mica-run: %s needs a value\n", argv[i]);
			usage(2);
		}
		return argv[++i];
	};
	try {
		for (int i = 1; i < argc; i++) {
			const std::string a = argv[i];
			if (a == "-h" || a == "--help")
				usage(0);
			else if (a == "--rev") {
				const std::string v = value(i);
				if (v == "r1")
					o.revision = MICA_REV_R1;
				else if (v == "r2")
					o.revision = MICA_REV_R2;
				else
					throw std::invalid_argument("--rev takes r1 or r2");
			} else if (a == "--profile") {
				const std::string v = value(i);
				if (v == "perf")
					o.profile = MICA_PROFILE_PERF;
				else if (v == "lowpower")
					o.profile = MICA_PROFILE_LOWPOWER;
				else
					throw std::invalid_argument("--profile takes perf or lowpower");
			} else if (a == "--checked")
				o.checked = true;
			else if (a == "--groups")
				o.groups = parse_groups(value(i));
			else if (a == "--entry")
				o.entry = value(i);
			else if (a == "--watchdog")
				o.watchdog = std::stoull(value(i));
			else if (a == "--cus")
				o.cus = static_cast<uint32_t>(std::stoul(value(i)));
			else if (a == "--threads")
				o.threads = static_cast<unsigned>(std::stoul(value(i)));
			else if (a == "--harness")
				o.harness_file = value(i);
			else if (a == "-q" || a == "--quiet")
				o.quiet = true;
			else if (!a.empty() && a[0] == '-')
				throw std::invalid_argument("unknown option " + a);
			else if (o.input.empty())
				o.input = a;
			else
				throw std::invalid_argument("more than one program given");
		}
	} catch (const std::exception &e) {
		std::fprintf(stderr, "mica-run: %s\n", e.what());
		usage(2);
	}
	if (o.input.empty())
		usage(2);
	return o;
}

std::optional<std::string> read_file(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	if (!f)
		return std::nullopt;
	std::ostringstream s;
	s << f.rdbuf();
	return s.str();
}

bool ends_with(const std::string &s, const std::string &suffix)
{
	return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Host-side contents of a buffer: the values as doubles (for expressions) and as device words.
struct HostBuffer {
	const mica::run::BufferSpec *spec = nullptr;
	std::vector<double> values;
	std::vector<uint32_t> words;
	uint64_t va = 0;
};

uint32_t to_word(ElemType t, double v)
{
	switch (t) {
	case ElemType::F32:
		return std::bit_cast<uint32_t>(static_cast<float>(v));
	case ElemType::I32:
		return static_cast<uint32_t>(static_cast<int32_t>(v));
	default:
		return static_cast<uint32_t>(static_cast<int64_t>(v));
	}
}

double from_word(ElemType t, uint32_t w)
{
	switch (t) {
	case ElemType::F32:
		return std::bit_cast<float>(w);
	case ElemType::I32:
		return static_cast<int32_t>(w);
	default:
		return w;
	}
}

std::string format_value(ElemType t, uint32_t w)
{
	char buf[64];
	if (t == ElemType::F32)
		std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(std::bit_cast<float>(w)));
	else if (t == ElemType::I32)
		std::snprintf(buf, sizeof buf, "%d", static_cast<int32_t>(w));
	else
		std::snprintf(buf, sizeof buf, "%u", w);
	return buf;
}

int run(const Options &opt)
{
	// ---- load the program ----
	const auto text = read_file(opt.input);
	if (!text) {
		std::fprintf(stderr, "mica-run: cannot read %s\n", opt.input.c_str());
		return 2;
	}
	mica::isa::Binary bin;
	std::string harness_source;
	if (ends_with(opt.input, ".mbin")) {
		const auto *bytes = reinterpret_cast<const uint8_t *>(text->data());
		auto parsed = mica::isa::parse_binary(std::span<const uint8_t>(bytes, text->size()));
		if (auto *err = std::get_if<mica::isa::BinaryError>(&parsed)) {
			std::fprintf(stderr, "%s: offset %zu: %s\n", opt.input.c_str(), err->offset, err->message.c_str());
			return 2;
		}
		bin = std::get<mica::isa::Binary>(std::move(parsed));
	} else {
		auto result = mica::isa::assemble(*text, opt.input);
		for (const auto &d : result.diagnostics)
			std::fprintf(stderr, "%s\n", d.format().c_str());
		if (!result.binary)
			return 2;
		bin = std::move(*result.binary);
		harness_source = *text;
	}
	if (!opt.harness_file.empty()) {
		const auto h = read_file(opt.harness_file);
		if (!h) {
			std::fprintf(stderr, "mica-run: cannot read %s\n", opt.harness_file.c_str());
			return 2;
		}
		harness_source = *h;
	}
	const Harness harness = mica::run::parse_harness(harness_source, opt.harness_file.empty() ? opt.input : opt.harness_file);

	if (bin.entries.empty()) {
		std::fprintf(stderr, "mica-run: %s has no entry point (.kernel)\n", opt.input.c_str());
		return 2;
	}
	const mica::isa::EntryPoint *entry = &bin.entries[0];
	if (!opt.entry.empty()) {
		entry = nullptr;
		for (const auto &e : bin.entries)
			if (e.name == opt.entry)
				entry = &e;
		if (!entry) {
			std::fprintf(stderr, "mica-run: no entry point named '%s'\n", opt.entry.c_str());
			return 2;
		}
	}

	// ---- the machine ----
	mica::sim::DeviceConfig cfg;
	cfg.revision = opt.revision.value_or(bin.target_revision);
	cfg.power_profile = opt.profile.value_or(bin.power_profile);
	cfg.cu_count = opt.cus;
	cfg.host_threads = opt.threads;
	Machine m(cfg);
	m.set_hazard_mode(opt.checked);
	m.set_watchdog(opt.watchdog);

	const uint64_t code_va = m.load_code(kContext, bin.code, bin.const_data);

	// ---- buffers and arguments ----
	std::vector<HostBuffer> buffers;
	std::vector<std::string> names;
	std::vector<const std::vector<double> *> values;
	buffers.reserve(harness.buffers.size());
	for (const auto &spec : harness.buffers) {
		HostBuffer b;
		b.spec = &spec;
		b.values.resize(spec.count);
		b.words.resize(spec.count);
		for (uint64_t i = 0; i < spec.count; i++) {
			// Store the value the device actually sees, so checks use the same inputs.
			b.words[i] = to_word(spec.type, spec.init.eval(i, spec.count, names, values));
			b.values[i] = from_word(spec.type, b.words[i]);
		}
		b.va = m.alloc(kContext, spec.count * 4, MICA_PTE_READ | MICA_PTE_WRITE);
		m.write(kContext, b.va, b.words.data(), spec.count * 4);
		buffers.push_back(std::move(b));
		names.push_back(spec.name);
		values.push_back(&buffers.back().values);
	}
	auto buffer = [&](const std::string &name) -> HostBuffer & {
		for (auto &b : buffers)
			if (b.spec->name == name)
				return b;
		throw mica::run::HarnessError("no buffer " + name);
	};

	Machine::Launch launch;
	launch.program_va = code_va + entry->code_offset;
	launch.vgpr_count = entry->vgpr_count;
	launch.sgpr_count = entry->sgpr_count;
	launch.shared_bytes = entry->shared_bytes;
	for (int d = 0; d < 3; d++)
		launch.wg_size[d] = entry->wg_size[d];
	for (const auto &a : harness.args) {
		if (a.kind == mica::run::ArgSpec::Buffer) {
			const uint64_t va = buffer(a.buffer).va;
			launch.user_data.push_back(static_cast<uint32_t>(va));
			launch.user_data.push_back(static_cast<uint32_t>(va >> 32));
		} else {
			launch.user_data.push_back(a.word);
		}
	}
	if (launch.user_data.size() > MICA_USER_DATA_SGPRS) {
		std::fprintf(stderr, "mica-run: %zu user-data words; the device loads at most %u\n", launch.user_data.size(),
		             MICA_USER_DATA_SGPRS);
		return 2;
	}
	if (opt.groups) {
		std::copy(opt.groups->begin(), opt.groups->end(), launch.groups);
	} else if (harness.groups) {
		std::copy(harness.groups->begin(), harness.groups->end(), launch.groups);
	} else if (harness.grid) {
		for (int d = 0; d < 3; d++)
			launch.groups[d] = static_cast<uint32_t>(((*harness.grid)[d] + launch.wg_size[d] - 1) / launch.wg_size[d]);
	}

	// ---- run ----
	const uint64_t invocations = uint64_t{launch.groups[0]} * launch.groups[1] * launch.groups[2] *
	                             launch.wg_size[0] * launch.wg_size[1] * launch.wg_size[2];
	if (!opt.quiet)
		std::printf("mica-run: %s entry '%s' on %s/%s, %u CUs%s: groups %u,%u,%u x workgroup %u,%u,%u "
		            "(%llu invocations)\n",
		            opt.input.c_str(), entry->name.c_str(), cfg.revision == MICA_REV_R1 ? "r1" : "r2",
		            cfg.power_profile == MICA_PROFILE_PERF ? "perf" : "lowpower", cfg.cu_count,
		            opt.checked ? ", hazard-checked" : "", launch.groups[0], launch.groups[1], launch.groups[2],
		            launch.wg_size[0], launch.wg_size[1], launch.wg_size[2],
		            static_cast<unsigned long long>(invocations));
	const auto t0 = std::chrono::steady_clock::now();
	const Machine::RunResult r = m.dispatch(kContext, launch);
	const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

	std::printf("result: %s\n", r.describe().c_str());
	std::printf("cycles: %llu  lane-instructions: %llu  host time: %.3f s\n",
	            static_cast<unsigned long long>(r.cycles), static_cast<unsigned long long>(r.lane_instructions),
	            wall);
	bool ok = r.fault == MICA_FAULT_NONE;

	// ---- results ----
	std::vector<std::vector<uint32_t>> results(buffers.size());
	for (size_t k = 0; k < buffers.size(); k++) {
		results[k].resize(buffers[k].spec->count);
		m.read(kContext, buffers[k].va, results[k].data(), results[k].size() * 4);
	}
	for (const auto &[name, count] : harness.prints) {
		size_t k = 0;
		while (buffers[k].spec->name != name)
			k++;
		std::printf("%s[0..%llu):", name.c_str(),
		            static_cast<unsigned long long>(std::min<uint64_t>(count, results[k].size())));
		for (uint64_t i = 0; i < count && i < results[k].size(); i++)
			std::printf(" %s", format_value(buffers[k].spec->type, results[k][i]).c_str());
		std::printf("\n");
	}
	uint64_t checked_bytes = 0;
	for (const auto &c : harness.checks) {
		size_t k = 0;
		while (buffers[k].spec->name != c.buffer)
			k++;
		const auto &spec = *buffers[k].spec;
		uint64_t bad = 0;
		for (uint64_t i = 0; i < spec.count; i++) {
			const double want_exact = c.expect.eval(i, spec.count, names, values);
			const uint32_t want = to_word(spec.type, want_exact);
			const uint32_t got = results[k][i];
			bool match = got == want;
			if (!match && spec.type == ElemType::F32 && c.tolerance > 0) {
				const double g = from_word(spec.type, got), w = from_word(spec.type, want);
				match = std::fabs(g - w) <= c.tolerance * std::max(1.0, std::fabs(w));
			}
			if (!match && ++bad <= 5)
				std::printf("MISMATCH %s[%llu]: got %s, expected %s (%s)\n", c.buffer.c_str(),
				            static_cast<unsigned long long>(i), format_value(spec.type, got).c_str(),
				            format_value(spec.type, want).c_str(), c.expect.text.c_str());
		}
		std::printf("check %s = %s: %s (%llu of %llu elements wrong)\n", c.buffer.c_str(), c.expect.text.c_str(),
		            bad ? "FAILED" : "ok", static_cast<unsigned long long>(bad),
		            static_cast<unsigned long long>(spec.count));
		ok = ok && bad == 0;
		checked_bytes += spec.count * 4;
	}

	// ---- throughput ----
	uint64_t traffic = harness.traffic_bytes.value_or(0);
	if (!harness.traffic_bytes && !harness.checks.empty()) {
		// Default: every buffer read once, every checked buffer written once.
		for (const auto &b : buffers)
			traffic += b.spec->count * 4;
		traffic += checked_bytes;
	}
	if (traffic && r.cycles && r.fault == MICA_FAULT_NONE) {
		const double sim_seconds = static_cast<double>(r.cycles) / static_cast<double>(MICA_CLOCK_HZ);
		std::printf("throughput: %.2f bytes/cycle = %.2f GB/s at the %.1f GHz core clock; simulation ran at %.3f GB/s "
		            "and %.1f M lane-instructions/s of host time\n",
		            static_cast<double>(traffic) / static_cast<double>(r.cycles), traffic / sim_seconds / 1e9,
		            static_cast<double>(MICA_CLOCK_HZ) / 1e9,
		            wall > 0 ? traffic / wall / 1e9 : 0.0, wall > 0 ? r.lane_instructions / wall / 1e6 : 0.0);
	}
	std::printf("%s\n", ok ? "PASS" : "FAIL");
	return ok ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	const Options opt = parse_options(argc, argv);
	try {
		return run(opt);
	} catch (const mica::run::HarnessError &e) {
		std::fprintf(stderr, "mica-run: %s\n", e.what());
		return 2;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "mica-run: error: %s\n", e.what());
		return 2;
	}
}
