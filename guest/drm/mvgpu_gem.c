// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_drm: buffer objects in VRAM and in guest memory.
 */

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "mvgpu_gem.h"
#include "mvgpu_hw.h"
#include "mvgpu_vram.h"

/**
 * DOC: Buffer objects
 *
 * A buffer lives in one of two placements:
 *
 * - MVGPU_BO_VRAM: a range of BAR2 from the VRAM allocator, cleared by a
 *   FILL in context 0 before anyone sees it, mapped to user space
 *   write-combined straight from the BAR (io_remap_pfn_range, as
 *   virtgpu_vram.c does).  A reset of the whole vGPU loses its contents.
 * - MVGPU_BO_SYSMEM: a &drm_gem_shmem_object whose pages are pinned and
 *   DMA-mapped for the device at creation (drm_gem_shmem_get_pages_sgt());
 *   the device reaches them through MAP of their DMA addresses
 *   (MVGPU_MAP_SYSMEM), one MAP per contiguous run.  Mapped cached.
 *
 * Either way the buffer belongs to the file that created it: at creation
 * it gets a range of the file's GPU VA (&mvgpu_ctx.va_mm, 2 MiB aligned
 * when it is that large) and context 0 maps it there in the file's device
 * context, read-only with MVGPU_BO_GPU_READONLY.  The file's jobs reach it
 * at that VA and nothing else; no other file's context maps it.  When the
 * last handle and the last mmap go, context 0 unmaps it (a round trip: once
 * the UNMAP's fence is done the device no longer reaches the memory) and
 * the memory is freed.  A file's jobs hold references to the buffers they
 * list, so a buffer they use outlives its handle until they are done.
 */

static u64 mvgpu_bo_size_limit = SZ_4G;	/* one MAP or FILL command */

/**
 * mvgpu_bo_max_size() - the largest buffer of a placement
 * @mdev: the device
 * @flags: MVGPU_BO_VRAM or MVGPU_BO_SYSMEM
 *
 * VRAM: what the allocator could hold; guest memory: half the guest's RAM
 * (its pages are pinned for the buffer's life); at most 4 GiB, one command.
 *
 * Context: any.
 * Return: bytes.
 */
u64 mvgpu_bo_max_size(struct mvgpu_device *mdev, u32 flags)
{
	u64 max;

	if (flags & MVGPU_BO_VRAM)
		max = mdev->vram_size - MVGPU_VRAM_RESERVED;
	else
		max = ((u64)totalram_pages() << PAGE_SHIFT) / 2;
	return min(max, mvgpu_bo_size_limit);
}

static void mvgpu_cmd_map(struct mvgpu_cmd *c, u32 ctx, u64 va, u64 target,
			  u64 size, u32 flags)
{
	memset(c, 0, sizeof(*c));
	c->opcode = MVGPU_OP_MAP;
	c->map.va = va;
	c->map.target = target;
	c->map.size = size;
	c->map.map_flags = flags;
	c->map.ctx = ctx;
}

/* The MAP commands of a buffer; *n of them.  Caller frees. */
static struct mvgpu_cmd *mvgpu_bo_map_cmds(struct mvgpu_bo *bo, unsigned int *n)
{
	u32 flags = MVGPU_MAP_READ, id = bo->ctx->id;
	struct sg_table *sgt = bo->base.sgt;
	u64 va = bo->va.start, run = 0, len = 0;
	struct mvgpu_cmd *cmds;
	struct scatterlist *sg;
	unsigned int i, k = 0;

