// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPU's VRAM: host pages, backed on first touch, and their
 * user mappings (the BAR2 aperture).
 */

#include <kunit/visibility.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mm/charge.h"
#include "mm/gpt.h"
#include "mm/pool.h"

#include "sw.h"

/**
 * DOC: VRAM aperture
 *
 * The software GPU's VRAM is host memory.  The core allocates each vGPU's
 * share of the GPU's VRAM (DOC: VRAM pool); the software GPU backs it page
 * by page, in an xarray per vGPU that engines look up without a lock, so
 * one vGPU touching its VRAM never waits for another.  The aperture (BAR2)
 * is a linear window on it.  A page is backed, zeroed, the first time it
 * is written through pwrite() or touched through an mmap, or written by an
 * engine, so a tenant never sees an
 * earlier tenant's data and an idle vGPU costs no memory.  Reads of a page
 * never touched return zeros without backing it.  Backing pages are charged
 * to the memory cgroup of the process that opened the vGPU (the VMM), even
 * when another process or the engine touches them; when that cgroup
 * cannot reclaim enough to stay 4 MiB below its limit (DOC: Memory charged
 * to the VMM) the touch fails: SIGBUS for a mapping, -ENOMEM for pwrite(), MVGPU_ERR_NO_MEMORY
 * for the engine.  Nothing calls the OOM killer.
 *
 * User mappings are VM_PFNMAP and filled by mvgpu_vram_fault().  They must
 * all live in one address space that holds nothing else, so that a reset
 * can zap exactly them: the VFIO device file's inode is shared by every
 * anonymous-inode file of the system, so mvgpu_sw_vram_mmap() moves each new
 * mapping to a file of our own (vma_set_file(), as dma-buf does), created
 * when the vGPU is opened and dropped when it is closed.  The mapping
 * keeps a reference on the VFIO device file it was made from, so the
 * vGPU stays open, and its VRAM allocated, as long as any mapping exists.
 * mvgpu_sw_vram_scrub() zaps that address space under @lock before it frees
 * the pages, and the fault handler inserts under @lock, so no mapping can
 * outlive its page.
 *
 * Lock order: mmap_lock (fault) -> vram->lock -> i_mmap_rwsem (zap).  No
 * user copy runs under vram->lock: pread/pwrite take a page reference,
 * drop the lock, then copy.
 */

#define MVGPU_FS_MAGIC	0x6d766770	/* "mvgp" */

static struct vfsmount *mvgpu_vram_mnt;
static int mvgpu_vram_mnt_count;

static int mvgpu_vram_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MVGPU_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * Never registered, so nobody else can mount it.  Mounted only while some
 * vGPU is open: its superblock holds a reference on this module until the
 * last file on it is gone, so nothing of ours is freed under a late fput().
 */
static struct file_system_type mvgpu_vram_fs_type = {
	.owner = THIS_MODULE,
	.name = "mvgpu_vram",
	.init_fs_context = mvgpu_vram_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

/* The aperture's own file: only ever a VMA's vm_file, never opened. */
static const struct file_operations mvgpu_vram_fops = {
	.owner = THIS_MODULE,
};

/* Backing pages: charged to the active memory cgroup, allowed to fail. */
#define MVGPU_SW_VRAM_GFP	(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT | \
				 __GFP_RETRY_MAYFAIL | __GFP_NOWARN)
/* The same for an engine, which must not wait (no reclaim, no throttling). */
#define MVGPU_SW_VRAM_GFP_NOWAIT (GFP_NOWAIT | __GFP_HIGHMEM | __GFP_ZERO | \
				  __GFP_ACCOUNT | __GFP_NOWARN)

/**
 * mvgpu_sw_vram_create() - &mvgpu_backend_ops.vram_create
 * @be: the GPU
 * @alloc: where the vGPU's VRAM is in the GPU's (one linear window of
 *	host pages here: the software GPU needs no placement)
 *
 * Context: process context.
 * Return: the block or ERR_PTR(-ENOMEM).
 */
