// Descriptor addressing (mica.toml [launch_abi], docs/compiler.md "Binding model"): where a
// storage/uniform buffer variable's (set, binding[, array element]) becomes a base address and a
// size. s[0:1] points at the set table (one u64 per set); a set is dense by binding number, each
// binding's 16-byte entry describing its element 0 and naming its array header; the elements of an
// array follow their header. A variable declared as one block reads the entry, one declared as an
// array of blocks reads the element its access chain's first index selects. So the compiler needs
// no pipeline layout, and any binding number and array size work.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

namespace {
// Entry offsets (binding * 16) and array offsets stay below 2^31.
constexpr uint32_t kMaxBinding = (1u << 27) - 1;
constexpr uint32_t kEntryArrayWord = 12;   // the entry's u32 'array': its header's offset in the set
constexpr uint32_t kDescSizeWord = 8;
constexpr uint32_t kTableKey = ~0u;        // desc_set_ key of the set table itself
} // namespace

void Translator::check_descriptor_variable(Var &v)
{
	const Type &t = type(v.type);
	if (t.k == Type::K::Struct)
		return;
	if ((t.k == Type::K::Array || t.k == Type::K::RtArray) && type(t.elem).k == Type::K::Struct) {
		v.desc_array = true;
		return;
	}
	if (t.k == Type::K::Array || t.k == Type::K::RtArray)
		fail("arrays of arrays of buffer descriptors are not supported (one array dimension per binding)");
	fail("a storage or uniform buffer variable must be a block or an array of blocks");
}

Operand Translator::desc_table()
{
	auto it = desc_set_.find(kTableKey);
	if (it != desc_set_.end())
		return Operand::temp(it->second, 2);
	Operand t = emit_prologue(IO::Op::user_data, RegClass{Bank::undecided, 2, false}, {}, abi::kDescSetsSgpr);
	desc_set_[kTableKey] = t.id;
	return t;
}

// The set's address from the set table, loaded once in the prologue. Checked here, where a buffer
// is used, because a declared but unused variable may name any set.
Operand Translator::desc_set(uint32_t set)
{
	if (set >= abi::kMaxSets)
		fail("descriptor set " + std::to_string(set) + " is outside the binding model (sets < " +
		     std::to_string(abi::kMaxSets) + ")");
	auto it = desc_set_.find(set);
	if (it != desc_set_.end())
		return Operand::temp(it->second, 2);
	Operand s = emit_prologue(IO::Op::load_const, r64(), {desc_table(), Operand::c32(0)}, set * 8, 8);
	desc_set_[set] = s.id;
	return s;
}

// A 32-bit word of the binding's array bookkeeping, loaded once in the prologue: the header's
// offset (from the entry) or, with 'count', the element count (from the header).
Operand Translator::desc_binding_word(uint32_t set, uint32_t binding, uint32_t word, bool count)
{
	if (binding > kMaxBinding)
		fail("binding " + std::to_string(binding) + " is outside the binding model (bindings <= " +
		     std::to_string(kMaxBinding) + ")");
	auto &cache = count ? desc_count_ : desc_header_;
	auto it = cache.find({set, binding});
	if (it != cache.end())
		return Operand::temp(it->second, 1);
	Operand s = desc_set(set);
	Operand w = count ? emit_prologue(IO::Op::load_const, r32(), {s, desc_binding_word(set, binding, word, false)}, 0, 4)
	                  : emit_prologue(IO::Op::load_const, r32(), {s, Operand::c32(0)}, binding * abi::kDescStride + word, 4);
	cache[{set, binding}] = w.id;
	return w;
}

// An access chain's first index into an arrayed binding selects the descriptor (it is not a byte
// offset into any buffer). Returns whether 'idx' was consumed that way.
bool Translator::desc_select_element(Ptr &p, const Operand &idx)
{
	if (p.phys || p.desc_indexed || !vars_.count(p.var))
		return false;
	const Var &v = vars_[p.var];
	if (!v.desc_array || p.type != v.type)
		return false;
	p.desc_indexed = true;
	p.desc_elem = low_dword(idx);
	p.type = type(v.type).elem;
	return true;
}

