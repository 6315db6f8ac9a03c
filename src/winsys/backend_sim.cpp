// SPDX-License-Identifier: MIT
// The sim backend: the kernel driver core and the device model in this process. The ioctls go
// through exactly the entry point the DRM module uses (mica_um_ioctl), with the same structs.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <mica/kernel/um.h>
#include <mica/sim/device.h>
#include <mica/sim/device_trace.h>

#include "backend.h"
#include "mica_hw.h"

namespace mica::winsys {

namespace {

class SimTransport final : public Transport {
public:
	explicit SimTransport(const SimOptions &opt)
	{
		mica::sim::DeviceConfig cfg;
		cfg.revision = opt.revision;
		cfg.cu_count = opt.cu_count;
		cfg.vram_bytes = opt.vram_bytes;
		cfg.host_threads = opt.host_threads;
		dev_ = std::make_unique<mica::sim::Device>(cfg);
		mica_um_params p{};
		p.watchdog_cycles = opt.watchdog_cycles;
		p.job_timeout_ns = opt.job_timeout_ns ? opt.job_timeout_ns : ms_from_env("MICA_SIM_JOB_TIMEOUT_MS");
		p.job_max_ns = ms_from_env("MICA_SIM_JOB_MAX_MS");
		p.client_max_jobs = opt.client_max_jobs;
		kdev_ = std::make_unique<mica::kernel::UmDevice>(*dev_, p);
		int r = mica_um_open(kdev_->get(), &file_);
		if (r)
			throw Error(-r, "sim backend: opening the in-process driver failed");
		if (const char *path = std::getenv("MICA_SIM_POWER_PROFILE_FILE"); path && *path)
			profile_file_ = path;
		const char *in = std::getenv("MICA_SIM_INLINE");
		inline_ring_ = opt.inline_ring && !(in && std::strcmp(in, "0") == 0);
	}
	~SimTransport() override
	{
		mica_um_close(file_);
		kdev_.reset();
		dev_.reset();
	}
	int ioctl(unsigned long cmd, void *arg) override
	{
		apply_profile_file();
		const bool borrow = cmd == DRM_IOCTL_MICA_SUBMIT && inline_ring_;
		if (borrow)
			dev_->announce_borrower();
		const int r = __builtin_expect(mica_trace_on, 0) ? traced_ioctl(cmd, arg) : mica_um_ioctl(file_, cmd, arg);
		// The job is queued and this thread holds none of the kernel's locks: if the device is
		// idle and the job small, run it here instead of waking the device thread for it (a
		// thread hand-off each way costs more than an empty dispatch; docs/performance.md). Also
		// after a refused SUBMIT: the announcement is answered, and an idle CP may always be
		// borrowed.
		if (borrow)
			dev_->run_ring_inline();
		return r;
	}
	void *mmap(uint64_t offset, uint64_t size) override
	{
		void *p = nullptr;
		int r = mica_um_mmap(file_, offset, size, &p);
		if (r)
			throw Error(-r, "mmap of a BO failed (errno " + std::to_string(-r) + ")");
		return p;
	}
	void munmap(void *ptr, uint64_t size) override { mica_um_munmap(file_, ptr, size); }
	Backend backend() const override { return Backend::Sim; }
	std::string description() const override { return "in-process kernel core + device model"; }

private:
	// The ioctls a fence wait ends in (whichever sync-object uapi this tree has).
	static bool is_sync_wait(unsigned long cmd)
	{
#ifdef DRM_IOCTL_MICA_SYNC_WAIT
		if (cmd == DRM_IOCTL_MICA_SYNC_WAIT)
			return true;
#endif
#ifdef DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT
		if (cmd == DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT || cmd == DRM_IOCTL_SYNCOBJ_WAIT)
			return true;
#endif
		(void)cmd;
		return false;
	}

	// The submission trace's winsys stages (mica/sim/device_trace.h).
	int traced_ioctl(unsigned long cmd, void *arg)
	{
		if (cmd == DRM_IOCTL_MICA_SUBMIT)
			mica_trace_record(MICA_TRACE_IOCTL);
		const int r = mica_um_ioctl(file_, cmd, arg);
		if (cmd == DRM_IOCTL_MICA_SUBMIT)
			mica_trace_record(MICA_TRACE_SUBMITTED);
		else if (is_sync_wait(cmd))
			mica_trace_record(MICA_TRACE_WAIT_RETURN);
		return r;
	}

	// The in-process device has no module parameters either. MICA_SIM_JOB_TIMEOUT_MS stands in for
	// mica.ko's job_timeout_ns when the caller set none: a test harness running long kernels under
	// sanitizers on a loaded machine (Piglit in CI) raises it, as an administrator would raise the
	// module parameter. MICA_SIM_JOB_MAX_MS likewise stands in for job_max_ns, the cap on a job
	// that keeps retiring workgroups. Not a number, or 0: the driver's default.
	static uint64_t ms_from_env(const char *name)
	{
		const char *env = std::getenv(name);
		if (!env || !*env)
			return 0;
		char *end = nullptr;
		unsigned long long ms = std::strtoull(env, &end, 10);
		if (*end != '\0' || ms > UINT64_MAX / 1000000u)
			return 0;
		return uint64_t(ms) * 1000000u;
	}

	// The in-process device has no sysfs. MICA_SIM_POWER_PROFILE_FILE names a file that stands in
	// for the power_profile attribute: whenever its content (a profile name from mica.toml, e.g.
	// "lowpower", or its id) changes, the next ioctl first stores it as the administrator's
	// write would. That lets a program that only sees the Vulkan loader (tests) switch profiles.
	void apply_profile_file()
	{
		if (profile_file_.empty())
			return;
		std::ifstream f(profile_file_);
		std::string word;
		if (!(f >> word) || word == applied_)
			return;
		applied_ = word;
		for (const mica_named_value &p : mica_profile_names)
			if (word == p.name)
				word = std::to_string(p.value);
		char *end = nullptr;
		const unsigned long id = std::strtoul(word.c_str(), &end, 10);
		if (end && *end == '\0' && !word.empty())
			mica_um_power_profile_store(kdev_->get(), static_cast<uint32_t>(id));
	}

	std::unique_ptr<mica::sim::Device> dev_;
	std::unique_ptr<mica::kernel::UmDevice> kdev_;
	mica_file *file_ = nullptr;
	std::string profile_file_;
	std::string applied_;
	bool inline_ring_ = true;
};

} // namespace

std::unique_ptr<Transport> make_sim_transport(const SimOptions &opt)
{
	return std::make_unique<SimTransport>(opt);
}

} // namespace mica::winsys
