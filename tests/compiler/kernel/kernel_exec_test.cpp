// The OpenCL C execution corpus (tests/compiler/kernel/*.cl, compiled by clang-15 + llvm-spirv-15
// at build time) run on the device model in checked mode on every revision and power profile,
// against host references computed here.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

#include "cl_harness.h"
#include "mica_hw.h"

using namespace mica::compiler;
using namespace mica::compiler::cltest;

namespace {

struct Target {
	uint32_t revision, profile;
};

class KernelExec : public ::testing::TestWithParam<Target> {
protected:
	// Runs and checks that it ran cleanly (no fault, no hazard violation in checked mode).
	Result go(const std::string &module, const std::string &kernel, const NDRange &r, std::vector<Arg> &args,
	          uint32_t printf_bytes = 0)
	{
		Result res = run(load_spv(module), kernel, r, args, GetParam().revision, GetParam().profile, true, printf_bytes);
		EXPECT_TRUE(res.ok) << kernel << ": " << res.error;
		EXPECT_EQ(res.hazard_violations, 0u) << kernel;
		return res;
	}
	static NDRange range1(uint32_t global, uint32_t local)
	{
		NDRange r;
		r.global = {global, 1, 1};
		r.local = {local, 1, 1};
		return r;
	}
};

std::vector<int32_t> random_ints(size_t n, int lo, int hi, uint32_t seed)
{
	std::mt19937 g(seed);
	std::uniform_int_distribution<int> d(lo, hi);
	std::vector<int32_t> v(n);
	for (auto &x : v)
		x = d(g);
	return v;
}

} // namespace

TEST_P(KernelExec, Saxpy)
{
	const uint32_t n = 200;   // not a multiple of the local size: the last group is partial
	std::vector<float> x(n), y(n);
	for (uint32_t i = 0; i < n; i++) {
		x[i] = (float)i * 0.25f - 3.0f;
		y[i] = (float)(i % 7) + 0.5f;
	}
	std::vector<float> y_guard(n + 64, -1.0f);
	std::copy(y.begin(), y.end(), y_guard.begin());
	std::vector<Arg> args = {Arg::buffer(y_guard), Arg::buffer(x), Arg::value(2.5f)};
	go("basic", "saxpy", range1(n, 64), args);
	auto out = args[0].as<float>();
	for (uint32_t i = 0; i < n; i++)
		EXPECT_EQ(out[i], std::fma(2.5f, x[i], y[i])) << i;   // a * x + y is contracted (fmuladd)
	for (uint32_t i = n; i < n + 64; i++)
		EXPECT_EQ(out[i], -1.0f) << "work-item " << i << " is outside the global size and must not run";
}

TEST_P(KernelExec, IntegerWidths)
{
	const uint32_t n = 64;
	std::vector<int8_t> c(n);
	std::vector<int16_t> s(n);
	std::vector<uint64_t> u(n);
	std::mt19937_64 g(7);
	for (uint32_t i = 0; i < n; i++) {
		c[i] = (int8_t)(g() & 0xff);
		s[i] = (int16_t)(g() & 0xffff);
		u[i] = g();
	}
	std::vector<int64_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(c), Arg::buffer(s), Arg::buffer(u)};
	go("basic", "int_widths", range1(n, 32), args);
	auto r = args[0].as<int64_t>();
	for (uint32_t i = 0; i < n; i++) {
		int64_t e = (int64_t)c[i] * 1000 + s[i];
		e += (int64_t)(u[i] >> 7) ^ (int64_t)(u[i] * 3u);
		e += (int64_t)((uint8_t)c[i] / 3) + (int64_t)(s[i] % 7);
		e += (int64_t)(u[i] / 1000003u);
		EXPECT_EQ(r[i], e) << i;
	}
}

