#include "ocl_std_util.h"

#include <spirv-tools/libspirv.hpp>

#include <set>
#include <sstream>
#include <stdexcept>

#include "../exec_harness.h"
#include "mica/compiler/compiler.h"

namespace mica::compiler::oclstd {

VType VType::parse(const std::string &s)
{
	VType t;
	size_t p = 0;
	if (s[0] == 'v') {
		size_t n = 1;
		t.count = (unsigned)std::stoul(s.substr(1), &n);
		p = 1 + n;
	}
	t.kind = s[p];
	t.bits = (unsigned)std::stoul(s.substr(p + 1));
	if ((t.kind != 'f' && t.kind != 'i') || (t.bits != 8 && t.bits != 16 && t.bits != 32 && t.bits != 64))
		throw std::runtime_error("bad type " + s);
	return t;
}

std::string VType::name() const
{
	std::string s = std::string(1, kind) + std::to_string(bits);
	return count > 1 ? "v" + std::to_string(count) + s : s;
}

unsigned VType::stride() const { return comp_bytes() * (count == 3 ? 4 : count); }

std::string shader_text(const ExtCall &c)
{
	std::vector<VType> all = c.args;
	all.push_back(c.result);
	if (c.out_pointer)
		all.push_back(c.out_type);
	std::set<std::string> scalars, vectors;
	std::set<unsigned> fbits, ibits;
	for (const VType &t : all) {
		(t.kind == 'f' ? fbits : ibits).insert(t.bits);
		if (t.count > 1)
			vectors.insert(t.name());
	}
	ibits.insert(32);
	std::ostringstream s;
	s << "OpCapability Shader\n";
	if (fbits.count(64))
		s << "OpCapability Float64\n";
	if (fbits.count(16))
		s << "OpCapability Float16\nOpCapability StorageBuffer16BitAccess\n";
	if (ibits.count(64))
		s << "OpCapability Int64\n";
	if (ibits.count(16))
		s << "OpCapability Int16\nOpCapability StorageBuffer16BitAccess\n";
	if (ibits.count(8))
		s << "OpCapability Int8\nOpCapability StorageBuffer8BitAccess\n";
	s << "%ocl = OpExtInstImport \"OpenCL.std\"\nOpMemoryModel Logical GLSL450\n";
	const size_t nbuf = c.args.size() + 1 + (c.out_pointer ? 1 : 0);
	std::vector<VType> btype = c.args;
	btype.push_back(c.result);
	if (c.out_pointer)
		btype.push_back(c.out_type);
	s << "OpEntryPoint GLCompute %main \"main\" %gid";
	for (size_t k = 0; k < nbuf; k++)
		s << " %b" << k;
	s << "\nOpExecutionMode %main LocalSize 64 1 1\nOpDecorate %gid BuiltIn GlobalInvocationId\n";
	std::set<std::string> arrays;
	for (const VType &t : btype)
		arrays.insert(t.name());
	// element types of buffers: one array/struct type per element type
	std::map<std::string, unsigned> stride;
	for (const VType &t : btype)
		stride[t.name()] = t.stride();
	for (const auto &[n, st] : stride)
		s << "OpDecorate %arr_" << n << " ArrayStride " << st << "\nOpMemberDecorate %blk_" << n
		  << " 0 Offset 0\nOpDecorate %blk_" << n << " Block\n";
	for (size_t k = 0; k < nbuf; k++)
		s << "OpDecorate %b" << k << " DescriptorSet 0\nOpDecorate %b" << k << " Binding " << k << "\n";
	s << "%void = OpTypeVoid\n%fn = OpTypeFunction %void\n";
	for (unsigned b : fbits)
		s << "%f" << b << " = OpTypeFloat " << b << "\n";
	for (unsigned b : ibits)
		s << "%i" << b << " = OpTypeInt " << b << " 0\n";
	for (const VType &t : all)
		if (t.count > 1 && vectors.count(t.name())) {
			s << "%" << t.name() << " = OpTypeVector %" << t.kind << t.bits << " " << t.count << "\n";
			vectors.erase(t.name());
		}
	s << "%v3i32 = OpTypeVector %i32 3\n%pin = OpTypePointer Input %v3i32\n%gid = OpVariable %pin Input\n";
	s << "%c0 = OpConstant %i32 0\n";
	for (const auto &[n, st] : stride)
		s << "%arr_" << n << " = OpTypeRuntimeArray %" << n << "\n%blk_" << n << " = OpTypeStruct %arr_" << n
		  << "\n%pblk_" << n << " = OpTypePointer StorageBuffer %blk_" << n << "\n%psb_" << n
		  << " = OpTypePointer StorageBuffer %" << n << "\n";
	if (c.out_pointer)
		s << "%pfn_out = OpTypePointer Function %" << c.out_type.name() << "\n";
	for (size_t k = 0; k < nbuf; k++)
		s << "%b" << k << " = OpVariable %pblk_" << btype[k].name() << " StorageBuffer\n";
	s << "%main = OpFunction %void None %fn\n%entry = OpLabel\n";
	if (c.out_pointer)
		s << "%tmp = OpVariable %pfn_out Function\n";
	s << "%g = OpLoad %v3i32 %gid\n%i = OpCompositeExtract %i32 %g 0\n";
	for (size_t k = 0; k < c.args.size(); k++)
		s << "%pa" << k << " = OpAccessChain %psb_" << c.args[k].name() << " %b" << k << " %c0 %i\n%a" << k << " = OpLoad %"
		  << c.args[k].name() << " %pa" << k << "\n";
	s << "%r = OpExtInst %" << c.result.name() << " %ocl " << c.inst;
	for (size_t k = 0; k < c.args.size(); k++)
		s << " %a" << k;
	if (c.out_pointer)
		s << " %tmp";
	if (!c.literal.empty())
		s << " " << c.literal;
	s << "\n%po = OpAccessChain %psb_" << c.result.name() << " %b" << c.args.size() << " %c0 %i\nOpStore %po %r\n";
	if (c.out_pointer)
		s << "%t = OpLoad %" << c.out_type.name() << " %tmp\n%po2 = OpAccessChain %psb_" << c.out_type.name() << " %b"
		  << c.args.size() + 1 << " %c0 %i\nOpStore %po2 %t\n";
	s << "OpReturn\nOpFunctionEnd\n";
	return s.str();
}

RunResult run(const ExtCall &c, const std::vector<std::vector<uint8_t>> &inputs, uint32_t count)
{
	RunResult out;
	const std::string text = shader_text(c);
	spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_3);
	std::string msg;
	tools.SetMessageConsumer([&](spv_message_level_t, const char *, const spv_position_t &p, const char *m) {
		msg += "line " + std::to_string(p.line) + ": " + m + "\n";
	});
	std::vector<uint32_t> words;
	if (!tools.Assemble(text, &words)) {
		out.error = "assemble: " + msg + text;
		return out;
	}
	Options o;
	o.revision = 2;
	auto res = compile_spirv(words, o);
	if (auto *e = std::get_if<CompileError>(&res)) {
		out.error = "compile: " + e->message;
		return out;
	}
	const uint32_t groups_x = (count + 63) / 64, n = groups_x * 64;
	std::vector<test::Buffer> bufs;
	auto to_words = [](std::vector<uint8_t> b, size_t bytes) {
		b.resize((std::max(bytes, b.size()) + 3) / 4 * 4, 0);
		std::vector<uint32_t> w(b.size() / 4);
		__builtin_memcpy(w.data(), b.data(), b.size());
		return w;
	};
	for (size_t k = 0; k < c.args.size(); k++) {
		test::Buffer b;
		b.binding = (uint32_t)k;
		b.data = to_words(inputs.at(k), (size_t)n * c.args[k].stride());
		bufs.push_back(b);
	}
	test::Buffer rb;
	rb.binding = (uint32_t)c.args.size();
	rb.data = to_words({}, (size_t)n * c.result.stride());
	bufs.push_back(rb);
	if (c.out_pointer) {
		test::Buffer pb;
		pb.binding = (uint32_t)c.args.size() + 1;
		pb.data = to_words({}, (size_t)n * c.out_type.stride());
		bufs.push_back(pb);
	}
	const uint32_t groups[3] = {groups_x, 1, 1};
	test::RunOutcome r = test::run_kernel(std::get<CompileResult>(res), 2, 0, bufs, {}, groups);
	if (!r.ok) {
		out.error = "run: " + r.error;
		return out;
	}
	if (r.hazard_violations) {
		out.error = "hazard violations: " + std::to_string(r.hazard_violations);
		return out;
	}
	auto bytes = [&](const test::Buffer &b, size_t len) {
		std::vector<uint8_t> v(len);
		__builtin_memcpy(v.data(), b.data.data(), len);
		return v;
	};
	out.out = bytes(bufs[c.args.size()], (size_t)count * c.result.stride());
	if (c.out_pointer)
		out.out2 = bytes(bufs[c.args.size() + 1], (size_t)count * c.out_type.stride());
	out.cycles = r.cycles;
	out.instructions = std::get<CompileResult>(res).stats.instructions;
	out.ok = true;
	return out;
}

} // namespace mica::compiler::oclstd
