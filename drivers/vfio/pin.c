// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory for the GPU: pinning through VFIO, and letting go.
 */

#include <kunit/visibility.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include "pin.h"

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
 * Each pinned page is pinned once (struct mvgpu_pin) however many page
 * table entries map it; @refs counts them, and a page no entry maps any
 * more is unpinned soon after, and always before VFIO's dma_unmap returns
 * for its IOVA, before a reset or close returns, and before the vGPU is
 * gone.  A vGPU may have at most @max pages pinned (its VRAM size in
 * guest memory), so a tenant cannot pin the VM's memory without bound;
 * VFIO also counts them against the VMM's RLIMIT_MEMLOCK.
 *
 * Locking: @lock serialises everything that pins or unpins.  The owner's
 * page-table lock (struct mvgpu_ctx @gpt_lock) covers @refs and the
 * removal of entries, which the engine may look up at any time without a
 * lock; an entry is freed only after the owner made sure no engine step
 * that could have found it is still running.  Order: @lock -> page-table
 * lock; VFIO calls dma_unmap with its device-list lock held, and
 * vfio_pin_pages() takes the container's lock, so: VFIO device list ->
 * @lock -> VFIO container.
 */

/**
 * mvgpu_pins_init() - nothing pinned
 * @p: the pins
 * @vdev: the VFIO device to pin through
 * @max: most pages that may be pinned at once
 *
 * Context: any.
 */
void mvgpu_pins_init(struct mvgpu_pins *p, struct vfio_device *vdev,
		     unsigned long max)
{
	p->vdev = vdev;
	mutex_init(&p->lock);
	xa_init(&p->map);
	p->nr = 0;
	p->max = max;
}
EXPORT_SYMBOL_IF_KUNIT(mvgpu_pins_init);

/**
 * mvgpu_pins_fini() - tear down
 * @p: the pins, all released
 *
 * Context: process context.
 */
void mvgpu_pins_fini(struct mvgpu_pins *p)
{
	WARN_ON_ONCE(p->nr || !xa_empty(&p->map));
	xa_destroy(&p->map);
	mutex_destroy(&p->lock);
}

static int mvgpu_pins_vfio(struct mvgpu_pins *p, u64 iova, int n, bool write,
			   struct page **pages)
{
	int prot = IOMMU_READ | (write ? IOMMU_WRITE : 0);
	int ret = vfio_pin_pages(p->vdev, iova, n, prot, pages);

	if (ret >= 0 && ret != n) {	/* type1 pins all or nothing */
		if (ret)
			vfio_unpin_pages(p->vdev, iova, ret);
		ret = -EFAULT;
	}
	return ret < 0 ? ret : 0;
}

/* A new entry for a page vfio_pin_pages() gave us, idle until mapped. */
static int mvgpu_pins_add(struct mvgpu_pins *p, u64 iova, struct page *page,
			  bool write)
{
	struct mvgpu_pin *pin = kmalloc(sizeof(*pin), GFP_KERNEL_ACCOUNT);
	unsigned long idx = iova >> PAGE_SHIFT;
	int ret;

	if (!pin)
		return -ENOMEM;
	pin->page = page;
	pin->refs = 0;
	pin->vfio_refs = 1;
	pin->write = write;
	ret = xa_insert(&p->map, idx, pin, GFP_KERNEL_ACCOUNT);
	if (ret) {
		kfree(pin);
		return ret;
	}
	xa_set_mark(&p->map, idx, MVGPU_PIN_IDLE);
	p->nr++;
	return 0;
}

/* Pin @n absent pages from @iova (n <= VFIO_PIN_PAGES_MAX_ENTRIES). */
static int mvgpu_pins_get_run(struct mvgpu_pins *p, u64 iova, int n,
			      bool write)
{
	struct page **pages;
	int i, ret;

	if (p->nr + n > p->max)
		return -ENOSPC;
	pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	ret = mvgpu_pins_vfio(p, iova, n, write, pages);
	for (i = 0; !ret && i < n; i++) {
		ret = mvgpu_pins_add(p, iova + (u64)i * PAGE_SIZE, pages[i],
				     write);
		if (ret)	/* the rest were never entered: undo them */
			vfio_unpin_pages(p->vdev, iova + (u64)i * PAGE_SIZE,
					 n - i);
	}
	kfree(pages);
	return ret;
}

/* An existing read-only pin must also allow writes now. */
static int mvgpu_pins_upgrade(struct mvgpu_pins *p, u64 iova,
			      struct mvgpu_pin *pin)
{
	struct page *page;
	int ret = mvgpu_pins_vfio(p, iova, 1, true, &page);

	if (ret)
		return ret;
	pin->vfio_refs++;
	pin->write = true;
	return 0;
}

