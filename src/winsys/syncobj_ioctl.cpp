// SPDX-License-Identifier: MIT
// The Transport's DRM sync object calls as the DRM core's ioctls: what the sim backend uses (the
// in-process DRM emulation answers them); the drm backend overrides them with libdrm's
// drmSyncobj* (backend_drm.cpp).
#include "mica/winsys/winsys.h"

namespace mica::winsys {

int Transport::syncobj_create(uint32_t flags, uint32_t *handle)
{
	drm_syncobj_create c{};
	c.flags = flags;
	int r = ioctl(DRM_IOCTL_SYNCOBJ_CREATE, &c);
	*handle = c.handle;
	return r;
}

int Transport::syncobj_destroy(uint32_t handle)
{
	drm_syncobj_destroy d{handle, 0};
	return ioctl(DRM_IOCTL_SYNCOBJ_DESTROY, &d);
}

int Transport::syncobj_timeline_wait(uint32_t *handles, uint64_t *points, uint32_t count, int64_t abs_timeout_ns,
				     uint32_t flags, uint32_t *first)
{
	drm_syncobj_timeline_wait w{};
	w.handles = reinterpret_cast<uintptr_t>(handles);
	w.points = reinterpret_cast<uintptr_t>(points);
	w.count_handles = count;
	w.timeout_nsec = abs_timeout_ns;
	w.flags = flags;
	int r = ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
	if (!r && first)
		*first = w.first_signaled;
	return r;
}

int Transport::syncobj_query(uint32_t *handles, uint64_t *points, uint32_t count, uint32_t flags)
{
	drm_syncobj_timeline_array q{};
	q.handles = reinterpret_cast<uintptr_t>(handles);
	q.points = reinterpret_cast<uintptr_t>(points);
	q.count_handles = count;
	q.flags = flags;
	return ioctl(DRM_IOCTL_SYNCOBJ_QUERY, &q);
}

int Transport::syncobj_timeline_signal(const uint32_t *handles, const uint64_t *points, uint32_t count)
{
	drm_syncobj_timeline_array s{};
	s.handles = reinterpret_cast<uintptr_t>(handles);
	s.points = reinterpret_cast<uintptr_t>(points);
	s.count_handles = count;
	return ioctl(DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &s);
}

int Transport::syncobj_transfer(uint32_t dst, uint64_t dst_point, uint32_t src, uint64_t src_point, uint32_t flags)
{
	drm_syncobj_transfer t{};
	t.src_handle = src;
	t.dst_handle = dst;
	t.src_point = src_point;
	t.dst_point = dst_point;
	t.flags = flags;
	return ioctl(DRM_IOCTL_SYNCOBJ_TRANSFER, &t);
}

int Transport::syncobj_handle_to_fd(uint32_t handle, uint32_t flags, int *fd)
{
	drm_syncobj_handle h{};
	h.handle = handle;
	h.flags = flags;
	h.fd = -1;
	int r = ioctl(DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
	*fd = h.fd;
	return r;
}

int Transport::syncobj_fd_to_handle(int fd, uint32_t flags, uint32_t *handle)
{
	drm_syncobj_handle h{};
	h.handle = *handle; // IMPORT_SYNC_FILE: into this sync object
	h.flags = flags;
	h.fd = fd;
	int r = ioctl(DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h);
	*handle = h.handle;
	return r;
}

} // namespace mica::winsys
