// OpenCL images and samplers in Kernel-model modules (docs/compiler.md "Kernel images"): what
// differs from the Vulkan image path (spirv_image.cpp), which does the instructions themselves.
//
// * An image or sampler is a kernel argument, not a descriptor-set binding: its descriptor lies
//   inline in the argument block (mica/compiler/kernel_image_abi.h) and is loaded once in the
//   prologue with load_desc, so the value is the same SGPR tuple the Vulkan path works with.
// * Inline samplers (OpConstantSampler) are descriptors in the program's const data.
// * OpenCL's image instructions take coordinate vectors wider than the image (int4 for 3D and
//   2D-array images), integer coordinates for sampled reads (read_imagef(img, s, int2)), return
//   size_t queries, ask the channel order and type, and saturate integer writes.
#include "mica/compiler/kernel_image_abi.h"
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

namespace abi_img = mica::compiler::kernel_image;

void Translator::kernel_constant_sampler(const Inst &in)
{
	auto w = in.w;
	if (w.size() < 6)
		fail("OpConstantSampler has too few operands");
	if (w[3] > (uint32_t)abi_img::Addressing::mirrored_repeat || w[4] > 1 || w[5] > 1)
		fail("OpConstantSampler with an addressing or filter mode OpenCL does not define");
	// Its value is a tagged constant naming it, so it can be passed to functions (inlined: their
	// parameters take the argument's value) and becomes a descriptor only where it is used.
	const uint32_t index = (uint32_t)const_samplers_.size();
	if (index > 0xffff)
		fail("too many inline samplers");
	const_samplers_.push_back({w[3], w[4], w[5]});
	set(w[2], w[1], {Operand::c32(kConstSamplerTag | index)});
}

// The 4-SGPR descriptor of a sampler value: an argument's, or an inline sampler's from const data.
Operand Translator::kernel_sampler(uint32_t id)
{
	const Operand v = val(id).at(0);
	if (!v.is_const())
		return v;
	if (((uint32_t)v.value & 0xffff0000u) != kConstSamplerTag || ((uint32_t)v.value & 0xffff) >= const_samplers_.size())
		fail("a sampler value that is neither an argument nor an inline sampler");
	const uint32_t index = (uint32_t)v.value & 0xffff;
	const ConstSampler *it = &const_samplers_[index];
	auto done = const_sampler_desc_.find(index);
	if (done != const_sampler_desc_.end())
		return done->second;
	// The sampler, then its NEAREST twin, as a sampler argument has them.
	uint32_t dw[8];
	abi_img::encode_sampler(it->normalized != 0, (abi_img::Addressing)it->addressing, (abi_img::Filter)it->filter, dw);
	abi_img::encode_sampler(it->normalized != 0, (abi_img::Addressing)it->addressing, abi_img::Filter::nearest, dw + 4);
	const uint64_t start = (p_.const_data.size() + 15) / 16 * 16;
	p_.const_data.resize(start + abi_img::kSamplerArgBytes, 0);
	for (uint32_t i = 0; i < abi_img::kSamplerArgBytes; i++)
		p_.const_data[start + i] = (uint8_t)(dw[i / 4] >> (8 * (i % 4)));
	if (!const_data_base_)
		const_data_base_ = emit_prologue(IO::Op::const_data_base, r64(), {}).id;
	const Operand base = Operand::temp(*const_data_base_, 2);
	Operand d = emit_prologue(IO::Op::load_desc, RegClass{Bank::undecided, 4, false}, {base, Operand::c32(0)},
	                          (int64_t)start, 4);
	sampler_nearest_[d.id] = emit_prologue(IO::Op::load_desc, RegClass{Bank::undecided, 4, false},
	                                       {base, Operand::c32(0)}, (int64_t)(start + abi_img::kSamplerNearest), 4);
	const_sampler_desc_.emplace(index, d);
	return d;
}

