#include "machine.h"

#include <cassert>
#include <charconv>
#include <cstring>

namespace mica::compiler {

std::string reg_name(uint16_t code, unsigned size)
{
	auto tuple = [&](char c, unsigned i) {
		if (size <= 1)
			return std::string(1, c) + std::to_string(i);
		return std::string(1, c) + "[" + std::to_string(i) + ":" + std::to_string(i + size - 1) + "]";
	};
	if (is_vgpr_code(code))
		return tuple('v', code - MICA_OPND_VGPR_FIRST);
	if (is_sgpr_code(code))
		return tuple('s', code - MICA_OPND_SGPR_FIRST);
	switch (code) {
	case MICA_OPND_EXEC: return "exec";
	case MICA_OPND_VCC: return "vcc";
	case MICA_OPND_SCC: return "scc";
	case MICA_OPND_LANE_ID: return "lane_id";
	case MICA_OPND_NONE: return "none";
	default: return "?" + std::to_string(code);
	}
}

bool parse_reg_name(std::string_view s, uint16_t &code, uint8_t &size)
{
	size = 1;
	if (s == "exec") { code = MICA_OPND_EXEC; return true; }
	if (s == "vcc") { code = MICA_OPND_VCC; return true; }
	if (s == "scc") { code = MICA_OPND_SCC; return true; }
	if (s == "lane_id") { code = MICA_OPND_LANE_ID; return true; }
	if (s == "none") { code = MICA_OPND_NONE; return true; }
	if (s.size() < 2 || (s[0] != 'v' && s[0] != 's'))
		return false;
	unsigned first = 0, last = 0;
	std::string_view rest = s.substr(1);
	if (rest[0] == '[') {
		size_t colon = rest.find(':'), close = rest.find(']');
		if (colon == std::string_view::npos || close != rest.size() - 1)
			return false;
		if (std::from_chars(rest.data() + 1, rest.data() + colon, first).ec != std::errc() ||
		    std::from_chars(rest.data() + colon + 1, rest.data() + close, last).ec != std::errc() ||
		    last < first || last - first > 7)
			return false;
	} else {
		auto r = std::from_chars(rest.data(), rest.data() + rest.size(), first);
		if (r.ec != std::errc() || r.ptr != rest.data() + rest.size())
			return false;
		last = first;
	}
	unsigned limit = s[0] == 'v' ? MICA_VGPRS_PER_WAVE : MICA_SGPRS_PER_WAVE;
	if (last >= limit)
		return false;
	code = s[0] == 'v' ? vgpr(first) : sgpr(first);
	size = (uint8_t)(last - first + 1);
	return true;
}

const mica_op_info *find_mop(std::string_view mnemonic)
{
	for (unsigned i = 0; i < MICA_OP_COUNT; i++)
		if (mnemonic == mica_op_table[i].name)
			return &mica_op_table[i];
	return nullptr;
}

const mica_op_info *mop(unsigned opcode)
{
	const mica_op_info *info = mica_op_lookup(opcode);
	assert(info);
	return info;
}

uint16_t inline_const_code(uint32_t value, bool float_op)
{
	int32_t v = (int32_t)value;
	if (v >= 0 && v <= 64)
		return (uint16_t)(MICA_OPND_INT_CONST_FIRST + v);
	if (v >= -16 && v <= -1)
		return (uint16_t)(MICA_OPND_INT_NEG_FIRST + (-v - 1));
	if (float_op)
		for (unsigned i = 0; i < 8; i++)
			if (mica_float_const_f32[i] == value)
				return (uint16_t)(MICA_OPND_FLOAT_FIRST + i);
	return 0;
}

} // namespace mica::compiler