// Where the descriptor a pointer goes through sits in its set: the entry of a single block, or
// header + 16 + 16 * index for an element of an array (computed in the prologue when the index is
// a constant). With robust buffer access an index past the array's count reads element 0 of
// the array (or the all-zero descriptor after an empty binding's header) and gets size 0, so every
// access through it is out of bounds.
DescRef Translator::desc_ref(const Ptr &p)
{
	const Var &v = vars_[p.var];
	if (v.binding > kMaxBinding)
		fail("binding " + std::to_string(v.binding) + " is outside the binding model (bindings <= " +
		     std::to_string(kMaxBinding) + ")");
	if (!v.desc_array)
		return {desc_set(v.set), Operand::c32(v.binding * abi::kDescStride), Operand{}, true};
	if (!p.desc_indexed)
		fail("access to a whole array of buffer descriptors (only its elements can be accessed)");
	const bool pro = p.desc_elem.is_const();
	auto em = [&](IO::Op op, RegClass rc, std::vector<Operand> ops) {
		return pro ? emit_prologue(op, rc, std::move(ops)) : emit(op, rc, std::move(ops));
	};
	Operand idx = p.desc_elem;
	Operand in_range;
	if (robust_) {
		Operand count = desc_binding_word(v.set, v.binding, kEntryArrayWord, true);
		in_range = em(IO::Op::ult, rbool(), {idx, count});
		idx = em(IO::Op::select, r32(), {in_range, idx, Operand::c32(0)});
	}
	Operand scaled = idx.is_const() ? Operand::c32((uint32_t)idx.value * abi::kDescStride)
	                                : em(IO::Op::imul, r32(), {idx, Operand::c32(abi::kDescStride)});
	Operand header = desc_binding_word(v.set, v.binding, kEntryArrayWord, false);
	Operand off = em(IO::Op::iadd, r32(), {header, scaled});
	return {desc_set(v.set), off, in_range, pro};
}

namespace {
// A constant descriptor offset goes into the load's immediate (the register operand becomes 0).
uint32_t const_offset(DescRef &r)
{
	if (!r.off.is_const())
		return 0;
	const uint32_t off = (uint32_t)r.off.value;
	r.off = Operand::c32(0);
	return off;
}
} // namespace

Operand Translator::desc_base(const Ptr &p)
{
	const Var &v = vars_[p.var];
	const auto key = std::make_tuple(v.set, v.binding, v.desc_array ? (uint32_t)p.desc_elem.value : ~0u);
	const bool cacheable = !v.desc_array || (p.desc_indexed && p.desc_elem.is_const());
	if (cacheable) {
		auto it = desc_base_.find(key);
		if (it != desc_base_.end())
			return Operand::temp(it->second, 2);
	}
	DescRef r = desc_ref(p);
	const uint32_t imm = (v.desc_array ? abi::kArrayHeaderBytes : 0) + const_offset(r);
	Operand b = r.prologue ? emit_prologue(IO::Op::load_const, r64(), {r.set, r.off}, imm, 8)
	                       : emit(IO::Op::load_const, r64(), {r.set, r.off}, imm, 8);
	if (cacheable)
		desc_base_[key] = b.id;
	return b;
}

Operand Translator::desc_size(const Ptr &p)
{
	const Var &v = vars_[p.var];
	const auto key = std::make_tuple(v.set, v.binding, v.desc_array ? (uint32_t)p.desc_elem.value : ~0u);
	const bool cacheable = !v.desc_array || (p.desc_indexed && p.desc_elem.is_const());
	if (cacheable) {
		auto it = desc_size_.find(key);
		if (it != desc_size_.end())
			return Operand::temp(it->second, 1);
	}
	DescRef r = desc_ref(p);
	const uint32_t imm = (v.desc_array ? abi::kArrayHeaderBytes : 0) + kDescSizeWord + const_offset(r);
	auto em = [&](IO::Op op, RegClass rc, std::vector<Operand> ops, int64_t i = 0, uint32_t aux = 0) {
		return r.prologue ? emit_prologue(op, rc, std::move(ops), i, aux) : emit(op, rc, std::move(ops), i, aux);
	};
	Operand s = em(IO::Op::load_const, r32(), {r.set, r.off}, imm, 4);
	if (r.in_range.kind != Operand::Kind::none)
		s = em(IO::Op::select, r32(), {r.in_range, s, Operand::c32(0)});
	if (cacheable)
		desc_size_[key] = s.id;
	return s;
}

} // namespace mica::compiler::spirv_detail
