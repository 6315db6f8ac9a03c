// SPDX-License-Identifier: MIT
// libFuzzer target: hostile image/sampler descriptors, coordinates and instructions against the
// texture unit on the whole device (attacker and victim contexts, interpreter and JIT compared),
// with the oracles of tests/sim/texture_fuzz_case.h (documented faults inside the named image, no
// memory change on a fault or outside the image, the victim byte-exact and working, the same
// result twice). Built with clang by tests/kernel/fuzz/run-fuzz.sh; the normal build replays the
// committed seeds (tests/kernel/fuzz/corpus-texture/) with corpus_runner.c.
//
// Input: 8 bytes of generator seed (a case from texture_fuzz_case.h's generator, so the fuzzer
// starts from structured cases), then bytes laid over the case's fields in this order: image
// descriptor (32), sampler (16), opcode index (1), texel-offset field (2), coordinates (512), data
// (512), EXEC (4). Inputs shorter than 8 bytes are ignored.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "../../sim/texture_fuzz_case.h"

using namespace mica::sim::texfuzz;

namespace {

// A new device now and then (the victim's checks load code into fresh pages).
constexpr unsigned kRunsPerRig = 1000;

Rig &rig()
{
	static std::unique_ptr<Rig> r;
	static unsigned runs = 0;
	if (!r || ++runs % kRunsPerRig == 0) {
		r.reset();
		r = std::make_unique<Rig>();
	}
	return *r;
}

template <typename T>
void overlay(const uint8_t *&p, size_t &n, T *dst, size_t bytes)
{
	const size_t k = n < bytes ? n : bytes;
	std::memcpy(reinterpret_cast<uint8_t *>(dst), p, k);
	p += k;
	n -= k;
}

[[noreturn]] void fail(const char *what, const std::string &why)
{
	std::fprintf(stderr, "fuzz_texture: %s: %s\n", what, why.c_str());
	std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	uint64_t seed;
	std::memcpy(&seed, data, 8);
	Rig &r = rig();
	Gen g(seed);
	Case c = random_case(g, r);
	const uint8_t *p = data + 8;
	size_t n = size - 8;
	overlay(p, n, c.img, sizeof c.img);
	overlay(p, n, c.smp, sizeof c.smp);
	if (n) {
		const auto &ops = image_opcodes();
		c.opcode = ops[*p % ops.size()];
		p++, n--;
	}
	uint16_t off = static_cast<uint16_t>(c.offset);
	overlay(p, n, &off, sizeof off);
	c.offset = off;
	overlay(p, n, c.coord, sizeof c.coord);
	overlay(p, n, c.data, sizeof c.data);
	overlay(p, n, &c.exec, sizeof c.exec);

	if (std::getenv("MICA_TEXFUZZ_PRINT"))
		std::fprintf(stderr, "desc 0x%llx io 0x%llx image 0x%llx ro 0x%llx\n", (unsigned long long)r.desc_va,
		             (unsigned long long)r.io_va, (unsigned long long)r.image_va, (unsigned long long)r.ro_va);
	if (std::getenv("MICA_TEXFUZZ_PRINT"))
		for (unsigned l = 0; l < 32; l++)
			std::fprintf(stderr, "lane %2u coord %08x %08x %08x %08x data %08x %08x\n", l, c.coord[l][0], c.coord[l][1],
			             c.coord[l][2], c.coord[l][3], c.data[l][0], c.data[l][1]);
	const Outcome o = r.run(c);
	if (std::string e = r.check(c, o); !e.empty())
		fail("oracle", describe(c) + ": " + e);
	const Outcome again = r.run(c);
	if (!o.same(again, r.reads_volatile(c)))
		fail("determinism", describe(c) + ": " + o.difference(again));
	if (std::string e = r.victim_works(); !e.empty())
		fail("victim", e);
	return 0;
}
