// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU's VRAM aperture (BAR2): host pages, backed on first touch.
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
#include <linux/uaccess.h>

#include "vram.h"

/**
 * DOC: VRAM aperture
 *
 * The aperture is a linear window on the vGPU's VRAM in the GPU's pool
 * (DOC: VRAM pool).  A page is backed, zeroed, the first time it is written
 * through pwrite() or touched through an mmap, so a tenant never sees an
 * earlier tenant's data and an idle vGPU costs no memory.  Reads of a page
 * never touched return zeros without backing it.  Backing pages are charged
 * to the memory cgroup of the process that opened the vGPU (the VMM), even
 * when another process or the engine touches them; when that cgroup is at
 * its limit the touch fails: SIGBUS for a mapping, -ENOMEM for pwrite(),
 * MVGPU_ERR_NO_MEMORY for the engine.  Nothing calls the OOM killer.
 *
 * User mappings are VM_PFNMAP and filled by mvgpu_vram_fault().  They must
 * all live in one address space that holds nothing else, so that a reset
 * can zap exactly them: the VFIO device file's inode is shared by every
 * anonymous-inode file of the system, so mvgpu_vram_mmap() moves each new
 * mapping to a file of our own (vma_set_file(), as dma-buf does), created
 * when the vGPU is opened and dropped when it is closed.  The mapping
 * keeps a reference on the VFIO device file it was made from, so the
 * vGPU stays open, and its VRAM allocated, as long as any mapping exists.
 * mvgpu_vram_reset() zaps that address space under @lock before it frees
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

/**
 * mvgpu_vram_init() - allocate a vGPU's VRAM
 * @vram: the aperture
 * @pool: the GPU's VRAM pool
 * @size: bytes, a multiple of MVGPU_POOL_CHUNK
 * @map_pgoff: file page offset of the aperture's first byte in mmap()
 *
 * Context: process context.
 * Return: 0; -ENOSPC if the pool has not @size free; another -errno.
 */
int mvgpu_vram_init(struct mvgpu_vram *vram, struct mvgpu_pool *pool,
		    u64 size, unsigned long map_pgoff)
{
	int ret;

	ret = mvgpu_pool_alloc(pool, size, &vram->alloc);
	if (ret)
		return ret;
	mutex_init(&vram->lock);
	vram->pool = pool;
	vram->size = size;
	vram->map_pgoff = map_pgoff;
	vram->file = NULL;
	vram->memcg = NULL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vram_init);

/**
 * mvgpu_vram_fini() - free the VRAM
 * @vram: the aperture; closed
 *
 * Context: process context.
 */
void mvgpu_vram_fini(struct mvgpu_vram *vram)
{
	WARN_ON_ONCE(vram->file);
	mvgpu_pool_free(vram->pool, &vram->alloc);
	mutex_destroy(&vram->lock);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vram_fini);

/**
 * mvgpu_vram_open() - the vGPU is opened: set up the mappings' file and
 *	charge backing pages to the opener's memory cgroup
 * @vram: the aperture
 *
 * Context: process context of the opener.
 * Return: 0 or -errno.
 */
int mvgpu_vram_open(struct mvgpu_vram *vram)
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
	vram->memcg = current->mm ? get_mem_cgroup_from_mm(current->mm) : NULL;
	mutex_unlock(&vram->lock);
	return 0;

err_iput:
	iput(inode);
err_release_fs:
	simple_release_fs(&mvgpu_vram_mnt, &mvgpu_vram_mnt_count);
	return ret;
}

/**
 * mvgpu_vram_close() - the vGPU's last file and mapping are gone
 * @vram: the aperture, reset
 *
 * Context: process context.
 */
void mvgpu_vram_close(struct mvgpu_vram *vram)
{
	struct mem_cgroup *memcg;
	struct file *file;

	mutex_lock(&vram->lock);
	file = vram->file;
	memcg = vram->memcg;
	vram->file = NULL;
	WRITE_ONCE(vram->memcg, NULL);
	mutex_unlock(&vram->lock);
	mem_cgroup_put(memcg);
	if (file) {
		fput(file);
		simple_release_fs(&mvgpu_vram_mnt, &mvgpu_vram_mnt_count);
	}
}

