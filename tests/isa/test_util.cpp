// SPDX-License-Identifier: MIT
#include "test_util.h"

#include <gtest/gtest.h>

namespace mica::isa::testing {

Binary assemble_ok(const std::string &src)
{
	auto r = assemble(src, "test.s");
	std::string all;
	for (const auto &d : r.diagnostics)
		all += d.format() + "\n";
	EXPECT_TRUE(r.binary.has_value()) << all << "source:\n" << src;
	EXPECT_TRUE(r.diagnostics.empty()) << all;
	return r.binary ? *r.binary : Binary{};
}

std::string assemble_errors(const std::string &src)
{
	auto r = assemble(src, "t.s");
	EXPECT_FALSE(r.binary.has_value()) << "source unexpectedly assembled:\n" << src;
	std::string all;
	for (const auto &d : r.diagnostics)
		all += (all.empty() ? "" : "\n") + d.format();
	return all;
}

Binary rich_binary()
{
	return assemble_ok(R"(
.target r1
.profile lowpower
.binary_flags 0xdeadbeef
.kernel first
.vgprs 17
.sgprs 33
.shared 1024
.workgroup 8, 4, 2
.scratch 4096
.flags 0x8001
    .line 7
    v_mov_b32 v1, 0x12345678
    .line 8
    s_mov_b64 s[2:3], 0x1122334455667788
top:
    v_add_u32 v2, v1, lit(3)
    .line 9
    s_cbranch_scc1 top
    global_load_b64 v[4:5], v[2:3], off offset:-16
    s_waitcnt gm(0)
    s_endpgm
.kernel "second entry"
.workgroup 1024
    .line 20
    s_getpc_b64 s[0:1]
    s_load_b128 s[4:7], off, s[0:1] offset:256
    s_endpgm
.const
    .word 0xcafef00d, -2
    .double 2.5
    .byte 1, 2, 3
)");
}

}  // namespace mica::isa::testing
