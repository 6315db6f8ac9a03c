// SPDX-License-Identifier: MIT
// Binary serialization and the validating parser. Field offsets come from offsetof() on the
// generated structs, so the layout is exactly the one mica.toml describes.
#include "mica/isa/binary.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <set>
#include <string>

namespace mica::isa {
namespace {

template <typename T>
void put(std::vector<uint8_t> &out, size_t off, T v)
{
	for (size_t i = 0; i < sizeof(T); i++)
		out[off + i] = static_cast<uint8_t>(static_cast<uint64_t>(v) >> (8 * i));
}

template <typename T>
T get(std::span<const uint8_t> in, size_t off)
{
	uint64_t v = 0;
	for (size_t i = 0; i < sizeof(T); i++)
		v |= static_cast<uint64_t>(in[off + i]) << (8 * i);
	return static_cast<T>(v);
}

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

#define HDR(field) offsetof(struct mica_bin_header, field)
#define ENT(field) offsetof(struct mica_bin_entry, field)
#define DBG(field) offsetof(struct mica_bin_debug_line, field)

struct Section {
	const char *name;
	size_t offset_field;  // header offset of the section's offset field
	uint32_t offset, size;
	uint32_t align;
};

BinaryError err(size_t off, std::string msg) { return BinaryError{off, std::move(msg)}; }

std::string hex(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

bool known_revision(uint32_t r) { return r == MICA_REV_R1 || r == MICA_REV_R2; }
bool known_profile(uint32_t p) { return p == MICA_PROFILE_PERF || p == MICA_PROFILE_LOWPOWER; }

}  // namespace

uint64_t code_word(std::span<const uint8_t> code, size_t off) { return get<uint64_t>(code, off); }

uint64_t const_data_load_offset(const Binary &b) { return align_up(b.code.size(), MICA_CODE_ALIGNMENT); }

std::vector<uint8_t> Binary::serialize() const
{
	size_t strtab_size = 0;
	for (const auto &e : entries)
		strtab_size += e.name.size() + 1;
	const size_t entry_off = MICA_BIN_HEADER_SIZE;
	const size_t code_off = align_up(entry_off + entries.size() * MICA_BIN_ENTRY_SIZE, MICA_INSTRUCTION_BYTES);
	const size_t const_off = code_off + code.size();
	const size_t debug_off = align_up(const_off + const_data.size(), MICA_BIN_DEBUG_LINE_SIZE);
	const size_t strtab_off = debug_off + debug_lines.size() * MICA_BIN_DEBUG_LINE_SIZE;
	const size_t file_size = strtab_off + strtab_size;
	auto sec_off = [](size_t off, size_t size) { return static_cast<uint32_t>(size ? off : 0); };

	std::vector<uint8_t> out(file_size, 0);
	put<uint32_t>(out, HDR(magic), MICA_BIN_MAGIC);
	put<uint16_t>(out, HDR(version_major), MICA_BIN_VERSION_MAJOR);
	put<uint16_t>(out, HDR(version_minor), MICA_BIN_VERSION_MINOR);
	put<uint32_t>(out, HDR(header_size), MICA_BIN_HEADER_SIZE);
	put<uint32_t>(out, HDR(file_size), static_cast<uint32_t>(file_size));
	put<uint16_t>(out, HDR(target_revision), target_revision);
	put<uint16_t>(out, HDR(power_profile), power_profile);
	put<uint32_t>(out, HDR(flags), flags);
	put<uint32_t>(out, HDR(code_offset), sec_off(code_off, code.size()));
	put<uint32_t>(out, HDR(code_size), static_cast<uint32_t>(code.size()));
	put<uint32_t>(out, HDR(const_offset), sec_off(const_off, const_data.size()));
	put<uint32_t>(out, HDR(const_size), static_cast<uint32_t>(const_data.size()));
	put<uint32_t>(out, HDR(entry_offset), sec_off(entry_off, entries.size()));
	put<uint32_t>(out, HDR(entry_count), static_cast<uint32_t>(entries.size()));
	put<uint32_t>(out, HDR(strtab_offset), sec_off(strtab_off, strtab_size));
	put<uint32_t>(out, HDR(strtab_size), static_cast<uint32_t>(strtab_size));
	put<uint32_t>(out, HDR(debug_offset), sec_off(debug_off, debug_lines.size()));
	put<uint32_t>(out, HDR(debug_size), static_cast<uint32_t>(debug_lines.size() * MICA_BIN_DEBUG_LINE_SIZE));

	size_t name_off = 0;
	for (size_t i = 0; i < entries.size(); i++) {
		const EntryPoint &e = entries[i];
		const size_t base = entry_off + i * MICA_BIN_ENTRY_SIZE;
		put<uint32_t>(out, base + ENT(name), static_cast<uint32_t>(name_off));
		put<uint32_t>(out, base + ENT(code_offset), e.code_offset);
		put<uint16_t>(out, base + ENT(vgpr_count), e.vgpr_count);
		put<uint16_t>(out, base + ENT(sgpr_count), e.sgpr_count);
		put<uint32_t>(out, base + ENT(shared_bytes), e.shared_bytes);
		put<uint16_t>(out, base + ENT(wg_size_x), e.wg_size[0]);
		put<uint16_t>(out, base + ENT(wg_size_y), e.wg_size[1]);
		put<uint16_t>(out, base + ENT(wg_size_z), e.wg_size[2]);
		put<uint16_t>(out, base + ENT(flags), e.flags);
		put<uint32_t>(out, base + ENT(scratch_bytes), e.scratch_bytes);
		std::memcpy(out.data() + strtab_off + name_off, e.name.data(), e.name.size());
		name_off += e.name.size() + 1;
	}
	if (!code.empty())
		std::memcpy(out.data() + code_off, code.data(), code.size());
	if (!const_data.empty())
		std::memcpy(out.data() + const_off, const_data.data(), const_data.size());
	for (size_t i = 0; i < debug_lines.size(); i++) {
		const size_t base = debug_off + i * MICA_BIN_DEBUG_LINE_SIZE;
		put<uint32_t>(out, base + DBG(code_offset), debug_lines[i].code_offset);
		put<uint32_t>(out, base + DBG(line), debug_lines[i].line);
	}
	return out;
}

std::variant<Binary, BinaryError> parse_binary(std::span<const uint8_t> bytes)
{
	if (bytes.size() < MICA_BIN_HEADER_SIZE)
		return err(bytes.size(), "file is " + std::to_string(bytes.size()) + " bytes, shorter than the " +
			std::to_string(MICA_BIN_HEADER_SIZE) + "-byte header");
	if (get<uint32_t>(bytes, HDR(magic)) != MICA_BIN_MAGIC)
		return err(HDR(magic), "bad magic " + hex(get<uint32_t>(bytes, HDR(magic))) + ", expected " +
			hex(MICA_BIN_MAGIC) + " ('MCBN')");
	const uint16_t vmaj = get<uint16_t>(bytes, HDR(version_major));
	const uint16_t vmin = get<uint16_t>(bytes, HDR(version_minor));
	if (vmaj != MICA_BIN_VERSION_MAJOR)
		return err(HDR(version_major), "unsupported format version " + std::to_string(vmaj) + "." +
			std::to_string(vmin) + " (this tool reads major version " + std::to_string(MICA_BIN_VERSION_MAJOR) + ")");
	if (vmin > MICA_BIN_VERSION_MINOR)
		return err(HDR(version_minor), "unsupported minor version " + std::to_string(vmin) + " (newest known " +
			std::to_string(MICA_BIN_VERSION_MINOR) + ")");
	const uint32_t header_size = get<uint32_t>(bytes, HDR(header_size));
	if (header_size != MICA_BIN_HEADER_SIZE)
		return err(HDR(header_size), "header_size is " + std::to_string(header_size) + ", expected " +
			std::to_string(MICA_BIN_HEADER_SIZE));
	const uint32_t file_size = get<uint32_t>(bytes, HDR(file_size));
	if (file_size != bytes.size())
		return err(HDR(file_size), "file_size field says " + std::to_string(file_size) + " bytes but the file has " +
			std::to_string(bytes.size()));

	Binary b;
	b.target_revision = get<uint16_t>(bytes, HDR(target_revision));
	if (!known_revision(b.target_revision))
		return err(HDR(target_revision), "unknown target revision " + std::to_string(b.target_revision));
	b.power_profile = get<uint16_t>(bytes, HDR(power_profile));
	if (!known_profile(b.power_profile))
		return err(HDR(power_profile), "unknown power profile " + std::to_string(b.power_profile));
	b.flags = get<uint32_t>(bytes, HDR(flags));

	const uint32_t entry_count = get<uint32_t>(bytes, HDR(entry_count));
	const uint64_t entry_bytes = static_cast<uint64_t>(entry_count) * MICA_BIN_ENTRY_SIZE;
	if (entry_bytes > bytes.size())
		return err(HDR(entry_count), "entry_count " + std::to_string(entry_count) + " does not fit in the file");

	Section secs[] = {
		{"entry table", HDR(entry_offset), get<uint32_t>(bytes, HDR(entry_offset)), static_cast<uint32_t>(entry_bytes), 4},
		{"code", HDR(code_offset), get<uint32_t>(bytes, HDR(code_offset)), get<uint32_t>(bytes, HDR(code_size)), MICA_INSTRUCTION_BYTES},
		{"const data", HDR(const_offset), get<uint32_t>(bytes, HDR(const_offset)), get<uint32_t>(bytes, HDR(const_size)), 1},
		{"string table", HDR(strtab_offset), get<uint32_t>(bytes, HDR(strtab_offset)), get<uint32_t>(bytes, HDR(strtab_size)), 1},
		{"debug lines", HDR(debug_offset), get<uint32_t>(bytes, HDR(debug_offset)), get<uint32_t>(bytes, HDR(debug_size)), 4},
	};
	// Size fields sit right after their offset field, except the entry table's (a count).
	auto size_field = [](const Section &s) {
		return s.offset_field == HDR(entry_offset) ? HDR(entry_count) : s.offset_field + 4;
	};
	for (const Section &s : secs) {
		if (s.size == 0) {
			if (s.offset != 0)
				return err(s.offset_field, std::string(s.name) + " is empty but its offset is " +
					std::to_string(s.offset) + " (must be 0)");
			continue;
		}
		if (s.offset < header_size)
			return err(s.offset_field, std::string(s.name) + " offset " + std::to_string(s.offset) +
				" overlaps the header");
		if (static_cast<uint64_t>(s.offset) + s.size > bytes.size())
			return err(size_field(s), std::string(s.name) + " [" + std::to_string(s.offset) + ", +" +
				std::to_string(s.size) + ") runs past the end of the " + std::to_string(bytes.size()) + "-byte file");
		if (s.offset % s.align)
			return err(s.offset_field, std::string(s.name) + " offset " + std::to_string(s.offset) +
				" is not " + std::to_string(s.align) + "-byte aligned");
	}
	for (size_t i = 0; i < std::size(secs); i++)
		for (size_t j = i + 1; j < std::size(secs); j++) {
			const Section &a = secs[i], &c = secs[j];
			if (!a.size || !c.size)
				continue;
			if (a.offset < static_cast<uint64_t>(c.offset) + c.size && c.offset < static_cast<uint64_t>(a.offset) + a.size)
				return err(c.offset_field, std::string(c.name) + " overlaps " + a.name);
		}
	const Section &code = secs[1], &cdata = secs[2], &strtab = secs[3], &debug = secs[4];
	if (code.size % MICA_INSTRUCTION_BYTES)
		return err(HDR(code_size), "code_size " + std::to_string(code.size) + " is not a multiple of " +
			std::to_string(MICA_INSTRUCTION_BYTES));
	if (debug.size % MICA_BIN_DEBUG_LINE_SIZE)
		return err(HDR(debug_size), "debug_size " + std::to_string(debug.size) + " is not a multiple of " +
			std::to_string(MICA_BIN_DEBUG_LINE_SIZE));

	b.code.assign(bytes.begin() + code.offset, bytes.begin() + code.offset + code.size);
	b.const_data.assign(bytes.begin() + cdata.offset, bytes.begin() + cdata.offset + cdata.size);

	// Instructions: every word must decode; remember where instructions start.
	std::vector<bool> inst_start(code.size / MICA_INSTRUCTION_BYTES + 1, false);
	for (size_t off = 0; off < code.size;) {
		const size_t nwords = (code.size - off) / MICA_INSTRUCTION_BYTES;
		uint64_t words[2] = {code_word(b.code, off), nwords > 1 ? code_word(b.code, off + 8) : 0};
		mica_inst inst{};
		unsigned bad_field = 0;
		const int st = mica_decode(words, nwords > 1 ? 2 : 1, &inst, &bad_field);
		if (st != MICA_DEC_OK)
			return err(code.offset + off, "instruction at code offset " + hex(off) + " (word " + hex(words[0]) +
				") does not decode: " + mica_decode_status_name(st));
		if ((inst.info->flags & MICA_OPF_BRANCH) && inst.imm % static_cast<int32_t>(MICA_INSTRUCTION_BYTES))
			return err(code.offset + off, "branch at code offset " + hex(off) + " has offset " +
				std::to_string(inst.imm) + ", not a multiple of " + std::to_string(MICA_INSTRUCTION_BYTES));
		inst_start[off / MICA_INSTRUCTION_BYTES] = true;
		off += inst.words * MICA_INSTRUCTION_BYTES;
	}
	auto is_inst_start = [&](uint32_t off) {
		return off < code.size && off % MICA_INSTRUCTION_BYTES == 0 && inst_start[off / MICA_INSTRUCTION_BYTES];
	};

	std::set<std::string> names;
	for (uint32_t i = 0; i < entry_count; i++) {
		const size_t base = secs[0].offset + static_cast<size_t>(i) * MICA_BIN_ENTRY_SIZE;
		const std::string which = "entry " + std::to_string(i);
		EntryPoint e;
		const uint32_t name = get<uint32_t>(bytes, base + ENT(name));
		if (name >= strtab.size)
			return err(base + ENT(name), which + ": name offset " + std::to_string(name) +
				" is outside the " + std::to_string(strtab.size) + "-byte string table");
		const uint8_t *s = bytes.data() + strtab.offset + name;
		const void *nul = std::memchr(s, 0, strtab.size - name);
		if (!nul)
			return err(base + ENT(name), which + ": name is not NUL-terminated inside the string table");
		e.name.assign(reinterpret_cast<const char *>(s), static_cast<const uint8_t *>(nul) - s);
		if (!names.insert(e.name).second)
			return err(base + ENT(name), which + ": duplicate entry name '" + e.name + "'");
		e.code_offset = get<uint32_t>(bytes, base + ENT(code_offset));
		if (e.code_offset % MICA_CODE_ALIGNMENT)
			return err(base + ENT(code_offset), which + " '" + e.name + "': code_offset " + hex(e.code_offset) +
				" is not " + std::to_string(MICA_CODE_ALIGNMENT) + "-byte aligned");
		if (!is_inst_start(e.code_offset))
			return err(base + ENT(code_offset), which + " '" + e.name + "': code_offset " + hex(e.code_offset) +
				(e.code_offset >= code.size ? " is outside the code" : " is not the start of an instruction"));
		e.vgpr_count = get<uint16_t>(bytes, base + ENT(vgpr_count));
		if (e.vgpr_count > MICA_VGPRS_PER_WAVE)
			return err(base + ENT(vgpr_count), which + " '" + e.name + "': vgpr_count " +
				std::to_string(e.vgpr_count) + " exceeds " + std::to_string(MICA_VGPRS_PER_WAVE));
		e.sgpr_count = get<uint16_t>(bytes, base + ENT(sgpr_count));
		if (e.sgpr_count > MICA_SGPRS_PER_WAVE)
			return err(base + ENT(sgpr_count), which + " '" + e.name + "': sgpr_count " +
				std::to_string(e.sgpr_count) + " exceeds " + std::to_string(MICA_SGPRS_PER_WAVE));
		e.shared_bytes = get<uint32_t>(bytes, base + ENT(shared_bytes));
		if (e.shared_bytes > MICA_MAX_SHARED_BYTES)
			return err(base + ENT(shared_bytes), which + " '" + e.name + "': shared_bytes " +
				std::to_string(e.shared_bytes) + " exceeds " + std::to_string(MICA_MAX_SHARED_BYTES));
		const size_t wg_fields[3] = {ENT(wg_size_x), ENT(wg_size_y), ENT(wg_size_z)};
		const uint32_t wg_max[3] = {MICA_MAX_WORKGROUP_DIM_X, MICA_MAX_WORKGROUP_DIM_Y, MICA_MAX_WORKGROUP_DIM_Z};
		uint64_t invocations = 1;
		for (int d = 0; d < 3; d++) {
			e.wg_size[d] = get<uint16_t>(bytes, base + wg_fields[d]);
			if (e.wg_size[d] == 0 || e.wg_size[d] > wg_max[d])
				return err(base + wg_fields[d], which + " '" + e.name + "': workgroup size " + "xyz"[d] +
					" = " + std::to_string(e.wg_size[d]) + " is outside 1.." + std::to_string(wg_max[d]));
			invocations *= e.wg_size[d];
		}
		if (invocations > MICA_MAX_WORKGROUP_INVOCATIONS)
			return err(base + ENT(wg_size_x), which + " '" + e.name + "': workgroup of " +
				std::to_string(invocations) + " invocations exceeds " + std::to_string(MICA_MAX_WORKGROUP_INVOCATIONS));
		e.flags = get<uint16_t>(bytes, base + ENT(flags));
		e.scratch_bytes = get<uint32_t>(bytes, base + ENT(scratch_bytes));
		if (get<uint32_t>(bytes, base + ENT(reserved)) != 0)
			return err(base + ENT(reserved), which + " '" + e.name + "': reserved field is not zero");
		b.entries.push_back(std::move(e));
	}

	for (uint32_t i = 0; i < debug.size / MICA_BIN_DEBUG_LINE_SIZE; i++) {
		const size_t base = debug.offset + static_cast<size_t>(i) * MICA_BIN_DEBUG_LINE_SIZE;
		DebugLine d{get<uint32_t>(bytes, base + DBG(code_offset)), get<uint32_t>(bytes, base + DBG(line))};
		if (!is_inst_start(d.code_offset))
			return err(base + DBG(code_offset), "debug line " + std::to_string(i) + ": code_offset " +
				hex(d.code_offset) + (d.code_offset >= code.size ? " is outside the code" : " is not the start of an instruction"));
		if (!b.debug_lines.empty() && d.code_offset < b.debug_lines.back().code_offset)
			return err(base + DBG(code_offset), "debug line " + std::to_string(i) + ": code_offset " +
				hex(d.code_offset) + " is smaller than the previous one (lines must be sorted)");
		b.debug_lines.push_back(d);
	}
	return b;
}

}  // namespace mica::isa
