// SPDX-License-Identifier: MIT
// Issue 9 item 1: the code a dispatch runs is exactly the code the kernel validated. SET_PROGRAM
// is checked against the executable mapping at SUBMIT, so that mapping must cover the whole
// validated code section (no mixing of pages from two shader BOs) and must not change until
// every job validated against it has retired (VM_BIND UNMAP of it is -EBUSY meanwhile).
#include "uapi_fixture.h"

#include <cstring>

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x60000000;
constexpr uint64_t DST_VA = 0x70000000;
constexpr uint64_t FLAG_VA = 0x71000000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;
constexpr uint32_t RX = DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC;

class Exec : public UapiTest {
protected:
	void SetUp() override
	{
		DeviceOptions o;
		o.watchdog_cycles = 2'000'000; // a wrong program that loops is stopped quickly
		start(o);
		ctx_ = a_->ctx();
		dst_ = a_->bo(4096);
		dst_cpu_ = static_cast<uint32_t *>(a_->map(dst_, 4096));
		a_->bind(dst_, DST_VA, 4096, RW);
		flag_ = a_->bo(4096);
		flag_cpu_ = static_cast<volatile uint32_t *>(a_->map(flag_, 4096));
		a_->bind(flag_, FLAG_VA, 4096, RW);
		good_ = a_->shader(make_binary(store_lane_program()));
		evil_ = a_->shader(make_binary(endless_program()));
	}
	// The dispatch ran the validated program: every lane stored lane + 5.
	void expect_good_result()
	{
		for (uint32_t i = 0; i < 32; i++)
			ASSERT_EQ(dst_cpu_[i], i + 5) << "lane " << i;
	}
	std::vector<uint32_t> wait_flag()
	{
		return {pkt(MICA_PKT_WAIT_MEM, 5), lo32(FLAG_VA), hi32(FLAG_VA), 1, 0, MICA_WAIT_EQ};
	}
	uint32_t ctx_ = 0, dst_ = 0, flag_ = 0, good_ = 0, evil_ = 0;
	uint32_t *dst_cpu_ = nullptr;
	volatile uint32_t *flag_cpu_ = nullptr;
};

// The job waits for an in-sync; meanwhile the client tries to put another shader at the address
// SET_PROGRAM was validated against.
TEST_F(Exec, RemapWhileTheJobWaitsForASyncObjectIsRefused)
{
	a_->bind(good_, CODE_VA, MICA_PAGE_SIZE, RX);
	uint32_t gate = a_->gate();
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, DST_VA, 5), &seq, {{gate, 0, 1}}), 0);
	EXPECT_EQ(a_->unbind(CODE_VA, MICA_PAGE_SIZE), -EBUSY);
	EXPECT_EQ(a_->try_bind(evil_, CODE_VA, MICA_PAGE_SIZE, RX), -EEXIST);
	a_->open_gate(gate);
	int32_t err = 1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	expect_good_result();
	// Retired: the mapping is the client's to change again.
	EXPECT_EQ(a_->unbind(CODE_VA, MICA_PAGE_SIZE), 0);
	a_->bind(evil_, CODE_VA, MICA_PAGE_SIZE, RX);
}

// No sync object: the job is queued behind an earlier job of its context that waits in WAIT_MEM.
TEST_F(Exec, RemapWhileTheJobIsQueuedBehindAnotherIsRefused)
{
	a_->bind(good_, CODE_VA, MICA_PAGE_SIZE, RX);
	uint64_t first = 0, seq = 0;
	ASSERT_EQ(a_->submit(ctx_, wait_flag(), &first), 0);
	ASSERT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, DST_VA, 5), &seq), 0);
	EXPECT_EQ(a_->unbind(CODE_VA, MICA_PAGE_SIZE), -EBUSY);
	flag_cpu_[0] = 1;
	int32_t err = 1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	expect_good_result();
}

