// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration protocol v2 for a vGPU: the state machine and its data
 * files.  The stream itself is mig_stream.c (writing) and mig_load.c
 * (reading).
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
 * - STOP -> STOP_COPY: the state but VRAM is captured and a data file
 *   returned; reading it streams that state and then the backed VRAM pages,
 *   read as the file is read, until EOF.
 * - STOP_COPY -> STOP: the data file ends (further reads fail).
 * - STOP -> RESUMING: the vGPU is reset to a clean device and a data file
 *   returned; what is written to it, in any chunking, is checked as it
 *   comes (DOC: Reading a stream), VRAM pages going straight into VRAM.
 * - RESUMING -> STOP: the stream must be whole and right: config space
 *   must match this vGPU's in every read-only bit, the page table is
 *   mapped again (guest memory pinned now, through this side's VFIO
 *   container: QEMU has made its DMA mappings by then), the backend loads
 *   the engine state, then registers, config space and interrupt state
 *   take effect.  Anything wrong fails the ioctl (-EINVAL, -ENOMEM, or
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

/**
 * struct mvgpu_mig_file - a migration data file
 * @filp: its file
 * @lock: serialises reads or writes against ending the file
 * @io_lock: one read or write at a time, whole (ending the file does not
 *	take it)
 * @vgpu: the vGPU, while not @disabled
 * @disabled: ended: reads and writes fail with -ENODEV
 * @saving: STOP_COPY (@sv), else RESUMING (@ld)
 * @reported: the log says why the stream was refused
 * @sv: the stream being written
 * @ld: the stream being read
 */
struct mvgpu_mig_file {
	struct file *filp;
	struct mutex lock;		/* see @lock above */
	struct mutex io_lock;
	struct mvgpu_vgpu *vgpu;
	bool disabled;
	bool saving;
	bool reported;
	union {
		struct mvgpu_mig_save sv;
		struct mvgpu_mig_load ld;
	};
};

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
	d->vram = &mvgpu_mig_vram_ops;
	d->arg = vgpu;
}

/* ---- The data files ---- */

/*
 * The VMM's buffer is never faulted in under the file's lock: it may be
 * backed by something that never answers (a FUSE file, userfaultfd), and a
 * reset, a close or a state change waits for that lock.  Each turn faults
 * up to MVGPU_MIG_IO_TURN bytes of it in without the lock, then copies
 * under the lock with page faults disabled; a page lost again meanwhile
 * ends the copy early (the stream keeps its place) and the next turn
 * faults it in again.
 */
#define MVGPU_MIG_IO_TURN	SZ_1M

typedef ssize_t (*mvgpu_mig_io_fn)(struct mvgpu_mig_file *f,
				   struct iov_iter *it);

static ssize_t mvgpu_mig_io(struct mvgpu_mig_file *f, struct iov_iter *it,
			    bool reading, mvgpu_mig_io_fn fn)
{
	size_t turn = MVGPU_MIG_IO_TURN;
	ssize_t done = 0, ret = 0;

	/* Two threads' reads would interleave their turns: one at a time. */
	if (mutex_lock_killable(&f->io_lock))
		return -EINTR;
	while (iov_iter_count(it)) {
		size_t n = min_t(size_t, iov_iter_count(it), turn);
		size_t rest = iov_iter_count(it) - n;

		if ((reading ? fault_in_iov_iter_writeable(it, n) :
			       fault_in_iov_iter_readable(it, n)) == n) {
			ret = -EFAULT;
			break;
		}
		iov_iter_truncate(it, n);
		mutex_lock(&f->lock);
		pagefault_disable();
		ret = f->disabled ? -ENODEV : fn(f, it);
		pagefault_enable();
		mutex_unlock(&f->lock);
		iov_iter_reexpand(it, iov_iter_count(it) + rest);
		if (ret == -EFAULT) {
			/* Faulted in, then lost again: a page at a time. */
			turn = PAGE_SIZE;
			ret = fatal_signal_pending(current) ? -EINTR : 0;
			if (ret)
				break;
			continue;
		}
		if (ret <= 0)
			break;
		done += ret;
	}
	mutex_unlock(&f->io_lock);
	return done ?: ret;
}

static ssize_t mvgpu_mig_read_turn(struct mvgpu_mig_file *f,
				   struct iov_iter *to)
{
	ssize_t ret = mvgpu_mig_save_read(&f->sv, to);

	if (ret == -EIO && !f->reported) {
		f->reported = true;
		dev_err(f->vgpu->vdev.dev,
			"migration stream ended: the page table changed while it was saved (the VMM unmapped guest memory it mapped, or reset the vGPU)\n");
	}
	return ret;
}

static ssize_t mvgpu_mig_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return mvgpu_mig_io(iocb->ki_filp->private_data, to, true,
			    mvgpu_mig_read_turn);
}

