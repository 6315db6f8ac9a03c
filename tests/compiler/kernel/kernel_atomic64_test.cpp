// 64-bit atomics (tests/compiler/kernel/atomics64.cl) on the device model, r1 perf and r2
// lowpower, the two compute units on their own host threads so that __global atomics of
// different workgroups really race. The host checks each slot's history: the returned old values
// must form one order of the slot's operations from its initial value to its final value
// (linearizability), and the unused-result variants must end at the same value as any order.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>

#include "cl_harness.h"
#include "mica_hw.h"

using namespace mica::compiler;
using namespace mica::compiler::cltest;

namespace {

constexpr uint32_t kSlots = 4, kItems = 256, kLocal = 64, kGroups = kItems / kLocal;

enum class Op { add, sub, xchg, inc, dec, min, max, and_, or_, xor_, cas };

struct OpInfo {
	const char *name;
	Op op;
};
constexpr OpInfo kOps[] = {{"add", Op::add}, {"sub", Op::sub}, {"xchg", Op::xchg}, {"inc", Op::inc},
                           {"dec", Op::dec}, {"min", Op::min}, {"max", Op::max},   {"and", Op::and_},
                           {"or", Op::or_},  {"xor", Op::xor_}};

// The new value the operation leaves; signed selects signed min/max.
uint64_t apply(Op op, bool is_signed, uint64_t cur, uint64_t v)
{
	switch (op) {
	case Op::add: return cur + v;
	case Op::sub: return cur - v;
	case Op::xchg: return v;
	case Op::inc: return cur + 1;
	case Op::dec: return cur - 1;
	case Op::min: return is_signed ? (uint64_t)std::min((int64_t)cur, (int64_t)v) : std::min(cur, v);
	case Op::max: return is_signed ? (uint64_t)std::max((int64_t)cur, (int64_t)v) : std::max(cur, v);
	case Op::and_: return cur & v;
	case Op::or_: return cur | v;
	case Op::xor_: return cur ^ v;
	case Op::cas: return cur * 3 + v;
	}
	return 0;
}

// Operands that make every step of a slot's history visible: one bit cleared (and) or set (or)
// per operation, full-range values elsewhere (signed and unsigned orders differ for min/max).
std::vector<uint64_t> operands(Op op, std::mt19937_64 &g)
{
	std::vector<uint64_t> v(kItems);
	for (auto &x : v) {
		x = g();
		if (op == Op::and_)
			x = ~(1ull << (x & 63));
		else if (op == Op::or_)
			x = 1ull << (x & 63);
	}
	return v;
}

uint64_t initial(Op op, std::mt19937_64 &g)
{
	if (op == Op::and_)
		return ~0ull;
	if (op == Op::or_)
		return 0;
	return g();
}

// Whether (val[k], ret[k]) of one slot's operations fit one order from 'init' to 'fin'. At each
// value, the operations that saw it and leave it unchanged go first; then exactly one that saw
// it changes it (two that saw the same value and both change it cannot both be first). Values
// do not recur in these histories (monotonic, or random 64-bit steps), so this is exact.
::testing::AssertionResult linearizable(Op op, bool is_signed, uint64_t init, uint64_t fin,
                                        const std::vector<uint64_t> &val, const std::vector<uint64_t> &ret)
{
	std::multiset<std::pair<uint64_t, size_t>> by_ret;
	for (size_t k = 0; k < ret.size(); k++)
		by_ret.insert({ret[k], k});
	uint64_t cur = init;
	while (!by_ret.empty()) {
		auto it = by_ret.lower_bound({cur, 0});
		const auto hi = by_ret.upper_bound({cur, SIZE_MAX});
		if (it == hi)
			return ::testing::AssertionFailure() << "no operation returned 0x" << std::hex << cur << " ("
			                                     << std::dec << by_ret.size() << " left, one returned 0x" << std::hex
			                                     << by_ret.begin()->first << ")";
		std::vector<size_t> changing;
		while (it != hi) {
			const size_t k = it->second;
			if (apply(op, is_signed, cur, val[k]) == cur) {
				it = by_ret.erase(it);
			} else {
				changing.push_back(k);
				++it;
			}
		}
		if (changing.size() > 1)
			return ::testing::AssertionFailure() << changing.size() << " operations returned 0x" << std::hex << cur
			                                     << " and changed it";
		if (changing.size() == 1) {
			by_ret.erase(by_ret.find({cur, changing[0]}));
			cur = apply(op, is_signed, cur, val[changing[0]]);
		}
	}
	if (cur != fin)
		return ::testing::AssertionFailure() << "the history ends at 0x" << std::hex << cur << ", memory holds 0x" << fin;
	return ::testing::AssertionSuccess();
}

struct Target {
	uint32_t revision, profile;
};

class Atomic64 : public ::testing::TestWithParam<Target> {
protected:
	// Runs kernel(mem, ret, val) over kItems work-items in groups of kLocal.
	void go(const std::string &kernel, std::vector<uint64_t> &mem, std::vector<uint64_t> &ret,
	        const std::vector<uint64_t> &val)
	{
		NDRange r;
		r.global = {kItems, 1, 1};
		r.local = {kLocal, 1, 1};
		std::vector<Arg> args = {Arg::buffer(mem), Arg::buffer(ret), Arg::buffer(val)};
		Result res = run(load_spv("atomics64"), kernel, r, args, GetParam().revision, GetParam().profile, true, 0, 2,
		                 2);
		ASSERT_TRUE(res.ok) << kernel << ": " << res.error;
		EXPECT_EQ(res.hazard_violations, 0u) << kernel;
		mem = args[0].as<uint64_t>();
		ret = args[1].as<uint64_t>();
	}

