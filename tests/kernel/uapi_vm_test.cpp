// SPDX-License-Identifier: MIT
// IGT-style tests: VM_BIND success paths and every documented errno.
#include "uapi_fixture.h"

using namespace mica::ktest;

namespace {

constexpr uint64_t VA = 0x40000000;
constexpr uint32_t RW = DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE;

class VmBind : public UapiTest {
protected:
	void SetUp() override
	{
		UapiTest::SetUp();
		bo_ = a_->bo(16384);
		sh_ = a_->shader(make_binary(store_lane_program()));
	}
	int op(drm_mica_vm_bind_op o)
	{
		drm_mica_vm_bind b{};
		b.ops = {sizeof(o), 1, reinterpret_cast<uintptr_t>(&o)};
		return a_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b);
	}
	drm_mica_vm_bind_op map(uint64_t va, uint64_t size, uint32_t perms = RW, uint64_t off = 0)
	{
		return {DRM_MICA_BIND_OP_MAP, perms, bo_, 0, off, va, size};
	}
	uint32_t bo_ = 0, sh_ = 0;
};

TEST_F(VmBind, MapUnmap)
{
	EXPECT_EQ(op(map(VA, 16384)), 0);
	EXPECT_EQ(op(map(VA + 0x100000, 4096, DRM_MICA_BIND_READ, 8192)), 0);
	EXPECT_EQ(a_->unbind(VA, 16384), 0);
	EXPECT_EQ(a_->unbind(VA, 16384), -ENOENT);
	EXPECT_EQ(op(map(VA, 4096)), 0) << "the range is free again";
}

TEST_F(VmBind, BadArguments)
{
	EXPECT_EQ(op(map(VA + 1, 4096)), -EINVAL);
	EXPECT_EQ(op(map(VA, 100)), -EINVAL);
	EXPECT_EQ(op(map(VA, 0)), -EINVAL);
	EXPECT_EQ(op(map(VA, 4096, RW, 12)), -EINVAL);
	EXPECT_EQ(op(map(VA, 4096, DRM_MICA_BIND_WRITE)), -EINVAL) << "READ is required";
	EXPECT_EQ(op(map(VA, 4096, RW | 0x100)), -EINVAL);
	auto o = map(VA, 4096);
	o.pad = 1;
	EXPECT_EQ(op(o), -EINVAL);
	o = map(VA, 4096);
	o.op = 7;
	EXPECT_EQ(op(o), -EINVAL);
	o = {DRM_MICA_BIND_OP_UNMAP, DRM_MICA_BIND_READ, 0, 0, 0, VA, 4096};
	EXPECT_EQ(op(o), -EINVAL);
	o = map(VA, 4096);
	o.handle = 4242;
	EXPECT_EQ(op(o), -ENOENT);
	drm_mica_vm_bind b{};
	b.flags = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b), -EINVAL);
	b = {};
	b.pad = 1;
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b), -EINVAL);
	b = {};
	b.ops = {sizeof(o), MICA_PAGE_SIZE, reinterpret_cast<uintptr_t>(&o)};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b), -EINVAL) << "too many ops";
	b.ops = {8, 1, reinterpret_cast<uintptr_t>(&o)};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b), -EINVAL) << "stride too small";
	b.ops = {sizeof(o), 1, 0x20};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b), -EFAULT);
}

TEST_F(VmBind, RangesAreBoundsChecked)
{
	EXPECT_EQ(op(map(0, 4096)), -ERANGE) << "below va_start";
	EXPECT_EQ(op(map((1ull << 47) - 4096, 8192)), -ERANGE);
	EXPECT_EQ(op(map(0xfffffffffffff000ull, 8192)), -ERANGE) << "wraps";
	EXPECT_EQ(op(map(VA, 8192, RW, 12288)), -ERANGE) << "past the BO";
	EXPECT_EQ(op(map(VA, 4096, RW, 0xfffffffffffff000ull)), -ERANGE) << "offset overflows";
	EXPECT_EQ(op(map(VA, 32768)), -ERANGE);
}

TEST_F(VmBind, OverlapsAreRefused)
{
	ASSERT_EQ(op(map(VA + 4096, 8192)), 0);
	EXPECT_EQ(op(map(VA, 8192)), -EEXIST);
	EXPECT_EQ(op(map(VA + 8192, 8192)), -EEXIST);
	EXPECT_EQ(op(map(VA, 16384)), -EEXIST);
	EXPECT_EQ(op(map(VA, 4096)), 0);
	EXPECT_EQ(op(map(VA + 12288, 4096)), 0);
	EXPECT_EQ(a_->unbind(VA + 4096, 4096), -ENOENT) << "only whole mappings";
}

TEST_F(VmBind, ExecOnlyForShadersAndShadersNeverWritable)
{
	EXPECT_EQ(op(map(VA, 4096, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC)), -EACCES);
	drm_mica_vm_bind_op o{DRM_MICA_BIND_OP_MAP, RW, sh_, 0, 0, VA, 4096};
	EXPECT_EQ(op(o), -EACCES);
	o.flags = DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC;
	EXPECT_EQ(op(o), 0);
}

TEST_F(VmBind, PartialFailureReportsProgress)
{
	drm_mica_vm_bind_op ops[3] = {map(VA, 4096), map(VA + 4096, 4096), map(VA, 4096)};
	drm_mica_vm_bind b{};
	b.ops = {sizeof(ops[0]), 3, reinterpret_cast<uintptr_t>(ops)};
	EXPECT_EQ(a_->ioctl(DRM_IOCTL_MICA_VM_BIND, &b), -EEXIST);
	EXPECT_EQ(b.ops.count, 2u);
}

} // namespace