// The mapping is used by the job that is running right now (WAIT_MEM, then the dispatch, in one
// command stream).
TEST_F(Exec, RemapWhileTheJobRunsIsRefused)
{
	a_->bind(good_, CODE_VA, MICA_PAGE_SIZE, RX);
	std::vector<uint32_t> dw = wait_flag();
	for (uint32_t w : dispatch_stream(CODE_VA, DST_VA, 5))
		dw.push_back(w);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, dw, &seq), 0);
	EXPECT_EQ(a_->unbind(CODE_VA, MICA_PAGE_SIZE), -EBUSY);
	flag_cpu_[0] = 1;
	int32_t err = 1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	expect_good_result();
	EXPECT_EQ(a_->unbind(CODE_VA, MICA_PAGE_SIZE), 0);
}

// Mappings the job does not execute from stay free to change.
TEST_F(Exec, OtherMappingsCanChangeWhileAJobIsPending)
{
	a_->bind(good_, CODE_VA, MICA_PAGE_SIZE, RX);
	a_->bind(evil_, CODE_VA + 0x100000, MICA_PAGE_SIZE, RX);
	uint32_t gate = a_->gate();
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, DST_VA, 5), &seq, {{gate, 0, 1}}), 0);
	EXPECT_EQ(a_->unbind(CODE_VA + 0x100000, MICA_PAGE_SIZE), 0);
	a_->open_gate(gate);
	ASSERT_EQ(a_->wait(ctx_, seq), 0);
	expect_good_result();
}

// Page 1 of the executable range from shader A, page 2 from shader B: fetch would run off A's
// first page into bytes validated as part of nothing. SET_PROGRAM needs one mapping that
// covers the entry's whole code section.
TEST_F(Exec, SplitExecutableMappingsAreRefused)
{
	uint32_t big = a_->shader(make_binary(store_lane_program(520)));
	a_->bind(big, CODE_VA, MICA_PAGE_SIZE, RX);				// first page of A only
	a_->bind(evil_, CODE_VA + MICA_PAGE_SIZE, MICA_PAGE_SIZE, RX);	// then B
	uint64_t before = rejects(DRM_MICA_REJECT_CS_NOT_ENTRY);
	EXPECT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, DST_VA, 5)), -EACCES);
	EXPECT_EQ(rejects(DRM_MICA_REJECT_CS_NOT_ENTRY), before + 1);
	EXPECT_NE(log().find("whole code"), std::string::npos) << log();

	// The same shader mapped whole runs.
	a_->bind(big, CODE_VA + 0x100000, 2 * MICA_PAGE_SIZE, RX);
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA + 0x100000, DST_VA, 5), &seq), 0);
	int32_t err = 1;
	ASSERT_EQ(a_->wait(ctx_, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, 0);
	expect_good_result();
}

// A mapping of a shader BO that starts past its code (its constants) is never an entry.
TEST_F(Exec, MappingThatStartsInsideTheCodeIsRefused)
{
	uint32_t big = a_->shader(make_binary(store_lane_program(520)));
	a_->bind(big, CODE_VA, MICA_PAGE_SIZE, RX, MICA_PAGE_SIZE);
	EXPECT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, DST_VA, 5)), -EACCES);
}

// Closing the file with pending jobs that pin executable mappings tears everything down.
TEST_F(Exec, CloseWithPinnedMappingsIsClean)
{
	auto b = client();
	uint32_t bctx = b->ctx();
	uint32_t sh = b->shader(make_binary(store_lane_program()));
	b->bind(sh, CODE_VA, MICA_PAGE_SIZE, RX);
	uint32_t out = b->bo(4096);
	b->bind(out, DST_VA, 4096, RW);
	uint32_t gate = b->gate();
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(b->submit(bctx, dispatch_stream(CODE_VA, DST_VA, 1), nullptr, {{gate, 0, 1}}), 0);
	EXPECT_EQ(b->unbind(CODE_VA, MICA_PAGE_SIZE), -EBUSY);
	b.reset(); // cancels the queued jobs, unpins, frees
	uint64_t seq = 0;
	a_->bind(good_, CODE_VA, MICA_PAGE_SIZE, RX);
	ASSERT_EQ(a_->submit(ctx_, dispatch_stream(CODE_VA, DST_VA, 5), &seq), 0);
	ASSERT_EQ(a_->wait(ctx_, seq), 0);
	expect_good_result();
}

} // namespace
