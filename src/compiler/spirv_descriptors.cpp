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
constexpr uint32_t kNone = ~0u;
// Descriptor memory does not change during a dispatch, so every descriptor value may be loaded once
// at the program's start, where the loads overlap, or again where it is used. The first ones go to
// the prologue, up to this many SGPRs live across the whole program; the rest (shaders with many
// bindings or sets) are loaded in the block that uses them, once per block, so that many bindings
// do not exhaust the scalar register file.
constexpr uint32_t kPrologueSgprs = 48;
enum Kind : uint32_t { kTable, kSet, kHeader, kCount, kBase, kSize };
} // namespace

// A descriptor value: from the prologue when it is there, else from the current block when it was
// loaded there, else loaded now (into the prologue when 'movable' -- its operands are prologue
// values -- and the budget allows). Returns the value and whether it is a prologue value.
std::pair<Operand, bool> Translator::desc_value(uint32_t kind, uint32_t set, uint32_t binding, uint32_t element,
                                                bool movable, IO::Op op, RegClass rc, std::vector<Operand> ops,
                                                int64_t imm, uint32_t aux)
{
	auto it = desc_cache_.find({kNone, kind, set, binding, element});
	if (it != desc_cache_.end())
		return {Operand::temp(it->second, rc.size), true};
	it = desc_cache_.find({cur_, kind, set, binding, element});
	if (it != desc_cache_.end())
		return {Operand::temp(it->second, rc.size), false};
	const bool hoist = movable && desc_prologue_sgprs_ + rc.size <= kPrologueSgprs;
	Operand v = hoist ? emit_prologue(op, rc, std::move(ops), imm, aux) : emit(op, rc, std::move(ops), imm, aux);
	if (hoist)
		desc_prologue_sgprs_ += rc.size;
	desc_cache_[{hoist ? kNone : cur_, kind, set, binding, element}] = v.id;
	return {v, hoist};
}

void Translator::check_descriptor_variable(Var &v)
{
	const Type &t = type(v.type);
	const bool array = (t.k == Type::K::Array || t.k == Type::K::RtArray) && type(t.elem).k == Type::K::Struct;
	// SPIR-V 1.0-1.2 declare storage buffers as Uniform blocks decorated BufferBlock; for an array
	// of them the decoration is on the element type.
	const uint32_t block = array ? t.elem : v.type;
	if (v.sc == (uint32_t)spv::StorageClass::Uniform && has_deco(block, spv::Decoration::BufferBlock))
		v.sc = (uint32_t)spv::StorageClass::StorageBuffer;
	if (t.k == Type::K::Struct)
		return;
	if (array) {
		v.desc_array = true;
		return;
	}
	if (t.k == Type::K::Array || t.k == Type::K::RtArray)
		fail("arrays of arrays of buffer descriptors are not supported (one array dimension per binding)");
	fail("a storage or uniform buffer variable must be a block or an array of blocks");
}

Operand Translator::desc_table()
{
	// The user-data SGPRs are live from the start anyway: always in the prologue.
	auto it = desc_cache_.find({kNone, kTable, 0, 0, 0});
	if (it != desc_cache_.end())
		return Operand::temp(it->second, 2);
	Operand t = emit_prologue(IO::Op::user_data, RegClass{Bank::undecided, 2, false}, {}, abi::kDescSetsSgpr);
	desc_cache_[{kNone, kTable, 0, 0, 0}] = t.id;
	return t;
}

// The set's address from the set table. Checked here, where a buffer is used, because a declared
// but unused variable may name any set.
std::pair<Operand, bool> Translator::desc_set(uint32_t set)
{
	if (set >= abi::kMaxSets)
		fail("descriptor set " + std::to_string(set) + " is outside the binding model (sets < " +
		     std::to_string(abi::kMaxSets) + ")");
	return desc_value(kSet, set, 0, 0, true, IO::Op::load_const, r64(), {desc_table(), Operand::c32(0)}, set * 8, 8);
}

