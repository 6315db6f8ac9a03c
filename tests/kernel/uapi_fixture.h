// SPDX-License-Identifier: MIT
// IGT-style fixture: a device model with the kernel core probed on it, and clients that talk to
// it only through the ioctl entry points (mica_um_ioctl), exactly as a process would.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <mica/kernel/um.h>
#include <mica/sim/device.h>

#include "shader_builder.h"

namespace mica::ktest {

// How CPU mappings of device memory are made: host memory in process, write-combined BAR
// memory behind the real module (kernel_uapi_test_drm, run in the QEMU guest by tests/vm/).
#ifdef MICA_UAPI_OVER_DRM
constexpr uint32_t CPU_CACHING = DRM_MICA_CACHING_WC;
#else
constexpr uint32_t CPU_CACHING = DRM_MICA_CACHING_CACHED;
#endif

constexpr uint64_t CMD_VA = 0x10000000;   // each client's command BO
constexpr uint64_t CMD_BYTES = 256 * 1024;
constexpr uint64_t GATE_VA = 0x0e000000;  // each client's gate flags (Client::gate)

uint32_t pkt(uint32_t op, uint32_t len);
inline uint32_t lo32(uint64_t v) { return static_cast<uint32_t>(v); }
inline uint32_t hi32(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

class Client {
public:
	explicit Client(mica_device *mdev);
	~Client();
	Client(const Client &) = delete;
	Client &operator=(const Client &) = delete;

	int ioctl(unsigned long cmd, void *arg) { return mica_um_ioctl(file_, cmd, arg); }
	mica_file *file() const { return file_; }

	// Each helper asserts success (use ioctl() directly to test failures).
	uint32_t bo(uint64_t size, uint32_t flags = 0);
	void *map(uint32_t handle, uint64_t size);
	void bind(uint32_t handle, uint64_t va, uint64_t size, uint32_t perms, uint64_t bo_offset = 0);
	int try_bind(uint32_t handle, uint64_t va, uint64_t size, uint32_t perms, uint64_t bo_offset = 0);
	int unbind(uint64_t va, uint64_t size);
	uint32_t ctx(uint32_t type = DRM_MICA_CTX_COMPUTE);
	uint32_t shader(const std::vector<uint8_t> &bin);
	int try_shader(const std::vector<uint8_t> &bin, uint32_t *handle = nullptr);
	// A DRM sync object (timeline); 'initial' > 0 is signalled from the host.
	uint32_t sync(uint64_t initial = 0);
	// A sync object whose point 1 signals only once open_gate() is called: a job on a context of
	// its own waits (WAIT_MEM) for a flag and carries the point as its out-sync. This is how a
	// test holds a job back, since no job may wait for a point nobody has submitted (DRM).
	uint32_t gate();
	void open_gate(uint32_t sync);
	// DRM_IOCTL_SYNCOBJ_QUERY of one sync object.
	uint64_t sync_value(uint32_t sync);
	// Host signal of a timeline point (DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL); 0/-errno.
	int signal(uint32_t sync, uint64_t point);
	// DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT of one point, relative timeout; 0/-errno.
	int sync_wait(uint32_t sync, uint64_t point, int64_t timeout_ns, uint32_t flags = 0);

	// Writes dwords into the command BO and submits them; returns 0/-errno, *seqno on success.
	int submit(uint32_t ctx, const std::vector<uint32_t> &dw, uint64_t *seqno = nullptr,
		   const std::vector<drm_mica_sync_point> &in = {},
		   const std::vector<drm_mica_sync_point> &out = {});
	// Places dwords in the command BO without submitting; returns their VA.
	uint64_t place(const std::vector<uint32_t> &dw);
	int submit_va(uint32_t ctx, uint64_t va, uint32_t dwords, uint64_t *seqno = nullptr,
		      const std::vector<drm_mica_sync_point> &in = {},
		      const std::vector<drm_mica_sync_point> &out = {});
	int wait(uint32_t ctx, uint64_t seqno, int64_t timeout_ns = 10'000'000'000, int32_t *error = nullptr);
	drm_mica_ctx_query query(uint32_t ctx);
	// This client's usage and limits (DEV_QUERY_CLIENT).
	drm_mica_client_info usage();
	int close_bo(uint32_t handle);

	uint32_t *cmd_cpu() const { return cmd_cpu_; }

private:
	mica_file *file_ = nullptr;
	uint32_t cmd_bo_ = 0;
	uint32_t *cmd_cpu_ = nullptr;
	uint64_t cmd_next_ = 0;
	uint32_t gate_ctx_ = 0;
	volatile uint32_t *gate_cpu_ = nullptr;
	std::vector<std::pair<uint32_t, uint32_t>> gates_;  // sync object -> flag slot
};

struct DeviceOptions {
	uint32_t revision = MICA_REV_R2;
	uint64_t watchdog_cycles = 0;
	uint64_t job_timeout_ns = 0;
	bool system_dma = true; // CAPS.SYSTEM_DMA of the model (userptr BOs)
	mica_um_params params{}; // the other knobs (watchdog/timeout above take precedence)
};

class UapiTest : public ::testing::Test {
protected:
	void SetUp() override { start({}); }
	void TearDown() override;
	void start(const DeviceOptions &opt);
	std::unique_ptr<Client> client() { return std::make_unique<Client>(kdev_->get()); }
	mica_device *mdev() const { return kdev_->get(); }
	std::string log() const;
	// The devcoredump of the newest guilty context ("" if none).
	std::string coredump() const;
	uint64_t rejects(uint32_t reason) const;

	std::unique_ptr<mica::sim::Device> dev_;
	std::unique_ptr<mica::kernel::UmDevice> kdev_;
	std::unique_ptr<Client> a_;

private:
	unsigned long warnings_at_start_ = 0;
	bool warnings_counted_ = false;
};

// A stream that sets up store_lane_program at code_va and dispatches one wave that stores
// (lane + add) at dst.
std::vector<uint32_t> dispatch_stream(uint64_t code_va, uint64_t dst, uint32_t add, uint32_t lanes = 32);

} // namespace mica::ktest
