// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration protocol v2 for a vGPU: the state machine.  Its data
 * files are mig_file.c; the stream itself is mig_stream.c (writing) and
 * mig_load.c (reading).
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/vfio.h>

#include <mvgpu/ctx.h>
#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "mig_ctx.h"
#include "mig_file.h"
#include "mig_stream.h"

/**
 * DOC: Migration
 *
 * A vGPU implements VFIO migration protocol v2 with STOP_COPY and P2P
 * (Linux 6.1 has no PRE_COPY).  Each arc vfio_mig_get_next_state() steps
 * through does one thing:
 *
 * - RUNNING -> RUNNING_P2P: the engine stops (mvgpu_ctx_freeze()).  A
 *   guest IOVA may map another device's BAR - another vGPU's aperture,
 *   even - so the vGPU cannot tell peer-to-peer DMA from the rest: it
 *   stops all of it.  Interrupts and register access go on.
 * - RUNNING_P2P -> STOP: interrupt delivery is held too.  From now on the
 *   vGPU raises no interrupt, does no DMA and changes no state of its own;
 *   register, config space and VRAM access still work (a doorbell is noted
 *   for later).
 * - STOP -> STOP_COPY: the state but VRAM - of every context (DOC:
 *   Contexts in a migration) - is captured and a data file returned;
 *   reading it streams that state, the context images too large for it in
 *   pieces, the page tables and then the backed VRAM pages, read as the
 *   file is read, until EOF.
 * - STOP_COPY -> STOP: the data file ends (further reads fail).
 * - STOP -> RESUMING: the vGPU is reset to a clean device and a data file
 *   returned; what is written to it, in any chunking, is checked as it
 *   comes (DOC: Reading a stream), VRAM pages going straight into VRAM
 *   and the pieces of context images straight to the backend.
 * - RESUMING -> STOP: the stream must be whole and right: config space
 *   must match this vGPU's in every read-only bit, context 0's page table
 *   is mapped again (guest memory pinned now, through this side's VFIO
 *   container: QEMU has made its DMA mappings by then), the backend loads
 *   its engine state, the other contexts are made again, frozen, each
 *   the same way, then registers, config space and interrupt state take
 *   effect.  Anything wrong fails the ioctl (-EINVAL, -ENOMEM, or
 *   -EINTR when the caller is killed meanwhile),
 *   logs why, resets the vGPU and leaves it in ERROR, from which
 *   VFIO_DEVICE_RESET brings it back.
 * - STOP -> RUNNING_P2P, RUNNING_P2P -> RUNNING: the reverse of the first
 *   two; held interrupts are delivered, the engine goes on where it was.
 *
 * VFIO_DEVICE_RESET in any state ends any data file, resets the vGPU and
 * returns it to RUNNING, as does closing the device.  Both take @lock, so
 * they wait for an arc in progress; a read or write of a data file holds
 * the file's I/O lock throughout and the file's lock only while it copies
 * (never while the VMM's buffer faults in); ending the file takes only the
 * latter, so no reset or close pulls VRAM out from under a read, and none
 * waits for a VMM's page fault.  Nothing here needs mtty's deferred
 * reset: no lock the reset path holds is taken under @lock.
 *
 * The data files hold no reference on the vGPU; once ended they touch
 * nothing but themselves, so they may outlive it.
 */

static const struct mvgpu_backend_ops *mvgpu_mig_be(struct mvgpu_vgpu *vgpu)
{
	return vgpu->gdev->be_ops;
}

static u64 mvgpu_mig_next_backed(void *arg, u64 off)
{
	struct mvgpu_vgpu *vgpu = arg;

	return mvgpu_mig_be(vgpu)->vram_next_backed(vgpu->bvram, off);
}

static int mvgpu_mig_page_read(void *arg, u64 off, void *buf)
{
	struct mvgpu_vgpu *vgpu = arg;

	return mvgpu_mig_be(vgpu)->vram_page_read(vgpu->bvram, off, buf);
}

static int mvgpu_mig_page_write(void *arg, u64 off, const void *buf)
{
	struct mvgpu_vgpu *vgpu = arg;

	return mvgpu_mig_be(vgpu)->vram_page_write(vgpu->bvram, off, buf);
}

