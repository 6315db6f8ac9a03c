// Serialisation of the shader binary (mica.toml [binary]: struct mica_bin_header, mica_bin_entry,
// mica_bin_debug_line from mica_hw.h). Code is 256-aligned in the file; entry code offsets are
// 256-aligned within the code.
#include <cstring>

#include "mica/compiler/binary_image.h"
#include "mica_hw.h"

namespace mica::compiler {

namespace {

template <class T> void put(std::vector<uint8_t> &out, size_t at, const T &v)
{
	memcpy(out.data() + at, &v, sizeof v);
}

size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

} // namespace

std::vector<uint8_t> BinaryImage::serialize() const
{
	std::string strtab(1, '\0');
	std::vector<uint32_t> name_off;
	for (const BinaryEntry &e : entries) {
		name_off.push_back((uint32_t)strtab.size());
		strtab += e.name;
		strtab += '\0';
	}
	mica_bin_header h{};
	h.magic = MICA_BIN_MAGIC;
	h.version_major = MICA_BIN_VERSION_MAJOR;
	h.version_minor = MICA_BIN_VERSION_MINOR;
	h.header_size = MICA_BIN_HEADER_SIZE;
	h.target_revision = target_revision;
	h.power_profile = power_profile;
	h.flags = flags;
	size_t off = MICA_BIN_HEADER_SIZE;
	h.entry_offset = (uint32_t)off;
	h.entry_count = (uint32_t)entries.size();
	off += entries.size() * MICA_BIN_ENTRY_SIZE;
	h.strtab_offset = (uint32_t)off;
	h.strtab_size = (uint32_t)strtab.size();
	off = align_up(off + strtab.size(), 8);
	h.debug_offset = debug_lines.empty() ? 0 : (uint32_t)off;
	h.debug_size = (uint32_t)(debug_lines.size() * MICA_BIN_DEBUG_LINE_SIZE);
	off += h.debug_size;
	off = align_up(off, MICA_CODE_ALIGNMENT);
	h.code_offset = (uint32_t)off;
	h.code_size = (uint32_t)code.size();
	off += code.size();
	off = align_up(off, MICA_CODE_ALIGNMENT);
	h.const_offset = const_data.empty() ? 0 : (uint32_t)off;
	h.const_size = (uint32_t)const_data.size();
	off += const_data.size();
	h.file_size = (uint32_t)off;
	std::vector<uint8_t> out(off, 0);
	put(out, 0, h);
	for (size_t i = 0; i < entries.size(); i++) {
		const BinaryEntry &e = entries[i];
		mica_bin_entry be{};
		be.name = name_off[i];
		be.code_offset = e.code_offset;
		be.vgpr_count = e.vgpr_count;
		be.sgpr_count = e.sgpr_count;
		be.shared_bytes = e.shared_bytes;
		be.wg_size_x = e.wg_size[0];
		be.wg_size_y = e.wg_size[1];
		be.wg_size_z = e.wg_size[2];
		be.flags = e.flags;
		be.scratch_bytes = e.scratch_bytes;
		put(out, h.entry_offset + i * MICA_BIN_ENTRY_SIZE, be);
	}
	memcpy(out.data() + h.strtab_offset, strtab.data(), strtab.size());
	for (size_t i = 0; i < debug_lines.size(); i++) {
		mica_bin_debug_line dl{debug_lines[i].first, debug_lines[i].second};
		put(out, h.debug_offset + i * MICA_BIN_DEBUG_LINE_SIZE, dl);
	}
	if (!code.empty())
		memcpy(out.data() + h.code_offset, code.data(), code.size());
	if (!const_data.empty())
		memcpy(out.data() + h.const_offset, const_data.data(), const_data.size());
	return out;
}

std::variant<BinaryImage, std::string> BinaryImage::parse(std::span<const uint8_t> bytes)
{
	mica_bin_header h;
	if (bytes.size() < sizeof h)
		return std::string("file too small for a Mica binary header");
	memcpy(&h, bytes.data(), sizeof h);
	if (h.magic != MICA_BIN_MAGIC)
		return std::string("not a Mica binary (bad magic)");
	if (h.version_major != MICA_BIN_VERSION_MAJOR)
		return std::string("unsupported binary version ") + std::to_string(h.version_major);
	if (h.file_size > bytes.size())
		return std::string("binary is truncated");
	auto in_range = [&](uint64_t off, uint64_t size) { return off <= h.file_size && size <= h.file_size - off; };
	if (!in_range(h.code_offset, h.code_size) || !in_range(h.const_offset, h.const_size) ||
	    !in_range(h.strtab_offset, h.strtab_size) || !in_range(h.debug_offset, h.debug_size) ||
	    !in_range(h.entry_offset, (uint64_t)h.entry_count * MICA_BIN_ENTRY_SIZE))
		return std::string("a section lies outside the file");
	BinaryImage img;
	img.target_revision = h.target_revision;
	img.power_profile = h.power_profile;
	img.flags = h.flags;
	img.code.assign(bytes.begin() + h.code_offset, bytes.begin() + h.code_offset + h.code_size);
	img.const_data.assign(bytes.begin() + h.const_offset, bytes.begin() + h.const_offset + h.const_size);
	for (uint32_t i = 0; i < h.entry_count; i++) {
		mica_bin_entry be;
		memcpy(&be, bytes.data() + h.entry_offset + (size_t)i * MICA_BIN_ENTRY_SIZE, sizeof be);
		BinaryEntry e;
		if (be.name >= h.strtab_size)
			return std::string("entry name outside the string table");
		const char *s = (const char *)bytes.data() + h.strtab_offset + be.name;
		size_t maxlen = h.strtab_size - be.name;
		size_t len = strnlen(s, maxlen);
		if (len == maxlen)
			return std::string("unterminated entry name");
		e.name.assign(s, len);
		e.code_offset = be.code_offset;
		if (e.code_offset % MICA_CODE_ALIGNMENT || e.code_offset >= h.code_size)
			return std::string("entry code offset is misaligned or outside the code");
		e.vgpr_count = be.vgpr_count;
		e.sgpr_count = be.sgpr_count;
		e.shared_bytes = be.shared_bytes;
		e.wg_size[0] = be.wg_size_x;
		e.wg_size[1] = be.wg_size_y;
		e.wg_size[2] = be.wg_size_z;
		e.flags = be.flags;
		e.scratch_bytes = be.scratch_bytes;
		img.entries.push_back(e);
	}
	for (uint32_t i = 0; i + MICA_BIN_DEBUG_LINE_SIZE <= h.debug_size; i += MICA_BIN_DEBUG_LINE_SIZE) {
		mica_bin_debug_line dl;
		memcpy(&dl, bytes.data() + h.debug_offset + i, sizeof dl);
		img.debug_lines.push_back({dl.code_offset, dl.line});
	}
	return img;
}

} // namespace mica::compiler
