// Images, samplers and texel buffers (docs/compiler.md "Images"; the texture unit: docs/hw/texture.md).
//
// An image, sampler or texel-buffer variable names a binding whose elements are 48 bytes: an image
// descriptor (32 bytes) then a sampler descriptor (16), after the binding's array header
// (abi::kImageElementBytes; the Vulkan driver writes them). Loading such a variable (or an element
// of an array of them) loads the descriptor into SGPRs (load_desc): an image value is its 8-SGPR
// descriptor, a sampler its 4-SGPR one, a sampled image both. The instructions take them with
// per-lane coordinates in VGPRs; the descriptor says the view type, format and extent, so the
// compiler only orders coordinates as the instruction expects (SPIR-V order, array layer last, the
// level in the fourth register, or the sample index for a multisampled image).
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

namespace {
// desc_value keys of the descriptor kinds of spirv_descriptors.cpp, extended.
constexpr uint32_t kImageDesc = 100, kSamplerDesc = 101;

// The 4-bit signed texel offsets of the MEM offset field: x bits 3:0, y 7:4, z 11:8.
int64_t offset_field(const std::vector<Operand> &offsets)
{
	int64_t field = 0;
	for (size_t i = 0; i < offsets.size() && i < 3; i++) {
		const int32_t o = (int32_t)(uint32_t)offsets[i].value;
		if (o < MICA_TEX_TEXEL_OFFSET_MIN || o > (int32_t)MICA_TEX_TEXEL_OFFSET_MAX)
			throw Fail{"texel offset " + std::to_string(o) + " outside the device's range [" +
			           std::to_string(MICA_TEX_TEXEL_OFFSET_MIN) + ", " + std::to_string(MICA_TEX_TEXEL_OFFSET_MAX) + "]"};
		field |= (int64_t)((uint32_t)o & 0xf) << (4 * i);
	}
	return field;
}
} // namespace

void Translator::image_type(const Inst &in)
{
	auto w = in.w;
	Type t;
	switch ((Op)in.op) {
	case Op::OpTypeImage:
		if (w.size() < 9)
			fail("OpTypeImage has too few operands");
		t.k = Type::K::Image;
		t.elem = w[2];
		t.dim = w[3];
		t.depth = w[4];
		t.arrayed = w[5];
		t.ms = w[6];
		t.sampled = w[7];
		t.image_format = w[8];
		// Multisampled images are 2D (or 2D arrays); the texture unit takes the sample index where
		// single-sampled images have the level (docs/hw/texture.md "Coordinates").
		if (t.ms && t.dim != (uint32_t)spv::Dim::Dim2D)
			fail("multisampled images of a dimension other than 2D are not supported");
		switch ((spv::Dim)t.dim) {
		case spv::Dim::Dim1D:
		case spv::Dim::Dim2D:
		case spv::Dim::Dim3D:
		case spv::Dim::Cube:
		case spv::Dim::Buffer:
			break;
		default:
			fail("images of dimension " + std::to_string(t.dim) + " (subpass data, rectangle) are not supported");
		}
		{
			const Type &st = type(t.elem);
			// OpenCL images have a void sampled type: the result type of each access says it.
			if (kernel_ && st.k == Type::K::Void)
				break;
			if ((st.k != Type::K::Int && st.k != Type::K::Float) || st.width != 32)
				fail("images with a sampled type other than 32-bit int or float (64-bit formats) are not supported");
		}
		break;
	case Op::OpTypeSampler:
		t.k = Type::K::Sampler;
		break;
	default:
		if (w.size() < 3)
			fail("OpTypeSampledImage has too few operands");
		t.k = Type::K::SampledImage;
		t.elem = w[2];
		if (type(w[2]).k != Type::K::Image)
			fail("OpTypeSampledImage of something that is not an image");
		break;
	}
	types_[w[1]] = t;
}

bool Translator::is_image_like(uint32_t type_id)
{
	const Type &t = type(type_id);
	if (t.k == Type::K::Array || t.k == Type::K::RtArray)
		return is_image_like(t.elem);
	return t.k == Type::K::Image || t.k == Type::K::Sampler || t.k == Type::K::SampledImage;
}