	if (!(bo->flags & MVGPU_BO_GPU_READONLY))
		flags |= MVGPU_MAP_WRITE;
	if (bo->flags & MVGPU_BO_VRAM) {
		cmds = kmalloc(sizeof(*cmds), GFP_KERNEL);
		if (!cmds)
			return NULL;
		mvgpu_cmd_map(cmds, id, va, bo->vram.start, bo->vram.size, flags);
		*n = 1;
		return cmds;
	}
	cmds = kvmalloc_array(sgt->nents ?: 1, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return NULL;
	flags |= MVGPU_MAP_SYSMEM;
	for_each_sgtable_dma_sg(sgt, sg, i) {
		dma_addr_t a = sg_dma_address(sg);
		u64 l = sg_dma_len(sg);

		if (len && run + len == a) {
			len += l;
			continue;
		}
		if (len) {
			mvgpu_cmd_map(&cmds[k++], id, va, run, len, flags);
			va += len;
		}
		run = a;
		len = l;
	}
	if (len)
		mvgpu_cmd_map(&cmds[k++], id, va, run, len, flags);
	*n = k;
	return cmds;
}

/**
 * mvgpu_bo_map_locked() - map a buffer in its context's page table
 * @bo: the buffer, its VA range allocated
 *
 * Context: process; the caller holds &mvgpu_ctx.va_lock.
 * Return: 0, or the errno of mvgpu_kring_run() (-ENOSPC: the device's
 * page-table or pinned-memory budget is used up).
 */
int mvgpu_bo_map_locked(struct mvgpu_bo *bo)
{
	struct mvgpu_cmd *cmds;
	unsigned int n;
	int ret;

	lockdep_assert_held(&bo->ctx->va_lock);
	cmds = mvgpu_bo_map_cmds(bo, &n);
	if (!cmds)
		return -ENOMEM;
	ret = mvgpu_kring_run(bo->ctx->mdev, cmds, n);
	kvfree(cmds);
	bo->mapped = !ret;
	return ret;
}

static void mvgpu_bo_unmap_locked(struct mvgpu_bo *bo)
{
	struct mvgpu_cmd c = { .opcode = MVGPU_OP_UNMAP };
	int ret;

	lockdep_assert_held(&bo->ctx->va_lock);
	if (!bo->mapped)
		return;
	bo->mapped = false;
	if (!bo->ctx->alive)
		return;	/* destroying the context unmapped everything */
	c.unmap.va = bo->va.start;
	c.unmap.size = bo->va.size;
	c.unmap.ctx = bo->ctx->id;
	ret = mvgpu_kring_run(bo->ctx->mdev, &c, 1);
	if (ret && ret != -ENODEV)
		drm_err(&bo->ctx->mdev->drm, "context %u: UNMAP of 0x%llx+0x%llx failed (%d)\n",
			bo->ctx->id, bo->va.start, bo->va.size, ret);
}

/* Leave the context: unmapped, VA freed, off its list. */
static void mvgpu_bo_detach(struct mvgpu_bo *bo)
{
	struct mvgpu_ctx *ctx = bo->ctx;

	if (!ctx)
		return;
	mutex_lock(&ctx->va_lock);
	mvgpu_bo_unmap_locked(bo);
	if (drm_mm_node_allocated(&bo->va))
		drm_mm_remove_node(&bo->va);
	if (!list_empty(&bo->ctx_link))
		list_del_init(&bo->ctx_link);
	if (bo->lost)
		ctx->bos_lost--;
	mutex_unlock(&ctx->va_lock);
	bo->ctx = NULL;
	mvgpu_ctx_put(ctx);
}

static void mvgpu_gem_shmem_free(struct drm_gem_object *obj)
{
	mvgpu_bo_detach(to_mvgpu_bo(obj));
	drm_gem_shmem_free(&to_mvgpu_bo(obj)->base);
}

static const struct drm_gem_object_funcs mvgpu_shmem_funcs = {
	.free = mvgpu_gem_shmem_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

static void mvgpu_gem_vram_free(struct drm_gem_object *obj)
{
	struct mvgpu_bo *bo = to_mvgpu_bo(obj);

	mvgpu_bo_detach(bo);
	mvgpu_vram_free(to_mvgpu(obj->dev), &bo->vram);
	drm_gem_object_release(obj);
	kfree(bo);
}

static int mvgpu_gem_vram_mmap(struct drm_gem_object *obj,
			       struct vm_area_struct *vma)
{
	struct mvgpu_device *mdev = to_mvgpu(obj->dev);
	struct mvgpu_bo *bo = to_mvgpu_bo(obj);
	unsigned long pgoff = vma->vm_pgoff - drm_vma_node_start(&obj->vma_node);
	unsigned long size = vma->vm_end - vma->vm_start;

	if (pgoff > bo->vram.size >> PAGE_SHIFT ||
	    size > bo->vram.size - ((u64)pgoff << PAGE_SHIFT))
		return -EINVAL;
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_page_prot = pgprot_writecombine(vm_get_page_prot(vma->vm_flags));
	return io_remap_pfn_range(vma, vma->vm_start,
				  ((mdev->vram_phys + bo->vram.start) >> PAGE_SHIFT) + pgoff,
				  size, vma->vm_page_prot);
}

static const struct vm_operations_struct mvgpu_gem_vram_vm_ops = {
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static const struct drm_gem_object_funcs mvgpu_vram_funcs = {
	.free = mvgpu_gem_vram_free,
	.mmap = mvgpu_gem_vram_mmap,
	.vm_ops = &mvgpu_gem_vram_vm_ops,
};

/**
 * mvgpu_gem_create_object() - &drm_driver.gem_create_object: a shmem buffer
 * @drm: the DRM device
 * @size: bytes
 *
 * Context: process.
 * Return: the object, or ERR_PTR(-ENOMEM).
 */
struct drm_gem_object *mvgpu_gem_create_object(struct drm_device *drm,
					       size_t size)
{
	struct mvgpu_bo *bo = kzalloc(sizeof(*bo), GFP_KERNEL_ACCOUNT);

	if (!bo)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bo->ctx_link);
	bo->base.base.funcs = &mvgpu_shmem_funcs;
	bo->base.map_wc = false;
	return &bo->base.base;
}

static struct mvgpu_bo *mvgpu_bo_alloc_vram(struct mvgpu_device *mdev, u64 size)
{
	struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL };
	struct mvgpu_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL_ACCOUNT);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bo->ctx_link);
	bo->base.base.funcs = &mvgpu_vram_funcs;
	drm_gem_private_object_init(&mdev->drm, &bo->base.base, size);
	ret = drm_gem_create_mmap_offset(&bo->base.base);
	if (ret)
		goto err_put;
	ret = mvgpu_vram_alloc(mdev, &bo->vram, size, 0);
	if (ret)
		goto err_put;
	/* Cleared by the device: no file sees what another left there. */
	fill.fill.dst = bo->vram.start;
	fill.fill.size = bo->vram.size;
	ret = mvgpu_kring_run(mdev, &fill, 1);
	if (ret)
		goto err_put;
	return bo;