/**
 * mvgpu_pins_get() - make sure a range of guest memory is pinned
 * @p: the pins; the caller holds @p->lock
 * @iova: first byte, page aligned
 * @size: bytes, a multiple of the page size
 * @write: the GPU will write to it
 *
 * Pages pinned here are idle until mvgpu_pins_ref() (the caller maps them)
 * and are unpinned by mvgpu_pins_release() otherwise, also on error.
 *
 * Context: process context, never an engine: may wait for the VM's memory.
 * Return: 0; -ENOSPC over the pinned-memory limit; what vfio_pin_pages()
 * says: -EINVAL for an IOVA the VM has not mapped for DMA, -EPERM for a
 * write to a read-only mapping, -EFAULT or -ENOMEM if the page could not be
 * had; -ENOMEM.
 */
int mvgpu_pins_get(struct mvgpu_pins *p, u64 iova, u64 size, bool write)
{
	u64 end = iova + size;
	int ret = 0;

	lockdep_assert_held(&p->lock);
	while (iova < end && !ret) {
		struct mvgpu_pin *pin = xa_load(&p->map, iova >> PAGE_SHIFT);
		int n = 0;

		if (pin) {
			if (write && !pin->write)
				ret = mvgpu_pins_upgrade(p, iova, pin);
			iova += PAGE_SIZE;
			continue;
		}
		/* A run of absent pages, pinned with one call. */
		while (iova + (u64)n * PAGE_SIZE < end &&
		       n < VFIO_PIN_PAGES_MAX_ENTRIES &&
		       !xa_load(&p->map, (iova >> PAGE_SHIFT) + n))
			n++;
		ret = mvgpu_pins_get_run(p, iova, n, write);
		iova += (u64)n * PAGE_SIZE;
		cond_resched();
	}
	return ret;
}

/**
 * mvgpu_pins_ref() - page-table entries now map a pinned range
 * @p: the pins
 * @iova: first byte, page aligned
 * @size: bytes; every page pinned by mvgpu_pins_get()
 *
 * Context: the caller holds @p->lock and the owner's page-table lock.
 */
void mvgpu_pins_ref(struct mvgpu_pins *p, u64 iova, u64 size)
{
	unsigned long idx, last = (iova + size - 1) >> PAGE_SHIFT;

	lockdep_assert_held(&p->lock);
	for (idx = iova >> PAGE_SHIFT; idx <= last; idx++) {
		struct mvgpu_pin *pin = xa_load(&p->map, idx);

		if (WARN_ON_ONCE(!pin))
			continue;
		if (!pin->refs++)
			xa_clear_mark(&p->map, idx, MVGPU_PIN_IDLE);
	}
}

/**
 * mvgpu_pins_put() - page-table entries no longer map a range
 * @pins: the pins (struct mvgpu_gpt's put_sysmem callback)
 * @iova: first byte, page aligned
 * @size: bytes
 *
 * Pages nobody maps become idle; mvgpu_pins_release() unpins them.
 *
 * Context: any; the caller holds the owner's page-table lock.
 */
void mvgpu_pins_put(void *pins, u64 iova, u64 size)
{
	struct mvgpu_pins *p = pins;
	unsigned long idx, last = (iova + size - 1) >> PAGE_SHIFT;

	for (idx = iova >> PAGE_SHIFT; idx <= last; idx++) {
		struct mvgpu_pin *pin = xa_load(&p->map, idx);

		if (WARN_ON_ONCE(!pin || !pin->refs))
			continue;
		if (!--pin->refs)
			xa_set_mark(&p->map, idx, MVGPU_PIN_IDLE);
	}
}

/**
 * mvgpu_pins_idle() - are there pinned pages nothing maps?
 * @p: the pins
 *
 * Context: any.
 * Return: true if mvgpu_pins_release() has work.
 */
bool mvgpu_pins_idle(struct mvgpu_pins *p)
{
	return xa_marked(&p->map, MVGPU_PIN_IDLE);
}

/**
 * mvgpu_pins_release() - unpin the idle pages of a range
 * @p: the pins; the caller holds @p->lock
 * @gpt_lock: the owner's page-table lock, taken here to remove entries
 * @iova: first byte
 * @size: bytes (U64_MAX - @iova: all)
 *
 * The caller has made sure that no engine step that could have reached
 * these pages still runs.
 *
 * Context: process context, never an engine (VFIO takes its container's
 * lock to unpin).
 */
void mvgpu_pins_release(struct mvgpu_pins *p, struct mutex *gpt_lock,
			u64 iova, u64 size)
{
	unsigned long idx = iova >> PAGE_SHIFT;
	unsigned long last = (iova + size - 1) >> PAGE_SHIFT;
	struct mvgpu_pin *pin;

	lockdep_assert_held(&p->lock);
	for (;;) {
		mutex_lock(gpt_lock);
		pin = xa_find(&p->map, &idx, last, MVGPU_PIN_IDLE);
		if (pin && !pin->refs)
			xa_erase(&p->map, idx);
		mutex_unlock(gpt_lock);
		if (!pin)
			break;
		if (!pin->refs) {
			while (pin->vfio_refs--)
				vfio_unpin_pages(p->vdev, (u64)idx << PAGE_SHIFT, 1);
			kfree(pin);
			p->nr--;
		}
		if (idx == last)
			break;
		idx++;
		cond_resched();
	}
}