// The binding's array header offset (from its entry) or, with 'count', its element count (from
// the header).
std::pair<Operand, bool> Translator::desc_binding_word(uint32_t set, uint32_t binding, bool count)
{
	if (binding > kMaxBinding)
		fail("binding " + std::to_string(binding) + " is outside the binding model (bindings <= " +
		     std::to_string(kMaxBinding) + ")");
	auto [s, s_pro] = desc_set(set);
	if (!count)
		return desc_value(kHeader, set, binding, 0, s_pro, IO::Op::load_const, r32(), {s, Operand::c32(0)},
		                  binding * abi::kDescStride + kEntryArrayWord, 4);
	auto [h, h_pro] = desc_binding_word(set, binding, false);
	return desc_value(kCount, set, binding, 0, s_pro && h_pro, IO::Op::load_const, r32(), {s, h}, 0, 4);
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
	auto [set, set_pro] = desc_set(v.set);
	if (!v.desc_array)
		return {set, Operand::c32(v.binding * abi::kDescStride), Operand{}, set_pro};
	if (!p.desc_indexed)
		fail("access to a whole array of buffer descriptors (only its elements can be accessed)");
	auto [header, header_pro] = desc_binding_word(v.set, v.binding, false);
	bool pro = p.desc_elem.is_const() && set_pro && header_pro;
	Operand count;
	if (robust()) {
		bool count_pro;
		std::tie(count, count_pro) = desc_binding_word(v.set, v.binding, true);
		pro = pro && count_pro;
	}
	auto em = [&](IO::Op op, RegClass rc, std::vector<Operand> ops) {
		return pro ? emit_prologue(op, rc, std::move(ops)) : emit(op, rc, std::move(ops));
	};
	Operand idx = p.desc_elem;
	Operand in_range;
	if (robust()) {
		in_range = em(IO::Op::ult, rbool(), {idx, count});
		idx = em(IO::Op::select, r32(), {in_range, idx, Operand::c32(0)});
	}
	Operand scaled = idx.is_const() ? Operand::c32((uint32_t)idx.value * abi::kDescStride)
	                                : em(IO::Op::imul, r32(), {idx, Operand::c32(abi::kDescStride)});
	Operand off = em(IO::Op::iadd, r32(), {header, scaled});
	return {set, off, in_range, pro};
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

// The descriptor's address (kBase) or size (kSize), cached like the other descriptor values when
// the element is fixed (a single block or a constant index). A robust access's size is 0 when the
// index is past the array.
Operand Translator::desc_base(const Ptr &p)
{
	if (p.bounded)   // a bounded pointer value carries its buffer's base (spirv_varptr.cpp)
		return p.addr;
	const Var &v = vars_[p.var];
	DescRef r = desc_ref(p);
	const uint32_t imm = (v.desc_array ? abi::kArrayHeaderBytes : 0) + const_offset(r);
	if (v.desc_array && !p.desc_elem.is_const())
		return emit(IO::Op::load_const, r64(), {r.set, r.off}, imm, 8);
	const uint32_t element = v.desc_array ? (uint32_t)p.desc_elem.value : kNone;
	return desc_value(kBase, v.set, v.binding, element, r.prologue, IO::Op::load_const, r64(), {r.set, r.off}, imm, 8).first;
}

Operand Translator::desc_size(const Ptr &p)
{
	if (p.bounded)
		return p.range;
	const Var &v = vars_[p.var];
	DescRef r = desc_ref(p);
	const uint32_t imm = (v.desc_array ? abi::kArrayHeaderBytes : 0) + kDescSizeWord + const_offset(r);
	Operand s;
	bool pro = false;
	if (v.desc_array && !p.desc_elem.is_const()) {
		s = emit(IO::Op::load_const, r32(), {r.set, r.off}, imm, 4);
	} else {
		const uint32_t element = v.desc_array ? (uint32_t)p.desc_elem.value : kNone;
		std::tie(s, pro) = desc_value(kSize, v.set, v.binding, element, r.prologue, IO::Op::load_const, r32(),
		                              {r.set, r.off}, imm, 4);
	}
	if (r.in_range.kind == Operand::Kind::none)
		return s;
	// The bounds-checked size (only for robust accesses to array elements): computed where the
	// index check is.
	return r.prologue && pro ? emit_prologue(IO::Op::select, r32(), {r.in_range, s, Operand::c32(0)})
	                         : emit(IO::Op::select, r32(), {r.in_range, s, Operand::c32(0)});
}

// Robust access, a storage/uniform buffer variable used as a pointer value (spirv_varptr.cpp):
// its range, loaded in the prologue (from the set's address 'set') as its address is: a block's
// size, or the element count of an array of blocks.
Operand Translator::buffer_variable_range(uint32_t var, const Operand &set)
{
	const Var &v = vars_.at(var);
	const uint32_t entry = v.binding * abi::kDescStride;
	if (!v.desc_array)
		return emit_prologue(IO::Op::load_const, r32(), {set, Operand::c32(0)}, entry + kDescSizeWord, 4);
	Operand header = emit_prologue(IO::Op::load_const, r32(), {set, Operand::c32(0)}, entry + kEntryArrayWord, 4);
	return emit_prologue(IO::Op::load_const, r32(), {set, header}, 0, 4);
}

// The base address and size of the buffer descriptor at 'addr' (an element of an array).
std::pair<Operand, Operand> Translator::descriptor_at(const Operand &addr)
{
	return {emit(IO::Op::load_const, r64(), {addr, Operand::c32(0)}, 0, 8),
	        emit(IO::Op::load_const, r32(), {addr, Operand::c32(0)}, kDescSizeWord, 4)};
}

} // namespace mica::compiler::spirv_detail
