// OpBitcast of a constant vector of 8- or 16-bit components, folded before SPIRV-Tools sees it.
//
// SPIRV-Tools 2023.1 (Debian 12) folds such a bitcast into a 32-bit constant carrying one literal
// word per source component instead of the components packed into one word. Serialised as is,
// the module fails validation (prepare_spirv then retries without the performance recipe); when
// the value is bitcast again (uintBitsToFloat(packFloat2x16(...))) the second fold reads the
// first word only: a valid module that keeps the low half and drops the high one. CTS
// glsl.builtin.precision_fp16_storage32b.inverse.compute.mat4 stored
// uintBitsToFloat(packFloat2x16(f16vec2(0.0, -1.0))) as 0x00000000, not 0xbc000000.
// prepare_spirv runs this between the promotion passes (which replace loads of
// constant-initialised locals by the constants) and the folding ones. An OpCompositeConstruct of
// constants is folded into a constant by the optimizer first, so it is covered too. The bitcast
// becomes an OpCopyObject of a constant with the packed bits, which the optimizer folds
// correctly. A bitcast whose operand only becomes constant in the folding passes themselves
// (constant propagation through phis, unrolled loops) is not covered.
#include "spirv_prepare.h"

#include <spirv/unified1/spirv.hpp11>
#include <unordered_map>

namespace mica::compiler {

namespace {

struct NumericType {
	uint32_t width = 0;       // bits of one component
	uint32_t count = 1;       // components (1: scalar)
	uint32_t component = 0;   // component type id (vectors); the type itself for scalars
};

} // namespace

std::vector<uint32_t> fold_narrow_constant_bitcasts(std::span<const uint32_t> in)
{
	if (in.size() < 5)
		return std::vector<uint32_t>(in.begin(), in.end());
	std::unordered_map<uint32_t, NumericType> types;
	std::unordered_map<uint32_t, uint64_t> scalar_bits;          // OpConstant id -> value bits
	std::unordered_map<uint32_t, std::vector<uint32_t>> composite; // composite constant / construct id -> parts
	std::unordered_map<uint32_t, uint32_t> type_of;              // constant id -> type id
	uint32_t bound = in[3];
	size_t first_function = in.size();
	std::vector<uint32_t> decls;   // constants to add before the first function
	std::vector<uint32_t> out(in.begin(), in.end());
	bool changed = false;

	auto bits_of = [&](uint32_t id, uint64_t &bits, uint32_t &total) -> bool {
		auto t = type_of.find(id);
		if (t == type_of.end() || !types.count(t->second))
			return false;
		const NumericType nt = types[t->second];
		total = nt.width * nt.count;
		if (total > 64)
			return false;
		if (nt.count == 1) {
			auto s = scalar_bits.find(id);
			if (s == scalar_bits.end())
				return false;
			bits = s->second;
			return true;
		}
		auto c = composite.find(id);
		if (c == composite.end() || c->second.size() != nt.count)
			return false;
		bits = 0;
		for (uint32_t k = 0; k < nt.count; k++) {
			auto s = scalar_bits.find(c->second[k]);
			if (s == scalar_bits.end())
				return false;
			const uint64_t mask = nt.width == 64 ? ~0ull : ((1ull << nt.width) - 1);
			bits |= (s->second & mask) << (k * nt.width);   // component 0 in the lowest bits
		}
		return true;
	};
	// A new OpConstant of scalar type 'type' (32 or 64 bits) holding 'bits'.
	auto new_scalar = [&](uint32_t type, uint32_t width, uint64_t bits) {
		const uint32_t id = bound++;
		if (width == 64) {
			const uint32_t d[] = {(5u << 16) | (uint32_t)spv::Op::OpConstant, type, id, (uint32_t)bits, (uint32_t)(bits >> 32)};
			decls.insert(decls.end(), std::begin(d), std::end(d));
		} else {
			const uint32_t d[] = {(4u << 16) | (uint32_t)spv::Op::OpConstant, type, id, (uint32_t)bits};
			decls.insert(decls.end(), std::begin(d), std::end(d));
		}
		return id;
	};

	for (size_t i = 5; i < in.size();) {
		const uint32_t n = in[i] >> 16, op = in[i] & 0xffffu;
		if (n == 0 || i + n > in.size())
			return std::vector<uint32_t>(in.begin(), in.end());
		if (op == (uint32_t)spv::Op::OpFunction && first_function == in.size())
			first_function = i;
		if ((op == (uint32_t)spv::Op::OpTypeInt || op == (uint32_t)spv::Op::OpTypeFloat) && n >= 3)
			types[in[i + 1]] = NumericType{in[i + 2], 1, in[i + 1]};
		else if (op == (uint32_t)spv::Op::OpTypeVector && n == 4 && types.count(in[i + 2]) && types[in[i + 2]].count == 1)
			types[in[i + 1]] = NumericType{types[in[i + 2]].width, in[i + 3], in[i + 2]};
		else if (op == (uint32_t)spv::Op::OpConstant && n >= 4 && types.count(in[i + 1])) {
			type_of[in[i + 2]] = in[i + 1];
			scalar_bits[in[i + 2]] = n >= 5 ? (uint64_t)in[i + 3] | ((uint64_t)in[i + 4] << 32) : in[i + 3];
		} else if ((op == (uint32_t)spv::Op::OpConstantComposite || op == (uint32_t)spv::Op::OpCompositeConstruct) &&
		           n >= 4 && types.count(in[i + 1])) {
			// An OpCompositeConstruct of constants is folded into a constant composite by the
			// optimizer before the bitcast, so it is mis-folded the same way.
			type_of[in[i + 2]] = in[i + 1];
			composite[in[i + 2]].assign(in.begin() + (ptrdiff_t)i + 3, in.begin() + (ptrdiff_t)(i + n));
		} else if (op == (uint32_t)spv::Op::OpBitcast && n == 4 && i > first_function && types.count(in[i + 1])) {
			const NumericType dst = types[in[i + 1]];
			const auto src_type = type_of.find(in[i + 3]);
			uint64_t bits = 0;
			uint32_t total = 0;
			// Only a source of narrow components is mis-folded; the rest is left to the optimizer.
			if (src_type != type_of.end() && types.count(src_type->second) && types[src_type->second].count > 1 &&
			    types[src_type->second].width < 32 && (dst.width == 32 || dst.width == 64) &&
			    bits_of(in[i + 3], bits, total) && total == dst.width * dst.count) {
				uint32_t value;
				if (dst.count == 1) {
					value = new_scalar(in[i + 1], dst.width, bits);
				} else {
					std::vector<uint32_t> parts;
					for (uint32_t k = 0; k < dst.count; k++)
						parts.push_back(new_scalar(dst.component, dst.width, bits >> (k * dst.width)));
					value = bound++;
					decls.push_back(((3u + dst.count) << 16) | (uint32_t)spv::Op::OpConstantComposite);
					decls.push_back(in[i + 1]);
					decls.push_back(value);
					decls.insert(decls.end(), parts.begin(), parts.end());
				}
				out[i] = (4u << 16) | (uint32_t)spv::Op::OpCopyObject;
				out[i + 3] = value;
				changed = true;
			}
		}
		i += n;
	}
	if (!changed)
		return std::vector<uint32_t>(in.begin(), in.end());
	out[3] = bound;
	out.insert(out.begin() + (ptrdiff_t)first_function, decls.begin(), decls.end());
	return out;
}

} // namespace mica::compiler