TEST_P(KernelExec, Vectors)
{
	const uint32_t n = 32;
	std::vector<float> a(n * 4);
	for (uint32_t i = 0; i < n * 4; i++)
		a[i] = (float)i * 0.5f - 7.0f;
	std::vector<float> o4(n * 4, 0);
	std::vector<int32_t> o8(n * 8, 0);
	std::vector<uint32_t> o16(n * 16, 0);
	std::vector<Arg> args = {Arg::buffer(o4), Arg::buffer(a), Arg::buffer(o8), Arg::buffer(o16)};
	go("basic", "vectors", range1(n, 16), args);
	auto r4 = args[0].as<float>();
	auto r8 = args[2].as<int32_t>();
	auto r16 = args[3].as<uint32_t>();
	for (uint32_t i = 0; i < n; i++) {
		const float *v = &a[i * 4];
		float w[4];
		const float add[4] = {1, 2, 3, 4};
		for (int k = 0; k < 4; k++)
			w[k] = v[3 - k] * 2.0f + add[k];
		const float e4[4] = {w[0] + v[0], w[0] + v[1], w[1] + v[2], w[2] + v[3]};
		for (int k = 0; k < 4; k++)
			EXPECT_EQ(r4[i * 4 + k], e4[k]) << i << "." << k;
		const int32_t kv[8] = {(int32_t)i, 1, 2, 3, 4, 5, 6, 7};
		for (int k = 0; k < 8; k++)
			EXPECT_EQ(r8[i * 8 + k], kv[7 - k] * (int32_t)i - 3) << i << "." << k;
		for (int k = 0; k < 16; k++)
			EXPECT_EQ(r16[i * 16 + k], (i + (uint32_t)k) << 1) << i << "." << k;
	}
}

TEST_P(KernelExec, StructByValue)
{
	// OpenCL C layout of Params: a 0, b 4, c 8, d 16, v (float4, 16-aligned) 32; 48 bytes.
	const int32_t a = 3;
	const float b = 0.5f;
	const int8_t c = -2;
	const int64_t d = 1000;
	std::vector<uint8_t> bytes(48, 0);
	memcpy(&bytes[0], &a, 4);
	memcpy(&bytes[4], &b, 4);
	memcpy(&bytes[8], &c, 1);
	memcpy(&bytes[16], &d, 8);
	const float v[4] = {0, 0.25f, 0, 0};
	memcpy(&bytes[32], v, 16);
	Arg pv;
	pv.bytes = bytes;
	std::vector<float> out(16, 0);
	std::vector<uint8_t> q(48, 0xee);
	std::vector<Arg> args = {Arg::buffer(out), pv, Arg::buffer(q)};
	go("basic", "structs", range1(16, 16), args);
	auto r = args[0].as<float>();
	for (uint32_t i = 0; i < 16; i++)
		EXPECT_EQ(r[i], 3.0f * (float)i + 0.5f + -2.0f + 1000.0f + 0.25f) << i;
	auto qb = args[2].bytes;
	int32_t qa;
	float qw;
	int64_t qd;
	memcpy(&qa, &qb[0], 4);
	memcpy(&qd, &qb[16], 8);
	memcpy(&qw, &qb[44], 4);
	EXPECT_EQ(qa, 4);
	EXPECT_EQ(qd, 1000);
	EXPECT_EQ(qw, 9.5f);
	EXPECT_EQ((int8_t)qb[8], -2);
}

TEST_P(KernelExec, StructsThroughCalls)
{
	const int n = 24;
	auto in = random_ints(n, -300, 300, 41);
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("basic", "calls_struct", range1(n, 8), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int s = (int8_t)in[i];
		for (int k = 0; k < 20; k++)
			s += (in[i] + k + (k == 3 ? 100 : 0)) * k;
		EXPECT_EQ(o[i], s) << i;
	}
}

TEST_P(KernelExec, BuiltinsWithOffsetAndPartialGroups)
{
	NDRange r;
	r.work_dim = 2;
	r.offset = {5, 3, 0};
	r.global = {13, 6, 1};
	r.local = {4, 4, 1};
	const uint32_t items = 13 * 6;
	std::vector<uint32_t> out(items * 12, 0xdeadbeef);
	std::vector<Arg> args = {Arg::buffer(out)};
	go("basic", "builtins", r, args);
	auto o = args[0].as<uint32_t>();
	for (uint32_t y = 0; y < 6; y++)
		for (uint32_t x = 0; x < 13; x++) {
			const uint32_t *e = &o[(y * 13 + x) * 12];
			EXPECT_EQ(e[0], x + 5);
			EXPECT_EQ(e[1], y + 3);
			EXPECT_EQ(e[2], x % 4);
			EXPECT_EQ(e[3], y % 4);
			EXPECT_EQ(e[4], x / 4);
			EXPECT_EQ(e[5], y / 4);
			EXPECT_EQ(e[6], x / 4 == 3 ? 1u : 4u) << "last group in x has 13 - 12 items";
			EXPECT_EQ(e[7], y / 4 == 1 ? 2u : 4u);
			EXPECT_EQ(e[8], 4u);
			EXPECT_EQ(e[9], 2u);
			EXPECT_EQ(e[10], 4u);
			EXPECT_EQ(e[11], y * 13 + x);
		}
}

