// GLSL.std.450 Modf and Frexp return their second result through a pointer (usually to a
// function-scope variable). The pointer keeps SPIRV-Tools from promoting that variable to an SSA
// value, so before optimisation each becomes the struct form plus a store:
//   %s = ModfStruct %x ; %r = extract %s 0 ; %t = extract %s 1 ; OpStore %ptr %t
// The struct types {T, T'} are added before the first function.
#include "spirv_prepare.h"

#include <spirv/unified1/GLSL.std.450.h>
#define SPV_ENABLE_UTILITY_CODE   // spv::HasResultAndType
#include <spirv/unified1/spirv.hpp11>

#include <cstring>
#include <map>
#include <unordered_map>

namespace mica::compiler {

std::vector<uint32_t> lower_extinst_out_params(std::span<const uint32_t> words)
{
	std::vector<uint32_t> in(words.begin(), words.end());
	if (in.size() < 5)
		return in;
	uint32_t glsl = 0, bound = in[3];
	std::unordered_map<uint32_t, uint32_t> result_type, pointee;
	bool any = false;
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return in;   // malformed: the validator has already said so
		if (op == (uint32_t)spv::Op::OpExtInstImport && n >= 3 &&
		    std::strncmp(reinterpret_cast<const char *>(&in[i + 2]), "GLSL.std.450", (n - 2) * 4) == 0)
			glsl = in[i + 1];
		if (op == (uint32_t)spv::Op::OpTypePointer && n >= 4)
			pointee[in[i + 1]] = in[i + 3];
		bool has_result = false, has_type = false;
		spv::HasResultAndType((spv::Op)op, &has_result, &has_type);
		if (has_result && has_type && n >= 3)
			result_type[in[i + 2]] = in[i + 1];
		if (op == (uint32_t)spv::Op::OpExtInst && n == 7 && in[i + 3] == glsl &&
		    (in[i + 4] == GLSLstd450Modf || in[i + 4] == GLSLstd450Frexp))
			any = true;
		i += n;
	}
	if (!any)
		return in;
	std::map<std::pair<uint32_t, uint32_t>, uint32_t> structs;   // (T, T') -> struct type id
	std::vector<uint32_t> body;
	size_t first_function = 0;
	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (op == (uint32_t)spv::Op::OpFunction && !first_function)
			first_function = i;
		if (first_function && op == (uint32_t)spv::Op::OpExtInst && n == 7 && in[i + 3] == glsl &&
		    (in[i + 4] == GLSLstd450Modf || in[i + 4] == GLSLstd450Frexp)) {
			const uint32_t rt = in[i + 1], res = in[i + 2], x = in[i + 5], ptr = in[i + 6];
			auto pt = result_type.find(ptr);
			auto second = pt == result_type.end() ? pointee.end() : pointee.find(pt->second);
			if (second != pointee.end()) {
				uint32_t &st = structs[{rt, second->second}];
				if (!st)
					st = bound++;
				const uint32_t s = bound++, t = bound++;
				const uint32_t form = in[i + 4] == GLSLstd450Modf ? GLSLstd450ModfStruct : GLSLstd450FrexpStruct;
				body.insert(body.end(), {(6u << 16) | (uint32_t)spv::Op::OpExtInst, st, s, glsl, form, x});
				body.insert(body.end(), {(5u << 16) | (uint32_t)spv::Op::OpCompositeExtract, rt, res, s, 0});
				body.insert(body.end(), {(5u << 16) | (uint32_t)spv::Op::OpCompositeExtract, second->second, t, s, 1});
				body.insert(body.end(), {(3u << 16) | (uint32_t)spv::Op::OpStore, ptr, t});
				i += n;
				continue;
			}
		}
		if (first_function)
			body.insert(body.end(), in.begin() + (long)i, in.begin() + (long)(i + n));
		i += n;
	}
	std::vector<uint32_t> out(in.begin(), in.begin() + (long)first_function);
	for (auto &[members, id] : structs)
		out.insert(out.end(), {(4u << 16) | (uint32_t)spv::Op::OpTypeStruct, id, members.first, members.second});
	out.insert(out.end(), body.begin(), body.end());
	out[3] = bound;
	return out;
}

} // namespace mica::compiler