void Translator::check_image_variable(Var &v)
{
	const Type &t = type(v.type);
	if (t.k == Type::K::Array || t.k == Type::K::RtArray) {
		const Type &e = type(t.elem);
		if (e.k != Type::K::Image && e.k != Type::K::Sampler && e.k != Type::K::SampledImage)
			fail("UniformConstant variables must be images, samplers or sampled images (or one array of them)");
		v.desc_array = true;
		return;
	}
	if (!is_image_like(v.type))
		fail("UniformConstant variables must be images, samplers or sampled images (or one array of them)");
}

// The descriptor of the image (or its sampler) that 'p' (an image-like variable or array element)
// names: set + header + 16 + 48 * index (+ 32 for the sampler), cached when the index is constant.
Operand Translator::image_descriptor(const Ptr &p, bool sampler)
{
	const Var &v = vars_[p.var];
	if (v.desc_array && !p.desc_indexed)
		fail("access to a whole array of images or samplers (only its elements can be accessed)");
	auto [set, set_pro] = desc_set(v.set);
	auto [header, header_pro] = desc_binding_word(v.set, v.binding, false);
	const uint32_t dwords = sampler ? MICA_TEX_SAMPLER_DESCRIPTOR_BYTES / 4 : MICA_TEX_IMAGE_DESCRIPTOR_BYTES / 4;
	const uint32_t skip = abi::kArrayHeaderBytes + (sampler ? abi::kSamplerInElement : 0);
	const RegClass rc{Bank::undecided, (uint8_t)dwords, false};
	Operand idx = p.desc_indexed ? p.desc_elem : Operand::c32(0);
	if (idx.is_const()) {
		const uint32_t elem = (uint32_t)idx.value;
		return desc_value(sampler ? kSamplerDesc : kImageDesc, v.set, v.binding, elem, set_pro && header_pro,
		                  IO::Op::load_desc, rc, {set, header}, skip + (int64_t)elem * abi::kImageElementBytes, dwords)
		    .first;
	}
	Operand off = emit(IO::Op::iadd, r32(), {header, emit(IO::Op::imul, r32(), {idx, Operand::c32(abi::kImageElementBytes)})});
	return emit(IO::Op::load_desc, rc, {set, off}, skip, dwords);
}

// The components of an image instruction's 4 result registers that the result type has.
std::vector<Operand> Translator::image_result(Operand texel, uint32_t result_type)
{
	const Type &t = type(result_type);
	const uint32_t n = t.k == Type::K::Vector ? t.count : 1;
	if (type(scalar_type(result_type)).width != 32)
		fail("image results of a width other than 32 bits are not supported");
	std::vector<Operand> out;
	for (uint32_t i = 0; i < n && i < 4; i++)
		out.push_back(emit(IO::Op::extract, RegClass{Bank::vgpr, 1, false}, {texel}, i));
	return out;
}