static const struct mvgpu_mig_vram_ops mvgpu_mig_vram_ops = {
	.next_backed = mvgpu_mig_next_backed,
	.page_read = mvgpu_mig_page_read,
	.page_write = mvgpu_mig_page_write,
};

static void mvgpu_mig_desc(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_desc *d)
{
	d->type_divisor = vgpu->type->profile->divisor;
	d->vram_size = vgpu->vram_size;
	d->backend = mvgpu_mig_be(vgpu)->name;
	/* No table holds more runs than entries. */
	d->gpt_max = (u64)mvgpu_aspace_max_tables(vgpu->vram_size) *
		     (PAGE_SIZE / sizeof(u64));
	/* Each further context's root joins the budget while it lives. */
	d->gpt_ctx_max = MVGPU_GPT_ROOT_TABLES * (PAGE_SIZE / sizeof(u64));
	d->num_contexts = vgpu->num_contexts;
	d->vram = &mvgpu_mig_vram_ops;
	d->image_max = mvgpu_mig_be(vgpu)->ctx_image_max;
	d->image_read = mvgpu_mig_image_read;
	d->image_write = mvgpu_mig_image_write;
	d->arg = vgpu;
}

/* ---- Saving ---- */

/* Everything but VRAM, of a stopped vGPU. */
static void mvgpu_mig_capture_regs(struct mvgpu_vgpu *vgpu,
				   struct mvgpu_mig_image *img)
{
	const struct mvgpu_mmio *m = &vgpu->mmio;
	struct mvgpu_mig_regs *r = &img->regs;
	struct mvgpu_ctx_ring ring;
	u32 msi_sent;
	int mode;

	memcpy(img->config, vgpu->cfg.data, sizeof(img->config));
	spin_lock_irq(&vgpu->irq_lock);
	r->int_status = cpu_to_le32(m->int_status);
	r->int_mask = cpu_to_le32(m->int_mask);
	r->doorbell = cpu_to_le32(m->ctx[0].doorbell);
	r->error_code = cpu_to_le32(m->ctx[0].error_code);
	r->error_info = cpu_to_le32(m->ctx[0].error_info);
	r->selftest_data = cpu_to_le32(m->selftest_data);
	r->scratch = cpu_to_le32(m->scratch);
	r->ring_size = cpu_to_le32(m->ctx[0].ring_size);
	r->ring_head = cpu_to_le32(m->ctx[0].ring_head);
	r->engine_status = cpu_to_le32(m->ctx[0].status);
	r->cmds_done = cpu_to_le32(m->cmds_done);
	r->ring_latched = cpu_to_le32(m->ctx[0].ring_latched);
	r->fault_addr = cpu_to_le64(m->ctx[0].fault_addr);
	r->ring_base = cpu_to_le64(m->ctx[0].ring_base);
	mvgpu_irq_save_locked(vgpu, &mode, &msi_sent);
	spin_unlock_irq(&vgpu->irq_lock);
	img->irq.mode = cpu_to_le32(mode == VFIO_PCI_MSI_IRQ_INDEX ?
				    MVGPU_MIG_IRQ_MSI :
				    mode == VFIO_PCI_INTX_IRQ_INDEX ?
				    MVGPU_MIG_IRQ_INTX : MVGPU_MIG_IRQ_NONE);
	img->irq.msi_sent = cpu_to_le32(msi_sent);

	mvgpu_ctx_ring_get(&vgpu->ctx, &ring);
	mvgpu_mig_ring_encode(&ring, &img->ring);
}

/*
 * STOP -> STOP_COPY: a data file that streams the stopped vGPU, every
 * context of it (DOC: Contexts in a migration).
 */
