// SPDX-License-Identifier: MIT
// The kernel tests' entry points (kernel/include/mica/kernel/um.h) implemented over the real
// module in a QEMU guest, so the in-process uapi suite (tests/kernel/uapi_*_test.cpp) runs
// unchanged against /dev/dri/renderD128. "Probing" (UmDevice) reloads mica.ko with the test's
// parameters, so every test starts on a freshly reset device as it does in process; files are
// render-node fds; the log, power profile and knobs are debugfs/sysfs/module-parameter files.
// The mica::sim::Device the fixture constructs is unused here (the device is the host's model).
#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include <mica/kernel/um.h>

#define NODE "/dev/dri/renderD128"

struct mica_device {
	int unused;
};
struct mica_hw {
	int unused;
};
struct mica_file {
	int fd;
	std::mutex mu;
	std::map<void *, uint64_t> maps; // what mica_um_mmap returned and is not unmapped
};

namespace {

std::string first_match(const char *pattern)
{
	glob_t g{};
	std::string path;
	if (glob(pattern, 0, nullptr, &g) == 0 && g.gl_pathc > 0)
		path = g.gl_pathv[0];
	globfree(&g);
	return path;
}

int write_file(const std::string &path, const std::string &value)
{
	int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = ::write(fd, value.data(), value.size());
	int err = n < 0 ? -errno : 0;
	::close(fd);
	return err;
}

std::string read_file(const std::string &path)
{
	std::string out;
	FILE *f = std::fopen(path.c_str(), "re");
	if (!f)
		return out;
	char buf[4096];
	size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
		out.append(buf, n);
	std::fclose(f);
	return out;
}

void add(std::string &cmd, const char *name, uint64_t v)
{
	if (v)
		cmd += std::string(" ") + name + "=" + std::to_string(v);
}

} // namespace