void Translator::bind_image_argument(uint32_t id, uint32_t tid, const KernelArg &arg)
{
	const bool sampler = arg.kind == KernelArgKind::sampler;
	const uint32_t dwords = sampler ? 4 : 8;
	if (arg.offset % 16)
		fail("internal error: image or sampler argument not 16-byte aligned in the argument block");
	Operand d = emit_prologue(IO::Op::load_desc, RegClass{Bank::undecided, (uint8_t)dwords, false},
	                          {kernel_args_base(), Operand::c32(0)}, arg.offset, dwords);
	if (!sampler)
		image_arg_offset_[d.id] = arg.offset;
	else
		sampler_nearest_[d.id] = emit_prologue(IO::Op::load_desc, RegClass{Bank::undecided, 4, false},
		                                       {kernel_args_base(), Operand::c32(0)}, arg.offset + abi_img::kSamplerNearest, 4);
	set(id, tid, {d});
}

// A u32 of an image argument's record after its descriptor (kernel_image_abi.h).
Operand Translator::image_arg_word(Operand desc, uint32_t at)
{
	auto it = image_arg_offset_.find(desc.id);
	if (it == image_arg_offset_.end())
		fail("internal error: an image value that is not a kernel argument");
	return emit(IO::Op::load_const, r32(), {kernel_args_base(), Operand::c32(0)}, it->second + at, 4);
}

// The descriptor of an image argument's level 0 alone (kernel_image_abi.h kImageLevel0Desc),
// loaded once in the prologue on first use.
Operand Translator::image_level0_desc(Operand desc)
{
	auto done = image_level0_.find(desc.id);
	if (done != image_level0_.end())
		return done->second;
	auto it = image_arg_offset_.find(desc.id);
	if (it == image_arg_offset_.end())
		fail("internal error: an image value that is not a kernel argument");
	Operand d = emit_prologue(IO::Op::load_desc, RegClass{Bank::undecided, 8, false},
	                          {kernel_args_base(), Operand::c32(0)}, it->second + abi_img::kImageLevel0Desc, 8);
	image_level0_.emplace(desc.id, d);
	return d;
}

// OpenCL passes coordinate vectors wider than the image (int4 / float4 for 3D and 2D-array
// images, whose w is undefined); the unit would read a fourth integer coordinate as the level.
// Sampled reads with integer coordinates (read_imagef(img, sampler, int2)) sample at the texel's
// integer coordinate: with the unnormalized, nearest samplers OpenCL requires for them, floor(x) = x.
std::vector<Operand> Translator::kernel_image_coords(const Type &it, std::vector<Operand> coords, bool sampled,
                                                     uint32_t coord_type)
{
	uint32_t n = 1;
	switch ((spv::Dim)it.dim) {
	case spv::Dim::Dim2D: n = 2; break;
	case spv::Dim::Dim3D: n = 3; break;
	default: n = 1; break;
	}
	n += it.arrayed ? 1 : 0;
	if (coords.size() > n)
		coords.resize(n);
	if (sampled && type(scalar_type(coord_type)).k == Type::K::Int)
		for (Operand &c : coords)
			c = emit(IO::Op::cvt_f_s, r32(), {c});
	return coords;
}

// A synthetic vector of 'n' 32-bit floats (read_imageh / write_imageh go through f32 texels).
static uint32_t f32_vector(std::unordered_map<uint32_t, Type> &types, uint32_t &next_id, uint32_t n)
{
	Type f;
	f.k = Type::K::Float;
	f.width = 32;
	const uint32_t f_id = next_id++;
	types[f_id] = f;
	if (n == 1)
		return f_id;
	Type v;
	v.k = Type::K::Vector;
	v.elem = f_id;
	v.count = n;
	const uint32_t v_id = next_id++;
	types[v_id] = v;
	return v_id;
}

