/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mvgpu_drm: the device and the open file, what every part of the driver
 * shares.  Each part's own objects are in its header.
 */
#ifndef MVGPU_DRV_H
#define MVGPU_DRV_H

#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <drm/drm_device.h>
#include <drm/drm_mm.h>

#include "mvgpu.h"

#define MVGPU_DRV_NAME		"mvgpu"

struct mvgpu_ctx;

/**
 * struct mvgpu_kring - context 0's ring, the driver's own
 * @lock: one batch at a time: the ring is empty when a batch starts
 * @ring: the CPU's view of the ring in VRAM
 * @ring_off: VRAM offset of the ring, which is its context-0 GPU VA
 * @size: ring bytes
 * @tail: offset of the next command. Protected by @lock.
 * @fence_off: VRAM offset of the u64 the batches' FENCEs write
 * @fence_value: the value the last batch's FENCE writes. Protected by @lock.
 * @wq: woken by the interrupt handler on context 0's FENCE or ERROR
 * @error: set by the interrupt handler when context 0 faulted
 * @busy: a batch is in flight: the interrupt handler's hint that context
 *	0's causes may be pending (mvgpu_irq()). Written under @lock.
 *
 * Context 0 is the kernel's: only the driver puts commands in its ring and
 * no other context can reach its memory, so the value its FENCE writes to
 * VRAM can be trusted, unlike a user context's.
 */
struct mvgpu_kring {
	struct mutex lock;		/* one batch at a time */
	void __iomem *ring;
	u64 ring_off;
	u32 size;
	u32 tail;
	u64 fence_off;
	u64 fence_value;
	wait_queue_head_t wq;
	atomic_t error;
	bool busy;
};

/**
 * struct mvgpu_device - one vGPU bound by the driver
 * @drm: the DRM device (its render node)
 * @pdev: the PCI function
 * @regs: BAR0, the register file
 * @vram: BAR2 mapped write-combined, for the kernel's own writes
 * @vram_phys: BAR2's bus address, for user mappings
 * @vram_size: bytes of VRAM
 * @version: the VERSION register
 * @caps: the CAPS register
 * @num_contexts: NUM_CONTEXTS, 0 if the device has no contexts
 * @kring: context 0's ring
 * @vram_lock: protects @vram_mm and @vram_used
 * @vram_mm: VRAM allocations, in bytes. Protected by @vram_lock.
 * @vram_used: bytes allocated. Protected by @vram_lock.
 * @ctx_lock: protects @ctxs (taken in the interrupt handler)
 * @ctxs: the live contexts by number, for the interrupt handler.
 *	Protected by @ctx_lock.
 * @ctx_ida: context numbers in use
 * @ctx_list_lock: protects @ctx_list
 * @ctx_list: every context with a device context, for a whole-vGPU reset.
 *	Protected by @ctx_list_lock.
 * @files_lock: protects @files and @files_charged
 * @files: the open files charged a context (struct mvgpu_file.link).
 *	Protected by @files_lock.
 * @files_charged: how many. Protected by @files_lock.
 * @ctx_leaked: contexts whose CTX_DESTROY failed, never freed
 * @reset_wq: ordered: every context's recovery and the whole-vGPU reset run
 *	here, one at a time (the schedulers' timeout_wq)
 * @vram_lost: resets that lost VRAM since probe
 * @fail_unmap: debugfs mvgpu_fail_unmap: buffer UNMAPs still to fail
 * @irq: the Linux interrupt number
 * @int_mask: the causes enabled in INT_MASK (mvgpu_hw_enable_irqs())
 * @irq_passes: passes over CTX_PENDING in the hard interrupt before the
 *	rest goes to the interrupt's thread (debugfs mvgpu_irq_passes, at
 *	most 2 x %MVGPU_CTX_MAX counted; 0 sends every MVGPU_INT_CONTEXT
 *	there, for tests)
 * @irq_deferred: bit 0 set while the interrupt's thread owns the contexts
 *	(mvgpu_irq(), mvgpu_irq_thread())
 * @irq_stop: set by mvgpu_hw_fini(): the thread stops and leaves INT_MASK
 * @irq_threaded: interrupts the thread finished (mvgpu_irq_thread())
 * @wd_signalled: hardware fences the watchdog signalled, not the interrupt
 * @raw_rtt_n: debugfs mvgpu_raw_rtt: round trips of the last run
 * @raw_rtt_median_ns: their median
 * @raw_rtt_mean_ns: their mean
 */
struct mvgpu_device {
	struct drm_device drm;
	struct pci_dev *pdev;
	void __iomem *regs;
	void __iomem *vram;
	resource_size_t vram_phys;
	u64 vram_size;
	u32 version;
	u32 caps;
	u32 num_contexts;
	struct mvgpu_kring kring;

	struct mutex vram_lock;		/* vram_mm, vram_used */
	struct drm_mm vram_mm;
	u64 vram_used;

	spinlock_t ctx_lock;		/* ctxs, IRQ-safe */
	struct mvgpu_ctx *ctxs[MVGPU_CTX_MAX];
	struct ida ctx_ida;
	struct mutex ctx_list_lock;	/* ctx_list */
	struct list_head ctx_list;
	struct mutex files_lock;	/* files, files_charged */
	struct list_head files;
	unsigned int files_charged;
	atomic_t ctx_leaked;

	struct workqueue_struct *reset_wq;
	atomic_t vram_lost;
	atomic_t fail_unmap;
	int irq;
	u32 int_mask;
	u32 irq_passes;
	unsigned long irq_deferred;
	bool irq_stop;
	atomic_t irq_threaded;
	atomic_t wd_signalled;
	unsigned int raw_rtt_n;
	u64 raw_rtt_median_ns;
	u64 raw_rtt_mean_ns;
};

/**
 * struct mvgpu_file - an open render node
 * @mdev: the device
 * @ctx: its device context, or NULL on a device without contexts
 * @uid: the user charged for its context: the opener's euid, or in a user
 *	namespace the owner of the outermost one ("Contexts per user")
 * @link: in &mvgpu_device.files while charged
 * @charged: it holds a share of its uid's contexts (mvgpu_file.c)
 */
struct mvgpu_file {
	struct mvgpu_device *mdev;
	struct mvgpu_ctx *ctx;
	kuid_t uid;
	struct list_head link;
	bool charged;
};

static inline struct mvgpu_device *to_mvgpu(struct drm_device *drm)
{
	return container_of(drm, struct mvgpu_device, drm);
}

static inline bool mvgpu_has_contexts(const struct mvgpu_device *mdev)
{
	return mdev->num_contexts != 0;
}

/* Module parameters (mvgpu_drv.c) */
extern unsigned int mvgpu_ring_kib;
extern unsigned int mvgpu_job_timeout_ms;
extern unsigned int mvgpu_stall_timeout_ms;
extern unsigned int mvgpu_max_ctx_per_uid;

#endif /* MVGPU_DRV_H */
