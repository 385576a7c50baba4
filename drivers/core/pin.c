// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory for the GPU: pinning through VFIO, and letting go.
 */

#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include <mvgpu/ctx.h>

#include "mm/aspace.h"

/**
 * DOC: Guest memory
 *
 * A MAP of guest memory (MVGPU_MAP_SYSMEM) names IOVAs of the VM's VFIO
 * container.  Before the GPU page table maps them, every page is pinned
 * with vfio_pin_pages(), which checks the IOVA against the VM's DMA
 * mappings and the permission they grant, faults the page in if it must
 * (which may wait: a page of a file on a hung mount waits with it) and
 * holds it; the engine then reaches only pinned pages, through the kernel's
 * mapping of them, and never faults anything in.  Pinning runs in a
 * worker on the vGPU's behalf, never on an engine thread: the vGPU's
 * context waits meanwhile, as in a WAIT, and the engine runs others.
 *
 * Each pinned page is pinned once (struct mvgpu_pin, in the address
 * space's @pins) however many page-table entries map it; a page no entry
 * maps any more is unpinned soon after, and always before VFIO's dma_unmap
 * returns for its IOVA, before a reset or close returns, and before the
 * vGPU is gone.  A vGPU may have at most its VRAM size of guest memory
 * pinned, so a tenant cannot pin the VM's memory without bound; VFIO also
 * counts it against the VMM's RLIMIT_MEMLOCK.
 *
 * Locking: the address space's @pin_lock serialises everything that pins
 * or unpins; its @lock covers the references and the removal of entries,
 * which a backend may look up at any time without a lock; an entry is
 * freed only after the backend said that nothing that could have found it
 * still runs (&mvgpu_backend_ops.ctx_flush).  VFIO calls dma_unmap with
 * its device-list lock held, and vfio_pin_pages() takes the container's
 * lock, so: VFIO device list -> @pin_lock -> VFIO container.  (6.1's type1
 * itself nests the device list inside the container lock when a device
 * opens, so this order closes a cycle, as every pinning driver's unpin in
 * dma_unmap does; Documentation/testing.rst.)
 */

/* Charged to the VM, and failing at its limit rather than calling the OOM killer. */
#define MVGPU_PIN_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

static int mvgpu_pin_vfio(struct vfio_device *vdev, u64 iova, int n,
			  bool write, struct page **pages)
{
	int prot = IOMMU_READ | (write ? IOMMU_WRITE : 0);
	int ret = vfio_pin_pages(vdev, iova, n, prot, pages);

	if (ret >= 0 && ret != n) {	/* type1 pins all or nothing */
		if (ret)
			vfio_unpin_pages(vdev, iova, ret);
		ret = -EFAULT;
	}
	return ret < 0 ? ret : 0;
}

/* A new entry for a page vfio_pin_pages() gave us, idle until mapped. */
static int mvgpu_pin_add(struct mvgpu_aspace *as, u64 iova, struct page *page,
			 bool write)
{
	struct mvgpu_pin *pin = kmalloc(sizeof(*pin), MVGPU_PIN_GFP);
	unsigned long idx = iova >> PAGE_SHIFT;
	int ret;

	if (!pin)
		return -ENOMEM;
	pin->page = page;
	pin->refs = 0;
	pin->vfio_refs = 1;
	pin->write = write;
	ret = xa_insert(&as->pins, idx, pin, MVGPU_PIN_GFP);
	if (ret) {
		kfree(pin);
		return ret;
	}
	xa_set_mark(&as->pins, idx, MVGPU_PIN_IDLE);
	as->nr_pins++;
	return 0;
}

