// SPDX-License-Identifier: GPL-2.0
/*
 * A vGPU's migration data files: the anonymous files STOP_COPY and
 * RESUMING return, whose reads and writes carry the stream (DOC: Migration
 * in migration.c says how they lock).
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include <mvgpu/vgpu.h>

#include "mig_file.h"

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
			"migration stream ended: a page table or a context's image changed while it was saved (the VMM unmapped guest memory it mapped, or reset the vGPU or a context)\n");
	}
	return ret;
}

static ssize_t mvgpu_mig_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return mvgpu_mig_io(iocb->ki_filp->private_data, to, true,
			    mvgpu_mig_read_turn);
}

/**
 * mvgpu_mig_report() - say once, in the log, why the stream was refused
 * @f: the RESUMING data file
 *
 * Context: process context; @f's lock held.
 */
void mvgpu_mig_report(struct mvgpu_mig_file *f)
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

/**
 * mvgpu_mig_file_new() - a data file for STOP_COPY or RESUMING
 * @vgpu: the vGPU
 * @saving: for STOP_COPY (reads), else RESUMING (writes)
 *
 * The file starts disabled: the caller sets up its stream, then enables it.
 *
 * Context: process context; the vGPU's migration lock held.
 * Return: the file, or an ERR_PTR().
 */
struct mvgpu_mig_file *mvgpu_mig_file_new(struct mvgpu_vgpu *vgpu,
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

/**
 * mvgpu_mig_files_end() - end the data files of a vGPU, if any
 * @vgpu: the vGPU
 *
 * Context: process context; the vGPU's migration lock held.
 */
void mvgpu_mig_files_end(struct mvgpu_vgpu *vgpu)
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
