/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One vGPU: a VFIO device on an mdev of an mvgpu parent.
 */
#ifndef _MVGPU_VGPU_H_
#define _MVGPU_VGPU_H_

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>

#include <mvgpu/ctx.h>

#include "mm/pool.h"
#include "vfio/cfg_space.h"
#include "vfio/irq.h"
#include "vfio/migration.h"
#include "vfio/mmio.h"

struct kthread_worker;
struct mem_cgroup;
struct mvgpu_bvram;
struct mvgpu_dev;
struct mvgpu_type;

/* VFIO region offsets: region index in the top bits, as vfio-pci does. */
#define MVGPU_REGION_SHIFT	40
#define MVGPU_REGION_MASK	((1ULL << MVGPU_REGION_SHIFT) - 1)

/**
 * DOC: vGPU locking
 *
 * - @lock (mutex) serialises the slow paths: config space, SET_IRQS,
 *   reset, open/close.
 * - @irq_lock (spinlock, irq-safe) protects the register file and the
 *   interrupt state, which the engine also touches.
 * - the context is the GPU scheduler's (struct mvgpu_sched @lock) and its
 *   backend's; see struct mvgpu_ctx.
 *
 * - the address space has its own locks (struct mvgpu_aspace): pin_lock,
 *   taken by reset, VFIO's dma_unmap and the host worker, never by an
 *   engine, and lock, held only while the page table changes; neither is
 *   held across a call into VFIO (DOC: Guest memory).
 *
 * - @mig.lock (mutex) serialises migration state changes, VFIO resets and
 *   close (DOC: Migration); a migration data file's own lock is taken
 *   under it, and the file's reads and writes take under that only @lock
 *   (a context's image in pieces), @ctxs_lock (a page table as runs) and
 *   the backend's VRAM lock.
 *
 * Order: mig.lock -> a data file's lock -> lock -> sched.lock -> irq_lock;
 * lock -> the address space's pin_lock -> its lock.  irq_lock is
 * innermost.
 */

/**
 * struct mvgpu_vgpu - state of one vGPU
 * @vdev: the VFIO device; its refcount owns this struct
 * @mdev: the mdev it was probed on
 * @gdev: the GPU it lives on; referenced from init to release
 * @type: its vGPU type on @gdev
 * @id: small id, unique on @gdev, used in logs, traces and stats
 * @vram_size: VRAM reserved for it, in bytes
 * @lock: see DOC: vGPU locking
 * @cfg: PCI config space; protected by @lock
 * @irq_lock: see DOC: vGPU locking
 * @mmio: BAR0 registers; protected by @irq_lock
 * @irq: interrupt delivery; protected by @irq_lock (eventfds also @lock)
 * @vram: where its VRAM is in the GPU's (the core's ledger)
 * @bvram: the backend's memory behind it
 * @memcg: the memory cgroup of the process that opened it, charged for
 *	what it allocates, while it is open; written under @lock
 * @worker: while it is open, the kernel thread that does its host-side work
 *	(pinning guest memory, getting memory for its engine work), in the
 *	opener's cgroups so that its CPU time is the VM's; written under @lock
 * @resets: resets so far (device, register, close); protected by @lock
 * @open: its VFIO device is open; written under @lock
 * @vs: the scheduler's view of it (all its contexts are one entity)
 * @budget: page-table pages and pins its contexts' address spaces share
 * @num_contexts: contexts it may have (its type's), context 0 included
 * @ctxs_lock: see DOC: Contexts of a vGPU
 * @ctxs: its contexts by number (@ctxs[0] is @ctx); DOC: Contexts of a vGPU
 * @ctx: its context 0
 * @mig: its VFIO migration state
 * @debugfs: its debugfs directory, or an error pointer
 */
struct mvgpu_vgpu {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	struct mvgpu_dev *gdev;
	struct mvgpu_type *type;
	u32 id;
	u64 vram_size;

	struct mutex lock;		/* slow paths; DOC: vGPU locking */
	struct mvgpu_cfg cfg;
	spinlock_t irq_lock;		/* @mmio, @irq */
	struct mvgpu_mmio mmio;
	struct mvgpu_irq irq;
	struct mvgpu_pool_alloc vram;
	struct mvgpu_bvram *bvram;
	struct mem_cgroup *memcg;
	struct kthread_worker *worker;
	u64 resets;
	bool open;
	struct mvgpu_vsched vs;
	struct mvgpu_aspace_budget budget;
	u32 num_contexts;
	struct mutex ctxs_lock;		/* DOC: Contexts of a vGPU */
	struct mvgpu_ctx *ctxs[MVGPU_CTX_MAX];
	struct mvgpu_ctx ctx;
	struct mvgpu_mig mig;
	struct dentry *debugfs;
};

extern struct mdev_driver mvgpu_vgpu_driver;
extern const struct vfio_device_ops mvgpu_vgpu_ops;

int mvgpu_vgpu_init(struct vfio_device *vdev);
void mvgpu_vgpu_release(struct vfio_device *vdev);
void mvgpu_vgpu_reset(struct mvgpu_vgpu *vgpu, bool flr);
void mvgpu_vgpu_engine_reset(struct mvgpu_vgpu *vgpu);

void mvgpu_debugfs_init(void);
void mvgpu_debugfs_fini(void);
void mvgpu_debugfs_vgpu_init(struct mvgpu_vgpu *vgpu);
void mvgpu_debugfs_vgpu_fini(struct mvgpu_vgpu *vgpu);

#endif /* _MVGPU_VGPU_H_ */