TEST_P(KernelExec, SizeTBuiltinsIn64BitArithmetic)
{
	const uint32_t n = 40, local = 16;
	std::vector<uint64_t> out(n * 4, 0);
	std::vector<Arg> args = {Arg::buffer(out)};
	go("basic", "size_t_builtins", range1(n, local), args);
	auto o = args[0].as<uint64_t>();
	for (uint64_t g = 0; g < n; g++) {
		const uint64_t grp = g / local, lid = g % local, size = std::min<uint64_t>(local, n - grp * local);
		EXPECT_EQ(o[g * 4 + 0], (grp << 36) | lid) << g;
		EXPECT_EQ(o[g * 4 + 1], 3 * 0x100000000ull + lid) << g;
		EXPECT_EQ(o[g * 4 + 2], (lid << 40) + (grp << 33)) << g;
		EXPECT_EQ(o[g * 4 + 3], ((uint64_t)n << 32) | size) << g;
	}
}

TEST_P(KernelExec, LocalAtomics64)
{
	const uint32_t groups = 3, local = 64;
	std::vector<int64_t> out(groups, 0);
	std::vector<Arg> args = {Arg::buffer(out)};
	go("memory", "local_atomics64", range1(groups * local, local), args);
	int64_t sum = 0, x = 0;
	for (int64_t l = 0; l < local; l++) {
		sum += l << 34;
		x ^= l;
	}
	// add and xor do not commute: every order of the two kinds gives a different value, but the
	// adds only touch bits 34 up and the xors bits 0-5, so the result is the same in any order.
	for (uint32_t g = 0; g < groups; g++)
		EXPECT_EQ(args[0].as<int64_t>()[g], sum ^ x) << g;
}

TEST_P(KernelExec, LocalReductionWithBarriers)
{
	const uint32_t groups = 5, local = 64;
	std::vector<uint32_t> in(groups * local);
	for (uint32_t i = 0; i < in.size(); i++)
		in[i] = i * 7 + 1;
	std::vector<uint32_t> out(groups, 0);
	std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out), Arg::local(local * 4)};
	go("memory", "reduce", range1(groups * local, local), args);
	auto o = args[1].as<uint32_t>();
	for (uint32_t g = 0; g < groups; g++) {
		uint32_t e = 0;
		for (uint32_t l = 0; l < local; l++)
			e += in[g * local + l];
		EXPECT_EQ(o[g], e) << g;
	}
}

TEST_P(KernelExec, LocalArgumentAfterKernelLocals)
{
	const uint32_t n = 64;
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::local(n * 4)};
	Result res = go("memory", "local_both", range1(n, n), args);
	auto o = args[0].as<int32_t>();
	for (uint32_t l = 0; l < n; l++)
		EXPECT_EQ(o[l], (int)(n - 1 - l) * 3 + (int)((l + 1) % n) + 100) << l;
	EXPECT_GE(res.compiled.binary.entries.at(0).shared_bytes, 2 * n * 4);
}

TEST_P(KernelExec, AtomicsLocalGlobal64)
{
	const uint32_t n = 256;
	std::vector<uint8_t> in(n);
	for (uint32_t i = 0; i < n; i++)
		in[i] = (uint8_t)(i * 37 + 11);
	std::vector<uint32_t> bins(16, 0);
	std::vector<uint64_t> total(1, 0);
	std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(bins), Arg::buffer(total)};
	go("memory", "histogram", range1(n, 64), args);
	std::vector<uint32_t> e(16, 0);
	uint64_t t = 0;
	for (uint8_t x : in) {
		e[x & 15]++;
		t += (uint64_t)x << 33;
	}
	EXPECT_EQ(args[1].as<uint32_t>(), e);
	EXPECT_EQ(args[2].as<uint64_t>()[0], t);
}

TEST_P(KernelExec, PointerArithmeticAndConstantTable)
{
	const int n = 50;
	auto in = random_ints(n, -100, 100, 3);
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in), Arg::value((int32_t)n)};
	go("memory", "pointers", range1(n, 16), args);
	const int table[8] = {3, 1, 4, 1, 5, 9, 2, 6};
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int sum = 0, p = i;
		while (p < n) {
			sum += in[p];
			p += 3;
		}
		EXPECT_EQ(o[i], sum + (n - p) + table[i & 7]) << i;
	}
}

