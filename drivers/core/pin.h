/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest memory for the GPU: what pin.c and pin_fence.c share.
 */
#ifndef MVGPU_CORE_PIN_H
#define MVGPU_CORE_PIN_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/wait.h>

struct mvgpu_aspace;
struct page;
struct vfio_device;

/* Charged to the VM, and failing at its limit rather than calling the OOM killer. */
#define MVGPU_PIN_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* How long a fence without a marker holds after its dma_unmap returns. */
#define MVGPU_PIN_FENCE_MS	10

/* The debug knobs' stalls are capped at this. */
#define MVGPU_PIN_DELAY_MAX_US	100000

/* Pins wait for fences and pins under way here; markers and unmaps wake it. */
extern wait_queue_head_t mvgpu_pin_wq;
/* Bumped before each wake-up of mvgpu_pin_wq: something may have ended. */
extern atomic_t mvgpu_pin_events;

/**
 * struct mvgpu_pin_vfio_ops - KUnit: VFIO's pinning, played for a fake
 *	device, so that the core's pinning runs without a VFIO container
 * @vdev: the fake device: pins through it come here (never dereferenced)
 * @pin: as vfio_pin_pages()
 * @unpin: as vfio_unpin_pages()
 */
struct mvgpu_pin_vfio_ops {
	struct vfio_device *vdev;
	int (*pin)(const struct mvgpu_pin_vfio_ops *ops, u64 iova, int n,
		   int prot, struct page **pages);
	void (*unpin)(const struct mvgpu_pin_vfio_ops *ops, u64 iova, int n);
};

/* KUnit only (NULL otherwise, and not built without CONFIG_KUNIT). */
extern const struct mvgpu_pin_vfio_ops *mvgpu_pin_test_vfio;

void mvgpu_pin_event(void);
u64 mvgpu_pin_fenced(struct mvgpu_aspace *as, u64 start, u64 last, u64 now);

/* Does [start, last] meet [s, l]? */
static inline bool mvgpu_pin_meets(u64 start, u64 last, u64 s, u64 l)
{
	return start <= l && s <= last;
}

/* The last byte of [iova, iova + len), len 0 taken as 1, capped at 2^64. */
static inline u64 mvgpu_pin_last(u64 iova, u64 len)
{
	u64 last = len ? iova + len - 1 : iova;

	return last < iova ? U64_MAX : last;
}

#endif /* MVGPU_CORE_PIN_H */
