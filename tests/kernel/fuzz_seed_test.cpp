// SPDX-License-Identifier: MIT
// The committed fuzz seeds are what their names say: the valid ones pass the validators, the
// malicious ones are refused for the named reason. (Layout as in fuzz/fuzz_validate.c.)
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" {
#include "mica_cs_validate.h"
#include "mica_shader_validate.h"
}

namespace {

constexpr uint64_t CMD_VA = 0x100000, DATA_VA = 0x200000, ALIAS_VA = 0x300000, CODE_VA = 0x400000;

std::vector<uint8_t> seed(const char *name)
{
	std::ifstream f(std::string(MICA_FUZZ_CORPUS) + "/" + name, std::ios::binary);
	EXPECT_TRUE(f.good()) << name;
	return {std::istreambuf_iterator<char>(f), {}};
}

struct Mem {
	const uint8_t *p;
	uint64_t n;
};

uint32_t range(void *priv, uint64_t va, uint64_t size, uint32_t perms, uint64_t *b, uint64_t *o)
{
	auto *m = static_cast<Mem *>(priv);
	struct {
		uint64_t va, size;
		uint32_t perms;
		uint64_t backing;
	} maps[] = {{CMD_VA, m->n, DRM_MICA_BIND_READ, CMD_VA},
		    {DATA_VA, 0x10000, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE, DATA_VA},
		    {ALIAS_VA, 0x10000, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE, DATA_VA}, // DATA's memory again
		    {CODE_VA, 0x1000, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC, CODE_VA}};
	for (auto &mp : maps) {
		if (va >= mp.va && va - mp.va < mp.size && size <= mp.size - (va - mp.va)) {
			if ((mp.perms & perms) != perms)
				return DRM_MICA_REJECT_CS_ADDR_PERM;
			*b = mp.backing;
			*o = va - mp.va;
			return 0;
		}
	}
	return DRM_MICA_REJECT_CS_ADDR_UNMAPPED;
}

uint32_t program(void *, uint64_t va, uint32_t v, uint32_t s, char *, size_t)
{
	return va == CODE_VA && v >= 8 && s >= 8 ? 0 : DRM_MICA_REJECT_CS_NOT_ENTRY;
}

void fetch(void *priv, uint64_t va, uint32_t dwords, uint32_t *dst)
{
	auto *m = static_cast<Mem *>(priv);
	std::memset(dst, 0, dwords * 4ull);
	if (va >= CMD_VA && va - CMD_VA + dwords * 4ull <= m->n)
		std::memcpy(dst, m->p + (va - CMD_VA), dwords * 4ull);
}

// Returns the reject reason (0 = accepted).
uint32_t run_cs(const std::vector<uint8_t> &s, uint32_t queue)
{
	Mem m{s.data() + 1, (s.size() - 1) & ~3ull};
	uint32_t first;
	std::memcpy(&first, m.p, 4);
	mica_cs_ops ops{range, program, fetch, &m};
	mica_cs_limits lim{4096, 8, queue};
	mica_cs_buf buf{CMD_VA + 4, first};
	std::vector<uint32_t> out(4096);
	uint32_t n = 0;
	mica_reject rej{};
	int r = mica_cs_copy_validate(&ops, &lim, &buf, 1, out.data(), &n, &rej);
	return r ? rej.reason : 0;
}

uint32_t run_sh(const std::vector<uint8_t> &s)
{
	mica_shader_info info{};
	mica_reject rej{};
	return mica_shader_validate(s.data() + 1, s.size() - 1, MICA_REV_R2, MICA_PROFILE_PERF, &info, &rej)
		       ? rej.reason
		       : 0;
}

TEST(FuzzSeeds, CommandStreamSeeds)
{
	EXPECT_EQ(run_cs(seed("cs-copy-ops"), DRM_MICA_CTX_COMPUTE), 0u);
	EXPECT_EQ(run_cs(seed("copyq-ops"), DRM_MICA_CTX_COPY), 0u);
	EXPECT_EQ(run_cs(seed("cs-dispatch"), DRM_MICA_CTX_COMPUTE), 0u);
	EXPECT_EQ(run_cs(seed("cs-chain"), DRM_MICA_CTX_COMPUTE), 0u);
	EXPECT_EQ(run_cs(seed("cs-chain-loop"), DRM_MICA_CTX_COMPUTE), static_cast<uint32_t>(DRM_MICA_REJECT_CS_CHAIN_LOOP));
	EXPECT_EQ(run_cs(seed("cs-priv"), DRM_MICA_CTX_COMPUTE), static_cast<uint32_t>(DRM_MICA_REJECT_CS_PRIV_PACKET));
	EXPECT_EQ(run_cs(seed("cs-tiled-dma"), DRM_MICA_CTX_COMPUTE), 0u);
	EXPECT_EQ(run_cs(seed("copyq-tiled-dma"), DRM_MICA_CTX_COPY), 0u);
	EXPECT_EQ(run_cs(seed("cs-tiled-dma-huge"), DRM_MICA_CTX_COMPUTE), static_cast<uint32_t>(DRM_MICA_REJECT_CS_BAD_FIELD));
	EXPECT_EQ(run_cs(seed("cs-tiled-dma-alias"), DRM_MICA_CTX_COMPUTE), static_cast<uint32_t>(DRM_MICA_REJECT_CS_DMA_OVERLAP));
}

TEST(FuzzSeeds, ShaderSeeds)
{
	EXPECT_EQ(run_sh(seed("sh-valid")), 0u);
	EXPECT_EQ(run_sh(seed("sh-lowpower")), static_cast<uint32_t>(DRM_MICA_REJECT_SH_WRONG_PROFILE));
	EXPECT_EQ(run_sh(seed("sh-no-workaround")), static_cast<uint32_t>(DRM_MICA_REJECT_SH_WAVE_START_TLB));
	EXPECT_EQ(run_sh(seed("sh-branch")), static_cast<uint32_t>(DRM_MICA_REJECT_SH_WAVE_START_TLB));
	EXPECT_EQ(run_sh(seed("sh-priv")), static_cast<uint32_t>(DRM_MICA_REJECT_SH_PRIV_INSTRUCTION));
}

} // namespace