TEST_P(KernelExec, PrivateArrayInScratch)
{
	const int n = 40;
	auto idx = random_ints(n, 0, 255, 5);
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(idx)};
	go("memory", "private_array", range1(n, 8), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		auto a = [&](int k) { return k * k + i; };
		EXPECT_EQ(o[i], a(idx[i] & 15) + a((idx[i] >> 4) & 15)) << i;
	}
}

TEST_P(KernelExec, GenericPointersToPrivateAndGlobal)
{
	const int n = 40;
	auto in = random_ints(n, -1000, 1000, 37);
	std::vector<int32_t> out(n * 4, -1);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("memory", "private_generic", range1(n, 8), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int s = 0;
		for (int k = 0; k < 5; k++)
			s += (in[i] + k) * (k + 1);
		EXPECT_EQ(o[i * 4 + 0], s) << i;
		EXPECT_EQ(o[i * 4 + 1], in[i]) << i;
		EXPECT_EQ(o[i * 4 + 2], 0) << "private objects keep their alignment (16, 128) " << i;
		EXPECT_EQ(o[i * 4 + 3], 0) << i;
	}
}

TEST_P(KernelExec, GenericPointersToLocal)
{
	const uint32_t n = 128, local = 64;
	auto g0 = random_ints(2 * n, -1000, 1000, 47);
	std::vector<int32_t> out(n * 4, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(g0)};
	go("memory", "generic_local", range1(n, local), args);
	auto o = args[0].as<int32_t>();
	auto g = args[1].as<int32_t>();
	for (uint32_t i = 0; i < n; i++) {
		const int l = (int)(i % local), gi0 = g0[2 * i], gi1 = g0[2 * i + 1];
		const bool odd = l & 1;
		EXPECT_EQ(o[i * 4 + 0], l + 100) << i << ": a __local int through a generic pointer";
		EXPECT_EQ(o[i * 4 + 1], gi0 + gi1) << i << ": a __global int through a generic pointer";
		EXPECT_EQ(o[i * 4 + 2], odd ? l + 110 : gi0 + gi1 + 14) << i << ": per work-item __local or __global";
		EXPECT_EQ(o[i * 4 + 3], odd ? (l + 6) * 1000 + 106 + 1000000 : (l + 5) * 1000 + 105) << i;
		EXPECT_EQ(g[2 * i], gi0 + (odd ? 7 : 8)) << i;
		EXPECT_EQ(g[2 * i + 1], gi1 + (odd ? 7 : 8)) << i;
	}
}

TEST_P(KernelExec, AsyncWorkGroupCopies)
{
	const uint32_t groups = 2, local = 64;
	auto in = random_ints(groups * 100, -5000, 5000, 53);
	std::vector<int32_t> out(groups * local, 0), strided(3 * 64 + groups + 4, -1);
	std::vector<Arg> args = {Arg::buffer(in), Arg::buffer(out), Arg::buffer(strided)};
	go("memory", "async_copies", range1(groups * local, local), args);
	auto o = args[1].as<int32_t>();
	auto st = args[2].as<int32_t>();
	for (uint32_t g = 0; g < groups; g++)
		for (uint32_t l = 0; l < local; l++)
			EXPECT_EQ(o[g * local + l], in[g * 100 + 99 - l] + in[g * 100 + l + 36]) << g << "." << l;
	// group g writes element k to strided[g + 3k]; the two groups interleave
	for (uint32_t k = 0; k < 64; k++)
		for (uint32_t g = 0; g < groups; g++)
			EXPECT_EQ(st[g + 3 * k], (int)(g * 1000 + k)) << g << "." << k;
	EXPECT_EQ(st[2], -1);
}

// ---- unstructured control flow ----

TEST_P(KernelExec, EarlyReturn)
{
	const int n = 64;
	auto in = random_ints(n, -3, 12, 11);
	std::vector<int32_t> out(n, 777);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("control", "early_return", range1(n, 32), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int e = 777;
		if (in[i] < 0) {
			e = -1;
		} else {
			int s = 0;
			bool returned = false;
			for (int k = 0; k < in[i]; k++) {
				if (k * k > 50) {
					returned = true;
					break;
				}
				s += k;
			}
			if (!returned)
				e = s;
		}
		EXPECT_EQ(o[i], e) << i << " in " << in[i];
	}
}