bool Translator::translate_kernel_image(const Inst &in)
{
	auto w = in.w;
	const Op op = (Op)in.op;
	auto need = [&](size_t n) {
		if (w.size() < n)
			fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	};
	switch (op) {
	case Op::OpSampledImage:
		need(5);
		set(w[2], w[1], {val(w[3]).at(0), kernel_sampler(w[4])});
		return true;
	case Op::OpImageQueryFormat:
	case Op::OpImageQueryOrder:
		need(4);
		set(w[2], w[1],
		    {image_arg_word(val(w[3]).at(0), op == Op::OpImageQueryFormat ? abi_img::kImageChannelDataType
		                                                                  : abi_img::kImageChannelOrder)});
		return true;
	case Op::OpImageQuerySize:
	case Op::OpImageQuerySizeLod: {
		// get_image_width/height/depth/dim (int) and get_image_array_size (size_t): components of
		// the unit's size query, widened when the result is 64-bit.
		need(4);
		Operand level = op == Op::OpImageQuerySizeLod ? (need(5), val(w[4]).at(0)) : Operand::c32(0);
		std::vector<Operand> ops = {val(w[3]).at(0), Operand::c32(0), level, Operand::c32(0), Operand::c32(0), Operand::c32(0)};
		Operand size = emit(IO::Op::image_read, RegClass{Bank::vgpr, 4, false}, std::move(ops), 0, MICA_OP_IMAGE_QUERY_SIZE);
		const Type &rt = type(w[1]);
		const uint32_t n = rt.k == Type::K::Vector ? rt.count : 1;
		const bool wide = type(scalar_type(w[1])).width == 64;
		std::vector<Operand> out;
		for (uint32_t i = 0; i < n; i++) {
			Operand c = i < 4 ? emit(IO::Op::extract, RegClass{Bank::vgpr, 1, false}, {size}, i) : Operand::c32(0);
			out.push_back(wide ? emit(IO::Op::zext, r64(), {c}) : c);
		}
		set(w[2], w[1], out);
		return true;
	}
	case Op::OpImageRead:
	case Op::OpImageSampleExplicitLod: {
		need(5);
		if (op == Op::OpImageSampleExplicitLod && w.size() > 5 && (w[5] & (uint32_t)spv::ImageOperandsMask::Grad)) {
			// read_image{f,i,ui,h}(img, sampler, coord, gradient_x, gradient_y) (cl_khr_mipmap_image):
			// the unit takes an explicit LOD, so the LOD comes from the gradients here, as OpenCL
			// and Vulkan define it: rho = max(|dP/dx|, |dP/dy|) with P in texels of level 0,
			// lambda = log2(rho); then the read is one with that Lod.
			if (w[5] != (uint32_t)spv::ImageOperandsMask::Grad || w.size() < 8)
				fail("image operand Grad together with other image operands is not supported");
			const uint32_t image_type_id = type(value_type(w[3])).elem;
			const Type &it = type(image_type_id);
			const uint32_t dims = it.dim == (uint32_t)spv::Dim::Dim3D ? 3 : it.dim == (uint32_t)spv::Dim::Dim2D ? 2 : 1;
			std::vector<Operand> ops = {val(w[3]).at(0), Operand::c32(0), Operand::c32(0), Operand::c32(0),
			                            Operand::c32(0), Operand::c32(0)};
			Operand size = emit(IO::Op::image_read, RegClass{Bank::vgpr, 4, false}, std::move(ops), 0, MICA_OP_IMAGE_QUERY_SIZE);
			const std::vector<Operand> gx = val(w[6]), gy = val(w[7]);
			auto length = [&](const std::vector<Operand> &g) {
				Operand sum = Operand::c32(0);
				for (uint32_t d = 0; d < dims && d < g.size(); d++) {
					Operand n = emit(IO::Op::cvt_f_u, r32(), {emit(IO::Op::extract, RegClass{Bank::vgpr, 1, false}, {size}, d)});
					Operand t = emit(IO::Op::fmul, r32(), {g[d], n});
					sum = emit(IO::Op::fadd, r32(), {sum, emit(IO::Op::fmul, r32(), {t, t})});
				}
				return emit(IO::Op::fsqrt, r32(), {sum});
			};
			Operand lod = emit(IO::Op::flog2, r32(), {emit(IO::Op::fmax, r32(), {length(gx), length(gy)})});
			const uint32_t lod_id = next_layout_type_++;
			set(lod_id, f32_vector(types_, next_layout_type_, 1), {lod});
			std::vector<uint32_t> words(w.begin(), w.begin() + 5);
			words.push_back((uint32_t)spv::ImageOperandsMask::Lod);
			words.push_back(lod_id);
			return translate_kernel_image(Inst{in.op, words}) || translate_image(Inst{in.op, words});
		}
		const Type &rs = type(scalar_type(w[1]));
		if (rs.k == Type::K::Float && rs.width == 16) {
			// read_imageh (cl_khr_fp16): the f32 texel rounded to half (exact for half images).
			const uint32_t n = type(w[1]).k == Type::K::Vector ? type(w[1]).count : 1;
			std::vector<uint32_t> words(w.begin(), w.end());
			words[1] = f32_vector(types_, next_layout_type_, n);
			words[2] = next_layout_type_++;
			if (!translate_kernel_image(Inst{in.op, words}) && !translate_image(Inst{in.op, words}))
				return false;
			std::vector<Operand> h;
			for (const Operand &x : val(words[2]))
				h.push_back(emit(IO::Op::cvt_f16_f32, r32(), {x}));
			set(w[2], w[1], h);
			return true;
		}
		if (op == Op::OpImageRead)
			return false;
		std::vector<Operand> si = val(w[3]);
		if (si.size() < 2)
			return false;
		// A read without an explicit LOD (the front end's Lod 0.0) reads level 0: it samples the
		// level-0 view, which unnormalized samplers need on a mipmapped image (kernel_image_abi.h).
		const bool lod_zero = w.size() > 6 && (w[5] & (uint32_t)spv::ImageOperandsMask::Lod) && val(w[6]).at(0).is_const() &&
		                      (uint32_t)val(w[6]).at(0).value == 0;
		const bool integer = rs.k == Type::K::Int;
		if (!lod_zero && !integer)
			return false;
		if (lod_zero && image_arg_offset_.count(si[0].id))
			si[0] = image_level0_desc(si[0]);
		// read_imagei / read_imageui: the sampler's NEAREST twin (kernel_image_abi.h).
		if (integer) {
			auto twin = sampler_nearest_.find(si[1].id);
			if (twin == sampler_nearest_.end())
				fail("internal error: a sampler without its NEAREST twin");
			si[1] = twin->second;
		}
		const uint32_t si_id = next_layout_type_++;
		set(si_id, value_type(w[3]), si);
		std::vector<uint32_t> words(w.begin(), w.end());
		words[3] = si_id;
		return translate_image(Inst{in.op, words});
	}
	case Op::OpImageWrite: {
		// write_imagei / write_imageui saturate to the channel type; the unit keeps the low bits.
		// Which of the two it was is the channel type's business: SPIR-V before 1.4 (what the
		// OpenCL front end writes) has no SignExtend / ZeroExtend operand, so both clamps are
		// applied with bounds from the argument, the one of the other signedness the identity.
		need(4);
		const Type &ts = type(scalar_type(value_type(w[3])));
		if (ts.k == Type::K::Float && ts.width == 16) {
			// write_imageh (cl_khr_fp16): the texel widened to f32 (exact).
			const uint32_t n = type(value_type(w[3])).k == Type::K::Vector ? type(value_type(w[3])).count : 1;
			std::vector<Operand> texel;
			for (const Operand &x : val(w[3]))
				texel.push_back(emit(IO::Op::cvt_f32_f16, r32(), {x}));
			const uint32_t texel_id = next_layout_type_++;
			set(texel_id, f32_vector(types_, next_layout_type_, n), texel);
			std::vector<uint32_t> words(w.begin(), w.end());
			words[3] = texel_id;
			return translate_image(Inst{in.op, words});
		}
		if (ts.k != Type::K::Int)
			return false;
		Operand desc = val(w[1]).at(0);
		std::vector<Operand> texel = val(w[3]);
		Operand hi = image_arg_word(desc, abi_img::kImageIntMax);
		Operand lo = emit(IO::Op::isub, r32(), {Operand::c32(0xffffffffu), hi});   // -hi - 1
		Operand uhi = image_arg_word(desc, abi_img::kImageUintMax);
		for (Operand &c : texel)
			c = emit(IO::Op::umin, r32(), {emit(IO::Op::smin, r32(), {emit(IO::Op::smax, r32(), {c, lo}), hi}), uhi});
		const uint32_t texel_id = next_layout_type_++;
		set(texel_id, value_type(w[3]), texel);
		std::vector<uint32_t> words(w.begin(), w.end());
		words[3] = texel_id;
		return translate_image(Inst{in.op, words});
	}
	default:
		return false;
	}
}

} // namespace mica::compiler::spirv_detail
