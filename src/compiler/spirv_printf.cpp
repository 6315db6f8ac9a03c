// OpenCL C printf (OpenCL.std printf): one record per call appended to the printf buffer of the
// dispatch block (docs/compiler.md "Kernel programs", docs/opencl.md "Contract"):
//   counter: u32 at byte 0 of the buffer, records from byte printf_header_bytes;
//   record:  u32 string id | u32 record bytes | arguments at their natural alignment.
// The counter is advanced atomically by the record's size; a record that does not fit is not
// written (the counter still grows: the frontend sees how much was dropped).
#include <spirv/unified1/OpenCL.std.h>

#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::printf_call(const Inst &in)
{
	auto w = in.w;
	if (w.size() < 6)
		fail("printf without a format");
	if (!scan_) {
		scan_ = std::make_unique<kernel::ModuleScan>(kernel::scan_module(words_));
		if (!scan_->ok)
			fail(scan_->error);
	}
	auto format = scan_->constant_string(w[5]);
	if (!format)
		fail("printf format is not a constant string");
	auto id = scan_->printf_string_id.find(*format);
	if (id == scan_->printf_string_id.end())
		fail("internal error: printf format missing from the string table");
	std::string err;
	const auto convs = kernel::parse_printf_format(*format, err);
	if (!err.empty())
		fail(err);
	const size_t nargs = w.size() - 6;
	if (convs.size() != nargs)
		fail("printf format \"" + *format + "\" has " + std::to_string(convs.size()) + " conversions but the call passes " +
		     std::to_string(nargs) + " arguments");
	struct Piece {
		uint32_t offset, bytes;
		Operand value;
	};
	std::vector<Piece> pieces;
	pieces.push_back({0, 4, Operand::c32(id->second)});
	uint32_t end = MICA_ABI_PRINTF_RECORD_HEADER_BYTES;
	for (size_t a = 0; a < nargs; a++) {
		const uint32_t arg = w[6 + a];
		if (convs[a].conversion == 's') {
			auto s = scan_->constant_string(arg);
			if (!s)
				fail("printf %s argument " + std::to_string(a) + " is not a constant string");
			end = (end + 3) & ~3u;
			pieces.push_back({end, 4, Operand::c32(scan_->printf_string_id.at(*s))});
			end += 4;
			continue;
		}
		const auto &v = val(arg);
		std::vector<Leaf> ls;
		leaves(value_type(arg), true, 0, ls);
		if (ls.size() != v.size())
			fail("printf argument of an unsupported type");
		const uint32_t elem = ls.empty() ? 4 : ls[0].bytes;
		const uint32_t align = std::min(8u, elem);
		end = (end + align - 1) / align * align;
		for (size_t i = 0; i < ls.size(); i++) {
			Operand x = ls[i].is_bool ? bool_to_int(v[i]) : v[i];
			pieces.push_back({end + (uint32_t)i * elem, ls[i].bytes, x});
		}
		end += elem * (uint32_t)ls.size();
	}
	const uint32_t record = (end + 7) & ~7u;
	pieces[0].value = Operand::c32(id->second);
	pieces.insert(pieces.begin() + 1, {4, 4, Operand::c32(record)});
	Operand buffer = dispatch_u64(MICA_ABI_KERNEL_DISPATCH_PRINTF_BUFFER);
	Operand capacity = dispatch_u32(MICA_ABI_KERNEL_DISPATCH_PRINTF_BYTES);
	// No buffer (address 0): nothing is written, the call returns -1.
	Operand has_buffer = emit(IO::Op::ine, rbool(), {buffer, Operand::c64(0)});
	Operand at = emit(IO::Op::atomic_global, r32(), {buffer, Operand::c32(0), Operand::c32(record), has_buffer}, 0,
	                  0 | ir::kAuxPredicated);
	// fits: header + at + record <= capacity (64-bit sums: a wrapped counter never fits)
	Operand last = emit(IO::Op::iadd, r64(), {emit(IO::Op::zext, r64(), {at}),
	                                          Operand::c64(MICA_ABI_PRINTF_HEADER_BYTES + record)});
	Operand fits = emit(IO::Op::band, rbool(), {has_buffer, emit(IO::Op::ule, rbool(), {last, emit(IO::Op::zext, r64(), {capacity})})});
	Operand base = emit(IO::Op::iadd, r64(), {buffer, emit(IO::Op::zext, r64(), {iadd(at, Operand::c32(MICA_ABI_PRINTF_HEADER_BYTES))})});
	for (const Piece &p : pieces)
		emit_void(IO::Op::store_global, {base, Operand::c32(0), p.value, fits}, p.offset, p.bytes | ir::kAuxPredicated);
	set(w[2], w[1], {emit(IO::Op::select, r32(), {fits, Operand::c32(0), Operand::c32(0xffffffffu)})});
}

// OpenCL.std instructions with a GLSL.std.450 twin of the same semantics, for builds without
// the OpenCL.std lowering (spirv_opencl_std*.cpp replaces this dispatch).
void Translator::opencl_std_fallback(const Inst &in)
{
	static const std::pair<uint32_t, uint32_t> twins[] = {
		{OpenCLLIB::Fabs, GLSLstd450FAbs},   {OpenCLLIB::Sqrt, GLSLstd450Sqrt},   {OpenCLLIB::Fma, GLSLstd450Fma},
		{OpenCLLIB::Mad, GLSLstd450Fma},     {OpenCLLIB::Floor, GLSLstd450Floor}, {OpenCLLIB::Ceil, GLSLstd450Ceil},
		{OpenCLLIB::Trunc, GLSLstd450Trunc}, {OpenCLLIB::Rint, GLSLstd450RoundEven},
		{OpenCLLIB::Fmin, GLSLstd450NMin},   {OpenCLLIB::Fmax, GLSLstd450NMax},
		{OpenCLLIB::SAbs, GLSLstd450SAbs},  {OpenCLLIB::SMin, GLSLstd450SMin},  {OpenCLLIB::UMin, GLSLstd450UMin},
		{OpenCLLIB::SMax, GLSLstd450SMax},  {OpenCLLIB::UMax, GLSLstd450UMax},  {OpenCLLIB::SClamp, GLSLstd450SClamp},
		{OpenCLLIB::UClamp, GLSLstd450UClamp}, {OpenCLLIB::FClamp, GLSLstd450FClamp},
	};
	for (auto [cl, glsl] : twins) {
		if (in.w[4] != cl)
			continue;
		std::vector<uint32_t> words(in.w.begin(), in.w.end());
		words[4] = glsl;
		ext_inst(Inst{in.op, words});
		return;
	}
	fail("OpenCL.std instruction " + std::to_string(in.w[4]) + " is not supported by this compiler build");
}

} // namespace mica::compiler::spirv_detail