TEST_P(KernelExec, BreakContinue)
{
	const int n = 64;
	auto in = random_ints(n, 0, 40, 13);
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("control", "break_continue", range1(n, 32), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int x = in[i], s = 0;
		for (int k = 0; k < 40; k++) {
			if ((k + x) % 3 == 0)
				continue;
			if (k > x + 5)
				break;
			s += k * (x & 7);
			if (s > 200)
				break;
		}
		EXPECT_EQ(o[i], s) << i;
	}
}

TEST_P(KernelExec, NestedBreakWithGoto)
{
	const int n = 64;
	auto in = random_ints(n, 0, 110, 17);
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("control", "nested_break", range1(n, 32), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int x = in[i], found = -1;
		for (int a = 0; a < 10 && found < 0; a++)
			for (int b = 0; b < 10; b++) {
				if (a * 10 + b == x) {
					found = a * 100 + b;
					break;
				}
				if (b > a + (x & 3))
					break;
			}
		EXPECT_EQ(o[i], found) << i << " in " << x;
	}
}

TEST_P(KernelExec, GotoLoop)
{
	const int n = 64;
	auto in = random_ints(n, 1, 1000, 19);
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("control", "goto_loop", range1(n, 32), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int x = in[i], steps = 0;
		for (;;) {
			steps++;
			if (x == 1)
				break;
			x = (x & 1) ? 3 * x + 1 : x >> 1;
			if (steps >= 200)
				break;
		}
		EXPECT_EQ(o[i], steps) << i;
	}
}

// The host references are the kernels' own C with their gotos.
int irreducible_ref(int x)
{
	int n = 0;
	if (x & 1)
		goto B;
A:
	x = x * 3 + 1;
	n++;
	if (n > 50)
		goto done;
B:
	x = x >> 1;
	n++;
	if (x > 1)
		goto A;
done:
	return n * 1000 + x;
}

int irreducible_switch_ref(int x)
{
	uint32_t acc = 0;   // wraps, as the kernel's does
	int steps = 0;
	switch (x % 3) {
	case 0: goto P;
	case 1: goto Q;
	default: goto R;
	}
P:
	acc += 1;
	if (++steps > 20)
		goto end;
Q:
	acc *= 2;
	if (acc & 4)
		goto P;
R:
	acc += (uint32_t)x;
	if (++steps < 12)
		goto Q;
end:
	return (int)(acc * 100u + (uint32_t)steps);
}

TEST_P(KernelExec, IrreducibleLoops)
{
	const int n = 96;
	auto in = random_ints(n, -50, 5000, 31);
	for (const char *k : {"irreducible", "irreducible_switch"}) {
		std::vector<int32_t> out(n, 0);
		std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
		go("control", k, range1(n, 32), args);
		auto o = args[0].as<int32_t>();
		for (int i = 0; i < n; i++)
			EXPECT_EQ(o[i], std::string(k) == "irreducible" ? irreducible_ref(in[i]) : irreducible_switch_ref(in[i]))
				<< k << " " << i << " in " << in[i];
	}
}

