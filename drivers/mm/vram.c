// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU's VRAM aperture (BAR2): host pages, backed on first touch.
 */

#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/uaccess.h>

#include "vram.h"

/**
 * DOC: VRAM aperture
 *
 * The aperture is a linear window on the vGPU's VRAM in the GPU's pool
 * (DOC: VRAM pool).  A page is backed, zeroed, the first time it is written
 * through pwrite() or touched through an mmap, so a tenant never sees an
 * earlier tenant's data and an idle vGPU costs no memory.  Reads of a page
 * never touched return zeros without backing it.
 *
 * User mappings are VM_PFNMAP and filled by mvgpu_vram_fault().  Every
 * mapping of a vGPU's aperture shares one address space, that of an inode
 * of our own (the VFIO device file's inode is shared by all anonymous-inode
 * files, so zapping through it would hit everyone); mvgpu_vram_mmap() points
 * the file's f_mapping at it, the way drm_open() does for DRM devices.
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
 * Never registered, so nobody else can mount it.  No .owner: a mount would
 * then pin the module while any vGPU exists and rmmod could not remove idle
 * vGPUs; our own mount ends with the last vGPU, which module exit removes.
 */
static struct file_system_type mvgpu_vram_fs_type = {
	.name = "mvgpu_vram",
	.init_fs_context = mvgpu_vram_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static struct inode *mvgpu_vram_inode_new(void)
{
	struct inode *inode;
	int ret;

	ret = simple_pin_fs(&mvgpu_vram_fs_type, &mvgpu_vram_mnt,
			    &mvgpu_vram_mnt_count);
	if (ret)
		return ERR_PTR(ret);
	inode = alloc_anon_inode(mvgpu_vram_mnt->mnt_sb);
	if (IS_ERR(inode))
		simple_release_fs(&mvgpu_vram_mnt, &mvgpu_vram_mnt_count);
	return inode;
}

static void mvgpu_vram_inode_put(struct inode *inode)
{
	iput(inode);
	simple_release_fs(&mvgpu_vram_mnt, &mvgpu_vram_mnt_count);
}

/**
 * mvgpu_vram_init() - allocate a vGPU's VRAM and set up its aperture
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
	vram->inode = mvgpu_vram_inode_new();
	if (IS_ERR(vram->inode)) {
		mvgpu_pool_free(pool, &vram->alloc);
		return PTR_ERR(vram->inode);
	}
	mutex_init(&vram->lock);
	vram->pool = pool;
	vram->size = size;
	vram->map_pgoff = map_pgoff;
	vram->backed = 0;
	return 0;
}

static void mvgpu_vram_free_pages_locked(struct mvgpu_vram *vram)
{
	lockdep_assert_held(&vram->lock);
	mvgpu_pool_scrub(vram->pool, &vram->alloc);
	vram->backed = 0;
}

/**
 * mvgpu_vram_reset() - zap every user mapping and free every page
 * @vram: the aperture
 *
 * Afterwards the aperture reads as zero again; mappings refault fresh pages.
 *
 * Context: process context; takes vram->lock and the mappings' locks.
 */
void mvgpu_vram_reset(struct mvgpu_vram *vram)
{
	mutex_lock(&vram->lock);
	unmap_mapping_range(vram->inode->i_mapping, 0, 0, 1);
	mvgpu_vram_free_pages_locked(vram);
	mutex_unlock(&vram->lock);
}

/**
 * mvgpu_vram_fini() - free the aperture
 * @vram: the aperture; no mapping of it may remain
 *
 * Context: process context.
 */
void mvgpu_vram_fini(struct mvgpu_vram *vram)
{
	mvgpu_pool_free(vram->pool, &vram->alloc);
	vram->backed = 0;
	mutex_destroy(&vram->lock);
	mvgpu_vram_inode_put(vram->inode);
}

/* Find the page at @idx, backing it with a zeroed page if @alloc. */
static struct page *mvgpu_vram_page_locked(struct mvgpu_vram *vram,
					   unsigned long idx, bool alloc)
{
	struct page *page;
	bool new;

	lockdep_assert_held(&vram->lock);
	page = mvgpu_pool_page(vram->pool, &vram->alloc,
			       (u64)idx << PAGE_SHIFT, alloc, &new);
	if (new)
		vram->backed++;
	return page;
}

/**
 * mvgpu_vram_get_page() - the host page behind a VRAM offset, for the engine
 * @vram: the aperture
 * @off: byte offset in the aperture
 * @alloc: back the page if it is not yet (for a write)
 *
 * Context: process context.
 * Return: the page with a reference the caller drops with put_page(); NULL
 * if not backed and !@alloc (it reads as zero); ERR_PTR(-EINVAL) for an
 * offset outside the aperture, ERR_PTR(-ENOMEM).
 */
struct page *mvgpu_vram_get_page(struct mvgpu_vram *vram, u64 off, bool alloc)
{
	struct page *page;