struct mvgpu_bvram *mvgpu_sw_vram_create(struct mvgpu_backend *be,
					 const struct mvgpu_pool_alloc *alloc)
{
	struct mvgpu_bvram *vram = kzalloc(sizeof(*vram), GFP_KERNEL);

	if (!vram)
		return ERR_PTR(-ENOMEM);
	vram->be = be;
	vram->size = alloc->size;
	xa_init(&vram->pages);
	atomic_long_set(&vram->backed, 0);
	mutex_init(&vram->lock);
	return vram;
}

/* Give every backing page back. */
static void mvgpu_sw_vram_free_pages(struct mvgpu_bvram *vram)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(&vram->pages, idx, page) {
		xa_erase(&vram->pages, idx);
		put_page(page);
		cond_resched();
	}
	atomic_long_set(&vram->backed, 0);
}

/**
 * mvgpu_sw_vram_destroy() - &mvgpu_backend_ops.vram_destroy
 * @vram: the block; closed
 *
 * Context: process context.
 */
void mvgpu_sw_vram_destroy(struct mvgpu_bvram *vram)
{
	WARN_ON_ONCE(vram->file);
	mvgpu_sw_vram_free_pages(vram);
	xa_destroy(&vram->pages);
	mutex_destroy(&vram->lock);
	kfree(vram);
}

/**
 * mvgpu_sw_vram_open() - &mvgpu_backend_ops.vram_open: set up the
 *	mappings' file; charge backing pages to @memcg
 * @vram: the block
 * @memcg: the opener's memory cgroup (the core holds a reference until
 *	vram_close)
 * @worker: the vGPU's worker, for what its contexts need off the engine
 *	(the core keeps it until vram_close)
 *
 * Context: process context of the opener.
 * Return: 0 or -errno.
 */
int mvgpu_sw_vram_open(struct mvgpu_bvram *vram, struct mem_cgroup *memcg,
		       struct kthread_worker *worker)
{
	struct inode *inode;
	struct file *file;
	int ret;

	ret = simple_pin_fs(&mvgpu_vram_fs_type, &mvgpu_vram_mnt,
			    &mvgpu_vram_mnt_count);
	if (ret)
		return ret;
	inode = alloc_anon_inode(mvgpu_vram_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_release_fs;
	}
	if (!try_module_get(THIS_MODULE)) {	/* the file's fops reference */
		ret = -ENODEV;
		goto err_iput;
	}
	file = alloc_file_pseudo(inode, mvgpu_vram_mnt, "mvgpu-vram", O_RDWR,
				 &mvgpu_vram_fops);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		module_put(THIS_MODULE);
		goto err_iput;
	}
	file->private_data = vram;

	mutex_lock(&vram->lock);
	vram->file = file;
	WRITE_ONCE(vram->memcg, memcg);
	WRITE_ONCE(vram->worker, worker);
	mutex_unlock(&vram->lock);
	return 0;

err_iput:
	iput(inode);
err_release_fs:
	simple_release_fs(&mvgpu_vram_mnt, &mvgpu_vram_mnt_count);
	return ret;
}

/**
 * mvgpu_sw_vram_close() - &mvgpu_backend_ops.vram_close
 * @vram: the block, scrubbed; no mapping of it is left
 *
 * Context: process context.
 */
void mvgpu_sw_vram_close(struct mvgpu_bvram *vram)
{
	struct file *file;

	mutex_lock(&vram->lock);
	file = vram->file;
	vram->file = NULL;
	WRITE_ONCE(vram->memcg, NULL);
	WRITE_ONCE(vram->worker, NULL);
	mutex_unlock(&vram->lock);
	if (file) {
		fput(file);
		simple_release_fs(&mvgpu_vram_mnt, &mvgpu_vram_mnt_count);
	}
}

/**
 * mvgpu_sw_vram_scrub() - &mvgpu_backend_ops.vram_scrub: zap every user
 *	mapping and free every page
 * @vram: the block
 *
 * Afterwards it reads as zero again; mappings refault fresh pages.  The
 * core makes sure no context of the vGPU runs meanwhile.
 *
 * Context: process context; takes vram->lock and the mappings' locks.
 */