void Translator::image_atomic_op(const Inst &in, const TexelPtr &tp)
{
	auto w = in.w;
	const Op op = (Op)in.op;
	const Ptr p = pointer(tp.image);
	Operand desc = image_descriptor(p, false);
	unsigned opcode = 0;
	std::vector<Operand> data;
	bool has_result = true;
	auto value = [&](size_t i) { return val(w[i]).at(0); };
	switch (op) {
	// A load is a compare-and-swap of 0 with 0: it never changes the texel, and unlike an OR with 0
	// the texture unit allows it on every atomic format, R32_SFLOAT included (docs/hw/texture.md).
	case Op::OpAtomicLoad: opcode = MICA_OP_IMAGE_ATOMIC_CMPSWAP_B32; data = {Operand::c32(0), Operand::c32(0)}; break;
	case Op::OpAtomicStore: opcode = MICA_OP_IMAGE_ATOMIC_SWAP_B32; data = {val(w[4]).at(0)}; has_result = false; break;
	case Op::OpAtomicExchange: opcode = MICA_OP_IMAGE_ATOMIC_SWAP_B32; data = {value(6)}; break;
	case Op::OpAtomicCompareExchange: opcode = MICA_OP_IMAGE_ATOMIC_CMPSWAP_B32; data = {value(7), value(8)}; break;
	case Op::OpAtomicIIncrement: opcode = MICA_OP_IMAGE_ATOMIC_ADD_U32; data = {Operand::c32(1)}; break;
	case Op::OpAtomicIDecrement: opcode = MICA_OP_IMAGE_ATOMIC_SUB_U32; data = {Operand::c32(1)}; break;
	case Op::OpAtomicIAdd: opcode = MICA_OP_IMAGE_ATOMIC_ADD_U32; data = {value(6)}; break;
	case Op::OpAtomicISub: opcode = MICA_OP_IMAGE_ATOMIC_SUB_U32; data = {value(6)}; break;
	case Op::OpAtomicSMin: opcode = MICA_OP_IMAGE_ATOMIC_SMIN_I32; data = {value(6)}; break;
	case Op::OpAtomicUMin: opcode = MICA_OP_IMAGE_ATOMIC_UMIN_U32; data = {value(6)}; break;
	case Op::OpAtomicSMax: opcode = MICA_OP_IMAGE_ATOMIC_SMAX_I32; data = {value(6)}; break;
	case Op::OpAtomicUMax: opcode = MICA_OP_IMAGE_ATOMIC_UMAX_U32; data = {value(6)}; break;
	case Op::OpAtomicAnd: opcode = MICA_OP_IMAGE_ATOMIC_AND_B32; data = {value(6)}; break;
	case Op::OpAtomicOr: opcode = MICA_OP_IMAGE_ATOMIC_OR_B32; data = {value(6)}; break;
	case Op::OpAtomicXor: opcode = MICA_OP_IMAGE_ATOMIC_XOR_B32; data = {value(6)}; break;
	case Op::OpAtomicFAddEXT: opcode = MICA_OP_IMAGE_ATOMIC_ADD_F32; data = {value(6)}; break;
	case Op::OpAtomicFMinEXT: opcode = MICA_OP_IMAGE_ATOMIC_MIN_F32; data = {value(6)}; break;
	case Op::OpAtomicFMaxEXT: opcode = MICA_OP_IMAGE_ATOMIC_MAX_F32; data = {value(6)}; break;
	default: fail("this atomic instruction is not supported on image texels");
	}
	std::vector<Operand> ops = {desc, Operand::c32(0)};
	for (size_t i = 0; i < 4; i++)
		ops.push_back(i < tp.coords.size() ? tp.coords[i] : Operand::c32(0));
	ops.insert(ops.end(), data.begin(), data.end());
	if (!has_result) {
		emit(IO::Op::image_atomic, RegClass{Bank::vgpr, 1, false}, std::move(ops), 0, opcode);
		return;
	}
	Operand old = emit(IO::Op::image_atomic, RegClass{Bank::vgpr, 1, false}, std::move(ops), 0, opcode);
	set(w[2], w[1], {old});
}

