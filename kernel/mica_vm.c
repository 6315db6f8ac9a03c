// SPDX-License-Identifier: MIT
/*
 * The client's GPU address space and VM_BIND. Each open file owns one VM; contexts of the file
 * run on it. Mappings are page granular, bounds-checked against the BO and the user VA range,
 * never overlap, and carry READ/WRITE/EXEC. EXEC is only possible for shader BOs and those can
 * never be mapped writable, so the code a wave runs is always code the kernel validated.
 */
#include "mica_drv.h"

int mica_vm_create(struct mica_device *mdev, struct mica_client *client, struct mica_vm **out)
{
	struct mica_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	int ret;

	if (!vm)
		return -ENOMEM;
	vm->mdev = mdev;
	vm->client = mica_client_get(client);
	INIT_LIST_HEAD(&vm->mappings);
	ret = mica_pt_create(vm);
	if (ret) {
		mica_client_put(vm->client);
		kfree(vm);
		return ret;
	}
	*out = vm;
	return 0;
}

static struct mica_mapping *mapping_alloc(void)
{
	struct mica_mapping *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (m) {
		INIT_LIST_HEAD(&m->link);
		INIT_LIST_HEAD(&m->pt_pages);
	}
	return m;
}

/* The last reference to the memory of an unmapped range (and to the tables the unmap emptied). */
static void mapping_free(struct mica_device *mdev, struct mica_mapping *m)
{
	if (m->client) {
		mica_pt_free_pages(mdev, m->client, &m->pt_pages);
		mica_client_uncharge(m->client, MICA_RES_MAPPINGS, 1);
		mica_client_put(m->client);
	}
	mica_bo_put(m->bo);
	kfree(m);
}

/*
 * Memory behind an unmapped range, and page tables the unmap emptied, go back only once the
 * ring has passed every job that might still have translated (walked) them. Called with the
 * leaves already cleared; m is off the VM's list.
 */
static void mapping_defer(struct mica_vm *vm, struct mica_mapping *m)
{
	struct mica_device *mdev = vm->mdev;

	mutex_lock(&mdev->lock);
	if (vm->slot_mask)
		mica_hw_write(mdev->hw, MICA_REG_TLB_INVALIDATE, vm->slot_mask);
	if (mdev->retired_seqno >= mdev->ring_seqno) {
		mutex_unlock(&mdev->lock);
		mapping_free(mdev, m);
		return;
	}
	m->retire_seqno = mdev->ring_seqno;
	list_add_tail(&m->link, &mdev->deferred);
	mutex_unlock(&mdev->lock);
}

static void mapping_retire(struct mica_vm *vm, struct mica_mapping *m)
{
	list_del(&m->link);
	mica_pt_unmap(vm, m->va, m->size, &m->pt_pages);
	mapping_defer(vm, m);
}

void mica_vm_release_deferred(struct mica_device *mdev)
{
	struct mica_mapping *m, *tmp;

	lockdep_assert_held(&mdev->lock);

	list_for_each_entry_safe(m, tmp, &mdev->deferred, link) {
		if (m->retire_seqno <= mdev->retired_seqno) {
			list_del(&m->link);
			mapping_free(mdev, m);
		}
	}
}

void mica_vm_destroy(struct mica_vm *vm)
{
	struct mica_mapping *m, *tmp;

	if (!vm)
		return;
	list_for_each_entry_safe(m, tmp, &vm->mappings, link) {
		/* Every context of the file is gone, and with it every job that pinned one. */
		WARN_ON(atomic_read(&m->exec_pins));
		mapping_retire(vm, m);
	}
	mica_pt_destroy(vm);
	mica_client_put(vm->client);
	kfree(vm);
}

struct mica_mapping *mica_vm_find(struct mica_vm *vm, u64 va, u64 size)
{
	struct mica_mapping *m;

	list_for_each_entry(m, &vm->mappings, link) {
		if (va >= m->va && va - m->va < m->size && size <= m->size - (va - m->va))
			return m;
	}
	return NULL;
}