void mvgpu_sw_vram_scrub(struct mvgpu_bvram *vram)
{
	mutex_lock(&vram->lock);
	if (vram->file)
		unmap_mapping_range(vram->file->f_mapping, 0, 0, 1);
	mvgpu_sw_vram_free_pages(vram);
	mutex_unlock(&vram->lock);
}

/* Back page @idx: waiting for memory if it must, or -EAGAIN if @nowait. */
static struct page *mvgpu_sw_vram_back(struct mvgpu_bvram *vram,
				       unsigned long idx, bool nowait)
{
	struct page *page, *old;
	int err = nowait ? -EAGAIN : -ENOMEM;

	if (nowait && mvgpu_fail_nowait())
		return ERR_PTR(err);
	page = alloc_page(nowait ? MVGPU_SW_VRAM_GFP_NOWAIT : MVGPU_SW_VRAM_GFP);
	if (!page)
		return ERR_PTR(err);
	if (!mvgpu_charge_room(page, !nowait)) {
		/* With @nowait the worker's try gives the final answer. */
		put_page(page);
		return ERR_PTR(err);
	}
	old = xa_cmpxchg(&vram->pages, idx, NULL, page,
			 nowait ? GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN :
			 GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (old) {
		/* Someone else backed it first, or no memory for the node. */
		put_page(page);
		return xa_is_err(old) ? ERR_PTR(err) : old;
	}
	atomic_long_inc(&vram->backed);
	return page;
}

/**
 * mvgpu_sw_vram_page() - the host page behind a VRAM offset, for an engine
 * @vram: the block
 * @off: byte offset in the block
 * @alloc: back the page if it is not yet (for a write); charged to the
 *	memory cgroup the caller has made active
 *
 * Lock-free: concurrent callers that back the same page agree on one.  No
 * reference: the page stays until the next scrub, and no context of the
 * vGPU runs across one.
 *
 * Context: process context; may sleep if @alloc.
 * Return: the page; NULL if not backed and !@alloc (it reads as zero);
 * ERR_PTR(-EINVAL) for an offset outside the block, ERR_PTR(-ENOMEM) if no
 * page could be had (host memory or the memory cgroup's limit).
 */
struct page *mvgpu_sw_vram_page(struct mvgpu_bvram *vram, u64 off, bool alloc)
{
	struct page *page;

	if (off >= vram->size)
		return ERR_PTR(-EINVAL);
	page = xa_load(&vram->pages, off >> PAGE_SHIFT);
	if (page || !alloc)
		return page;
	return mvgpu_sw_vram_back(vram, off >> PAGE_SHIFT, false);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_sw_vram_page);

/**
 * mvgpu_sw_vram_page_nowait() - mvgpu_sw_vram_page() for an engine's write
 * @vram: the block
 * @off: byte offset in the block
 *
 * Backs an unbacked page only if memory is to be had without waiting:
 * an engine is shared, and one tenant's memory pressure (reclaim, its
 * memory cgroup's throttling) must not hold it.
 *
 * Context: any; does not sleep.
 * Return: the page; ERR_PTR(-EAGAIN) if it needs memory that is not free
 * now (mvgpu_sw_vram_page() gets it where waiting is fine);
 * ERR_PTR(-EINVAL) for an offset outside the block.
 */
struct page *mvgpu_sw_vram_page_nowait(struct mvgpu_bvram *vram, u64 off)
{
	struct page *page;

	if (off >= vram->size)
		return ERR_PTR(-EINVAL);
	page = xa_load(&vram->pages, off >> PAGE_SHIFT);
	return page ?: mvgpu_sw_vram_back(vram, off >> PAGE_SHIFT, true);
}

/* The page at @idx with a reference, backed if @alloc, charged to the owner. */
static struct page *mvgpu_vram_get_page_locked(struct mvgpu_bvram *vram,
					       unsigned long idx, bool alloc)
{
	struct mem_cgroup *old = set_active_memcg(vram->memcg);
	struct page *page;

	lockdep_assert_held(&vram->lock);
	page = mvgpu_sw_vram_page(vram, (u64)idx << PAGE_SHIFT, alloc);
	set_active_memcg(old);
	if (!IS_ERR_OR_NULL(page))
		get_page(page);
	return page;
}

/**
 * mvgpu_sw_vram_rw() - &mvgpu_backend_ops.vram_rw: pread()/pwrite()
 * @vram: the block
 * @off: byte offset in the aperture
 * @buf: user buffer
 * @len: bytes
 * @write: copy from @buf into VRAM, else from VRAM into @buf
 *
 * Context: process context.
 * Return: bytes copied, or -EINVAL if the range leaves the aperture,
 * -EFAULT for a bad buffer, -ENOMEM if a page could not be backed.
 */
ssize_t mvgpu_sw_vram_rw(struct mvgpu_bvram *vram, u64 off, char __user *buf,
			 size_t len, bool write)
{
	size_t done = 0;

	if (off >= vram->size || len > vram->size - off)
		return -EINVAL;

	while (done < len) {
		unsigned int pg_off = offset_in_page(off);
		size_t n = min_t(size_t, len - done, PAGE_SIZE - pg_off);
		struct page *page;
		unsigned long left;
		void *va;

		mutex_lock(&vram->lock);
		page = mvgpu_vram_get_page_locked(vram, off >> PAGE_SHIFT, write);
		mutex_unlock(&vram->lock);
		if (IS_ERR(page))
			return done ?: PTR_ERR(page);

		if (!page) {
			left = clear_user(buf + done, n);
		} else {
			va = kmap_local_page(page);
			if (write)
				left = copy_from_user(va + pg_off, buf + done, n);
			else
				left = copy_to_user(buf + done, va + pg_off, n);
			kunmap_local(va);
			put_page(page);
		}
		if (left)
			return done ?: -EFAULT;
		done += n;
		off += n;
	}
	return done;
}

static vm_fault_t mvgpu_vram_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mvgpu_bvram *vram = vma->vm_file->private_data;
	unsigned long idx = vmf->pgoff;
	struct page *page;
	vm_fault_t ret;

	if (idx >= vram->size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	mutex_lock(&vram->lock);
	page = mvgpu_vram_get_page_locked(vram, idx, true);
	if (IS_ERR(page)) {
		/* The owner's memory limit, or the host's: no OOM killer. */
		ret = VM_FAULT_SIGBUS;
	} else {
		ret = vmf_insert_pfn(vma, vmf->address, page_to_pfn(page));
		put_page(page);
	}
	mutex_unlock(&vram->lock);
	return ret;
}

/* A mapping keeps the VFIO device file it came from (vm_private_data). */
static void mvgpu_vram_vm_open(struct vm_area_struct *vma)
{
	get_file(vma->vm_private_data);
}

static void mvgpu_vram_vm_close(struct vm_area_struct *vma)
{
	fput(vma->vm_private_data);
}

static const struct vm_operations_struct mvgpu_vram_vm_ops = {
	.open = mvgpu_vram_vm_open,
	.close = mvgpu_vram_vm_close,
	.fault = mvgpu_vram_fault,
};

/**
 * mvgpu_sw_vram_mmap() - &mvgpu_backend_ops.vram_mmap
 * @vram: the block
 * @vma: the new mapping of the VFIO device file; its file offset, relative
 *	to the block's start, must fall inside the block
 *
 * Moves the mapping to the aperture's own file; see DOC: VRAM aperture.
 *
 * Context: process context, mmap_lock held for writing.
 * Return: 0, -EINVAL for a private mapping or a range outside the
 * aperture, -ENODEV if the vGPU is not open.
 */
int mvgpu_sw_vram_mmap(struct mvgpu_bvram *vram, struct vm_area_struct *vma)
{
	unsigned long npages = vram->size >> PAGE_SHIFT;
	unsigned long first = vma->vm_pgoff;
	int ret = 0;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (first >= npages || vma_pages(vma) > npages - first)
		return -EINVAL;

	mutex_lock(&vram->lock);
	if (!vram->file) {
		ret = -ENODEV;
		goto out_unlock;
	}
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &mvgpu_vram_vm_ops;
	vma->vm_private_data = get_file(vma->vm_file);
	vma_set_file(vma, vram->file);
out_unlock:
	mutex_unlock(&vram->lock);
	return ret;
}

/**
 * mvgpu_sw_vram_backed() - &mvgpu_backend_ops.vram_backed
 * @vram: the block
 *
 * Context: any.
 * Return: bytes of VRAM backed by host pages.
 */
u64 mvgpu_sw_vram_backed(struct mvgpu_bvram *vram)
{
	return (u64)atomic_long_read(&vram->backed) << PAGE_SHIFT;
}

/**
 * mvgpu_sw_vram_next_backed() - &mvgpu_backend_ops.vram_next_backed
 * @vram: the block
 * @off: where to look from, 4 KiB aligned
 *
 * Context: any.
 * Return: the offset of the first backed page at or after @off, or
 * U64_MAX.
 */
u64 mvgpu_sw_vram_next_backed(struct mvgpu_bvram *vram, u64 off)
{
	unsigned long idx = off >> PAGE_SHIFT;

	if (off >= vram->size ||
	    !xa_find(&vram->pages, &idx, (vram->size >> PAGE_SHIFT) - 1,
		     XA_PRESENT))
		return U64_MAX;
	return (u64)idx << PAGE_SHIFT;
}

/**
 * mvgpu_sw_vram_page_read() - &mvgpu_backend_ops.vram_page_read
 * @vram: the block
 * @off: the page, aligned
 * @buf: a page of kernel memory
 *
 * Context: process context; takes vram->lock.
 * Return: 0, or -EINVAL for an offset outside the block.
 */
int mvgpu_sw_vram_page_read(struct mvgpu_bvram *vram, u64 off, void *buf)
{
	struct page *page;
	void *va;

	if (off >= vram->size || !PAGE_ALIGNED(off))
		return -EINVAL;
	mutex_lock(&vram->lock);
	page = xa_load(&vram->pages, off >> PAGE_SHIFT);
	if (page) {
		va = kmap_local_page(page);
		copy_page(buf, va);
		kunmap_local(va);
	} else {
		clear_page(buf);
	}
	mutex_unlock(&vram->lock);
	return 0;
}

/**
 * mvgpu_sw_vram_page_write() - &mvgpu_backend_ops.vram_page_write
 * @vram: the block, open
 * @off: the page, aligned
 * @buf: a page of kernel memory
 *
 * A page backed here is filled before it becomes visible, so it needs no
 * zeroing first.
 *
 * Context: process context; takes vram->lock.
 * Return: 0, -EINVAL for an offset outside the block, -ENOMEM.
 */
int mvgpu_sw_vram_page_write(struct mvgpu_bvram *vram, u64 off,
			     const void *buf)
{
	unsigned long idx = off >> PAGE_SHIFT;
	struct page *page, *old;
	struct mem_cgroup *memcg;
	int ret = 0;
	void *va;

	if (off >= vram->size || !PAGE_ALIGNED(off))
		return -EINVAL;
	mutex_lock(&vram->lock);
	page = xa_load(&vram->pages, idx);
	if (!page) {
		memcg = set_active_memcg(vram->memcg);
		page = alloc_page(MVGPU_SW_VRAM_GFP & ~__GFP_ZERO);
		if (page && !mvgpu_charge_room(page, true)) {
			put_page(page);
			page = NULL;
		}
		if (page) {
			va = kmap_local_page(page);
			copy_page(va, (void *)buf);
			kunmap_local(va);
			old = xa_cmpxchg(&vram->pages, idx, NULL, page,
					 GFP_KERNEL_ACCOUNT | __GFP_NOWARN |
					 __GFP_RETRY_MAYFAIL);
			if (!old) {
				atomic_long_inc(&vram->backed);
				page = NULL;	/* written and in place */
			} else {
				put_page(page);
				page = xa_is_err(old) ? NULL : old;
				ret = xa_is_err(old) ? -ENOMEM : 0;
			}
		} else {
			ret = -ENOMEM;
		}
		set_active_memcg(memcg);
	}
	if (page) {
		va = kmap_local_page(page);
		copy_page(va, (void *)buf);
		kunmap_local(va);
	}
	mutex_unlock(&vram->lock);
	return ret;
}