/* Pin @n absent pages from @iova (n <= VFIO_PIN_PAGES_MAX_ENTRIES). */
static int mvgpu_pin_run(struct mvgpu_aspace *as, struct vfio_device *vdev,
			 u64 iova, int n, bool write)
{
	struct page **pages;
	int i, ret;

	if (as->nr_pins + n > as->max_pins)
		return -ENOSPC;
	pages = kmalloc_array(n, sizeof(*pages), MVGPU_PIN_GFP);
	if (!pages)
		return -ENOMEM;
	ret = mvgpu_pin_vfio(vdev, iova, n, write, pages);
	for (i = 0; !ret && i < n; i++) {
		ret = mvgpu_pin_add(as, iova + (u64)i * PAGE_SIZE, pages[i], write);
		if (ret)	/* the rest were never entered: undo them */
			vfio_unpin_pages(vdev, iova + (u64)i * PAGE_SIZE, n - i);
	}
	kfree(pages);
	return ret;
}

/**
 * mvgpu_pin_get() - make sure a range of guest memory is pinned
 * @as: the address space; the caller holds its @pin_lock
 * @vdev: the VFIO device whose container's mappings to pin
 * @iova: first byte, page aligned
 * @size: bytes, a multiple of the page size
 * @write: the GPU will write to it
 *
 * Pages pinned here are idle until mvgpu_aspace_map_sysmem() maps them,
 * and are unpinned by mvgpu_pin_release() otherwise, also on error.
 *
 * Context: process context, never an engine: may wait for the VM's memory.
 * Return: 0; -ENOSPC over the pinned-memory limit; what vfio_pin_pages()
 * says: -EINVAL for an IOVA the VM has not mapped for DMA, -EPERM for a
 * write to a read-only mapping, -EFAULT or -ENOMEM if the page could not be
 * had; -ENOMEM.
 */
int mvgpu_pin_get(struct mvgpu_aspace *as, struct vfio_device *vdev, u64 iova,
		  u64 size, bool write)
{
	u64 end = iova + size;
	int ret = 0;

	lockdep_assert_held(&as->pin_lock);
	while (iova < end && !ret) {
		struct mvgpu_pin *pin = xa_load(&as->pins, iova >> PAGE_SHIFT);
		struct page *page;
		int n = 0;

		if (pin) {
			/* A read-only pin must allow writes now: pin again. */
			if (write && !pin->write) {
				ret = mvgpu_pin_vfio(vdev, iova, 1, true, &page);
				if (!ret) {
					pin->vfio_refs++;
					pin->write = true;
				}
			}
			iova += PAGE_SIZE;
			continue;
		}
		/* A run of absent pages, pinned with one call. */
		while (iova + (u64)n * PAGE_SIZE < end &&
		       n < VFIO_PIN_PAGES_MAX_ENTRIES &&
		       !xa_load(&as->pins, (iova >> PAGE_SHIFT) + n))
			n++;
		ret = mvgpu_pin_run(as, vdev, iova, n, write);
		iova += (u64)n * PAGE_SIZE;
		cond_resched();
	}
	return ret;
}

/**
 * mvgpu_pin_release() - unpin the idle pages of a range
 * @as: the address space; the caller holds its @pin_lock and has made
 *	sure nothing that could have reached these pages still runs
 * @vdev: the VFIO device they were pinned through
 * @iova: first byte
 * @size: bytes (U64_MAX - @iova: all)
 *
 * Context: process context, never an engine (VFIO takes its container's
 * lock to unpin).
 */
void mvgpu_pin_release(struct mvgpu_aspace *as, struct vfio_device *vdev,
		       u64 iova, u64 size)
{
	unsigned long idx = iova >> PAGE_SHIFT;
	unsigned long last = (iova + size - 1) >> PAGE_SHIFT;
	struct mvgpu_pin *pin;

	lockdep_assert_held(&as->pin_lock);
	for (;;) {
		mutex_lock(&as->lock);
		pin = xa_find(&as->pins, &idx, last, MVGPU_PIN_IDLE);
		if (pin && !pin->refs)
			xa_erase(&as->pins, idx);
		mutex_unlock(&as->lock);
		if (!pin)
			break;
		if (!pin->refs) {
			while (pin->vfio_refs--)
				vfio_unpin_pages(vdev, (u64)idx << PAGE_SHIFT, 1);
			kfree(pin);
			as->nr_pins--;
		}
		if (idx == last)
			break;
		idx++;
		cond_resched();
	}
}