/* Say once, in the log, why the stream was refused. */
static void mvgpu_mig_report(struct mvgpu_mig_file *f)
{
	lockdep_assert_held(&f->lock);
	if (f->reported)
		return;
	f->reported = true;
	if (__ratelimit(&f->vgpu->mig.rs))
		dev_err(f->vgpu->vdev.dev, "migration stream refused: %s\n",
			f->ld.why);
}

static ssize_t mvgpu_mig_write_turn(struct mvgpu_mig_file *f,
				    struct iov_iter *from)
{
	ssize_t ret = mvgpu_mig_load_write(&f->ld, from);

	if (ret < 0 && f->ld.err)
		mvgpu_mig_report(f);
	return ret;
}

static ssize_t mvgpu_mig_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return mvgpu_mig_io(iocb->ki_filp->private_data, from, false,
			    mvgpu_mig_write_turn);
}

/* Free what the stream holds; later reads and writes fail. */
static void mvgpu_mig_file_disable(struct mvgpu_mig_file *f)
{
	mutex_lock(&f->lock);
	if (!f->disabled) {
		if (f->saving)
			mvgpu_mig_save_fini(&f->sv);
		else
			mvgpu_mig_load_fini(&f->ld);
		f->disabled = true;
		f->vgpu = NULL;
	}
	mutex_unlock(&f->lock);
}

static int mvgpu_mig_release(struct inode *inode, struct file *filp)
{
	struct mvgpu_mig_file *f = filp->private_data;

	mvgpu_mig_file_disable(f);
	mutex_destroy(&f->io_lock);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

static const struct file_operations mvgpu_mig_save_fops = {
	.owner = THIS_MODULE,
	.read_iter = mvgpu_mig_read_iter,
	.release = mvgpu_mig_release,
	.llseek = no_llseek,
};

static const struct file_operations mvgpu_mig_load_fops = {
	.owner = THIS_MODULE,
	.write_iter = mvgpu_mig_write_iter,
	.release = mvgpu_mig_release,
	.llseek = no_llseek,
};

static struct mvgpu_mig_file *mvgpu_mig_file_new(struct mvgpu_vgpu *vgpu,
						 bool saving)
{
	struct mvgpu_mig_file *f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);

	if (!f)
		return ERR_PTR(-ENOMEM);
	mutex_init(&f->lock);
	mutex_init(&f->io_lock);
	f->vgpu = vgpu;
	f->saving = saving;
	f->disabled = true;	/* until the stream is set up */
	f->filp = anon_inode_getfile("mvgpu_mig",
				     saving ? &mvgpu_mig_save_fops :
					      &mvgpu_mig_load_fops,
				     f, saving ? O_RDONLY : O_WRONLY);
	if (IS_ERR(f->filp)) {
		struct file *err = f->filp;

		mutex_destroy(&f->io_lock);
		mutex_destroy(&f->lock);
		kfree(f);
		return ERR_CAST(err);
	}
	stream_open(f->filp->f_inode, f->filp);
	return f;
}

/* End the data files of @vgpu, if any. */
static void mvgpu_mig_files_end(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_mig *mig = &vgpu->mig;

	lockdep_assert_held(&mig->lock);
	if (mig->save) {
		mvgpu_mig_file_disable(mig->save);
		fput(mig->save->filp);
		mig->save = NULL;
	}
	if (mig->load) {
		mvgpu_mig_file_disable(mig->load);
		fput(mig->load->filp);
		mig->load = NULL;
	}
}

/* ---- Saving ---- */

/* Count the page table's runs. */
static int mvgpu_mig_gpt_count(void *arg, u64 va, u64 target, u64 size,
			       u32 flags)
{
	(*(u64 *)arg)++;
	return 0;
}

/**
 * struct mvgpu_mig_gpt_fill - page-table runs going into a stream
 * @e: where
 * @max: room at @e
 * @n: runs put there
 * @end: where the last one ends (VA)
 */
struct mvgpu_mig_gpt_fill {
	struct mvgpu_mig_gpt_entry *e;
	unsigned int max;
	unsigned int n;
	u64 end;
};

static int mvgpu_mig_gpt_put(void *arg, u64 va, u64 target, u64 size,
			     u32 flags)
{
	struct mvgpu_mig_gpt_fill *f = arg;

	/* The stream carries page-table flags as MAP flags. */
	BUILD_BUG_ON((MVGPU_GPT_READ ^ MVGPU_MAP_READ) |
		     (MVGPU_GPT_WRITE ^ MVGPU_MAP_WRITE) |
		     (MVGPU_GPT_SYSMEM ^ MVGPU_MAP_SYSMEM));
	f->e[f->n].va = cpu_to_le64(va);
	f->e[f->n].target = cpu_to_le64(target);
	f->e[f->n].size = cpu_to_le64(size);
	f->e[f->n].flags = cpu_to_le32(flags);
	f->e[f->n].pad = 0;
	f->end = va + size;
	return ++f->n == f->max;	/* 1: enough for now */
}

