#include "kernel_module.h"

#include <spirv/unified1/OpenCL.std.h>
#define SPV_ENABLE_UTILITY_CODE   // spv::HasResultAndType
#include <spirv/unified1/spirv.hpp11>

#include <algorithm>
#include <cstring>

namespace mica::compiler::kernel {

using spv::Op;

const Inst *ModuleScan::get(uint32_t id) const
{
	auto it = def.find(id);
	return it == def.end() ? nullptr : &insts[it->second];
}

bool ModuleScan::has_decoration(uint32_t id, uint32_t decoration, std::optional<uint32_t> arg) const
{
	for (const Inst &in : insts) {
		if (in.op != (uint16_t)Op::OpDecorate || in.w.size() < 3 || in.w[1] != id || in.w[2] != decoration)
			continue;
		if (!arg || (in.w.size() > 3 && in.w[3] == *arg))
			return true;
	}
	return false;
}

namespace {

// The value of an integer constant (OpConstant of a 32- or 64-bit integer type).
std::optional<uint64_t> int_constant(const ModuleScan &m, uint32_t id)
{
	const Inst *c = m.get(id);
	if (!c || c->op != (uint16_t)Op::OpConstant || c->w.size() < 4)
		return c && c->op == (uint16_t)Op::OpConstantNull ? std::optional<uint64_t>(0) : std::nullopt;
	uint64_t v = c->w[3];
	if (c->w.size() >= 5)
		v |= (uint64_t)c->w[4] << 32;
	return v;
}

// The bytes of a constant i8 array (OpConstantComposite of i8 OpConstants, or a null array).
std::optional<std::vector<uint8_t>> byte_array(const ModuleScan &m, uint32_t id)
{
	const Inst *c = m.get(id);
	if (!c)
		return std::nullopt;
	if (c->op == (uint16_t)Op::OpConstantComposite) {
		std::vector<uint8_t> bytes;
		for (size_t i = 3; i < c->w.size(); i++) {
			auto v = int_constant(m, c->w[i]);
			if (!v)
				return std::nullopt;
			bytes.push_back((uint8_t)*v);
		}
		return bytes;
	}
	if (c->op == (uint16_t)Op::OpConstantNull)
		return std::vector<uint8_t>{0};
	return std::nullopt;
}

} // namespace

std::optional<std::string> ModuleScan::constant_string(uint32_t pointer_id) const
{
	uint64_t offset = 0;
	for (int depth = 0; depth < 16; depth++) {
		const Inst *p = get(pointer_id);
		if (!p)
			return std::nullopt;
		Op op = (Op)p->op;
		// Constant expressions at module scope: OpSpecConstantOp <opcode> operands...
		std::span<const uint32_t> w = p->w;
		size_t first = 3;
		if (op == Op::OpSpecConstantOp && w.size() >= 4) {
			op = (Op)w[3];
			first = 4;
		}
		if (op == Op::OpVariable && w.size() >= 5) {
			auto bytes = byte_array(*this, w[4]);
			if (!bytes || offset >= bytes->size())
				return std::nullopt;
			const auto begin = bytes->begin() + (ptrdiff_t)offset;
			return std::string(begin, std::find(begin, bytes->end(), (uint8_t)0));
		}
		if (op == Op::OpBitcast || op == Op::OpPtrCastToGeneric || op == Op::OpGenericCastToPtr ||
		    op == Op::OpCopyObject) {
			if (w.size() <= first)
				return std::nullopt;
			pointer_id = w[first];
			continue;
		}
		if (op == Op::OpPtrAccessChain || op == Op::OpInBoundsPtrAccessChain || op == Op::OpAccessChain ||
		    op == Op::OpInBoundsAccessChain) {
			if (w.size() <= first)
				return std::nullopt;
			// Strings are i8 arrays: every index after the base counts one byte, except the
			// element index of a PtrAccessChain on a pointer to the whole array (always 0 here).
			const bool ptr_chain = op == Op::OpPtrAccessChain || op == Op::OpInBoundsPtrAccessChain;
			for (size_t i = first + 1; i < w.size(); i++) {
				auto v = int_constant(*this, w[i]);
				if (!v)
					return std::nullopt;
				if (ptr_chain && i == first + 1 && w.size() > first + 2) {
					if (*v != 0)
						return std::nullopt;
					continue;
				}
				offset += *v;
			}
			pointer_id = w[first];
			continue;
		}
		return std::nullopt;
	}
	return std::nullopt;
}

std::optional<std::pair<uint32_t, uint32_t>> ModuleScan::layout(uint32_t type_id) const
{
	const Inst *t = get(type_id);
	if (!t)
		return std::nullopt;
	const auto &w = t->w;
	switch ((Op)t->op) {
	case Op::OpTypeBool:
		return std::pair{1u, 1u};
	case Op::OpTypeInt:
	case Op::OpTypeFloat:
		if (w.size() < 3 || w[2] < 8 || w[2] > 64 || (w[2] & (w[2] - 1)))
			return std::nullopt;
		return std::pair{w[2] / 8, w[2] / 8};
	case Op::OpTypePointer:
		return std::pair{8u, 8u};
	case Op::OpTypeVector: {
		if (w.size() < 4)
			return std::nullopt;
		auto e = layout(w[2]);
		if (!e || w[3] < 2 || w[3] > 16)
			return std::nullopt;
		const uint32_t n = w[3] == 3 ? 4 : w[3];
		return std::pair{e->first * n, e->first * n};
	}
	case Op::OpTypeArray: {
		if (w.size() < 4)
			return std::nullopt;
		auto e = layout(w[2]);
		auto n = int_constant(*this, w[3]);
		if (!e || !n || *n > (1u << 24) || (uint64_t)e->first * *n > (1u << 30))
			return std::nullopt;
		return std::pair{(uint32_t)(e->first * *n), e->second};
	}
	case Op::OpTypeStruct: {
		const bool packed = has_decoration(w[1], (uint32_t)spv::Decoration::CPacked);
		uint32_t size = 0, align = 1;
		for (size_t i = 2; i < w.size(); i++) {
			auto m = layout(w[i]);
			if (!m)
				return std::nullopt;
			const uint32_t a = packed ? 1 : m->second;
			size = (size + a - 1) / a * a + m->first;
			align = std::max(align, a);
			if (size > (1u << 30))
				return std::nullopt;
		}
		return std::pair{(size + align - 1) / align * align, align};
	}
	default:
		return std::nullopt;
	}
}

uint32_t ModuleScan::member_offset(uint32_t struct_type, uint32_t member) const
{
	const Inst *t = get(struct_type);
	if (!t || t->op != (uint16_t)Op::OpTypeStruct)
		return 0;
	const bool packed = has_decoration(struct_type, (uint32_t)spv::Decoration::CPacked);
	uint32_t off = 0;
	for (size_t i = 2; i < t->w.size(); i++) {
		auto m = layout(t->w[i]);
		if (!m)
			return 0;
		const uint32_t a = packed ? 1 : m->second;
		off = (off + a - 1) / a * a;
		if (i - 2 == member)
			return off;
		off += m->first;
	}
	return off;
}

std::vector<PrintfConversion> parse_printf_format(const std::string &f, std::string &error)
{
	std::vector<PrintfConversion> out;
	for (size_t i = 0; i < f.size(); i++) {
		if (f[i] != '%')
			continue;
		if (++i >= f.size()) {
			error = "printf format ends in '%'";
			return {};
		}
		if (f[i] == '%')
			continue;
		while (i < f.size() && std::strchr("-+ #0", f[i]))
			i++;
		while (i < f.size() && (std::isdigit((unsigned char)f[i]) || f[i] == '.'))
			i++;
		PrintfConversion c{};
		if (i < f.size() && f[i] == 'v') {
			uint32_t n = 0;
			for (i++; i < f.size() && std::isdigit((unsigned char)f[i]); i++)
				n = n * 10 + (uint32_t)(f[i] - '0');
			if (n != 2 && n != 3 && n != 4 && n != 8 && n != 16) {
				error = "printf format '" + f + "': vector width must be 2, 3, 4, 8 or 16";
				return {};
			}
			c.vector = n;
		}
		while (i < f.size() && std::strchr("hlL", f[i]))
			i++;
		if (i >= f.size() || !std::strchr("diouxXfFeEgGaAcsp", f[i])) {
			error = "printf format '" + f + "': unknown conversion";
			return {};
		}
		c.conversion = f[i];
		out.push_back(c);
	}
	return out;
}

ModuleScan scan_module(std::span<const uint32_t> words)
{
	ModuleScan m;
	if (words.size() < 5) {
		m.error = "SPIR-V module is truncated: " + std::to_string(words.size()) + " words, the header alone needs 5";
		return m;
	}
	if (words[0] != 0x07230203u) {
		m.error = "not a SPIR-V module (bad magic number)";
		return m;
	}
	for (size_t i = 5; i < words.size();) {
		const uint32_t n = words[i] >> 16;
		if (n == 0 || i + n > words.size()) {
			m.error = "malformed SPIR-V: instruction at word " + std::to_string(i) + " runs past the end";
			return m;
		}
		Inst in{(uint16_t)(words[i] & 0xffff), words.subspan(i, n)};
		bool has_result = false, has_type = false;
		spv::HasResultAndType((Op)in.op, &has_result, &has_type);
		const size_t rpos = has_type ? 2 : 1;
		if (has_result && n > rpos)
			m.def[in.w[rpos]] = m.insts.size();
		if (in.op == (uint16_t)Op::OpExtInstImport && n >= 3) {
			const char *name = reinterpret_cast<const char *>(&in.w[2]);
			if (std::string(name, strnlen(name, (n - 2) * 4)) == "OpenCL.std")
				m.opencl_std = in.w[1];
		}
		m.insts.push_back(in);
		i += n;
	}
	// The printf string table: formats and %s strings in module order, each once.
	auto add = [&](const std::string &s) {
		if (m.printf_string_id.emplace(s, (uint32_t)m.printf_strings.size()).second)
			m.printf_strings.push_back(s);
	};
	for (const Inst &in : m.insts) {
		if (in.op != (uint16_t)Op::OpExtInst || in.w.size() < 6 || in.w[3] != m.opencl_std || !m.opencl_std ||
		    in.w[4] != OpenCLLIB::Printf)
			continue;
		auto format = m.constant_string(in.w[5]);
		if (!format)
			continue;   // the translator reports it when it compiles the call
		add(*format);
		std::string err;
		auto convs = parse_printf_format(*format, err);
		for (size_t a = 0; a < convs.size() && 6 + a < in.w.size(); a++)
			if (convs[a].conversion == 's')
				if (auto s = m.constant_string(in.w[6 + a]))
					add(*s);
	}
	m.ok = true;
	return m;
}

} // namespace mica::compiler::kernel