	// One slot: the operations of work-items 'items' on a slot from init to fin.
	void check_slot(const std::string &what, Op op, bool is_signed, bool returns, uint64_t init, uint64_t fin,
	                const std::vector<uint32_t> &items, const std::vector<uint64_t> &val, const std::vector<uint64_t> &ret)
	{
		std::vector<uint64_t> v, r;
		for (uint32_t i : items) {
			v.push_back(val[i]);
			r.push_back(ret[i]);
		}
		if (returns) {
			EXPECT_TRUE(linearizable(op, is_signed, init, fin, v, r)) << what;
			return;
		}
		if (op == Op::xchg) {   // the last exchange's value stays
			EXPECT_NE(std::find(v.begin(), v.end(), fin), v.end()) << what;
			return;
		}
		uint64_t e = init;   // the other operations commute
		for (uint64_t x : v)
			e = apply(op, is_signed, e, x);
		EXPECT_EQ(fin, e) << what;
	}

	// g_/gn_ (__global: slot s takes work-items i % 4 == s of every group) and l_/ln_ (__local:
	// group g's slot s at mem[g * 4 + s], work-items l % 4 == s of that group).
	void global_and_local(Op op, const std::string &name, const std::string &type)
	{
		const bool is_signed = type == "long";
		for (const char *space : {"g", "gn", "l", "ln"}) {
			const bool local = space[0] == 'l', returns = space[1] == 0;
			const std::string kernel = std::string(space) + "_" + name + "_" + type;
			std::mt19937_64 g(std::hash<std::string>{}(kernel));
			const uint32_t nslots = local ? kSlots * kGroups : kSlots;
			std::vector<uint64_t> mem(nslots), val = operands(op, g), ret(kItems, 0xdeadbeef);
			for (auto &m : mem)
				m = initial(op, g);
			const std::vector<uint64_t> mem0 = mem;
			go(kernel, mem, ret, val);
			if (HasFatalFailure())
				return;
			for (uint32_t s = 0; s < nslots; s++) {
				std::vector<uint32_t> items;
				for (uint32_t i = 0; i < kItems; i++)
					if (local ? (i / kLocal == s / kSlots && i % kSlots == s % kSlots) : i % kSlots == s)
						items.push_back(i);
				check_slot(kernel + " slot " + std::to_string(s), op, is_signed, returns, mem0[s], mem[s], items, val, ret);
			}
			if (!returns) {
				EXPECT_EQ(ret, std::vector<uint64_t>(kItems, 0xdeadbeef)) << kernel << " wrote no results";
			}
		}
	}

	// x_: even work-items on __global slot (l / 2) % 4 (mem[0..3], all groups), odd ones on their
	// group's __local slot (l / 2) % 4 (copied from and back to mem[4 + g * 4 ..]), one generic
	// pointer per work-item.
	void generic(Op op, const std::string &name, const std::string &type)
	{
		const bool is_signed = type == "long";
		const std::string kernel = "x_" + name + "_" + type;
		std::mt19937_64 g(std::hash<std::string>{}(kernel));
		std::vector<uint64_t> mem(kSlots + kSlots * kGroups), val = operands(op, g), ret(kItems, 0);
		for (auto &m : mem)
			m = initial(op, g);
		const std::vector<uint64_t> mem0 = mem;
		go(kernel, mem, ret, val);
		if (HasFatalFailure())
			return;
		for (uint32_t s = 0; s < mem.size(); s++) {
			std::vector<uint32_t> items;
			for (uint32_t i = 0; i < kItems; i++) {
				const uint32_t l = i % kLocal, slot = (l >> 1) % kSlots;
				if (s < kSlots ? (!(l & 1) && slot == s)
				               : ((l & 1) && i / kLocal == (s - kSlots) / kSlots && slot == (s - kSlots) % kSlots))
					items.push_back(i);
			}
			check_slot(kernel + " slot " + std::to_string(s), op, is_signed, true, mem0[s], mem[s], items, val, ret);
		}
	}
};

} // namespace

TEST_P(Atomic64, GlobalAndLocal)
{
	for (const OpInfo &o : kOps)
		for (const char *type : {"long", "ulong"}) {
			SCOPED_TRACE(std::string(o.name) + " " + type);
			global_and_local(o.op, o.name, type);
		}
}