static struct file *mvgpu_mig_save_start(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_mig_image img = {};
	struct mvgpu_mig_file *f;
	struct mvgpu_mig_desc d;
	int ret;

	mutex_lock(&vgpu->lock);
	mvgpu_mig_capture_regs(vgpu, &img);
	ret = mvgpu_mig_capture_ctxs(vgpu, &img);
	mutex_unlock(&vgpu->lock);
	if (ret) {
		dev_err(vgpu->vdev.dev, "cannot capture the vGPU's state: %d\n",
			ret);
		f = ERR_PTR(ret);
		goto out_free;
	}

	f = mvgpu_mig_file_new(vgpu, true);
	if (IS_ERR(f))
		goto out_free;
	mvgpu_mig_desc(vgpu, &d);
	d.gpt_next = mvgpu_mig_gpt_next;
	ret = mvgpu_mig_save_init(&f->sv, &d, &img);
	if (ret) {
		fput(f->filp);
		f = ERR_PTR(ret);
		goto out_free;
	}
	f->disabled = false;
	vgpu->mig.save = f;
out_free:
	mvgpu_mig_release_ctxs(&img);
	return IS_ERR(f) ? ERR_CAST(f) : get_file(f->filp);
}

/* ---- Resuming ---- */

/* STOP -> RESUMING: a clean vGPU and a data file to write the stream to. */
static struct file *mvgpu_mig_load_start(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_mig_file *f;
	struct mvgpu_mig_desc d;
	int ret;

	mvgpu_vgpu_reset(vgpu, true);
	f = mvgpu_mig_file_new(vgpu, false);
	if (IS_ERR(f))
		return ERR_CAST(f);
	mvgpu_mig_desc(vgpu, &d);
	ret = mvgpu_mig_load_init(&f->ld, &d);
	if (ret) {
		fput(f->filp);
		return ERR_PTR(ret);
	}
	f->disabled = false;
	vgpu->mig.load = f;
	return get_file(f->filp);
}

/* Read-only config space is this vGPU's: same device, same type, BARs. */
static int mvgpu_mig_check_config(struct mvgpu_vgpu *vgpu,
				  struct mvgpu_mig_load *ld,
				  const struct mvgpu_mig_image *img)
{
	const struct mvgpu_cfg *cfg = &vgpu->cfg;
	unsigned int i;

	for (i = 0; i < MVGPU_PCI_CONFIG_SIZE; i++)
		if ((img->config[i] ^ cfg->init[i]) & ~cfg->wmask[i])
			return mvgpu_mig_refuse(ld,
						"config space byte %#x is %#04x, read-only %#04x on this vGPU",
						i, img->config[i], cfg->init[i]);
	return 0;
}

/* Registers, config space and interrupt state take effect. */
static void mvgpu_mig_commit(struct mvgpu_vgpu *vgpu,
			     const struct mvgpu_mig_image *img)
{
	const struct mvgpu_mig_regs *r = &img->regs;
	struct mvgpu_mmio *m = &vgpu->mmio;
	u32 mode = le32_to_cpu(img->irq.mode);

	memcpy(vgpu->cfg.data, img->config, sizeof(img->config));
	spin_lock_irq(&vgpu->irq_lock);
	m->int_status = le32_to_cpu(r->int_status);
	m->int_mask = le32_to_cpu(r->int_mask);
	m->ctx[0].doorbell = le32_to_cpu(r->doorbell);
	m->ctx[0].error_code = le32_to_cpu(r->error_code);
	m->ctx[0].error_info = le32_to_cpu(r->error_info);
	m->selftest_data = le32_to_cpu(r->selftest_data);
	m->scratch = le32_to_cpu(r->scratch);
	m->ctx[0].ring_size = le32_to_cpu(r->ring_size);
	m->ctx[0].ring_head = le32_to_cpu(r->ring_head);
	m->ctx[0].status = le32_to_cpu(r->engine_status);
	m->cmds_done = le32_to_cpu(r->cmds_done);
	m->ctx[0].ring_latched = le32_to_cpu(r->ring_latched);
	m->ctx[0].fault_addr = le64_to_cpu(r->fault_addr);
	m->ctx[0].ring_base = le64_to_cpu(r->ring_base);
	mvgpu_mig_commit_ctxs_locked(vgpu, img);
	mvgpu_irq_load_locked(vgpu, mode == MVGPU_MIG_IRQ_MSI ?
			      VFIO_PCI_MSI_IRQ_INDEX :
			      mode == MVGPU_MIG_IRQ_INTX ?
			      VFIO_PCI_INTX_IRQ_INDEX : -1,
			      le32_to_cpu(img->irq.msi_sent));
	spin_unlock_irq(&vgpu->irq_lock);
}

