/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MVGPU_PIN_H_
#define _MVGPU_PIN_H_

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct page;
struct vfio_device;

/**
 * struct mvgpu_pin - one pinned page of guest memory
 * @page: the host page
 * @refs: pages of GPU page-table entries that map it; protected by the
 *	owner's page-table lock
 * @vfio_refs: vfio_pin_pages() calls to undo with vfio_unpin_pages()
 * @write: pinned for writing
 */
struct mvgpu_pin {
	struct page *page;
	unsigned int refs;
	unsigned int vfio_refs;
	bool write;
};

/**
 * struct mvgpu_pins - the guest memory one vGPU has pinned
 * @vdev: the VFIO device whose container's mappings are pinned
 * @lock: serialises pinning and unpinning (held across vfio_pin_pages(),
 *	which may wait for the VM's memory); never taken by an engine
 * @map: IOVA page number -> struct mvgpu_pin.  Lookups are lock-free
 *	(RCU); entries are added under @lock, and removed under @lock and
 *	the owner's page-table lock.  MVGPU_PIN_IDLE marks entries no page
 *	table entry maps any more (@refs 0), to be unpinned.
 * @nr: entries in @map; protected by @lock
 * @max: most entries allowed (the vGPU's pinned-memory limit, in pages)
 */
struct mvgpu_pins {
	struct vfio_device *vdev;
	struct mutex lock;	/* see @lock above */
	struct xarray map;
	unsigned long nr;
	unsigned long max;
};

#define MVGPU_PIN_IDLE	XA_MARK_0

void mvgpu_pins_init(struct mvgpu_pins *p, struct vfio_device *vdev,
		     unsigned long max);
void mvgpu_pins_fini(struct mvgpu_pins *p);
int mvgpu_pins_get(struct mvgpu_pins *p, u64 iova, u64 size, bool write);
void mvgpu_pins_ref(struct mvgpu_pins *p, u64 iova, u64 size);
void mvgpu_pins_put(void *pins, u64 iova, u64 size);
bool mvgpu_pins_idle(struct mvgpu_pins *p);
void mvgpu_pins_release(struct mvgpu_pins *p, struct mutex *gpt_lock,
			u64 iova, u64 size);

/**
 * mvgpu_pins_page() - the pinned page of a guest IOVA, for the engine
 * @p: the pins
 * @iova: any byte of the page
 *
 * Context: any; the caller reached @iova through a page-table entry that
 * maps it, during a step (so the pin cannot go meanwhile).
 * Return: the page, or NULL if it is not pinned.
 */
static inline struct page *mvgpu_pins_page(struct mvgpu_pins *p, u64 iova)
{
	struct mvgpu_pin *pin = xa_load(&p->map, iova >> PAGE_SHIFT);

	return pin ? pin->page : NULL;
}

#endif /* _MVGPU_PIN_H_ */