TEST_P(Atomic64, CompareExchangeLoops)
{
	for (const char *type : {"long", "ulong"}) {
		SCOPED_TRACE(type);
		for (const char *space : {"g", "l"}) {
			const bool local = space[0] == 'l';
			const std::string kernel = std::string(space) + "_cas_" + type;
			std::mt19937_64 g(std::hash<std::string>{}(kernel));
			const uint32_t nslots = local ? kSlots * kGroups : kSlots;
			std::vector<uint64_t> mem(nslots), val = operands(Op::cas, g), ret(kItems, 0);
			for (auto &m : mem)
				m = g();
			const std::vector<uint64_t> mem0 = mem;
			go(kernel, mem, ret, val);
			if (HasFatalFailure())
				return;
			for (uint32_t s = 0; s < nslots; s++) {
				std::vector<uint32_t> items;
				for (uint32_t i = 0; i < kItems; i++)
					if (local ? (i / kLocal == s / kSlots && i % kSlots == s % kSlots) : i % kSlots == s)
						items.push_back(i);
				check_slot(kernel + " slot " + std::to_string(s), Op::cas, false, true, mem0[s], mem[s], items, val, ret);
			}
		}
		// A compare that never matches returns the value and writes nothing.
		std::vector<uint64_t> mem = {1, 0x8000000000000000ull, ~0ull, 42}, val(kItems, 7), ret(kItems, 0);
		const std::vector<uint64_t> mem0 = mem;
		go(std::string("g_cas_miss_") + type, mem, ret, val);
		if (HasFatalFailure())
			return;
		EXPECT_EQ(mem, mem0);
		for (uint32_t i = 0; i < kItems; i++)
			EXPECT_EQ(ret[i], mem0[i % kSlots]) << i;
	}
}

TEST_P(Atomic64, GenericPointers)
{
	for (const OpInfo &o : kOps) {
		if (o.op == Op::inc || o.op == Op::dec || o.op == Op::xchg)
			continue;   // no atomic_fetch_inc/dec in OpenCL C 2.0; exchange is ulong only below
		for (const char *type : {"long", "ulong"}) {
			SCOPED_TRACE(std::string(o.name) + " " + type);
			generic(o.op, o.name, type);
		}
	}
	SCOPED_TRACE("xchg, cas");
	generic(Op::xchg, "xchg", "ulong");
	generic(Op::cas, "cas", "ulong");
}

TEST_P(Atomic64, LocalArgumentGranule)
{
	std::vector<int64_t> out(4, 0), in = {-4, -4, -4, 5, 3, 5};
	std::vector<Arg> args = {Arg::buffer(out), Arg::local(8), Arg::buffer(in)};
	NDRange r;
	Result res = run(load_spv("atomics64"), "cas_local_arg", r, args, GetParam().revision, GetParam().profile);
	ASSERT_TRUE(res.ok) << res.error;
	EXPECT_EQ(res.compiled.binary.entries.at(0).shared_bytes % 16, 0u);
	EXPECT_EQ(args[0].as<int64_t>(), (std::vector<int64_t>{-4, 5, -4, -4}));   // swapped; compare missed
}

// The checker itself: a history with a wrong returned value, a lost update and two operations
// that both claim to have seen the same value must be refused.
TEST(Atomic64Checker, RefusesImpossibleHistories)
{
	EXPECT_TRUE(linearizable(Op::add, false, 10, 16, {1, 2, 3}, {10, 11, 13}));
	EXPECT_TRUE(linearizable(Op::add, false, 10, 16, {1, 2, 3}, {15, 10, 12}));
	EXPECT_FALSE(linearizable(Op::add, false, 10, 16, {1, 2, 3}, {10, 10, 13}));   // a lost update
	EXPECT_FALSE(linearizable(Op::add, false, 10, 13, {1, 2, 3}, {10, 11, 13}));   // final value wrong
	EXPECT_FALSE(linearizable(Op::add, false, 10, 16, {1, 2, 3}, {10, 12, 13}));   // a wrong old value
	EXPECT_TRUE(linearizable(Op::min, true, 5, (uint64_t)-3, {7, (uint64_t)-3, 9}, {5, 5, (uint64_t)-3}));
	EXPECT_FALSE(linearizable(Op::min, false, 5, (uint64_t)-3, {7, (uint64_t)-3, 9}, {5, 5, (uint64_t)-3}));
	EXPECT_TRUE(linearizable(Op::or_, false, 0, 3, {1, 2, 1}, {0, 1, 3}));
}

// Both revisions and both profiles, in two runs (the ISA's 64-bit atomics are the same on all;
// what differs is scheduling and hazard handling, which these pairs cover).
INSTANTIATE_TEST_SUITE_P(AllTargets, Atomic64,
                         ::testing::Values(Target{MICA_REV_R1, MICA_PROFILE_PERF}, Target{MICA_REV_R2, MICA_PROFILE_LOWPOWER}),
                         [](const auto &target) {
	                         return std::string(target.param.revision == MICA_REV_R1 ? "r1" : "r2") +
	                                (target.param.profile == MICA_PROFILE_PERF ? "_perf" : "_lowpower");
                         });