bool Translator::translate_image(const Inst &in)
{
	auto w = in.w;
	const Op op = (Op)in.op;
	auto need = [&](size_t n) {
		if (w.size() < n)
			fail(spirv_named(spirv_opcode_name(in.op), in.op) + " has too few operands");
	};
	// Whether a pointer (an image variable or array element) names a multisampled image.
	auto image_pointer_is_ms = [&](uint32_t ptr_id) {
		auto it = ptrs_.find(ptr_id);
		uint32_t t = it != ptrs_.end() ? it->second.type : vars_.count(ptr_id) ? vars_[ptr_id].type : 0;
		while (t && types_.count(t) && (type(t).k == Type::K::Array || type(t).k == Type::K::RtArray))
			t = type(t).elem;
		return t && types_.count(t) && type(t).k == Type::K::Image && type(t).ms;
	};
	switch (op) {
	case Op::OpLoad: {
		need(4);
		auto it = ptrs_.find(w[3]);
		const uint32_t pointee = it != ptrs_.end() ? it->second.type : vars_.count(w[3]) ? vars_[w[3]].type : 0;
		if (!pointee || !types_.count(pointee))
			return false;
		const Type &t = type(pointee);
		if (t.k != Type::K::Image && t.k != Type::K::Sampler && t.k != Type::K::SampledImage)
			return false;
		// A dynamically uniform index is read from the first active lane (isel_image.cpp); one the
		// shader declares non-uniform would silently use that lane's descriptor for every lane.
		if (has_deco(w[2], spv::Decoration::NonUniform) || has_deco(w[3], spv::Decoration::NonUniform))
			fail("non-uniform indexing of image or sampler arrays (NonUniform) is not supported");
		const Ptr p = pointer(w[3]);
		std::vector<Operand> v;
		if (t.k != Type::K::Sampler)
			v.push_back(image_descriptor(p, false));
		if (t.k != Type::K::Image)
			v.push_back(image_descriptor(p, true));
		set(w[2], w[1], v);
		return true;
	}
	case Op::OpSampledImage:
		need(5);
		set(w[2], w[1], {val(w[3]).at(0), val(w[4]).at(0)});
		return true;
	case Op::OpImage:
		need(4);
		set(w[2], w[1], {val(w[3]).at(0)});
		return true;
	case Op::OpImageTexelPointer: {
		need(6);
		TexelPtr tp;
		tp.image = w[3];
		for (const Operand &c : val(w[4]))
			tp.coords.push_back(c);
		const Operand &sample = val(w[5]).at(0);
		if (image_pointer_is_ms(w[3])) {
			// The sample index goes in the fourth register (after x, y and the layer).
			if (tp.coords.size() > 3)
				fail("multisampled texel coordinate with more than 3 components");
			tp.coords.resize(3, Operand::c32(0));
			tp.coords.push_back(sample);
		} else if (!sample.is_const() || sample.value != 0) {
			fail("OpImageTexelPointer with a sample other than 0 on a single-sampled image");
		}
		texel_ptrs_[w[2]] = tp;
		return true;
	}
	case Op::OpAtomicLoad:
	case Op::OpAtomicExchange:
	case Op::OpAtomicCompareExchange:
	case Op::OpAtomicIIncrement:
	case Op::OpAtomicIDecrement:
	case Op::OpAtomicIAdd:
	case Op::OpAtomicISub:
	case Op::OpAtomicSMin:
	case Op::OpAtomicUMin:
	case Op::OpAtomicSMax:
	case Op::OpAtomicUMax:
	case Op::OpAtomicAnd:
	case Op::OpAtomicOr:
	case Op::OpAtomicXor:
	case Op::OpAtomicFAddEXT:
	case Op::OpAtomicFMinEXT:
	case Op::OpAtomicFMaxEXT: {
		need(4);
		auto it = texel_ptrs_.find(w[3]);
		if (it == texel_ptrs_.end())
			return false;
		image_atomic_op(in, it->second);
		return true;
	}
	case Op::OpAtomicStore: {
		need(2);
		auto it = texel_ptrs_.find(w[1]);
		if (it == texel_ptrs_.end())
			return false;
		image_atomic_op(in, it->second);
		return true;
	}
	default:
		break;
	}

	// The image instructions proper: result type, id, image (or sampled image), coordinate, ...
	bool reads = true, sampled = false, query = false;
	size_t operands_at = 0;   // word index of the Image Operands mask, 0 if none
	switch (op) {
	case Op::OpImageRead:
	case Op::OpImageFetch:
		need(5);
		operands_at = 5;
		break;
	case Op::OpImageWrite:
		need(4);
		reads = false;
		operands_at = 4;
		break;
	case Op::OpImageSampleExplicitLod:
	case Op::OpImageGather:
		need(6);
		sampled = true;
		operands_at = op == Op::OpImageGather ? 6 : 5;
		break;
	case Op::OpImageSampleDrefExplicitLod:
	case Op::OpImageDrefGather:
		need(6);
		sampled = true;
		operands_at = 6;
		break;
	case Op::OpImageQuerySize:
	case Op::OpImageQuerySizeLod:
	case Op::OpImageQueryLevels:
	case Op::OpImageQuerySamples:
		need(4);
		query = true;
		break;
	case Op::OpImageSampleImplicitLod:
	case Op::OpImageSampleDrefImplicitLod:
	case Op::OpImageSampleProjImplicitLod:
	case Op::OpImageSampleProjDrefImplicitLod:
	case Op::OpImageQueryLod:
		fail("implicit-LOD image instructions need derivatives, which compute shaders on Mica do not have");
	case Op::OpImageSampleProjExplicitLod:
	case Op::OpImageSampleProjDrefExplicitLod:
		fail("projective image sampling is not supported (it is not available in compute shaders under Vulkan)");
	case Op::OpImageSparseRead:
	case Op::OpImageSparseFetch:
	case Op::OpImageSparseSampleExplicitLod:
	case Op::OpImageSparseGather:
		fail("sparse image instructions are not supported");
	default:
		return false;
	}

	// Operands: write has no result (image, coordinate, texel); the others result type, id, image, ...
	const size_t image_word = reads ? 3 : 1;
	const std::vector<Operand> &image = val(w[image_word]);
	const uint32_t image_type_id = [&] {
		const Type &t = type(value_type(w[image_word]));
		return t.k == Type::K::SampledImage ? t.elem : value_type(w[image_word]);
	}();
	const Type &it = type(image_type_id);
	const bool buffer = it.dim == (uint32_t)spv::Dim::Buffer;

	if (query) {
		if (op == Op::OpImageQuerySamples && !it.ms) {
			set(w[2], w[1], {Operand::c32(1)});   // a single-sampled image (not valid SPIR-V: MS must be 1)
			return true;
		}
		if (it.ms && (op == Op::OpImageQuerySizeLod || op == Op::OpImageQueryLevels))
			fail("level queries on a multisampled image (SPIR-V allows OpImageQuerySize and OpImageQuerySamples)");
		Operand level = Operand::c32(0);
		if (op == Op::OpImageQuerySizeLod) {
			need(5);
			level = val(w[4]).at(0);
		}
		std::vector<Operand> ops = {image.at(0), Operand::c32(0), level, Operand::c32(0), Operand::c32(0), Operand::c32(0)};
		Operand size = emit(IO::Op::image_read, RegClass{Bank::vgpr, 4, false}, std::move(ops), 0, MICA_OP_IMAGE_QUERY_SIZE);
		// The fourth register: VIEW_LEVELS, or the sample count of a multisampled view.
		if (op == Op::OpImageQueryLevels || op == Op::OpImageQuerySamples) {
			set(w[2], w[1], {emit(IO::Op::extract, RegClass{Bank::vgpr, 1, false}, {size}, 3)});
			return true;
		}
		set(w[2], w[1], image_result(size, w[1]));
		return true;
	}

	const size_t coord_word = image_word + 1;
	std::vector<Operand> coords = val(w[coord_word]);
	if (kernel_)   // OpenCL's coordinate vectors (spirv_kernel_image.cpp)
		coords = kernel_image_coords(it, std::move(coords), sampled, value_type(w[coord_word]));
	if (coords.size() > 4)
		fail("image coordinate with more than 4 components");

	// Image Operands.
	Operand lod = Operand::c32(0), sample = Operand::c32(0);
	bool has_lod = false, has_sample = false;
	std::vector<Operand> offsets;
	if (operands_at && w.size() > operands_at) {
		const uint32_t mask = w[operands_at];
		size_t at = operands_at + 1;
		auto next = [&]() -> uint32_t {
			if (at >= w.size())
				fail("image operands mask names more operands than the instruction has");
			return w[at++];
		};
		using M = spv::ImageOperandsMask;
		auto has = [&](M m) { return (mask & (uint32_t)m) != 0; };
		if (has(M::Bias))
			fail("image operand Bias needs implicit LOD (not available in compute shaders)");
		if (has(M::Lod)) {
			lod = val(next()).at(0);
			has_lod = true;
		}
		if (has(M::Grad))
			fail("image operand Grad (explicit derivatives) is not supported");
		if (has(M::ConstOffset)) {
			offsets = val(next());
			for (const Operand &o : offsets)
				if (!o.is_const())
					fail("ConstOffset that is not a constant");
		}
		if (has(M::Offset))
			fail("non-constant texel offsets are not supported");
		if (has(M::ConstOffsets))
			fail("gathers with four texel offsets (ConstOffsets) are not supported");
		if (has(M::Sample)) {
			sample = val(next()).at(0);
			has_sample = true;
			if (!it.ms && (!sample.is_const() || sample.value != 0))
				fail("image sample index other than 0 on a single-sampled image");
		}
		if (has(M::MinLod))
			fail("image operand MinLod is not supported");
		if (has(M::MakeTexelAvailable))
			next();   // scope: image accesses are coherent at device scope already
		if (has(M::MakeTexelVisible))
			next();
		// NonPrivateTexel, VolatileTexel, SignExtend, ZeroExtend, Nontemporal: nothing to do (integer
		// formats come sign- or zero-extended by their class).
		const uint32_t known = (uint32_t)M::Bias | (uint32_t)M::Lod | (uint32_t)M::Grad | (uint32_t)M::ConstOffset |
		                       (uint32_t)M::Offset | (uint32_t)M::ConstOffsets | (uint32_t)M::Sample |
		                       (uint32_t)M::MinLod | (uint32_t)M::MakeTexelAvailable | (uint32_t)M::MakeTexelVisible |
		                       (uint32_t)M::NonPrivateTexel | (uint32_t)M::VolatileTexel | (uint32_t)M::SignExtend |
		                       (uint32_t)M::ZeroExtend | (uint32_t)M::Nontemporal;
		if (mask & ~known)
			fail("image operands 0x" + [&] {
				char b[16];
				snprintf(b, sizeof b, "%x", mask & ~known);
				return std::string(b);
			}() + " are not supported");
	}
	const int64_t offset_imm = offset_field(offsets);

	std::vector<Operand> ops = {image.at(0), sampled ? image.at(1) : Operand::c32(0)};
	if (sampled && image.size() < 2)
		fail("sampling an image that has no sampler");
	if (buffer) {
		ops.push_back(coords.at(0));
		ops.resize(6, Operand::c32(0));
	} else {
		for (size_t i = 0; i < 4; i++)
			ops.push_back(i < coords.size() ? coords[i] : Operand::c32(0));
		// Integer accesses take the level in the fourth register (after up to three coordinates);
		// a multisampled image's accesses the sample index (its only level is 0).
		if (!sampled && it.ms) {
			if (has_lod)
				fail("an explicit level on a multisampled image (it has one level)");
			if (!has_sample)
				fail(spirv_named(spirv_opcode_name(in.op), in.op) + " on a multisampled image without a Sample operand");
			if (coords.size() > 3)
				fail("image coordinate and sample index do not fit the instruction's 4 registers");
			ops[5] = sample;
		} else if (!sampled && has_lod) {
			if (coords.size() > 3)
				fail("image coordinate and level do not fit the instruction's 4 registers");
			ops[5] = lod;
		}
	}

	if (op == Op::OpImageWrite) {
		need(4);
		std::vector<Operand> texel = val(w[3]);
		if (texel.size() > 4)
			fail("image texel with more than 4 components");
		if (type(scalar_type(value_type(w[3]))).width != 32)
			fail("image texels of a width other than 32 bits are not supported");
		for (size_t i = 0; i < 4; i++)
			ops.push_back(i < texel.size() ? texel[i] : Operand::c32(0));
		emit_void(IO::Op::image_write, std::move(ops), offset_imm, buffer ? MICA_OP_BUFFER_STORE_FORMAT : MICA_OP_IMAGE_STORE);
		return true;
	}

	unsigned opcode = 0;
	bool dref_result = false;
	switch (op) {
	case Op::OpImageRead:
	case Op::OpImageFetch:
		opcode = buffer ? MICA_OP_BUFFER_LOAD_FORMAT : MICA_OP_IMAGE_LOAD;
		break;
	case Op::OpImageSampleExplicitLod:
		if (!has_lod)
			fail("OpImageSampleExplicitLod without a Lod operand (Grad is not supported)");
		opcode = MICA_OP_IMAGE_SAMPLE;
		ops.push_back(lod);
		break;
	case Op::OpImageSampleDrefExplicitLod:
		if (!has_lod)
			fail("OpImageSampleDrefExplicitLod without a Lod operand (Grad is not supported)");
		opcode = MICA_OP_IMAGE_SAMPLE_C;
		ops.push_back(lod);
		ops.push_back(val(w[5]).at(0));
		dref_result = true;
		break;
	case Op::OpImageGather: {
		const uint32_t c = const_u32(w[5]);
		if (c > 3)
			fail("OpImageGather component " + std::to_string(c) + " out of range");
		opcode = MICA_OP_IMAGE_GATHER4_R + c;
		break;
	}
	case Op::OpImageDrefGather:
		opcode = MICA_OP_IMAGE_GATHER4_C;
		ops.push_back(val(w[5]).at(0));
		break;
	default:
		fail("internal error: unhandled image instruction");
	}
	if (buffer && sampled)
		fail("texel buffers cannot be sampled");
	Operand texel = emit(IO::Op::image_read, RegClass{Bank::vgpr, 4, false}, std::move(ops), offset_imm, opcode);
	if (dref_result) {
		set(w[2], w[1], {emit(IO::Op::extract, RegClass{Bank::vgpr, 1, false}, {texel}, 0)});
		return true;
	}
	set(w[2], w[1], image_result(texel, w[1]));
	return true;
}

} // namespace mica::compiler::spirv_detail