/*
 * &mvgpu_mig_desc.gpt_next: the stream takes the page table a page of runs
 * at a time, as it is read, never all of it at once.
 */
static int mvgpu_mig_gpt_next(void *arg, u64 *cursor,
			      struct mvgpu_mig_gpt_entry *e, unsigned int max)
{
	struct mvgpu_vgpu *vgpu = arg;
	struct mvgpu_mig_gpt_fill f = { .e = e, .max = max };
	int ret;

	/* Not the table counted: the VM unmapped guest memory, or a reset. */
	if (mvgpu_aspace_gen(&vgpu->ctx.as) != READ_ONCE(vgpu->mig.gpt_gen))
		return -EIO;
	ret = mvgpu_ctx_map_save(&vgpu->ctx, *cursor, mvgpu_mig_gpt_put, &f);
	if (ret < 0)
		return ret;
	if (f.n)
		*cursor = f.end;
	return f.n;
}

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
	r->doorbell = cpu_to_le32(m->doorbell);
	r->error_code = cpu_to_le32(m->error_code);
	r->error_info = cpu_to_le32(m->error_info);
	r->selftest_data = cpu_to_le32(m->selftest_data);
	r->scratch = cpu_to_le32(m->scratch);
	r->ring_size = cpu_to_le32(m->ring_size);
	r->ring_head = cpu_to_le32(m->ring_head);
	r->engine_status = cpu_to_le32(m->engine_status);
	r->cmds_done = cpu_to_le32(m->cmds_done);
	r->ring_latched = cpu_to_le32(m->ring_latched);
	r->fault_addr = cpu_to_le64(m->fault_addr);
	r->ring_base = cpu_to_le64(m->ring_base);
	mvgpu_irq_save_locked(vgpu, &mode, &msi_sent);
	spin_unlock_irq(&vgpu->irq_lock);
	img->irq.mode = cpu_to_le32(mode == VFIO_PCI_MSI_IRQ_INDEX ?
				    MVGPU_MIG_IRQ_MSI :
				    mode == VFIO_PCI_INTX_IRQ_INDEX ?
				    MVGPU_MIG_IRQ_INTX : MVGPU_MIG_IRQ_NONE);
	img->irq.msi_sent = cpu_to_le32(msi_sent);

	mvgpu_ctx_ring_get(&vgpu->ctx, &ring);
	img->ring.tail = cpu_to_le32(ring.tail);
	img->ring.head = cpu_to_le32(ring.head);
	img->ring.cmds_done = cpu_to_le64(ring.cmds_done);
	img->ring.busy = cpu_to_le32(ring.busy);
	img->ring.doorbell_pending = cpu_to_le32(ring.doorbell_pending);
	img->ring.stopped = cpu_to_le32(ring.stopped);
}

/* STOP -> STOP_COPY: a data file that streams the stopped vGPU. */
static struct file *mvgpu_mig_save_start(struct mvgpu_vgpu *vgpu)
{
	struct mvgpu_mig_image img = {};
	struct mvgpu_mig_file *f;
	struct mvgpu_mig_desc d;
	void *state;
	ssize_t n;
	int ret;

	state = kmalloc(MVGPU_MIG_CONTEXT_MAX, GFP_KERNEL_ACCOUNT);
	if (!state)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&vgpu->lock);
	mvgpu_mig_capture_regs(vgpu, &img);
	n = mvgpu_ctx_save(&vgpu->ctx, state, MVGPU_MIG_CONTEXT_MAX);
	vgpu->mig.gpt_gen = mvgpu_aspace_gen(&vgpu->ctx.as);
	ret = n < 0 ? n : mvgpu_ctx_map_save(&vgpu->ctx, 0, mvgpu_mig_gpt_count,
					     &img.gpt_count);
	mutex_unlock(&vgpu->lock);
	if (ret) {
		dev_err(vgpu->vdev.dev, "cannot capture the vGPU's state: %d\n",
			ret);
		f = ERR_PTR(ret);
		goto out_free;
	}
	img.context = state;
	img.context_len = n;

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
	kfree(state);
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