TEST_P(KernelExec, SwitchWithFallThrough)
{
	const int n = 64;
	auto in = random_ints(n, -2, 9, 23);
	std::vector<int32_t> out(n, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("control", "switch_case", range1(n, 32), args);
	auto o = args[0].as<int32_t>();
	for (int i = 0; i < n; i++) {
		int r = 0;
		switch (in[i]) {
		case 0: r = 10; break;
		case 1: r = 20; [[fallthrough]];
		case 2: r += 5; break;
		case 5: r = in[i] * 2; break;
		default: r = -7; break;
		}
		EXPECT_EQ(o[i], r) << i << " in " << in[i];
	}
}

TEST_P(KernelExec, BarriersWithOutOfRangeItems)
{
	// 100 items in groups of 64: the second group has 36, its other 28 lanes must skip the
	// kernel without deadlocking the barriers of the ones that run.
	const uint32_t n = 100, local = 64;
	std::vector<int32_t> out(128, -5);
	std::vector<Arg> args = {Arg::buffer(out), Arg::local(local * 4), Arg::value((int32_t)3)};
	go("control", "barrier_loop", range1(n, local), args);
	auto o = args[0].as<int32_t>();
	for (uint32_t g = 0; g < 2; g++) {
		const uint32_t size = std::min(local, n - g * local);
		std::vector<int32_t> v(size);
		for (uint32_t l = 0; l < size; l++)
			v[l] = (int32_t)(g * local + l);
		for (int r = 0; r < 3; r++) {
			std::vector<int32_t> t = v;
			for (uint32_t l = 0; l < size; l++)
				v[l] += t[(l + 1) % size];
		}
		for (uint32_t l = 0; l < size; l++)
			EXPECT_EQ(o[g * local + l], v[l]) << g << "." << l;
	}
	for (uint32_t i = n; i < 128; i++)
		EXPECT_EQ(o[i], -5);
}

TEST_P(KernelExec, BarriersWithWholeWavesOutOfRange)
{
	// 70 items in one group of 128: the fourth wave has no work-item in range and ends at once.
	const uint32_t n = 70, local = 128;
	std::vector<int32_t> out(128, -5);
	std::vector<Arg> args = {Arg::buffer(out), Arg::local(local * 4), Arg::value((int32_t)2)};
	go("control", "barrier_loop", range1(n, local), args);
	auto o = args[0].as<int32_t>();
	std::vector<int32_t> v(n);
	for (uint32_t l = 0; l < n; l++)
		v[l] = (int32_t)l;
	for (int r = 0; r < 2; r++) {
		std::vector<int32_t> t = v;
		for (uint32_t l = 0; l < n; l++)
			v[l] += t[(l + 1) % n];
	}
	for (uint32_t l = 0; l < n; l++)
		EXPECT_EQ(o[l], v[l]) << l;
	for (uint32_t i = n; i < 128; i++)
		EXPECT_EQ(o[i], -5);
}

TEST_P(KernelExec, Printf)
{
	const uint32_t n = 6;
	std::vector<int32_t> in = {0, 1, 2, 3, 4, 5};
	std::vector<Arg> args = {Arg::buffer(in)};
	Result res = go("printf", "hello", range1(n, 8), args, 4096);
	auto info = std::get<KernelModuleInfo>(reflect_kernels(load_spv("printf")));
	auto lines = decode_printf(res.printf_buffer, info);
	// Records are in buffer order; each work-item's own records keep their program order.
	std::multiset<std::string> got(lines.begin(), lines.end()), want;
	for (uint32_t i = 0; i < n; i++) {
		want.insert("item " + std::to_string(i) + " value " + std::to_string(in[i]) + "\n");
		if (in[i] > 2) {
			char buf[128];
			snprintf(buf, sizeof buf, "big %ld %.2f\n", (long)in[i] << 40, (double)((float)in[i] * 0.5f));
			want.insert(buf);
		}
	}
	EXPECT_EQ(got, want);
	for (uint32_t i = 3; i < n; i++) {
		auto first = std::find(lines.begin(), lines.end(), "item " + std::to_string(i) + " value " + std::to_string(i) + "\n");
		char buf[128];
		snprintf(buf, sizeof buf, "big %ld %.2f\n", (long)i << 40, (double)((float)i * 0.5f));
		auto second = std::find(lines.begin(), lines.end(), std::string(buf));
		EXPECT_LT(first - lines.begin(), second - lines.begin()) << "work-item " << i << " printed out of order";
	}
}

TEST_P(KernelExec, PrintfOverflowDropsWholeRecords)
{
	std::vector<int32_t> in(64, 1);
	std::vector<Arg> args = {Arg::buffer(in)};
	// Room for 3 records of 16 bytes after the 8-byte header.
	Result res = go("printf", "hello", range1(64, 64), args, 8 + 3 * 16 + 8);
	auto info = std::get<KernelModuleInfo>(reflect_kernels(load_spv("printf")));
	auto lines = decode_printf(res.printf_buffer, info);
	uint32_t used = 0;
	memcpy(&used, res.printf_buffer.data(), 4);
	EXPECT_EQ(used, 64u * 16u) << "the counter counts every record, written or not";
	EXPECT_EQ(lines.size(), 3u);
	for (const std::string &l : lines)
		EXPECT_EQ(l.rfind("item ", 0), 0u) << l;
}

TEST_P(KernelExec, SubGroupFunctions)
{
	const uint32_t n = 96, local = 64;   // three sub-groups of 32, the last in a second group
	auto in = random_ints(n, -100, 100, 29);
	std::vector<int32_t> out(n * 6, 0);
	std::vector<Arg> args = {Arg::buffer(out), Arg::buffer(in)};
	go("groups", "subgroups", range1(n, local), args);
	auto o = args[0].as<int32_t>();
	for (uint32_t sg = 0; sg < n / 32; sg++) {
		int sum = 0, all = 1, any = 0;
		for (uint32_t l = 0; l < 32; l++) {
			sum += in[sg * 32 + l];
			all &= in[sg * 32 + l] > -90;
			any |= in[sg * 32 + l] > 95;
		}
		int mx = INT32_MIN, pre = 0;
		for (uint32_t l = 0; l < 32; l++) {
			const uint32_t i = sg * 32 + l;
			mx = std::max(mx, in[i]);
			EXPECT_EQ(o[i * 6 + 0], sum) << i;
			EXPECT_EQ(o[i * 6 + 1], mx) << i;
			EXPECT_EQ(o[i * 6 + 2], in[sg * 32 + 3]) << i;
			EXPECT_EQ(o[i * 6 + 3], pre) << i;
			EXPECT_EQ(o[i * 6 + 4], all + 2 * any) << i;
			const uint32_t local_sg = (i % local) / 32;
			EXPECT_EQ(o[i * 6 + 5], (int)(l + local_sg * 100 + 2 * 10000 + 32 * 1000000)) << i;
			pre += in[i];
		}
	}
}

TEST_P(KernelExec, WorkGroupFunctions)
{
	// Groups of 128 (four sub-groups); the third group has 64 work-items (two sub-groups run).
	const uint32_t n = 320, local = 128;
	auto in = random_ints(n, -100, 100, 43);
	std::vector<float> fin(n);
	for (uint32_t i = 0; i < n; i++)
		fin[i] = (float)in[(i * 7) % n] * 0.25f;
	std::vector<int32_t> o(n * 6, 0);
	std::vector<int64_t> ol(n, 0);
	std::vector<float> of(n, 0);
	std::vector<Arg> args = {Arg::buffer(o), Arg::buffer(in), Arg::buffer(ol), Arg::buffer(of), Arg::buffer(fin)};
	go("groups", "workgroups", range1(n, local), args);
	auto ro = args[0].as<int32_t>();
	auto rl = args[2].as<int64_t>();
	auto rf = args[3].as<float>();
	for (uint32_t g = 0; g * local < n; g++) {
		const uint32_t first = g * local, size = std::min(local, n - first);
		int sum = 0, mn = INT32_MAX, all = 1, any = 0;
		float fmx = -INFINITY;
		for (uint32_t l = 0; l < size; l++) {
			sum += in[first + l];
			mn = std::min(mn, in[first + l]);
			all &= in[first + l] > -90;
			any |= in[first + l] > 95;
			fmx = std::max(fmx, fin[first + l]);
		}
		int mx = INT32_MIN, pre = 0;
		int64_t lpre = 0;
		for (uint32_t l = 0; l < size; l++) {
			const uint32_t i = first + l;
			mx = std::max(mx, in[i]);
			lpre += (int64_t)in[i] << 33;
			EXPECT_EQ(ro[i * 6 + 0], sum) << i;
			EXPECT_EQ(ro[i * 6 + 1], mx) << i;
			EXPECT_EQ(ro[i * 6 + 2], pre) << i;
			EXPECT_EQ(ro[i * 6 + 3], in[first + 37]) << i;
			EXPECT_EQ(ro[i * 6 + 4], all + 2 * any) << i;
			EXPECT_EQ(ro[i * 6 + 5], mn) << i;
			EXPECT_EQ(rl[i], lpre) << i;
			EXPECT_EQ(rf[i], fmx) << i;
			pre += in[i];
		}
	}
}

INSTANTIATE_TEST_SUITE_P(AllTargets, KernelExec,
                         ::testing::Values(Target{MICA_REV_R1, MICA_PROFILE_PERF}, Target{MICA_REV_R1, MICA_PROFILE_LOWPOWER},
                                           Target{MICA_REV_R2, MICA_PROFILE_PERF}, Target{MICA_REV_R2, MICA_PROFILE_LOWPOWER}),
                         [](const auto &target) {
	                         return std::string(target.param.revision == MICA_REV_R1 ? "r1" : "r2") +
	                                (target.param.profile == MICA_PROFILE_PERF ? "_perf" : "_lowpower");
                         });