	if (off >= vram->size)
		return ERR_PTR(-EINVAL);
	mutex_lock(&vram->lock);
	page = mvgpu_vram_page_locked(vram, off >> PAGE_SHIFT, alloc);
	if (!IS_ERR_OR_NULL(page))
		get_page(page);
	mutex_unlock(&vram->lock);
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
		page = mvgpu_vram_page_locked(vram, off >> PAGE_SHIFT, write);
		if (!IS_ERR_OR_NULL(page))
			get_page(page);
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
	struct mvgpu_vram *vram = vma->vm_private_data;
	unsigned long idx = vmf->pgoff - vram->map_pgoff;
	struct page *page;
	vm_fault_t ret;

	if (idx >= vram->size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	mutex_lock(&vram->lock);
	page = mvgpu_vram_page_locked(vram, idx, true);
	if (IS_ERR(page))
		ret = VM_FAULT_OOM;
	else
		ret = vmf_insert_pfn(vma, vmf->address, page_to_pfn(page));
	mutex_unlock(&vram->lock);
	return ret;
}

static const struct vm_operations_struct mvgpu_vram_vm_ops = {
	.fault = mvgpu_vram_fault,
};

/*
 * Link the file's mappings into our address space; see DOC: VRAM aperture.
 * mmap_region() raised i_mmap_writable on the file's old f_mapping before
 * calling us and lowers it on the (new) f_mapping after, so the first time
 * a file switches, move that pending count over, or the counts drift by one
 * per mmap and the next mmap of the vGPU fails with EPERM.
 */
static void mvgpu_vram_adopt_file(struct mvgpu_vram *vram,
				  struct vm_area_struct *vma)
{
	struct address_space *ours = vram->inode->i_mapping;
	struct file *file = vma->vm_file;
	struct address_space *old = READ_ONCE(file->f_mapping);

	if (old == ours || cmpxchg(&file->f_mapping, old, ours) != old)
		return;
	if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) ==
	    (VM_SHARED | VM_MAYWRITE)) {
		mapping_unmap_writable(old);
		atomic_inc(&ours->i_mmap_writable);
	}
}

/**
 * mvgpu_vram_mmap() - map (part of) the aperture into user space
 * @vram: the aperture
 * @vma: the new mapping; its file offset must fall inside the aperture,
 *	which starts at file page offset vram->map_pgoff
 *
 * Context: process context, mmap_lock held for writing.
 * Return: 0, or -EINVAL for a private mapping or a range outside the
 * aperture.
 */
int mvgpu_vram_mmap(struct mvgpu_vram *vram, struct vm_area_struct *vma)
{
	unsigned long npages = vram->size >> PAGE_SHIFT;
	unsigned long first;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff < vram->map_pgoff)
		return -EINVAL;
	first = vma->vm_pgoff - vram->map_pgoff;
	if (first >= npages || vma_pages(vma) > npages - first)
		return -EINVAL;

	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &mvgpu_vram_vm_ops;
	vma->vm_private_data = vram;
	mvgpu_vram_adopt_file(vram, vma);
	return 0;
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
	return (u64)READ_ONCE(vram->backed) << PAGE_SHIFT;
}
