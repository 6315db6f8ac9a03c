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

	// DRM sync objects through libdrm.
	int syncobj_create(uint32_t flags, uint32_t *handle) override
	{
		return ret(drmSyncobjCreate(fd_, flags, handle));
	}
	int syncobj_destroy(uint32_t handle) override { return ret(drmSyncobjDestroy(fd_, handle)); }
	int syncobj_timeline_wait(uint32_t *handles, uint64_t *points, uint32_t count, int64_t abs_timeout_ns,
				  uint32_t flags, uint32_t *first) override
	{
		return ret(drmSyncobjTimelineWait(fd_, handles, points, count, abs_timeout_ns, flags, first));
	}
	int syncobj_query(uint32_t *handles, uint64_t *points, uint32_t count, uint32_t flags) override
	{
		return ret(drmSyncobjQuery2(fd_, handles, points, count, flags));
	}
	int syncobj_timeline_signal(const uint32_t *handles, const uint64_t *points, uint32_t count) override
	{
		// libdrm takes the points non-const; it only reads them.
		return ret(drmSyncobjTimelineSignal(fd_, handles, const_cast<uint64_t *>(points), count));
	}
	int syncobj_transfer(uint32_t dst, uint64_t dst_point, uint32_t src, uint64_t src_point, uint32_t flags) override
	{
		return ret(drmSyncobjTransfer(fd_, dst, dst_point, src, src_point, flags));
	}
	int syncobj_handle_to_fd(uint32_t handle, uint32_t flags, int *fd) override
	{
		*fd = -1;
		if (flags & DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE)
			return ret(drmSyncobjExportSyncFile(fd_, handle, fd));
		return flags ? -EINVAL : ret(drmSyncobjHandleToFD(fd_, handle, fd));
	}
	int syncobj_fd_to_handle(int fd, uint32_t flags, uint32_t *handle) override
	{
		if (flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE)
			return ret(drmSyncobjImportSyncFile(fd_, *handle, fd));
		return flags ? -EINVAL : ret(drmSyncobjFDToHandle(fd_, fd, handle));
	}

private:
	// libdrm's drmSyncobj* return -1 with errno set, or -errno: 0 or -errno either way.
	static int ret(int r) { return r >= 0 ? 0 : r == -1 ? -errno : r; }
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