/* Map the stream's page table again, with the checks of a MAP. */
static int mvgpu_mig_load_gpt(struct mvgpu_vgpu *vgpu,
			      struct mvgpu_mig_load *ld,
			      const struct mvgpu_mig_image *img)
{
	u64 i;

	mvgpu_ctx_map_clear(&vgpu->ctx);
	for (i = 0; i < img->gpt_count; i++) {
		const struct mvgpu_mig_gpt_entry *e = &img->gpt[i];
		u64 va = le64_to_cpu(e->va), target = le64_to_cpu(e->target);
		u64 size = le64_to_cpu(e->size);
		u32 flags = le32_to_cpu(e->flags);
		int ret;

		/* Millions of runs for a big vGPU: the VMM stays killable. */
		if (fatal_signal_pending(current)) {
			ld->err = -EINTR;
			snprintf(ld->why, sizeof(ld->why),
				 "interrupted at page-table run %llu", i);
			return -EINTR;
		}
		cond_resched();
		ret = mvgpu_ctx_map_restore(&vgpu->ctx, va, target, size, flags);
		if (ret == -ENOMEM) {
			ld->err = -ENOMEM;
			snprintf(ld->why, sizeof(ld->why),
				 "no memory for page-table run %llu", i);
			return -ENOMEM;
		}
		if (ret == -EEXIST)
			return mvgpu_mig_refuse(ld,
						"page-table run %llu (VA %#llx size %#llx) overlaps another",
						i, va, size);
		if (ret == -ENOSPC)
			return mvgpu_mig_refuse(ld,
						"page-table run %llu (VA %#llx size %#llx) exceeds this vGPU's page-table or pinned-memory budget",
						i, va, size);
		if (ret && (flags & MVGPU_MAP_SYSMEM))
			return mvgpu_mig_refuse(ld,
						"page-table run %llu: guest memory at IOVA %#llx size %#llx cannot be pinned (%d); is it mapped for DMA here?",
						i, target, size, ret);
		if (ret)
			return mvgpu_mig_refuse(ld,
						"page-table run %llu (VA %#llx size %#llx) refused (%d)",
						i, va, size, ret);
	}
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
	m->doorbell = le32_to_cpu(r->doorbell);
	m->error_code = le32_to_cpu(r->error_code);
	m->error_info = le32_to_cpu(r->error_info);
	m->selftest_data = le32_to_cpu(r->selftest_data);
	m->scratch = le32_to_cpu(r->scratch);
	m->ring_size = le32_to_cpu(r->ring_size);
	m->ring_head = le32_to_cpu(r->ring_head);
	m->engine_status = le32_to_cpu(r->engine_status);
	m->cmds_done = le32_to_cpu(r->cmds_done);
	m->ring_latched = le32_to_cpu(r->ring_latched);
	m->fault_addr = le64_to_cpu(r->fault_addr);
	m->ring_base = le64_to_cpu(r->ring_base);
	mvgpu_irq_load_locked(vgpu, mode == MVGPU_MIG_IRQ_MSI ?
			      VFIO_PCI_MSI_IRQ_INDEX :
			      mode == MVGPU_MIG_IRQ_INTX ?
			      VFIO_PCI_INTX_IRQ_INDEX : -1,
			      le32_to_cpu(img->irq.msi_sent));
	spin_unlock_irq(&vgpu->irq_lock);
}

/* Check and apply a whole stream; on error @ld->why says why. */
static int mvgpu_mig_apply(struct mvgpu_vgpu *vgpu, struct mvgpu_mig_load *ld)
{
	const struct mvgpu_mig_regs *r;
	struct mvgpu_mig_image img;
	struct mvgpu_ctx_ring ring;
	const char *why;
	int ret;

	ret = mvgpu_mig_load_finish(ld, &img);
	if (ret)
		return ret;
	r = &img.regs;
	ring = (struct mvgpu_ctx_ring) {
		.ring_base = le32_to_cpu(r->ring_latched) ?
			     le64_to_cpu(r->ring_base) : 0,
		.ring_size = le32_to_cpu(r->ring_latched) ?
			     le32_to_cpu(r->ring_size) : 0,
		.tail = le32_to_cpu(img.ring.tail),
		.head = le32_to_cpu(img.ring.head),
		.cmds_done = le64_to_cpu(img.ring.cmds_done),
		.busy = le32_to_cpu(img.ring.busy),
		.stopped = le32_to_cpu(img.ring.stopped),
		.doorbell_pending = le32_to_cpu(img.ring.doorbell_pending),
	};
	mutex_lock(&vgpu->lock);
	ret = mvgpu_mig_check_config(vgpu, ld, &img);
	if (!ret)
		ret = mvgpu_mig_load_gpt(vgpu, ld, &img);
	if (!ret && mvgpu_ctx_state_set(&vgpu->ctx, &ring, img.context,
					img.context_len, &why))
		ret = mvgpu_mig_refuse(ld, "the %s refused the engine state: %s",
				       mvgpu_mig_be(vgpu)->name, why);
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
		mvgpu_ctx_freeze(&vgpu->ctx);
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
		mvgpu_ctx_thaw(&vgpu->ctx);
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