/*
 * Check and apply a whole stream: context 0, then the others (DOC:
 * Contexts in a migration); on error @ld->why says why.
 */
static int mvgpu_mig_apply(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_load *ld)
{
	struct mvgpu_mig_image img;
	int ret;

	ret = mvgpu_mig_load_finish(ld, &img);
	if (ret)
		return ret;
	mutex_lock(&vgpu->lock);
	ret = mvgpu_mig_check_config(vgpu, ld, &img);
	if (!ret)
		ret = mvgpu_mig_apply_ctx0(vgpu, ld, &img);
	if (!ret)
		ret = mvgpu_mig_apply_ctxs(vgpu, ld, &img);
	if (!ret)
		mvgpu_mig_commit(vgpu, &img);
	mutex_unlock(&vgpu->lock);
	return ret;
}

/* RESUMING -> STOP: the stream takes effect, or the vGPU goes to ERROR. */
static int mvgpu_mig_load_end(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_mig_file *f = vgpu->mig.load;
	int ret;

	mutex_lock(&f->lock);
	ret = mvgpu_mig_apply(vgpu, &f->ld);
	if (ret)
		mvgpu_mig_report(f);
	mutex_unlock(&f->lock);
	mvgpu_mig_files_end(vgpu);
	if (ret) {
		/* Nothing half-loaded stays: no pins, no pages. */
		mvgpu_vgpu_reset(vgpu, true);
		vgpu->mig.state = VFIO_DEVICE_STATE_ERROR;
	}
	return ret;
}

/* ---- The state machine ---- */

/* Engine and interrupts as @state has them: stopped, held or running. */
static void mvgpu_mig_quiesce(struct mvgpu_vgpu *vgpu, bool engine, bool irqs)
{
	if (engine) {
		mutex_lock(&vgpu->lock);
		mvgpu_vgpu_freeze(vgpu);
		mutex_unlock(&vgpu->lock);
	}
	if (irqs)
		mvgpu_irq_hold(vgpu, true);
}

static void mvgpu_mig_resume(struct mvgpu_vgpu *vgpu, bool engine, bool irqs)
{
	if (irqs)
		mvgpu_irq_hold(vgpu, false);
	if (engine) {
		mutex_lock(&vgpu->lock);
		mvgpu_vgpu_thaw(vgpu);
		mutex_unlock(&vgpu->lock);
	}
}

/* One arc of the state machine; see DOC: Migration. */
static struct file *mvgpu_mig_step(struct mvgpu_vgpu *vgpu,
				   enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = vgpu->mig.state;
	int ret = 0;

	if (cur == VFIO_DEVICE_STATE_RUNNING &&
	    next == VFIO_DEVICE_STATE_RUNNING_P2P) {
		mvgpu_mig_quiesce(vgpu, true, false);
	} else if (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
		   next == VFIO_DEVICE_STATE_STOP) {
		mvgpu_mig_quiesce(vgpu, false, true);
	} else if (cur == VFIO_DEVICE_STATE_STOP &&
		   next == VFIO_DEVICE_STATE_RUNNING_P2P) {
		mvgpu_mig_resume(vgpu, false, true);
	} else if (cur == VFIO_DEVICE_STATE_RUNNING_P2P &&
		   next == VFIO_DEVICE_STATE_RUNNING) {
		mvgpu_mig_resume(vgpu, true, false);
	} else if (cur == VFIO_DEVICE_STATE_STOP &&
		   next == VFIO_DEVICE_STATE_STOP_COPY) {
		return mvgpu_mig_save_start(vgpu);
	} else if (cur == VFIO_DEVICE_STATE_STOP_COPY &&
		   next == VFIO_DEVICE_STATE_STOP) {
		mvgpu_mig_files_end(vgpu);
	} else if (cur == VFIO_DEVICE_STATE_STOP &&
		   next == VFIO_DEVICE_STATE_RESUMING) {
		return mvgpu_mig_load_start(vgpu);
	} else if (cur == VFIO_DEVICE_STATE_RESUMING &&
		   next == VFIO_DEVICE_STATE_STOP) {
		ret = mvgpu_mig_load_end(vgpu);
	} else {
		/* vfio_mig_get_next_state() gives no other arc. */
		WARN_ON_ONCE(1);
		ret = -EINVAL;
	}
	return ret ? ERR_PTR(ret) : NULL;
}

