// SPDX-License-Identifier: MIT
#include "text.h"

#include <bit>
#include <cstdio>
#include <cstring>

namespace mica::isa::text {

std::string hex(uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

std::string float_const_spelling(unsigned i)
{
	const double d = std::bit_cast<double>(mica_float_const_f64[i]);
	char buf[32];
	std::snprintf(buf, sizeof buf, "%g", d);
	std::string s = buf;
	if (s.find('.') == std::string::npos)
		s += ".0";
	return s;
}

bool int_inline_raw(int64_t v, unsigned *raw)
{
	const int64_t max_pos = MICA_OPND_INT_CONST_LAST - MICA_OPND_INT_CONST_FIRST;
	const int64_t max_neg = MICA_OPND_INT_NEG_LAST - MICA_OPND_INT_NEG_FIRST + 1;
	if (v >= 0 && v <= max_pos) {
		*raw = MICA_OPND_INT_CONST_FIRST + static_cast<unsigned>(v);
		return true;
	}
	if (v < 0 && -v <= max_neg) {
		*raw = MICA_OPND_INT_NEG_FIRST + static_cast<unsigned>(-v - 1);
		return true;
	}
	return false;
}

uint16_t f32_to_f16(float f)
{
	const uint32_t x = std::bit_cast<uint32_t>(f);
	const uint32_t sign = (x >> 16) & 0x8000u;
	const int32_t exp = static_cast<int32_t>((x >> 23) & 0xffu);
	uint32_t mant = x & 0x7fffffu;
	if (exp == 0xff)  // inf / nan (keep nan quiet)
		return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u | (mant >> 13) : 0));
	int32_t e = exp - 127 + 15;
	if (e >= 0x1f)
		return static_cast<uint16_t>(sign | 0x7c00u);
	if (e <= 0) {  // subnormal half (or zero)
		if (e < -10)
			return static_cast<uint16_t>(sign);
		mant |= 0x800000u;
		const unsigned shift = static_cast<unsigned>(14 - e);
		uint32_t h = mant >> shift;
		const uint32_t rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
		if (rem > half || (rem == half && (h & 1)))
			h++;
		return static_cast<uint16_t>(sign | h);
	}
	uint32_t h = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
	const uint32_t rem = mant & 0x1fffu;
	if (rem > 0x1000u || (rem == 0x1000u && (h & 1)))
		h++;  // may carry into the exponent, which is the correct rounding (up to inf)
	return static_cast<uint16_t>(sign | h);
}

const char *column_name(unsigned format, unsigned i)
{
	static const char *const alu[4] = {"dst", "src0", "src1", "src2"};
	static const char *const mem[4] = {"dst", "addr", "saddr", "data"};
	if (i >= 4)
		return "?";
	return format == MICA_FMT_MEM ? mem[i] : alu[i];
}

std::string allowed_list(unsigned allow)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{MICA_ALLOW_VGPR, "VGPR"}, {MICA_ALLOW_SGPR, "SGPR"}, {MICA_ALLOW_EXEC, "exec"},
		{MICA_ALLOW_VCC, "vcc"}, {MICA_ALLOW_SCC, "scc"}, {MICA_ALLOW_LANE_ID, "lane_id"},
		{MICA_ALLOW_NONE, "none/off"}, {MICA_ALLOW_CONST, "inline constant"}, {MICA_ALLOW_LITERAL, "literal"},
	};
	std::string s;
	for (const auto &n : names)
		if (allow & n.bit) {
			if (!s.empty())
				s += ", ";
			s += n.name;
		}
	return s;
}

const char *class_phrase(enum mica_opnd_class c)
{
	switch (c) {
	case MICA_OC_VGPR: return "a VGPR";
	case MICA_OC_SGPR: return "an SGPR";
	case MICA_OC_EXEC: return "exec";
	case MICA_OC_VCC: return "vcc";
	case MICA_OC_SCC: return "scc";
	case MICA_OC_LANE_ID: return "lane_id";
	case MICA_OC_NONE: return "none/off";
	case MICA_OC_CONST: return "an inline constant";
	case MICA_OC_LITERAL: return "a literal";
	default: return "a reserved operand";
	}
}

bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}

bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

std::string quote_name(std::string_view name)
{
	bool bare = !name.empty() && is_ident_start(name[0]) && name[0] != '.';
	for (char c : name)
		bare = bare && is_ident_char(c);
	if (bare)
		return std::string(name);
	std::string s = "\"";
	for (char c : name) {
		const auto u = static_cast<unsigned char>(c);
		if (c == '"' || c == '\\') {
			s += '\\';
			s += c;
		} else if (u < 0x20 || u >= 0x7f) {
			char buf[8];
			std::snprintf(buf, sizeof buf, "\\x%02x", u);
			s += buf;
		} else {
			s += c;
		}
	}
	return s + "\"";
}

bool uses_f16(const mica_op_info &info)
{
	const size_t n = std::strlen(info.name);
	return n >= 4 && std::strcmp(info.name + n - 4, "_f16") == 0;
}

}  // namespace mica::isa::text
