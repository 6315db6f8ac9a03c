// SPDX-License-Identifier: MIT
#include "objdump.h"

#include <cstddef>
#include <cstdio>
#include <set>

#include "mica/isa/disassembler.h"
#include "mica/isa/names.h"

namespace mica::objdump {
namespace {

std::string fmt(const char *f, auto... args)
{
	char buf[256];
	std::snprintf(buf, sizeof buf, f, args...);
	return buf;
}

uint32_t u32(std::span<const uint8_t> b, size_t off)
{
	return static_cast<uint32_t>(b[off]) | static_cast<uint32_t>(b[off + 1]) << 8 |
		static_cast<uint32_t>(b[off + 2]) << 16 | static_cast<uint32_t>(b[off + 3]) << 24;
}

uint16_t u16(std::span<const uint8_t> b, size_t off)
{
	return static_cast<uint16_t>(b[off] | b[off + 1] << 8);
}

std::string name_or_number(std::span<const isa::NamedValue> t, uint32_t v)
{
	auto n = isa::name_of(t, v);
	return n ? std::string(*n) + " (" + std::to_string(v) + ")" : std::to_string(v);
}

}  // namespace

std::string headers(std::span<const uint8_t> bytes, const isa::Binary &b)
{
#define H(field) offsetof(struct mica_bin_header, field)
	std::string s = "header:\n";
	s += fmt("  version          %u.%u\n", u16(bytes, H(version_major)), u16(bytes, H(version_minor)));
	s += fmt("  file_size        %u\n", u32(bytes, H(file_size)));
	s += "  target_revision  " + name_or_number(isa::revision_names(), b.target_revision) + "\n";
	s += "  power_profile    " + name_or_number(isa::profile_names(), b.power_profile) + "\n";
	s += fmt("  flags            0x%x\n", b.flags);
	auto sec = [&](const char *name, size_t off_field, size_t size_field) {
		s += fmt("  %-16s offset 0x%x size %u\n", name, u32(bytes, off_field), u32(bytes, size_field));
	};
	sec("code", H(code_offset), H(code_size));
	sec("const", H(const_offset), H(const_size));
	s += fmt("  %-16s offset 0x%x count %u\n", "entries", u32(bytes, H(entry_offset)), u32(bytes, H(entry_count)));
	sec("strtab", H(strtab_offset), H(strtab_size));
	sec("debug", H(debug_offset), H(debug_size));
#undef H
	s += fmt("  const load       code base + 0x%llx\n", static_cast<unsigned long long>(isa::const_data_load_offset(b)));
	s += "entries:\n";
	for (size_t i = 0; i < b.entries.size(); i++) {
		const isa::EntryPoint &e = b.entries[i];
		s += fmt("  [%zu] %s: code_offset 0x%x vgprs %u sgprs %u shared %u workgroup %ux%ux%u scratch %u flags 0x%x\n",
			 i, e.name.c_str(), e.code_offset, e.vgpr_count, e.sgpr_count, e.shared_bytes, e.wg_size[0],
			 e.wg_size[1], e.wg_size[2], e.scratch_bytes, e.flags);
	}
	return s;
}

std::string disassembly(const isa::Binary &b)
{
	std::set<uint64_t> targets;
	for (size_t off = 0; off + 8 <= b.code.size();) {
		const size_t nwords = (b.code.size() - off) / 8;
		uint64_t w[2] = {isa::code_word(b.code, off), nwords > 1 ? isa::code_word(b.code, off + 8) : 0};
		mica_inst inst{};
		if (mica_decode(w, nwords > 1 ? 2 : 1, &inst, nullptr) != MICA_DEC_OK)
			break;
		if (inst.info->flags & MICA_OPF_BRANCH)
			targets.insert(off + MICA_INSTRUCTION_BYTES + static_cast<int64_t>(inst.imm));
		off += inst.words * MICA_INSTRUCTION_BYTES;
	}
	const isa::LabelLookup labels = [&](uint64_t off) -> std::optional<std::string> {
		if (targets.count(off))
			return isa::code_label_name(off);
		return std::nullopt;
	};

	std::string s = "disassembly:\n";
	size_t line = 0;
	for (size_t off = 0; off + 8 <= b.code.size();) {
		for (const auto &e : b.entries)
			if (e.code_offset == off)
				s += "<" + e.name + ">:\n";
		if (targets.count(off))
			s += isa::code_label_name(off) + ":\n";
		for (; line < b.debug_lines.size() && b.debug_lines[line].code_offset <= off; line++)
			if (b.debug_lines[line].code_offset == off)
				s += fmt("                                          ; line %u\n", b.debug_lines[line].line);
		const size_t nwords = (b.code.size() - off) / 8;
		uint64_t w[2] = {isa::code_word(b.code, off), nwords > 1 ? isa::code_word(b.code, off + 8) : 0};
		mica_inst inst{};
		const int st = mica_decode(w, nwords > 1 ? 2 : 1, &inst, nullptr);
		if (st != MICA_DEC_OK) {
			s += fmt("  %06zx: %016llx                   <%s>\n", off, static_cast<unsigned long long>(w[0]),
				 mica_decode_status_name(st));
			off += 8;
			continue;
		}
		const std::string lit = inst.words == 2 ? fmt("%016llx", static_cast<unsigned long long>(w[1])) : std::string(16, ' ');
		s += fmt("  %06zx: %016llx %s  ", off, static_cast<unsigned long long>(w[0]), lit.c_str()) +
			isa::disassemble_instruction(inst, off, labels) + "\n";
		off += inst.words * MICA_INSTRUCTION_BYTES;
	}
	return s;
}

std::string const_dump(const isa::Binary &b)
{
	if (b.const_data.empty())
		return "";
	std::string s = fmt("const data (%zu bytes, loaded at code base + 0x%llx):\n", b.const_data.size(),
			    static_cast<unsigned long long>(isa::const_data_load_offset(b)));
	for (size_t i = 0; i < b.const_data.size(); i += 16) {
		s += fmt("  %06zx:", i);
		for (size_t j = i; j < i + 16 && j < b.const_data.size(); j++)
			s += fmt(" %02x", b.const_data[j]);
		s += "\n";
	}
	return s;
}

}  // namespace mica::objdump