static int vm_map(struct mica_file *file, const struct drm_mica_vm_bind_op *op)
{
	struct mica_vm *vm = file->vm;
	struct mica_mapping *m, *pos;
	struct mica_bo *bo;
	u64 va_end, bo_end;
	int ret;

	if (!(op->flags & DRM_MICA_BIND_READ) || (op->flags & ~DRM_MICA_BIND_PERMS))
		return -EINVAL;
	if (check_add_overflow(op->va, op->size, &va_end) || op->va < MICA_USER_VA_START ||
	    va_end > MICA_USER_VA_END)
		return -ERANGE;
	bo = mica_bo_lookup(file, op->handle);
	if (!bo)
		return -ENOENT;
	if (check_add_overflow(op->bo_offset, op->size, &bo_end) || bo_end > bo->size) {
		ret = -ERANGE;
		goto err_put;
	}
	/*
	 * Code is only ever what the shader validator saw: exec needs a shader BO, which is
	 * never writable. A read-only userptr BO's pages were pinned without write access.
	 */
	if (((op->flags & DRM_MICA_BIND_EXEC) && !bo->shader) ||
	    ((op->flags & DRM_MICA_BIND_WRITE) && bo->shader) ||
	    ((op->flags & DRM_MICA_BIND_WRITE) && bo->userptr && !bo->userptr->writable)) {
		ret = -EACCES;
		goto err_put;
	}
	list_for_each_entry(pos, &vm->mappings, link) {
		if (op->va < pos->va + pos->size && pos->va < va_end) {
			ret = -EEXIST;
			goto err_put;
		}
	}
	/* Mapping records are kernel memory: bounded per client like everything else. */
	ret = mica_client_charge(vm->client, MICA_RES_MAPPINGS, 1);
	if (ret)
		goto err_put;
	m = mapping_alloc();
	if (!m) {
		mica_client_uncharge(vm->client, MICA_RES_MAPPINGS, 1);
		ret = -ENOMEM;
		goto err_put;
	}
	m->client = mica_client_get(vm->client);
	m->va = op->va;
	m->size = op->size;
	m->bo_offset = op->bo_offset;
	m->perms = op->flags;
	m->bo = bo;
	ret = mica_pt_map(vm, m->va, bo, m->bo_offset, m->size, m->perms, &m->pt_pages);
	if (ret) {
		/* The tables it emptied again are reclaimed like an unmap's. */
		m->bo = NULL;
		mapping_defer(vm, m);
		goto err_put;
	}
	/* Keep the list sorted by address. */
	list_for_each_entry(pos, &vm->mappings, link) {
		if (pos->va > m->va)
			break;
	}
	list_add_tail(&m->link, &pos->link);
	mutex_lock(&file->mdev->lock);
	if (vm->slot_mask)
		mica_hw_write(file->mdev->hw, MICA_REG_TLB_INVALIDATE, vm->slot_mask);
	mutex_unlock(&file->mdev->lock);
	return 0;
err_put:
	mica_bo_put(bo);
	return ret;
}

static int vm_unmap(struct mica_file *file, const struct drm_mica_vm_bind_op *op)
{
	struct mica_device *mdev = file->mdev;
	struct mica_mapping *m;
	bool busy;

	if (op->flags || op->handle || op->bo_offset)
		return -EINVAL;
	list_for_each_entry(m, &file->vm->mappings, link) {
		if (m->va == op->va && m->size == op->size) {
			/*
			 * Pins drop under mdev->lock before the job's completion is visible, so a
			 * client that saw its job retire never gets -EBUSY here.
			 */
			mutex_lock(&mdev->lock);
			busy = atomic_read(&m->exec_pins) != 0;
			mutex_unlock(&mdev->lock);
			if (busy)
				return -EBUSY;
			mapping_retire(file->vm, m);
			return 0;
		}
	}
	return -ENOENT;
}

int mica_ioctl_vm_bind(struct mica_file *file, void *data)
{
	struct drm_mica_vm_bind *args = data;
	struct drm_mica_vm_bind_op *ops = NULL;
	u32 i, done = 0;
	int ret;

	if (args->flags || args->pad)
		return -EINVAL;
	ret = mica_copy_array(&args->ops, sizeof(*ops), sizeof(*ops), MICA_MAX_BIND_OPS,
			      (void **)&ops);
	if (ret)
		return ret;
	mutex_lock(&file->lock);
	for (i = 0; i < args->ops.count; i++) {
		const struct drm_mica_vm_bind_op *op = &ops[i];

		if (op->pad || !op->size || !MICA_IS_ALIGNED(op->va, (u64)MICA_PAGE_SIZE) ||
		    !MICA_IS_ALIGNED(op->size, (u64)MICA_PAGE_SIZE) ||
		    !MICA_IS_ALIGNED(op->bo_offset, (u64)MICA_PAGE_SIZE))
			ret = -EINVAL;
		else if (op->op == DRM_MICA_BIND_OP_MAP)
			ret = vm_map(file, op);
		else if (op->op == DRM_MICA_BIND_OP_UNMAP)
			ret = vm_unmap(file, op);
		else
			ret = -EINVAL;
		if (ret)
			break;
		done++;
	}
	mutex_unlock(&file->lock);
	args->ops.count = done;
	kvfree(ops);
	return ret;
}
