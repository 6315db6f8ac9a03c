// SPDX-License-Identifier: MIT
// Issue 9 item 3: hang and fault handling never blames the innocent. The timeout path reads
// faults before it retires; jobs cancelled by CTX_DESTROY say so on their fence and sync points;
// fault reports carry no kernel physical address; the hang clock never makes a short job look
// hung.
#include "uapi_fixture.h"

#include <atomic>
#include <thread>

using namespace mica::ktest;

namespace {

constexpr uint64_t CODE_VA = 0x60000000;
constexpr uint64_t DATA_VA = 0x70000000;
constexpr uint64_t NOWHERE_VA = 0x50000000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;
constexpr uint32_t RX = DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC;

class Faults : public UapiTest {
protected:
	void SetUp() override
	{
		DeviceOptions o;
		o.job_timeout_ns = 40'000'000; // the timeout work polls every 10 ms
		start(o);
	}
};

// With the interrupt masked only the timeout work sees the ring move. The faulting job's
// fence passes (the device skips the rest of a faulted context but runs the kernel's SIGNAL), so
// a retire that does not look at CTX_STATUS first reports the faulting job clean and blames
// the next one.
TEST_F(Faults, TimeoutPathReadsTheFaultBeforeRetiring)
{
	uint32_t ctx = a_->ctx();
	a_->bind(a_->shader(make_binary(load_store_program())), CODE_VA, MICA_PAGE_SIZE, RX);
	uint32_t out = a_->bo(4096);
	a_->bind(out, DATA_VA, 4096, RW);
	uint32_t s1 = a_->sync(), s2 = a_->sync();
	std::vector<uint32_t> dw = {
		pkt(MICA_PKT_SET_PROGRAM, 4), lo32(CODE_VA), hi32(CODE_VA), 16, 32,
		pkt(MICA_PKT_SET_USER_DATA, 5), 0, lo32(NOWHERE_VA), hi32(NOWHERE_VA), lo32(DATA_VA), hi32(DATA_VA),
		pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
		pkt(MICA_PKT_DISPATCH, 3), 1, 1, 1,
	};
	dev_->mmio_write32(MICA_REG_INT_ENABLE, 0);
	uint64_t bad = 0, next = 0;
	ASSERT_EQ(a_->submit(ctx, dw, &bad, {}, {{s1, 0, 1}}), 0);
	ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0)}, &next, {}, {{s2, 0, 1}}), 0);
	int32_t err_bad = 1, err_next = 1;
	ASSERT_EQ(a_->wait(ctx, bad, 10'000'000'000, &err_bad), 0);
	ASSERT_EQ(a_->wait(ctx, next, 10'000'000'000, &err_next), 0);
	dev_->mmio_write32(MICA_REG_INT_ENABLE, MICA_IRQ_FENCE | MICA_IRQ_CONTEXT_FAULT | MICA_IRQ_CP_ERROR);
	EXPECT_EQ(err_bad, -EIO) << "the job that faulted";
	EXPECT_EQ(err_next, -ECANCELED) << "skipped, not blamed";
	auto q = a_->query(ctx);
	EXPECT_EQ(q.fault, static_cast<uint32_t>(MICA_FAULT_MMU_UNMAPPED));
	EXPECT_EQ(q.fault_addr & ~0xfffull, NOWHERE_VA);
	// Both out-syncs are reached (waiters are released); the errors are CTX_WAIT's to report.
	EXPECT_EQ(a_->sync_value(s1), 1u);
	EXPECT_EQ(a_->sync_value(s2), 1u);
}

// A job cancelled by CTX_DESTROY before it ran: its out-sync point is reached (waiters are
// released); CTX_WAIT reports -ECANCELED for the jobs of a context that is still there.
TEST_F(Faults, JobsCancelledByContextDestroySignalAnError)
{
	uint32_t ctx = a_->ctx();
	uint32_t gate = a_->gate(), out = a_->sync(), ok = a_->sync();
	uint64_t seq = 0;
	ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0)}, &seq, {}, {{ok, 0, 1}}), 0);
	ASSERT_EQ(a_->wait(ctx, seq), 0);
	ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0)}, &seq, {{gate, 0, 1}}, {{out, 0, 1}}), 0);
	drm_mica_ctx_destroy d{ctx, 0};
	ASSERT_EQ(a_->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d), 0);
	ASSERT_EQ(a_->sync_wait(out, 1, 5'000'000'000), 0);
	EXPECT_EQ(a_->sync_value(out), 1u);
	EXPECT_EQ(a_->sync_value(ok), 1u);
	a_->open_gate(gate);
}

// A fault the CP detects in a packet: the report names the packet by its byte offset in the
// job's command stream (flagged), never by the physical address of the kernel's copy.
TEST_F(Faults, CommandProcessorFaultsReportStreamOffsetsNotPhysicalAddresses)
{
	uint32_t ctx = a_->ctx();
	uint32_t data = a_->bo(4096);
	a_->bind(data, DATA_VA, 4096, RW);
	uint32_t gate = a_->gate();
	uint64_t seq = 0;
	// NOP (1 dword), NOP (1), then LOAD_USER_DATA at byte 8: it reads when it executes.
	ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_NOP, 0), pkt(MICA_PKT_NOP, 0),
				   pkt(MICA_PKT_LOAD_USER_DATA, 4), 0, 1, lo32(DATA_VA), hi32(DATA_VA)},
			     &seq, {{gate, 0, 1}}),
		  0);
	ASSERT_EQ(a_->unbind(DATA_VA, 4096), 0); // legal: the data is not code
	a_->open_gate(gate);
	int32_t err = 0;
	ASSERT_EQ(a_->wait(ctx, seq, 10'000'000'000, &err), 0);
	EXPECT_EQ(err, -EIO);
	auto q = a_->query(ctx);
	EXPECT_EQ(q.fault, static_cast<uint32_t>(MICA_FAULT_MMU_UNMAPPED));
	EXPECT_EQ(q.fault_addr, DATA_VA) << "the client's own VA";
	EXPECT_EQ(q.fault_flags, DRM_MICA_FAULT_PC_CMDSTREAM);
	EXPECT_EQ(q.fault_pc, 8u);
}

// Other clients creating and destroying contexts and submitting while an innocent context runs
// short jobs: the hang check must never see a negative age as a huge one.
TEST_F(Faults, BusyNeighboursNeverMakeAShortJobLookHung)
{
	DeviceOptions o;
	o.job_timeout_ns = 200'000'000; // short enough to check often, long enough for a slow CI
	start(o);
	uint32_t ctx = a_->ctx();
	uint32_t data = a_->bo(4096);
	a_->bind(data, DATA_VA, 4096, RW);
	auto b = client();
	std::atomic<bool> stop{false};
	std::thread churn([&] {
		while (!stop.load()) {
			uint32_t c = b->ctx();
			uint64_t s = 0;
			if (b->submit(c, {pkt(MICA_PKT_NOP, 0)}, &s) == 0)
				b->wait(c, s);
			drm_mica_ctx_destroy d{c, 0};
			b->ioctl(DRM_IOCTL_MICA_CTX_DESTROY, &d);
		}
	});
	for (uint32_t i = 0; i < 2000; i++) {
		uint64_t seq = 0;
		ASSERT_EQ(a_->submit(ctx, {pkt(MICA_PKT_WRITE_DATA, 3), lo32(DATA_VA), hi32(DATA_VA), i}, &seq), 0);
		int32_t err = 1;
		ASSERT_EQ(a_->wait(ctx, seq, 10'000'000'000, &err), 0);
		ASSERT_EQ(err, 0) << "job " << i;
	}
	stop = true;
	churn.join();
	EXPECT_EQ(a_->query(ctx).status, static_cast<uint32_t>(DRM_MICA_CTX_STATUS_OK));
}

} // namespace
