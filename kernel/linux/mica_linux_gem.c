// SPDX-License-Identifier: MIT
/*
 * GEM and PRIME in the module: the core's BO embeds a drm_gem_object (mica_os.h), so handles are
 * the drm_file's GEM handles (DRM_IOCTL_GEM_CLOSE closes them), mmap goes through drm_gem_mmap()
 * and the object's drm_vma_node (the fake offset BO_MMAP_OFFSET returns), and PRIME exports real
 * dma-bufs (DRM_IOCTL_PRIME_*). The core reaches all of it through the mica_os_gem_* hooks
 * declared in mica_drv.h; kernel/userspace/mica_um_gem.c is the in-process counterpart.
 *
 * dma-bufs of Mica BOs:
 *  - import into the same device gives back the same object (self-import), so BO_INFO, VM_BIND
 *    and every rule of the BO (a shader BO stays exec-only) hold for the importer;
 *  - another device may attach (vgem, a display): the sg_table holds the BO's bus address in the
 *    VRAM BAR (dma_map_resource: peer memory, no struct pages); shader BOs refuse attachment,
 *    since a device could write validated code by DMA;
 *  - CPU mmap of the dma-buf maps the BAR write-combined, as a render-node mmap does;
 *  - DMA_BUF_IOCTL_SYNC: the DRM core waits for the fences in the object's reservation; at the
 *    end of a CPU access wmb() drains the write-combining buffers so the device sees the writes.
 *    Reads need nothing: WC memory is never cached.
 * A dma-buf of another driver is refused (-EOPNOTSUPP): the device reaches only its own memory
 * (it has no GART), so system pages cannot be bound into a Mica VM.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_vma_manager.h>

#include "mica_linux.h"

static struct mica_bo *to_mica_bo(struct drm_gem_object *obj)
{
	return container_of(obj, struct mica_bo, gem.obj);
}

static struct mica_drm *bo_drm(struct mica_bo *bo)
{
	return container_of(bo->mdev, struct mica_drm, mdev);
}

/* ---- object, references, handles, offsets (the core's hooks) ---- */

static const struct drm_gem_object_funcs mica_gem_funcs;

int mica_os_gem_init(struct mica_device *mdev, struct mica_bo *bo, u64 size, bool cpu_mappable)
{
	struct mica_drm *md = container_of(mdev, struct mica_drm, mdev);
	int ret;

	bo->gem.obj.funcs = &mica_gem_funcs;
	drm_gem_private_object_init(&md->drm, &bo->gem.obj, size);
	/* Only BOs a CPU may map get an offset: for the others mmap() finds nothing to map. */
	if (!cpu_mappable)
		return 0;
	ret = drm_gem_create_mmap_offset(&bo->gem.obj);
	if (ret)
		drm_gem_object_release(&bo->gem.obj);
	return ret;
}

void mica_os_gem_release(struct mica_bo *bo)
{
	drm_gem_object_release(&bo->gem.obj);
}

void mica_bo_get(struct mica_bo *bo)
{
	drm_gem_object_get(&bo->gem.obj);
}

void mica_bo_put(struct mica_bo *bo)
{
	if (bo)
		drm_gem_object_put(&bo->gem.obj);
}

int mica_os_gem_handle_create(struct mica_file *file, struct mica_bo *bo, u32 *handle)
{
	return drm_gem_handle_create(file->gem.drm, &bo->gem.obj, handle);
}

struct mica_bo *mica_os_gem_lookup(struct mica_file *file, u32 handle)
{
	struct drm_gem_object *obj = drm_gem_object_lookup(file->gem.drm, handle);

	/* Every object in a Mica file is a Mica BO: foreign dma-bufs are never imported. */
	return obj ? to_mica_bo(obj) : NULL;
}

u64 mica_os_gem_mmap_offset(struct mica_bo *bo)
{
	return drm_vma_node_offset_addr(&bo->gem.obj.vma_node);
}

/* The DRM core owns the handle table: drm_gem_release() closes it before postclose. */
void mica_os_gem_file_init(struct mica_file *file)
{
	file->gem.drm = NULL;
}

void mica_os_gem_file_fini(struct mica_file *file)
{
}

static void mica_gem_free(struct drm_gem_object *obj)
{
	mica_bo_free(to_mica_bo(obj));
}

/* ---- CPU mappings: render-node mmap (drm_gem_mmap) and dma-buf mmap (drm_gem_prime_mmap) ---- */

/*
 * A mapping made through a render node is charged to that file's client (MICA_RES_CPU_MAPS); one
 * made through a dma-buf fd has no Mica client to charge (the process's map count bounds it).
 * The VMA keeps its file, so the answer is the same at open and close.
 */
static struct mica_client *vma_client(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct drm_file *file;

	if (!vma->vm_file || vma->vm_file->f_op != obj->dev->driver->fops)
		return NULL;
	file = vma->vm_file->private_data;
	return ((struct mica_file *)file->driver_priv)->client;
}

/*
 * Only reachable by mremap() moving the VMA (it cannot be split or inherited); .mremap then fails
 * and the copy is closed again, so the charge taken here is dropped at once.
 */
static void mica_gem_vm_open(struct vm_area_struct *vma)
{
	struct drm_gem_object *obj = vma->vm_private_data;
	struct mica_client *c = vma_client(obj, vma);

	drm_gem_object_get(obj);
	if (c)
		mica_cpu_map_charge_force(c);
}