namespace mica::kernel {

UmDevice::UmDevice(mica::sim::Device &, const mica_um_params &p)
    : hw_(std::make_unique<mica_hw>()), mdev_(std::make_unique<mica_device>())
{
	std::string cmd = "rmmod mica 2>/dev/null; insmod /lib/modules/mica.ko";
	// The guest's default watchdog/timeout (short, for TCG) unless the test asks otherwise.
	add(cmd, "watchdog_cycles", p.watchdog_cycles ? p.watchdog_cycles : 2000000);
	add(cmd, "job_timeout_ns", p.job_timeout_ns ? p.job_timeout_ns : 2000000000ull);
	add(cmd, "job_max_ns", p.job_max_ns);
	add(cmd, "client_max_contexts", p.client_max_contexts);
	add(cmd, "client_max_vram_bytes", p.client_max_vram_bytes);
	add(cmd, "client_max_pt_bytes", p.client_max_pt_bytes);
	add(cmd, "client_max_jobs", p.client_max_jobs);
	add(cmd, "client_max_syncs", p.client_max_syncs);
	add(cmd, "client_max_cpu_maps", p.client_max_cpu_maps);
	add(cmd, "client_max_mappings", p.client_max_mappings);
	add(cmd, "hang_ban_threshold", p.hang_ban_threshold);
	// A fresh device has no dump: drop the ones earlier tests left (the kernel keeps one per
	// PCI device, and the PCI device outlives the module).
	glob_t g{};
	if (glob("/sys/class/devcoredump/devcd*/data", 0, nullptr, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc; i++)
			write_file(g.gl_pathv[i], "1");
	globfree(&g);
	if (std::system(cmd.c_str()) != 0)
		throw std::runtime_error("um_over_drm: " + cmd + " failed");
	for (int i = 0; i < 100 && access(NODE, F_OK) != 0; i++)
		usleep(50000);
	if (access(NODE, F_OK) != 0)
		throw std::runtime_error("um_over_drm: no " NODE " after insmod");
}

// The next UmDevice reloads the module; nothing to do here.
UmDevice::~UmDevice() = default;

} // namespace mica::kernel

extern "C" {

int mica_um_open(struct mica_device *, struct mica_file **file)
{
	int fd = ::open(NODE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*file = new mica_file;
	(*file)->fd = fd;
	return 0;
}

int mica_um_ioctl(struct mica_file *file, unsigned long cmd, void *arg)
{
	if (!file)
		return -EBADF;
	int r;
	do // EAGAIN is an answer here (a client over its job limit), unlike in drmIoctl()
		r = ::ioctl(file->fd, cmd, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

int mica_um_mmap(struct mica_file *file, uint64_t offset, uint64_t size, void **cpu)
{
	void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, file->fd, static_cast<off_t>(offset));
	if (p == MAP_FAILED)
		return -errno;
	std::lock_guard lk(file->mu);
	file->maps[p] = size;
	*cpu = p;
	return 0;
}

// As in process: exactly a mapping mica_um_mmap returned, else -EINVAL.
int mica_um_munmap(struct mica_file *file, void *cpu, uint64_t size)
{
	std::lock_guard lk(file->mu);
	auto it = file->maps.find(cpu);
	if (it == file->maps.end() || it->second != size)
		return -EINVAL;
	file->maps.erase(it);
	return ::munmap(cpu, size) == 0 ? 0 : -errno;
}

// As a process exit: the file's mappings go with it.
void mica_um_close(struct mica_file *file)
{
	if (!file)
		return;
	for (auto &[p, size] : file->maps)
		::munmap(p, size);
	::close(file->fd);
	delete file;
}

int mica_um_param_set(struct mica_device *, const char *name, uint64_t value)
{
	std::string path = std::string("/sys/module/mica/parameters/") + name;
	if (access(path.c_str(), F_OK) != 0)
		return -ENOENT;
	return write_file(path, std::to_string(value));
}

int mica_um_param_get(struct mica_device *mdev, const char *name, uint64_t *value)
{
	std::string path = std::string("/sys/module/mica/parameters/") + name;
	if (access(path.c_str(), F_OK) != 0)
		return -ENOENT;
	std::string v = read_file(path);
	if (v.empty())
		return -EIO;
	*value = std::strtoull(v.c_str(), nullptr, 0);
	(void)mdev;
	return 0;
}

size_t mica_um_log_read(struct mica_device *, char *buf, size_t len)
{
	std::string log = read_file(first_match("/sys/kernel/debug/dri/*/mica_log"));
	if (!len)
		return 0;
	if (log.size() >= len)
		log = log.substr(log.size() - (len - 1));
	std::memcpy(buf, log.c_str(), log.size() + 1);
	return log.size();
}

int mica_um_power_profile_store(struct mica_device *, uint32_t profile)
{
	return write_file(first_match("/sys/bus/pci/drivers/mica/*/power_profile"), std::to_string(profile));
}

uint32_t mica_um_power_profile_show(struct mica_device *)
{
	return static_cast<uint32_t>(
		std::strtoul(read_file(first_match("/sys/bus/pci/drivers/mica/*/power_profile")).c_str(), nullptr, 0));
}

void mica_um_debugfs_gpu_recover(struct mica_device *)
{
	write_file(first_match("/sys/kernel/debug/dri/*/gpu_recover"), "1");
}

size_t mica_um_devcoredump_read(struct mica_device *, char *buf, size_t len)
{
	std::string dump = read_file(first_match("/sys/class/devcoredump/devcd*/data"));
	if (!len)
		return 0;
	size_t n = std::min(dump.size(), len - 1);
	std::memcpy(buf, dump.data(), n);
	buf[n] = '\0';
	// Reading is done: writing anything frees it, so the next hang can dump again.
	write_file(first_match("/sys/class/devcoredump/devcd*/data"), "1");
	return n;
}

// WARN_ON()s in the kernel log since boot (module reloads do not clear it).
unsigned long mica_um_warnings(void)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, nullptr, 0);
	if (size <= 0)
		return 0;
	std::string buf(static_cast<size_t>(size), '\0');
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf.data(), size);
	unsigned long count = 0;
	for (size_t pos = 0; n > 0 && (pos = buf.find("WARNING:", pos)) != std::string::npos && pos < static_cast<size_t>(n); pos++)
		count++;
	return count;
}

} // extern "C"