/**
 * mvgpu_vram_reset() - zap every user mapping and free every page
 * @vram: the aperture
 *
 * Afterwards the aperture reads as zero again; mappings refault fresh pages.
 * The caller makes sure the engine does not run the vGPU meanwhile.
 *
 * Context: process context; takes vram->lock and the mappings' locks.
 */
void mvgpu_vram_reset(struct mvgpu_vram *vram)
{
	mutex_lock(&vram->lock);
	if (vram->file)
		unmap_mapping_range(vram->file->f_mapping, 0, 0, 1);
	mvgpu_pool_scrub(vram->pool, &vram->alloc);
	mutex_unlock(&vram->lock);
}

/**
 * mvgpu_vram_page() - the host page behind a VRAM offset, for the engine
 * @vram: the aperture
 * @off: byte offset in the aperture
 * @alloc: back the page if it is not yet (for a write); charged to the
 *	memory cgroup the caller has made active
 *
 * No lock and no reference: the page stays until the next reset or the
 * vGPU's release, and the engine does not run the vGPU across either.
 *
 * Context: process context; may sleep if @alloc.
 * Return: the page; NULL if not backed and !@alloc (it reads as zero);
 * ERR_PTR(-EINVAL) for an offset outside the aperture, ERR_PTR(-ENOMEM).
 */
struct page *mvgpu_vram_page(struct mvgpu_vram *vram, u64 off, bool alloc)
{
	bool new;

	return mvgpu_pool_page(vram->pool, &vram->alloc, off, alloc, &new);
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_vram_page);

/* The page at @idx with a reference, backed if @alloc, charged to the owner. */
static struct page *mvgpu_vram_get_page_locked(struct mvgpu_vram *vram,
					       unsigned long idx, bool alloc)
{
	struct mem_cgroup *old = set_active_memcg(vram->memcg);
	struct page *page;
	bool new;

	lockdep_assert_held(&vram->lock);
	page = mvgpu_pool_page(vram->pool, &vram->alloc,
			       (u64)idx << PAGE_SHIFT, alloc, &new);
	set_active_memcg(old);
	if (!IS_ERR_OR_NULL(page))
		get_page(page);
	return page;
}

/**
 * mvgpu_vram_rw() - pread()/pwrite() on the aperture
 * @vram: the aperture
 * @off: byte offset in the aperture
 * @buf: user buffer
 * @len: bytes
 * @write: copy from @buf into VRAM, else from VRAM into @buf
 *
 * Context: process context.
 * Return: bytes copied, or -EINVAL if the range leaves the aperture,
 * -EFAULT for a bad buffer, -ENOMEM if a page could not be backed.
 */
ssize_t mvgpu_vram_rw(struct mvgpu_vram *vram, u64 off, char __user *buf,
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
	struct mvgpu_vram *vram = vma->vm_file->private_data;
	unsigned long idx = vmf->pgoff - vram->map_pgoff;
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
 * mvgpu_vram_mmap() - map (part of) the aperture into user space
 * @vram: the aperture
 * @vma: the new mapping of the VFIO device file; its file offset must fall
 *	inside the aperture, which starts at file page offset vram->map_pgoff
 *
 * Moves the mapping to the aperture's own file; see DOC: VRAM aperture.
 *
 * Context: process context, mmap_lock held for writing.
 * Return: 0, -EINVAL for a private mapping or a range outside the
 * aperture, -ENODEV if the vGPU is not open.
 */
int mvgpu_vram_mmap(struct mvgpu_vram *vram, struct vm_area_struct *vma)
{
	unsigned long npages = vram->size >> PAGE_SHIFT;
	unsigned long first;
	int ret = 0;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff < vram->map_pgoff)
		return -EINVAL;
	first = vma->vm_pgoff - vram->map_pgoff;
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
 * mvgpu_vram_backed_bytes() - how much of the aperture has pages
 * @vram: the aperture
 *
 * Context: any.
 * Return: bytes of VRAM backed by host pages.
 */
u64 mvgpu_vram_backed_bytes(struct mvgpu_vram *vram)
{
	return (u64)atomic_long_read(&vram->alloc.backed) << PAGE_SHIFT;
}
