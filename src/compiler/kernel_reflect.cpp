// reflect_kernels: what clGetKernelInfo / clGetKernelArgInfo and clSetKernelArg need to know
// about each OpEntryPoint Kernel, read from the module without compiling it (docs/opencl.md
// "Contract", docs/compiler.md "Kernel programs").
#include <spirv/unified1/spirv.hpp11>

#include <cstring>
#include <sstream>

#include "kernel_module.h"
#include "mica/compiler/compiler.h"
#include "mica/compiler/kernel_image_abi.h"
#include "mica_hw.h"

namespace mica::compiler {

using spv::Op;

namespace {

std::string literal_string(std::span<const uint32_t> w, size_t first)
{
	if (first >= w.size())
		return {};
	const char *s = reinterpret_cast<const char *>(&w[first]);
	return std::string(s, strnlen(s, (w.size() - first) * 4));
}

std::vector<std::string> split(const std::string &s, char sep)
{
	std::vector<std::string> out;
	std::string cur;
	for (char c : s) {
		if (c == sep) {
			out.push_back(cur);
			cur.clear();
		} else {
			cur += c;
		}
	}
	if (!cur.empty())
		out.push_back(cur);
	return out;
}

// The OpenCL C spelling of a SPIR-V type (Kernel-model integers carry no signedness: "uint").
std::string type_name(const kernel::ModuleScan &m, uint32_t id, const std::unordered_map<uint32_t, std::string> &names)
{
	const kernel::Inst *t = m.get(id);
	if (!t)
		return "?";
	const auto &w = t->w;
	switch ((Op)t->op) {
	case Op::OpTypeBool: return "bool";
	case Op::OpTypeInt:
		switch (w[2]) {
		case 8: return "uchar";
		case 16: return "ushort";
		case 32: return "uint";
		default: return "ulong";
		}
	case Op::OpTypeFloat: return w[2] == 16 ? "half" : w[2] == 64 ? "double" : "float";
	case Op::OpTypeVector: return type_name(m, w[2], names) + std::to_string(w.size() > 3 ? w[3] : 0);
	case Op::OpTypePointer: return type_name(m, w.size() > 3 ? w[3] : 0, names) + "*";
	case Op::OpTypeSampler: return "sampler_t";
	case Op::OpTypeImage: return "image_t";
	case Op::OpTypeStruct: {
		auto n = names.find(id);
		if (n == names.end())
			return "struct";
		std::string s = n->second;
		if (s.rfind("struct.", 0) == 0)
			return "struct " + s.substr(7);
		if (s.rfind("union.", 0) == 0)
			return "union " + s.substr(6);
		return s;
	}
	default: return "?";
	}
}

const char *vec_type_hint_name(uint32_t v)
{
	static const char *const base[] = {"char", "short", "int", "long", "half", "float", "double"};
	return (v & 0xffff) < 7 ? base[v & 0xffff] : nullptr;
}

} // namespace

std::variant<KernelModuleInfo, CompileError> reflect_kernels(std::span<const uint32_t> words)
{
	kernel::ModuleScan m = kernel::scan_module(words);
	if (!m.ok)
		return CompileError{m.error};
	KernelModuleInfo info;
	info.printf_strings = m.printf_strings;

	std::unordered_map<uint32_t, std::string> names;
	std::unordered_map<std::string, std::string> arg_strings;   // "kernel_arg_type.k" -> list
	std::unordered_map<uint32_t, std::vector<std::pair<uint32_t, uint32_t>>> decos;   // id -> (decoration, arg)
	for (const kernel::Inst &in : m.insts) {
		if (in.op == (uint16_t)Op::OpName && in.w.size() >= 3)
			names[in.w[1]] = literal_string(in.w, 2);
		if (in.op == (uint16_t)Op::OpString && in.w.size() >= 3) {
			std::string s = literal_string(in.w, 2);
			for (const char *prefix : {"kernel_arg_type.", "kernel_arg_type_qual."}) {
				const std::string p = prefix;
				if (s.rfind(p, 0) != 0)
					continue;
				const size_t dot = s.find('.', p.size());
				if (dot != std::string::npos)
					arg_strings[p + s.substr(p.size(), dot - p.size())] = s.substr(dot + 1);
			}
		}
		if (in.op == (uint16_t)Op::OpDecorate && in.w.size() >= 3)
			decos[in.w[1]].push_back({in.w[2], in.w.size() > 3 ? in.w[3] : 0});
	}
	auto has = [&](uint32_t id, spv::Decoration d, std::optional<uint32_t> arg = std::nullopt) {
		auto it = decos.find(id);
		if (it == decos.end())
			return false;
		for (auto [dd, a] : it->second)
			if (dd == (uint32_t)d && (!arg || a == *arg))
				return true;
		return false;
	};
	auto deco_arg = [&](uint32_t id, spv::Decoration d) -> std::optional<uint32_t> {
		auto it = decos.find(id);
		if (it != decos.end())
			for (auto [dd, a] : it->second)
				if (dd == (uint32_t)d)
					return a;
		return std::nullopt;
	};

	for (const kernel::Inst &ep : m.insts) {
		if (ep.op != (uint16_t)Op::OpEntryPoint || ep.w.size() < 4 || ep.w[1] != (uint32_t)spv::ExecutionModel::Kernel)
			continue;
		KernelInfo k;
		k.name = literal_string(ep.w, 3);
		const uint32_t fn = ep.w[2];
		for (const kernel::Inst &em : m.insts) {
			if (em.op != (uint16_t)Op::OpExecutionMode || em.w.size() < 3 || em.w[1] != fn)
				continue;
			const auto mode = (spv::ExecutionMode)em.w[2];
			if ((mode == spv::ExecutionMode::LocalSize || mode == spv::ExecutionMode::LocalSizeHint) && em.w.size() >= 6) {
				auto &dst = mode == spv::ExecutionMode::LocalSize ? k.reqd_work_group_size : k.work_group_size_hint;
				for (int d = 0; d < 3; d++)
					dst[d] = em.w[3 + d];
			}
			if (mode == spv::ExecutionMode::VecTypeHint && em.w.size() >= 4) {
				const char *base = vec_type_hint_name(em.w[3]);
				const uint32_t n = em.w[3] >> 16;
				if (base)
					k.vec_type_hint = std::string(base) + (n > 1 ? std::to_string(n) : "");
			}
		}
		// The entry function's parameters.
		std::vector<uint32_t> params, param_types;
		auto fdef = m.def.find(fn);
		if (fdef == m.def.end() || m.insts[fdef->second].op != (uint16_t)Op::OpFunction)
			return CompileError{"entry point '" + k.name + "' names no function"};
		for (size_t i = fdef->second + 1; i < m.insts.size() && m.insts[i].op == (uint16_t)Op::OpFunctionParameter; i++) {
			if (m.insts[i].w.size() < 3)
				return CompileError{"malformed OpFunctionParameter"};
			param_types.push_back(m.insts[i].w[1]);
			params.push_back(m.insts[i].w[2]);
		}
		const auto types_it = arg_strings.find("kernel_arg_type." + k.name);
		const auto quals_it = arg_strings.find("kernel_arg_type_qual." + k.name);
		const std::vector<std::string> arg_types =
			types_it != arg_strings.end() ? split(types_it->second, ',') : std::vector<std::string>{};
		std::vector<std::string> arg_quals;
		if (quals_it != arg_strings.end()) {
			// Empty entries matter here ("restrict,,const,"): split keeping them.
			std::string cur;
			for (char c : quals_it->second) {
				if (c == ',') {
					arg_quals.push_back(cur);
					cur.clear();
				} else {
					cur += c;
				}
			}
		}
		uint32_t offset = 0;
		for (size_t a = 0; a < params.size(); a++) {
			KernelArg arg;
			const uint32_t id = params[a];
			const kernel::Inst *t = m.get(param_types[a]);
			if (!t)
				return CompileError{"kernel '" + k.name + "' argument " + std::to_string(a) + " has an undefined type"};
			if (auto n = names.find(id); n != names.end())
				arg.name = n->second;
			arg.type_name = type_name(m, param_types[a], names);
			const Op top = (Op)t->op;
			if (top == Op::OpTypePointer && t->w.size() >= 4) {
				const auto sc = (spv::StorageClass)t->w[2];
				if (has(id, spv::Decoration::FuncParamAttr, (uint32_t)spv::FunctionParameterAttribute::ByVal)) {
					auto l = m.layout(t->w[3]);
					if (!l)
						return CompileError{"kernel '" + k.name + "' argument " + std::to_string(a) +
						                    ": by-value type without a layout"};
					arg.kind = KernelArgKind::by_value;
					arg.size = l->first;
					arg.alignment = std::max(l->second, deco_arg(id, spv::Decoration::Alignment).value_or(1));
					arg.type_name = type_name(m, t->w[3], names);
				} else if (sc == spv::StorageClass::CrossWorkgroup || sc == spv::StorageClass::Generic) {
					arg.kind = KernelArgKind::global_pointer;
					arg.address = KernelArgAddress::global;
				} else if (sc == spv::StorageClass::UniformConstant) {
					arg.kind = KernelArgKind::constant_pointer;
					arg.address = KernelArgAddress::constant;
				} else if (sc == spv::StorageClass::Workgroup) {
					arg.kind = KernelArgKind::local_pointer;
					arg.address = KernelArgAddress::local;
				} else {
					return CompileError{"kernel '" + k.name + "' argument " + std::to_string(a) +
					                    ": a pointer to private memory cannot be a kernel argument"};
				}
				if (arg.kind != KernelArgKind::by_value) {
					arg.size = arg.kind == KernelArgKind::local_pointer ? 0 : 8;
					arg.alignment = 8;
					arg.is_restrict = has(id, spv::Decoration::FuncParamAttr, (uint32_t)spv::FunctionParameterAttribute::NoAlias);
					arg.is_volatile = has(id, spv::Decoration::Volatile);
					// NoWrite is not 'const': the optimiser infers it for pointers never written.
					arg.is_const = arg.kind == KernelArgKind::constant_pointer;
				}
			} else if (top == Op::OpTypeSampler) {
				arg.kind = KernelArgKind::sampler;
				arg.size = kernel_image::kSamplerArgBytes;   // the descriptor inline (kernel_image_abi.h)
				arg.alignment = kernel_image::kSamplerArgAlign;
			} else if (top == Op::OpTypeImage) {
				arg.kind = KernelArgKind::image;
				arg.address = KernelArgAddress::global;
				arg.size = kernel_image::kImageArgBytes;
				arg.alignment = kernel_image::kImageArgAlign;
				const uint32_t aq = t->w.size() > 9 ? t->w[9] : 0;
				arg.access = aq == 0 ? KernelArgAccess::read_only : aq == 1 ? KernelArgAccess::write_only
				                                                             : KernelArgAccess::read_write;
			} else if (auto l = m.layout(param_types[a])) {
				arg.kind = KernelArgKind::by_value;
				arg.size = l->first;
				arg.alignment = l->second;
			} else {
				return CompileError{"kernel '" + k.name + "' argument " + std::to_string(a) + " has type " +
				                    arg.type_name + ", which cannot be passed to a kernel"};
			}
			if (a < arg_types.size()) {
				arg.type_name = arg_types[a];
				arg.has_arg_info = true;
			}
			if (a < arg_quals.size()) {
				const std::string &q = arg_quals[a];
				arg.is_const = q.find("const") != std::string::npos;
				arg.is_restrict = q.find("restrict") != std::string::npos;
				arg.is_volatile = q.find("volatile") != std::string::npos;
				arg.is_pipe = q.find("pipe") != std::string::npos;
			}
			offset = (offset + arg.alignment - 1) / arg.alignment * arg.alignment;
			arg.offset = offset;
			offset += arg.size;
			k.args.push_back(std::move(arg));
		}
		k.arg_block_bytes = (offset + 7) / 8 * 8;
		std::ostringstream attrs;
		auto triple = [](const std::array<uint32_t, 3> &v) {
			return "(" + std::to_string(v[0]) + "," + std::to_string(v[1]) + "," + std::to_string(v[2]) + ")";
		};
		if (k.reqd_work_group_size[0])
			attrs << "reqd_work_group_size" << triple(k.reqd_work_group_size);
		if (k.work_group_size_hint[0])
			attrs << (attrs.tellp() > 0 ? " " : "") << "work_group_size_hint" << triple(k.work_group_size_hint);
		if (!k.vec_type_hint.empty())
			attrs << (attrs.tellp() > 0 ? " " : "") << "vec_type_hint(" << k.vec_type_hint << ")";
		k.attributes = attrs.str();
		info.kernels.push_back(std::move(k));
	}
	return info;
}

std::string format_kernel_info(const KernelModuleInfo &info)
{
	static const char *const kinds[] = {"global", "constant", "local", "value", "sampler", "image"};
	static const char *const access[] = {"", " read_only", " write_only", " read_write"};
	std::ostringstream o;
	for (const KernelInfo &k : info.kernels) {
		o << "kernel " << k.name << " args " << k.args.size() << " block " << k.arg_block_bytes;
		if (!k.attributes.empty())
			o << " attributes \"" << k.attributes << "\"";
		o << "\n";
		for (size_t a = 0; a < k.args.size(); a++) {
			const KernelArg &x = k.args[a];
			o << "  arg " << a << " " << kinds[(int)x.kind] << " offset " << x.offset << " size " << x.size
			  << " align " << x.alignment << " type \"" << x.type_name << "\" name \"" << x.name << "\""
			  << (x.is_const ? " const" : "") << (x.is_restrict ? " restrict" : "")
			  << (x.is_volatile ? " volatile" : "") << (x.is_pipe ? " pipe" : "") << access[(int)x.access] << "\n";
		}
	}
	for (size_t i = 0; i < info.printf_strings.size(); i++) {
		std::string e;
		for (char c : info.printf_strings[i])
			e += c == '\n' ? std::string("\\n") : c == '"' ? std::string("\\\"") : std::string(1, c);
		o << "printf " << i << " \"" << e << "\"\n";
	}
	return o.str();
}

} // namespace mica::compiler