err_put:
	drm_gem_object_put(&bo->base.base);
	return ERR_PTR(ret);
}

static struct mvgpu_bo *mvgpu_bo_alloc_sysmem(struct mvgpu_device *mdev, u64 size)
{
	struct drm_gem_shmem_object *shmem;
	struct sg_table *sgt;

	shmem = drm_gem_shmem_create(&mdev->drm, size);
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	/* Pinned and DMA-mapped for the buffer's life: the device reaches it. */
	sgt = drm_gem_shmem_get_pages_sgt(shmem);
	if (IS_ERR(sgt)) {
		drm_gem_object_put(&shmem->base);
		return ERR_CAST(sgt);
	}
	return to_mvgpu_bo(&shmem->base);
}

/**
 * mvgpu_bo_create() - create a zeroed buffer mapped in a file's context
 * @ctx: the file's context
 * @size: bytes, a multiple of PAGE_SIZE, 1 .. mvgpu_bo_max_size()
 * @flags: MVGPU_BO_*, checked by the caller
 *
 * Context: process.
 * Return: the buffer (one reference), or ERR_PTR: -ENOSPC (no VRAM range,
 * or the device's page-table budget), -ENOMEM, -ENODEV.
 */
struct mvgpu_bo *mvgpu_bo_create(struct mvgpu_ctx *ctx, u64 size, u32 flags)
{
	struct mvgpu_device *mdev = ctx->mdev;
	struct mvgpu_bo *bo;
	int ret;

	if (flags & MVGPU_BO_VRAM)
		bo = mvgpu_bo_alloc_vram(mdev, size);
	else
		bo = mvgpu_bo_alloc_sysmem(mdev, size);
	if (IS_ERR(bo))
		return bo;
	bo->flags = flags;

	kref_get(&ctx->ref);
	bo->ctx = ctx;
	mutex_lock(&ctx->va_lock);
	list_add_tail(&bo->ctx_link, &ctx->bos);
	if (ctx->id) {
		ret = -ENODEV;
		if (ctx->alive)
			ret = drm_mm_insert_node_generic(&ctx->va_mm, &bo->va, size,
							 size >= SZ_2M ? SZ_2M : SZ_4K,
							 0, DRM_MM_INSERT_BEST);
		if (!ret)
			ret = mvgpu_bo_map_locked(bo);
		if (ret) {
			mutex_unlock(&ctx->va_lock);
			drm_gem_object_put(&bo->base.base);
			return ERR_PTR(ret);
		}
	}
	mutex_unlock(&ctx->va_lock);
	return bo;
}

/**
 * mvgpu_bo_read() - copy bytes out of a buffer (a job's commands)
 * @bo: the buffer
 * @offset: where, in bytes; @offset + @len within the buffer (checked by
 *	the caller)
 * @dst: kernel memory
 * @len: bytes
 *
 * Context: process.
 * Return: 0, or -EFAULT if the buffer has no pages.
 */
int mvgpu_bo_read(struct mvgpu_bo *bo, u64 offset, void *dst, size_t len)
{
	struct mvgpu_device *mdev = to_mvgpu(bo->base.base.dev);
	char *to = dst;

	if (bo->flags & MVGPU_BO_VRAM) {
		memcpy_fromio(dst, mdev->vram + bo->vram.start + offset, len);
		return 0;
	}
	/* Pinned since creation: base.pages stays until the buffer is freed. */
	if (!bo->base.pages)
		return -EFAULT;
	while (len) {
		size_t in_page = min_t(size_t, len, PAGE_SIZE - offset_in_page(offset));

		memcpy_from_page(to, bo->base.pages[offset >> PAGE_SHIFT],
				 offset_in_page(offset), in_page);
		to += in_page;
		offset += in_page;
		len -= in_page;
	}
	return 0;
}
