// SPDX-License-Identifier: MIT
// The drm backend: a render node whose kernel driver is "mica", through libdrm.
#include <cerrno>
#include <cstring>
#include <string>

#include "backend.h"

#ifdef MICA_WINSYS_HAVE_LIBDRM
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xf86drm.h>
#endif

namespace mica::winsys {

#ifdef MICA_WINSYS_HAVE_LIBDRM

namespace {

bool node_is_mica(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	if (!v)
		return false;
	bool mica = v->name && std::strcmp(v->name, "mica") == 0;
	drmFreeVersion(v);
	return mica;
}

class DrmTransport final : public Transport {
public:
	DrmTransport(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
	~DrmTransport() override { ::close(fd_); }
	int ioctl(unsigned long cmd, void *arg) override
	{
		return drmIoctl(fd_, cmd, arg) == 0 ? 0 : -errno;
	}
	void *mmap(uint64_t offset, uint64_t size) override
	{
		void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, static_cast<off_t>(offset));
		if (p == MAP_FAILED)
			throw Error(errno, "mmap of a BO on " + path_ + " failed: " + std::strerror(errno));
		return p;
	}
	void munmap(void *ptr, uint64_t size) override { ::munmap(ptr, size); }
	Backend backend() const override { return Backend::Drm; }
	std::string description() const override { return "DRM render node " + path_; }

private:
	int fd_;
	std::string path_;
};

} // namespace

std::string find_mica_render_node()
{
	drmDevicePtr devs[64];
	int n = drmGetDevices2(0, devs, 64);
	std::string found;
	for (int i = 0; i < n && found.empty(); i++) {
		if (!(devs[i]->available_nodes & (1 << DRM_NODE_RENDER)))
			continue;
		const char *path = devs[i]->nodes[DRM_NODE_RENDER];
		int fd = ::open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (node_is_mica(fd))
			found = path;
		::close(fd);
	}
	if (n > 0)
		drmFreeDevices(devs, n);
	return found;
}

std::unique_ptr<Transport> make_drm_transport()
{
	std::string path = find_mica_render_node();
	if (path.empty())
		throw Error(ENODEV, "drm backend: no mica render node found (no /dev/dri/renderD* "
				    "is driven by \"mica\"); use MICA_WINSYS=sim for the in-process device");
	int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		throw Error(errno, "drm backend: cannot open " + path + ": " + std::strerror(errno));
	if (!node_is_mica(fd)) {
		::close(fd);
		throw Error(ENODEV, "drm backend: " + path + " is no longer a mica node");
	}
	return std::make_unique<DrmTransport>(fd, path);
}

#else

std::string find_mica_render_node()
{
	return {};
}

std::unique_ptr<Transport> make_drm_transport()
{
	throw Error(ENODEV, "drm backend: this winsys was built without libdrm, so no mica render node "
			    "can be found; use MICA_WINSYS=sim");
}

#endif

} // namespace mica::winsys