/* &vfio_migration_ops.migration_set_state */
static struct file *mvgpu_mig_set_state(struct vfio_device *vdev,
					enum vfio_device_mig_state new)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);
	struct mvgpu_mig *mig = &vgpu->mig;
	struct file *filp = NULL;

	mutex_lock(&mig->lock);
	/*
	 * ERROR is no state to ask for, and only a reset leaves it (6.1's
	 * vfio_mig_get_next_state() warns if asked to step from it).
	 */
	if (new == VFIO_DEVICE_STATE_ERROR ||
	    mig->state == VFIO_DEVICE_STATE_ERROR)
		filp = ERR_PTR(-EINVAL);
	while (!IS_ERR(filp) && mig->state != new) {
		enum vfio_device_mig_state next;
		int ret = vfio_mig_get_next_state(vdev, mig->state, new, &next);

		if (ret) {
			filp = ERR_PTR(ret);
			break;
		}
		filp = mvgpu_mig_step(vgpu, next);
		if (IS_ERR(filp))
			break;
		mig->state = next;
		if (WARN_ON_ONCE(filp && next != new)) {
			fput(filp);
			filp = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&mig->lock);
	return filp;
}

/* &vfio_migration_ops.migration_get_state */
static int mvgpu_mig_get_state(struct vfio_device *vdev,
			       enum vfio_device_mig_state *state)
{
	struct mvgpu_vgpu *vgpu = container_of(vdev, struct mvgpu_vgpu, vdev);

	mutex_lock(&vgpu->mig.lock);
	*state = vgpu->mig.state;
	mutex_unlock(&vgpu->mig.lock);
	return 0;
}

static const struct vfio_migration_ops mvgpu_mig_ops = {
	.migration_set_state = mvgpu_mig_set_state,
	.migration_get_state = mvgpu_mig_get_state,
};

/**
 * mvgpu_mig_device_reset() - a function-level reset, in any migration state
 * @vgpu: the vGPU
 *
 * For VFIO_DEVICE_RESET and close: ends any data file, resets the vGPU
 * (mvgpu_vgpu_reset()) and returns it to RUNNING, its engine and
 * interrupts going again.
 *
 * Context: process context; takes the migration lock, then the vGPU's.
 */
void mvgpu_mig_device_reset(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_mig *mig = &vgpu->mig;
	enum vfio_device_mig_state state;

	mutex_lock(&mig->lock);
	mvgpu_mig_files_end(vgpu);
	mvgpu_vgpu_reset(vgpu, true);
	state = mig->state;
	mvgpu_mig_resume(vgpu, state != VFIO_DEVICE_STATE_RUNNING,
			 state != VFIO_DEVICE_STATE_RUNNING &&
			 state != VFIO_DEVICE_STATE_RUNNING_P2P);
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	mutex_unlock(&mig->lock);
}

/**
 * mvgpu_mig_init() - a new vGPU can migrate
 * @vgpu: the vGPU, before its VFIO device is registered
 *
 * Context: process context (&vfio_device_ops.init).
 */
void mvgpu_mig_init(struct mvgpu_vgpu *vgpu)
{
	mutex_init(&vgpu->mig.lock);
	vgpu->mig.state = VFIO_DEVICE_STATE_RUNNING;
	ratelimit_state_init(&vgpu->mig.rs, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	vgpu->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY |
				     VFIO_MIGRATION_P2P;
	vgpu->vdev.mig_ops = &mvgpu_mig_ops;
}

/**
 * mvgpu_mig_fini() - undo mvgpu_mig_init()
 * @vgpu: the vGPU, closed: no data file of it is left
 *
 * Context: process context (&vfio_device_ops.release).
 */
void mvgpu_mig_fini(struct mvgpu_vgpu *vgpu)
{
	WARN_ON_ONCE(vgpu->mig.save || vgpu->mig.load);
	mutex_destroy(&vgpu->mig.lock);
}
