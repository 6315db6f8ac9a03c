#include "cl_harness.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "../../../src/compiler/kernel_module.h"
#include "mica/sim/baremetal.h"
#include "mica_hw.h"

namespace mica::compiler::cltest {

using mica::sim::baremetal::Machine;

std::vector<uint32_t> load_spv(const std::string &name)
{
	const char *dir = getenv("MICA_KERNEL_SPV_DIR");
	const std::string path = std::string(dir ? dir : ".") + "/" + name + ".spv";
	std::ifstream f(path, std::ios::binary);
	std::vector<char> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	if (bytes.empty() || bytes.size() % 4)
		throw std::runtime_error("cannot read " + path);
	std::vector<uint32_t> w(bytes.size() / 4);
	memcpy(w.data(), bytes.data(), bytes.size());
	return w;
}

Result run(const std::vector<uint32_t> &spv, const std::string &kernel, const NDRange &range, std::vector<Arg> &args,
           uint32_t revision, uint32_t profile, bool checked, uint32_t printf_bytes, int opt_level,
           unsigned host_threads)
{
	Result out;
	auto refl = reflect_kernels(spv);
	if (auto *e = std::get_if<CompileError>(&refl)) {
		out.error = "reflect: " + e->message;
		return out;
	}
	const KernelModuleInfo &info = std::get<KernelModuleInfo>(refl);
	const KernelInfo *k = nullptr;
	for (const KernelInfo &x : info.kernels)
		if (x.name == kernel)
			k = &x;
	if (!k) {
		out.error = "no kernel " + kernel;
		return out;
	}
	if (k->args.size() != args.size()) {
		out.error = "kernel takes " + std::to_string(k->args.size()) + " arguments, test passes " + std::to_string(args.size());
		return out;
	}
	Options o;
	o.revision = revision;
	o.power_profile = profile;
	o.opt_level = opt_level;
	o.entry_point = kernel;
	o.local_size = range.local;
	for (size_t i = 0; i < args.size(); i++)
		if (args[i].kind == Arg::Kind::local)
			o.local_arg_bytes[(uint32_t)i] = args[i].local_bytes;
	auto res = compile_spirv(spv, o);
	if (auto *e = std::get_if<CompileError>(&res)) {
		out.error = "compile: " + e->message;
		return out;
	}
	out.compiled = std::get<CompileResult>(res);
	try {
		mica::sim::DeviceConfig cfg;
		cfg.revision = revision;
		cfg.power_profile = profile;
		cfg.cu_count = 2;
		cfg.vram_bytes = 64ull << 20;
		cfg.host_threads = host_threads;
		Machine m(cfg);
		m.set_hazard_mode(checked);
		m.set_power_profile(profile);
		m.set_watchdog(50'000'000);
		const uint32_t ctx = 1;
		const uint32_t rw = (uint32_t)(MICA_PTE_READ | MICA_PTE_WRITE);
		std::vector<uint8_t> block(std::max<uint32_t>(k->arg_block_bytes, 8), 0);
		std::vector<uint64_t> vas(args.size(), 0);
		for (size_t i = 0; i < args.size(); i++) {
			const KernelArg &ka = k->args[i];
			Arg &a = args[i];
			if (a.kind == Arg::Kind::buffer) {
				if (ka.kind != KernelArgKind::global_pointer && ka.kind != KernelArgKind::constant_pointer)
					throw std::runtime_error("argument " + std::to_string(i) + " is not a buffer in the kernel");
				vas[i] = m.alloc(ctx, std::max<size_t>(a.bytes.size(), 4), rw);
				if (!a.bytes.empty())
					m.write(ctx, vas[i], a.bytes.data(), a.bytes.size());
				memcpy(block.data() + ka.offset, &vas[i], 8);
			} else if (a.kind == Arg::Kind::value) {
				if (ka.kind != KernelArgKind::by_value || a.bytes.size() != ka.size)
					throw std::runtime_error("argument " + std::to_string(i) + ": " + std::to_string(a.bytes.size()) +
					                         " bytes for a kernel argument of " + std::to_string(ka.size));
				memcpy(block.data() + ka.offset, a.bytes.data(), a.bytes.size());
			}
		}
		const uint64_t block_va = m.alloc(ctx, block.size(), rw);
		m.write(ctx, block_va, block.data(), block.size());
		uint64_t printf_va = 0;
		if (printf_bytes) {
			printf_va = m.alloc(ctx, printf_bytes, rw);
			std::vector<uint8_t> zero(printf_bytes, 0);
			m.write(ctx, printf_va, zero.data(), zero.size());
		}
		uint8_t dispatch[MICA_ABI_KERNEL_DISPATCH_BYTES] = {};
		for (int d = 0; d < 3; d++) {
			memcpy(dispatch + MICA_ABI_KERNEL_DISPATCH_GLOBAL_OFFSET + 8 * d, &range.offset[d], 8);
			memcpy(dispatch + MICA_ABI_KERNEL_DISPATCH_GLOBAL_SIZE + 4 * d, &range.global[d], 4);
			memcpy(dispatch + MICA_ABI_KERNEL_DISPATCH_LOCAL_SIZE + 4 * d, &range.local[d], 4);
		}
		memcpy(dispatch + MICA_ABI_KERNEL_DISPATCH_WORK_DIM, &range.work_dim, 4);
		memcpy(dispatch + MICA_ABI_KERNEL_DISPATCH_PRINTF_BUFFER, &printf_va, 8);
		memcpy(dispatch + MICA_ABI_KERNEL_DISPATCH_PRINTF_BYTES, &printf_bytes, 4);
		const uint64_t dispatch_va = m.alloc(ctx, sizeof(dispatch), rw);
		m.write(ctx, dispatch_va, dispatch, sizeof(dispatch));
		const BinaryImage &img = out.compiled.binary;
		uint64_t code_va = m.load_code(ctx, img.code, img.const_data);
		const BinaryEntry &e = img.entries.at(0);
		Machine::Launch l;
		l.program_va = code_va + e.code_offset;
		l.vgpr_count = e.vgpr_count;
		l.sgpr_count = e.sgpr_count;
		l.shared_bytes = e.shared_bytes;
		uint32_t groups[3];
		for (int d = 0; d < 3; d++) {
			l.wg_size[d] = e.wg_size[d];
			groups[d] = (range.global[d] + range.local[d] - 1) / range.local[d];
			l.groups[d] = groups[d];
		}
		uint64_t scratch_va = 0;
		if (e.scratch_bytes)
			scratch_va = m.alloc(ctx, (uint64_t)e.scratch_bytes * MICA_WAVE_SIZE * cfg.cu_count * MICA_WAVE_SLOTS_PER_CU, rw);
		l.user_data = {(uint32_t)block_va, (uint32_t)(block_va >> 32), (uint32_t)dispatch_va, (uint32_t)(dispatch_va >> 32),
		               groups[0], groups[1], groups[2], 0, 0, 0, (uint32_t)scratch_va, (uint32_t)(scratch_va >> 32)};
		auto r = m.dispatch(ctx, l);
		out.hazard_violations = r.hazard_violations;
		if (r.fault != MICA_FAULT_NONE) {
			out.error = r.describe();
			return out;
		}
		for (size_t i = 0; i < args.size(); i++)
			if (args[i].kind == Arg::Kind::buffer && !args[i].bytes.empty())
				m.read(ctx, vas[i], args[i].bytes.data(), args[i].bytes.size());
		if (printf_bytes) {
			out.printf_buffer.resize(printf_bytes);
			m.read(ctx, printf_va, out.printf_buffer.data(), printf_bytes);
		}
		out.ok = true;
	} catch (const std::exception &ex) {
		out.error = ex.what();
	}
	return out;
}

std::vector<std::string> decode_printf(const std::vector<uint8_t> &buf, const KernelModuleInfo &info)
{
	std::vector<std::string> lines;
	if (buf.size() < MICA_ABI_PRINTF_HEADER_BYTES)
		return lines;
	uint32_t used = 0;
	memcpy(&used, buf.data(), 4);
	size_t at = MICA_ABI_PRINTF_HEADER_BYTES;
	const size_t end = std::min<size_t>(buf.size(), MICA_ABI_PRINTF_HEADER_BYTES + (size_t)used);
	while (at + 8 <= end) {
		uint32_t id = 0, bytes = 0;
		memcpy(&id, &buf[at], 4);
		memcpy(&bytes, &buf[at + 4], 4);
		if (bytes < 8 || at + bytes > end || id >= info.printf_strings.size())
			break;
		const std::string &fmt = info.printf_strings[id];
		std::string err;
		auto convs = kernel::parse_printf_format(fmt, err);
		std::string text;
		size_t pos = 8;   // from the record start
		size_t c = 0;
		for (size_t i = 0; i < fmt.size(); i++) {
			if (fmt[i] != '%') {
				text += fmt[i];
				continue;
			}
			if (fmt[i + 1] == '%') {
				text += '%';
				i++;
				continue;
			}
			size_t j = i + 1;
			while (j < fmt.size() && !strchr("diouxXfFeEgGaAcsp", fmt[j]))
				j++;
			std::string spec = fmt.substr(i, j - i + 1);
			const auto &cv = convs.at(c++);
			const bool is_long = spec.find('l') != std::string::npos && spec.find("hl") == std::string::npos;
			auto arg = [&](size_t size) {
				pos = (pos + std::min<size_t>(size, 8) - 1) / std::min<size_t>(size, 8) * std::min<size_t>(size, 8);
				uint64_t v = 0;
				memcpy(&v, &buf[at + pos], size);
				pos += size;
				return v;
			};
			char tmp[128];
			if (cv.conversion == 's') {
				text += info.printf_strings.at((uint32_t)arg(4));
			} else if (strchr("fFeEgGaA", cv.conversion)) {
				double d;
				uint64_t v = arg(8);
				memcpy(&d, &v, 8);
				snprintf(tmp, sizeof tmp, spec.c_str(), d);
				text += tmp;
			} else {
				uint64_t v = arg(is_long ? 8 : 4);
				std::string s2 = spec;
				if (!is_long)
					snprintf(tmp, sizeof tmp, s2.c_str(), (uint32_t)v);
				else
					snprintf(tmp, sizeof tmp, s2.c_str(), (unsigned long)v);
				text += tmp;
			}
			i = j;
		}
		lines.push_back(text);
		at += bytes;
	}
	return lines;
}

} // namespace mica::compiler::cltest