static void mica_gem_vm_close(struct vm_area_struct *vma)
{
	struct drm_gem_object *obj = vma->vm_private_data;
	struct mica_client *c = vma_client(obj, vma);

	if (c)
		mica_cpu_map_uncharge(c);
	drm_gem_object_put(obj);
}

/* One VMA is one mapping the core counted: no split or move (partial munmap: -EINVAL). */
static int mica_gem_vm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int mica_gem_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct mica_gem_vm_ops = {
	.open = mica_gem_vm_open,
	.close = mica_gem_vm_close,
	.may_split = mica_gem_vm_may_split,
	.mremap = mica_gem_vm_mremap,
};

static int mica_gem_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	struct mica_bo *bo = to_mica_bo(obj);
	struct mica_client *c = vma_client(obj, vma);
	u64 size = vma->vm_end - vma->vm_start;
	unsigned long pfn;
	u64 off;
	int ret;

	/* Shader and NO_MMAP BOs have no offset, but a dma-buf of one reaches here. */
	if (!mica_bo_cpu_mappable(bo))
		return -EACCES;
	/* A private (copy-on-write) mapping of device memory means nothing. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* Render node: the exact offset (drm_gem_mmap); dma-buf: any page range inside. */
	off = ((u64)vma->vm_pgoff - drm_vma_node_start(&obj->vma_node)) << PAGE_SHIFT;
	if (off > bo->size || size > bo->size - off)
		return -EINVAL;
	if (c) {
		ret = mica_cpu_map_charge(c);
		if (ret)
			return ret;
	}
	/* Not inherited by fork: the core counts this mapping once (MICA_RES_CPU_MAPS). */
	mica_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	pfn = (bo_drm(bo)->hw.vram_phys + mica_bo_cpu_pa(bo) + off) >> PAGE_SHIFT;
	ret = io_remap_pfn_range(vma, vma->vm_start, pfn, size, vma->vm_page_prot);
	if (ret && c)
		mica_cpu_map_uncharge(c);
	return ret;
}

/* ---- PRIME ---- */

static int mica_dmabuf_attach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	return to_mica_bo(dmabuf->priv)->shader ? -EACCES : 0;
}

static struct sg_table *mica_dmabuf_map(struct dma_buf_attachment *attach,
					enum dma_data_direction dir)
{
	struct mica_bo *bo = to_mica_bo(attach->dmabuf->priv);
	struct sg_table *sgt;
	dma_addr_t addr;
	int ret;

	if (bo->size > UINT_MAX)
		return ERR_PTR(-EINVAL);	/* one segment per BO: its memory is contiguous */
	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (ret) {
		kfree(sgt);
		return ERR_PTR(ret);
	}
	/* BAR memory has no struct page: the importer gets a bus address only. */
	addr = dma_map_resource(attach->dev, bo_drm(bo)->hw.vram_phys + bo->pa, bo->size, dir,
				DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(attach->dev, addr)) {
		sg_free_table(sgt);
		kfree(sgt);
		return ERR_PTR(-EIO);
	}
	sg_set_page(sgt->sgl, NULL, (unsigned int)bo->size, 0);
	sg_dma_address(sgt->sgl) = addr;
	sg_dma_len(sgt->sgl) = (unsigned int)bo->size;
	return sgt;
}

static void mica_dmabuf_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	dma_unmap_resource(attach->dev, sg_dma_address(sgt->sgl), sg_dma_len(sgt->sgl), dir,
			   DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

static int mica_dmabuf_begin_cpu_access(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	/* The DRM core waits for the reservation's fences; WC memory is never stale in a cache. */
	return 0;
}

static int mica_dmabuf_end_cpu_access(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	/* Drain the CPU's write-combining buffers: the device must see what was written. */
	wmb();
	return 0;
}

static const struct dma_buf_ops mica_dmabuf_ops = {
	.attach = mica_dmabuf_attach,
	.map_dma_buf = mica_dmabuf_map,
	.unmap_dma_buf = mica_dmabuf_unmap,
	.release = drm_gem_dmabuf_release,
	.mmap = drm_gem_dmabuf_mmap,
	.begin_cpu_access = mica_dmabuf_begin_cpu_access,
	.end_cpu_access = mica_dmabuf_end_cpu_access,
};

static struct dma_buf *mica_gem_prime_export(struct drm_gem_object *obj, int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);

	if (!mica_bo_exportable(to_mica_bo(obj)))
		return ERR_PTR(-EPERM);
	exp_info.ops = &mica_dmabuf_ops;
	exp_info.size = obj->size;
	exp_info.flags = flags;
	exp_info.priv = obj;
	exp_info.resv = obj->resv;
	return drm_gem_dmabuf_export(obj->dev, &exp_info);
}

struct drm_gem_object *mica_gem_prime_import(struct drm_device *dev, struct dma_buf *dma_buf)
{
	if (dma_buf->ops == &mica_dmabuf_ops) {
		struct drm_gem_object *obj = dma_buf->priv;

		if (obj->dev == dev) {
			/* Self-import: the same object (the dma-buf already holds a reference). */
			drm_gem_object_get(obj);
			return obj;
		}
	}
	return ERR_PTR(-EOPNOTSUPP);
}

static const struct drm_gem_object_funcs mica_gem_funcs = {
	.free = mica_gem_free,
	.export = mica_gem_prime_export,
	.mmap = mica_gem_mmap,
	.vm_ops = &mica_gem_vm_ops,
};
