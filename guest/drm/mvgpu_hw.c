// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu_drm: the device's registers, context 0's ring and the interrupt.
 */

#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/sched/signal.h>
#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "mvgpu_ctx.h"
#include "mvgpu_hw.h"

/**
 * DOC: Context 0, the kernel ring
 *
 * Context 0 is the device's privileged context (Documentation/
 * programming-model.rst, "Contexts"): only its ring may create and destroy
 * contexts, set their priority and change their page tables.  The driver
 * keeps it for itself.  Its ring and a fence word sit at the start of VRAM
 * (MVGPU_VRAM_RESERVED bytes no buffer gets); after a reset context 0's
 * GPU VA [0, VRAM size) is VRAM itself, so VRAM offsets are its addresses.
 *
 * The ring is used synchronously: mvgpu_kring_run() writes a batch of
 * commands and a FENCE that raises MVGPU_INT_FENCE, rings the doorbell and
 * sleeps until the fence word reaches the batch's value or context 0
 * faults, under &mvgpu_kring.lock.  Every batch starts on an empty ring,
 * so a fault names its command by RING_HEAD and nothing after it is lost
 * but the rest of the batch, which the caller is told of.  Page-table
 * changes are rare (buffer creation and destruction, file open and close),
 * so a round trip each costs little and keeps every error with its cause.
 *
 * On a device without contexts (uapi 0.3) context 0 is the whole device;
 * the driver uses it only to clear VRAM buffers with FILL.
 */

#define MVGPU_KRING_WAIT_SLICE	(HZ)
#define MVGPU_KRING_TIMEOUT_MS	120000

/**
 * mvgpu_ctx_rd64() - read a 64-bit counter of a context's window
 * @mdev: the device
 * @id: the context
 * @reg_lo: the offset of its low half (the high half follows)
 *
 * The halves are read high, low, high until the high half holds still, so
 * a carry between the two reads cannot tear the value.
 *
 * Context: any.
 * Return: the value.
 */
u64 mvgpu_ctx_rd64(struct mvgpu_device *mdev, u32 id, u32 reg_lo)
{
	u32 hi, lo, hi2;
	int tries = 4;

	hi = mvgpu_ctx_rd(mdev, id, reg_lo + 4);
	do {
		lo = mvgpu_ctx_rd(mdev, id, reg_lo);
		hi2 = mvgpu_ctx_rd(mdev, id, reg_lo + 4);
		if (hi2 == hi)
			break;
		hi = hi2;
	} while (--tries);
	return (u64)hi << 32 | lo;
}

/**
 * mvgpu_hw_errno() - the errno a device error stands for
 * @code: MVGPU_ERR_*
 * @info: ERROR_INFO (the reason of a BAD_MAP)
 *
 * Context: any.
 * Return: a negative errno.
 */
int mvgpu_hw_errno(u32 code, u32 info)
{
	switch (code) {
	case MVGPU_ERR_TIMEOUT:
		return -ETIMEDOUT;
	case MVGPU_ERR_NO_MEMORY:
		return -ENOMEM;
	case MVGPU_ERR_CONTEXT_LOST:
		return -ECANCELED;
	case MVGPU_ERR_BAD_MAP:
		switch (MVGPU_ERR_INFO_REASON(info)) {
		case MVGPU_MAP_ERR_TABLES:
		case MVGPU_MAP_ERR_PIN_LIMIT:
			return -ENOSPC;
		case MVGPU_MAP_ERR_PIN:
			return -ENOMEM;
		default:
			return -EINVAL;
		}
	case MVGPU_ERR_BAD_CONTEXT:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static u64 mvgpu_kring_fence(struct mvgpu_device *mdev)
{
	return readq(mdev->vram + mdev->kring.fence_off);
}

/* Latch the ring: RING_BASE and RING_SIZE take effect at the next doorbell. */
static void mvgpu_kring_start(struct mvgpu_device *mdev)
{
	struct mvgpu_kring *kr = &mdev->kring;

	kr->tail = 0;
	kr->fence_value = 0;
	writeq(0, mdev->vram + kr->fence_off);
	atomic_set(&kr->error, 0);
	mvgpu_wr(mdev, MVGPU_REG_RING_BASE_LO, lower_32_bits(kr->ring_off));
	mvgpu_wr(mdev, MVGPU_REG_RING_BASE_HI, upper_32_bits(kr->ring_off));
	mvgpu_wr(mdev, MVGPU_REG_RING_SIZE, kr->size);
}

/* Context 0 faulted or hung: say why, reset it (ENG!), start it again. */
static int mvgpu_kring_recover(struct mvgpu_device *mdev, bool timed_out)
{
	struct mvgpu_kring *kr = &mdev->kring;
	u32 code = mvgpu_rd(mdev, MVGPU_REG_ERROR_CODE);
	u32 info = mvgpu_rd(mdev, MVGPU_REG_ERROR_INFO);
	u32 head = mvgpu_rd(mdev, MVGPU_REG_RING_HEAD);
	u64 addr = mvgpu_rd(mdev, MVGPU_REG_FAULT_ADDR_LO) |
		   (u64)mvgpu_rd(mdev, MVGPU_REG_FAULT_ADDR_HI) << 32;
	int ret;

	if (timed_out && !code) {
		drm_err(&mdev->drm,
			"context 0: batch not done after %u ms (ring head 0x%x, tail 0x%x); resetting it\n",
			MVGPU_KRING_TIMEOUT_MS, head, kr->tail);
		ret = -ETIMEDOUT;
	} else {
		ret = mvgpu_hw_errno(code, info);
		/* Expected: a MAP the device refuses is the caller's error. */
		drm_dbg_driver(&mdev->drm,
			       "context 0: error %u info 0x%x at ring 0x%x, fault address 0x%llx\n",
			       code, info, head, addr);
	}
	mvgpu_wr(mdev, MVGPU_REG_RESET, MVGPU_RESET_ENGINE_MAGIC);
	mvgpu_wr(mdev, MVGPU_REG_INT_ACK, MVGPU_INT_ERROR | MVGPU_INT_FENCE);
	mvgpu_kring_start(mdev);
	return ret;
}

/* Wait for the fence word to reach @value; 0, or -EIO/-ETIMEDOUT. */
static int mvgpu_kring_wait(struct mvgpu_device *mdev, u64 value)
{
	struct mvgpu_kring *kr = &mdev->kring;
	unsigned long end = jiffies + msecs_to_jiffies(MVGPU_KRING_TIMEOUT_MS);
	u32 head = ~0u, h;

	for (;;) {
		/*
		 * Not interruptible: the batch changes page tables the caller
		 * must know the state of.  The slice only bounds the cost of a
		 * lost interrupt.
		 */
		wait_event_timeout(kr->wq, mvgpu_kring_fence(mdev) >= value ||
				   atomic_read(&kr->error), MVGPU_KRING_WAIT_SLICE);
		if (mvgpu_kring_fence(mdev) >= value)
			return 0;
		if (atomic_read(&kr->error) ||
		    mvgpu_rd(mdev, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED)
			return -EIO;
		h = mvgpu_rd(mdev, MVGPU_REG_RING_HEAD);
		if (h != head) {
			/* Progress: a long batch (a big MAP of guest memory). */
			head = h;
			end = jiffies + msecs_to_jiffies(MVGPU_KRING_TIMEOUT_MS);
		} else if (time_after(jiffies, end)) {
			return -ETIMEDOUT;
		}
	}
}

/**
 * mvgpu_kring_run() - run commands in context 0 and wait for them
 * @mdev: the device
 * @cmds: the commands (MAP, UNMAP, FILL, CTX_*)
 * @n: how many; batches of any length are split to fit the ring
 *
 * Context: process; sleeps until the device has run every command.
 * Return: 0; a negative errno from the device's error (mvgpu_hw_errno(),
 * e.g. -ENOSPC when the page-table budget is used up) if a command
 * faulted, in which case the commands after it did not run; -ETIMEDOUT if
 * context 0 made no progress for two minutes; -ENODEV if the device is gone.
 */
int mvgpu_kring_run(struct mvgpu_device *mdev, const struct mvgpu_cmd *cmds,
		    unsigned int n)
{
	struct mvgpu_kring *kr = &mdev->kring;
	unsigned int room = kr->size / MVGPU_CMD_SIZE - 2;
	struct mvgpu_cmd fence = { .opcode = MVGPU_OP_FENCE,
				   .flags = MVGPU_CMD_FLAG_IRQ };
	int ret = 0, idx;

	if (!drm_dev_enter(&mdev->drm, &idx))
		return -ENODEV;
	mutex_lock(&kr->lock);
	while (n && !ret) {
		unsigned int i, chunk = min(n, room);

		for (i = 0; i < chunk; i++) {
			memcpy_toio(kr->ring + kr->tail, &cmds[i], MVGPU_CMD_SIZE);
			kr->tail = (kr->tail + MVGPU_CMD_SIZE) & (kr->size - 1);
		}
		fence.fence.addr = kr->fence_off;
		fence.fence.value = ++kr->fence_value;
		memcpy_toio(kr->ring + kr->tail, &fence, MVGPU_CMD_SIZE);
		kr->tail = (kr->tail + MVGPU_CMD_SIZE) & (kr->size - 1);
		WRITE_ONCE(kr->busy, true);
		/* The commands must be in VRAM before the device hears of them. */
		wmb();
		mvgpu_wr(mdev, MVGPU_REG_DOORBELL, kr->tail);
		ret = mvgpu_kring_wait(mdev, fence.fence.value);
		WRITE_ONCE(kr->busy, false);
		if (ret)
			ret = mvgpu_kring_recover(mdev, ret == -ETIMEDOUT);
		cmds += chunk;
		n -= chunk;
	}
	mutex_unlock(&kr->lock);
	drm_dev_exit(idx);
	return ret;
}

/**
 * mvgpu_irq() - the device's interrupt (MSI, or INTx shared)
 * @irq: the Linux interrupt number
 * @arg: the device
 *
 * Every register access is a trap to the host, and this is every job's
 * path, so the order of the reads depends on what is likely pending.
 * While a batch of the kernel ring is in flight (&mvgpu_kring.busy), or on
 * a device without contexts, INT_STATUS is read first, as it says both
 * context 0's causes and MVGPU_INT_CONTEXT.  Otherwise the interrupt is
 * most likely a file's job: CTX_PENDING is read first (mvgpu_ctx_irq())
 * and INT_STATUS after, which both says whether another context became
 * pending meanwhile (MVGPU_INT_CONTEXT still set: such a context sends no
 * MSI of its own) and brings context 0's causes, if the guess was wrong.
 * Either way the handler ends only on an INT_STATUS without
 * MVGPU_INT_CONTEXT whose other causes it acknowledged, so no cause is
 * left pending without a new MSI to come: one job's interrupt costs four
 * accesses, context 0's two.  Context 0's causes wake the kernel ring's
 * waiter.
 *
 * If MVGPU_INT_CONTEXT is still set after &mvgpu_device.irq_passes passes
 * (at most 2 x %MVGPU_CTX_MAX; contexts keep completing as fast as the
 * handler acknowledges them, or the device is broken), the handler stops
 * spending the CPU with interrupts off: it masks MVGPU_INT_CONTEXT, which
 * stays pending (with MSI it would send no new interrupt; INTx deasserts),
 * and hands the contexts to mvgpu_irq_thread().  Until the thread gives
 * them back (&mvgpu_device.irq_deferred), the handler handles context 0's
 * causes only and, if MVGPU_INT_CONTEXT reads set, wakes the thread again.
 *
 * Context: hard interrupt.
 * Return: IRQ_WAKE_THREAD if the thread goes on, IRQ_NONE if the device
 * raised nothing.
 */
irqreturn_t mvgpu_irq(int irq, void *arg)
{
	struct mvgpu_device *mdev = arg;
	u32 passes = min(READ_ONCE(mdev->irq_passes), 2U * MVGPU_CTX_MAX);
	bool owned = test_bit(0, &mdev->irq_deferred);
	bool handled = false, defer = false;
	unsigned int rounds = 0;
	u32 status, seen = 0;
	u64 pending;

	if (READ_ONCE(mdev->kring.busy) || !mvgpu_has_contexts(mdev) || !passes || owned)
		status = mvgpu_rd(mdev, MVGPU_REG_INT_STATUS);
	else
		status = MVGPU_INT_CONTEXT;	/* a guess: CTX_PENDING first */
	for (;;) {
		if (status == ~0u)
			break;		/* the device is gone */
		if (status & ~MVGPU_INT_CONTEXT) {
			/* MVGPU_INT_CONTEXT clears with CTX_PENDING, not by INT_ACK. */
			mvgpu_wr(mdev, MVGPU_REG_INT_ACK, status & ~MVGPU_INT_CONTEXT);
			seen |= status;
		}
		if (!(status & MVGPU_INT_CONTEXT))
			break;
		if (owned) {
			/*
			 * The thread's: it runs once more after this, so a
			 * cause whose MSI came just before it gave the
			 * contexts back is not left to the watchdog.
			 */
			defer = true;
			break;
		}
		if (rounds++ >= passes) {
			set_bit(0, &mdev->irq_deferred);
			mvgpu_wr(mdev, MVGPU_REG_INT_MASK,
				 READ_ONCE(mdev->int_mask) & ~MVGPU_INT_CONTEXT);
			defer = true;
			break;
		}
		pending = mvgpu_ctx_irq(mdev);
		if (pending == U64_MAX)
			break;		/* the device is gone */
		handled |= pending != 0;
		status = mvgpu_rd(mdev, MVGPU_REG_INT_STATUS);
	}
	if (seen & MVGPU_INT_ERROR)
		atomic_set(&mdev->kring.error, 1);
	if (seen & (MVGPU_INT_FENCE | MVGPU_INT_ERROR))
		wake_up_all(&mdev->kring.wq);
	if (defer)
		return IRQ_WAKE_THREAD;
	return handled || seen ? IRQ_HANDLED : IRQ_NONE;
}

/*
 * While CTX_PENDING does not clear, the thread runs passes for
 * MVGPU_IRQ_THREAD_RUN_NS, then sleeps at least as long: it is SCHED_FIFO,
 * and a context that keeps raising its cause (a job of FENCEs with
 * MVGPU_CMD_FLAG_IRQ) must not take the CPU from every other task.
 */
#define MVGPU_IRQ_THREAD_RUN_NS		(1 * NSEC_PER_MSEC)
#define MVGPU_IRQ_THREAD_PAUSE_US	1000

/**
 * mvgpu_irq_thread() - the contexts mvgpu_irq() handed over
 * @irq: the Linux interrupt number
 * @arg: the device
 *
 * Reads CTX_PENDING until it is 0, one pass at a time with interrupts off
 * as in the hard interrupt, then gives the contexts back to the hard
 * interrupt and enables MVGPU_INT_CONTEXT in INT_MASK again: if a context
 * became pending after the last pass, enabling the pending cause signals
 * at once, so nothing is left without an interrupt to come.  While
 * CTX_PENDING does not clear, MVGPU_INT_CONTEXT stays masked and the
 * thread alternates %MVGPU_IRQ_THREAD_RUN_NS of passes with a sleep of 1-2
 * ms outside drm_dev_enter(), so at most about half of one CPU goes to it
 * and every context's fences wait up to 2 ms more; the device's unplug or
 * mvgpu_hw_fini() ends the loop.
 *
 * Context: the interrupt's thread (process, SCHED_FIFO).
 * Return: IRQ_HANDLED.
 */
irqreturn_t mvgpu_irq_thread(int irq, void *arg)
{
	struct mvgpu_device *mdev = arg;
	unsigned int pauses = 0;
	u64 pending, until;
	int idx;

	if (!drm_dev_enter(&mdev->drm, &idx))
		return IRQ_HANDLED;	/* unplugged: the device stays masked */
	until = ktime_get_ns() + MVGPU_IRQ_THREAD_RUN_NS;
	for (;;) {
		local_irq_disable();	/* &mvgpu_device.ctx_lock as in mvgpu_irq() */
		pending = mvgpu_ctx_irq(mdev);
		local_irq_enable();
		if (!pending || pending == U64_MAX || READ_ONCE(mdev->irq_stop))
			break;		/* done, the device is gone (or was), or fini */
		cond_resched();
		if (ktime_get_ns() < until)
			continue;
		drm_dev_exit(idx);
		if (!(++pauses % 1000))
			drm_err_ratelimited(&mdev->drm,
					    "CTX_PENDING 0x%llx has not cleared in %u pauses\n",
					    pending, pauses);
		usleep_range(MVGPU_IRQ_THREAD_PAUSE_US, 2 * MVGPU_IRQ_THREAD_PAUSE_US);
		if (!drm_dev_enter(&mdev->drm, &idx))
			return IRQ_HANDLED;
		until = ktime_get_ns() + MVGPU_IRQ_THREAD_RUN_NS;
	}
	/* Back to the hard interrupt first: the unmask may raise it at once. */
	clear_bit(0, &mdev->irq_deferred);
	/* A hard interrupt the unmask raises must find the contexts given back. */
	smp_mb__after_atomic();
	if (!READ_ONCE(mdev->irq_stop))
		mvgpu_wr(mdev, MVGPU_REG_INT_MASK, READ_ONCE(mdev->int_mask));
	atomic_inc(&mdev->irq_threaded);
	drm_dev_exit(idx);
	return IRQ_HANDLED;
}

static void mvgpu_hw_enable_irqs(struct mvgpu_device *mdev)
{
	u32 mask = MVGPU_INT_FENCE | MVGPU_INT_ERROR;

	if (mvgpu_has_contexts(mdev))
		mask |= MVGPU_INT_CONTEXT;
	WRITE_ONCE(mdev->int_mask, mask);
	mvgpu_wr(mdev, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	mvgpu_wr(mdev, MVGPU_REG_INT_MASK, mask);
}

/**
 * mvgpu_hw_reset() - reset the whole vGPU (RST!) and start context 0 again
 * @mdev: the device
 *
 * Destroys every context but 0 and clears VRAM (the device's RST!).  The
 * caller holds &mvgpu_kring.lock or knows nobody uses the device.
 *
 * Context: process.
 * Return: 0, or -EIO if the device does not come back idle.
 */
int mvgpu_hw_reset(struct mvgpu_device *mdev)
{
	mvgpu_wr(mdev, MVGPU_REG_INT_MASK, 0);
	mvgpu_wr(mdev, MVGPU_REG_RESET, MVGPU_RESET_MAGIC);
	mvgpu_kring_start(mdev);
	mvgpu_hw_enable_irqs(mdev);
	if (mvgpu_rd(mdev, MVGPU_REG_ENGINE_STATUS) != MVGPU_ENGINE_IDLE ||
	    mvgpu_rd(mdev, MVGPU_REG_ERROR_CODE)) {
		drm_err(&mdev->drm, "the device is not idle after a reset (status %u, error %u)\n",
			mvgpu_rd(mdev, MVGPU_REG_ENGINE_STATUS),
			mvgpu_rd(mdev, MVGPU_REG_ERROR_CODE));
		return -EIO;
	}
	return 0;
}

/**
 * mvgpu_hw_ctx0_priority() - context 0 at the highest priority
 * @mdev: the device, context 0 started
 *
 * Priorities inside a vGPU are strict: a busy context starves those below
 * it, context 0 included.  The driver's context runs at
 * MVGPU_CTX_PRIO_MAX, so no file, whatever priority it may set, keeps
 * buffer creation or another file's open waiting (equal ones take turns).
 *
 * Context: process; not under &mvgpu_kring.lock.
 * Return: 0, or the errno of mvgpu_kring_run().
 */
int mvgpu_hw_ctx0_priority(struct mvgpu_device *mdev)
{
	struct mvgpu_cmd c = { .opcode = MVGPU_OP_CTX_PRIORITY };

	if (!mvgpu_has_contexts(mdev))
		return 0;
	c.context.ctx = 0;
	c.context.prio = MVGPU_CTX_PRIO_MAX;
	return mvgpu_kring_run(mdev, &c, 1);
}

/**
 * mvgpu_hw_init() - identify the device, reset it, start context 0
 * @mdev: the device, its BARs mapped
 *
 * Checks the ID and the VERSION's major, reads CAPS, VRAM_SIZE and
 * NUM_CONTEXTS, resets the vGPU (a clean start: a driver bound before may
 * have left contexts) and enables its interrupts.  &mvgpu_kring.lock and
 * &mvgpu_kring.wq are initialised by the caller, before the interrupt
 * handler is installed (a shared INTx can call it at once).
 *
 * Context: process.
 * Return: 0; -ENODEV for a device this driver cannot drive; -EIO if it
 * does not come back from reset.
 */
int mvgpu_hw_init(struct mvgpu_device *mdev)
{
	struct mvgpu_kring *kr = &mdev->kring;
	u32 id = mvgpu_rd(mdev, MVGPU_REG_ID);
	u64 vram;

	mdev->version = mvgpu_rd(mdev, MVGPU_REG_VERSION);
	mdev->caps = mvgpu_rd(mdev, MVGPU_REG_CAPS);
	if (id != MVGPU_ID_MAGIC ||
	    mdev->version >> 16 != MVGPU_UAPI_VERSION_MAJOR) {
		drm_err(&mdev->drm, "not an mvgpu device this driver knows: ID 0x%08x, version %u.%u (driver: %u.x)\n",
			id, mdev->version >> 16, mdev->version & 0xffff,
			MVGPU_UAPI_VERSION_MAJOR);
		return -ENODEV;
	}
	if (!(mdev->caps & MVGPU_CAP_ENGINE)) {
		drm_err(&mdev->drm, "the device has no engine (CAPS 0x%x)\n", mdev->caps);
		return -ENODEV;
	}
	vram = mvgpu_rd(mdev, MVGPU_REG_VRAM_SIZE_LO) |
	       (u64)mvgpu_rd(mdev, MVGPU_REG_VRAM_SIZE_HI) << 32;
	if (vram != mdev->vram_size || vram < 2 * MVGPU_VRAM_RESERVED) {
		drm_err(&mdev->drm, "VRAM_SIZE %llu does not match BAR2's %llu bytes\n",
			vram, mdev->vram_size);
		return -ENODEV;
	}
	mdev->num_contexts = 0;
	if (mdev->caps & MVGPU_CAP_CONTEXTS) {
		u32 n = mvgpu_rd(mdev, MVGPU_REG_NUM_CONTEXTS);

		if (n < 2 || n > MVGPU_CTX_MAX) {
			drm_err(&mdev->drm, "NUM_CONTEXTS %u out of range 2..%u\n",
				n, MVGPU_CTX_MAX);
			return -ENODEV;
		}
		mdev->num_contexts = n;
	} else {
		drm_info(&mdev->drm, "device %u.%u has no contexts: buffers only, no job submission\n",
			 mdev->version >> 16, mdev->version & 0xffff);
	}

	kr->ring = mdev->vram + MVGPU_KRING_OFF;
	kr->ring_off = MVGPU_KRING_OFF;
	kr->size = MVGPU_KRING_SIZE;
	kr->fence_off = MVGPU_KFENCE_OFF;
	return mvgpu_hw_reset(mdev);
}

/**
 * mvgpu_hw_fini() - quiesce the device: interrupts off, contexts gone
 * @mdev: the device
 *
 * Context: process.
 */
void mvgpu_hw_fini(struct mvgpu_device *mdev)
{
	/*
	 * A handler running now may still write INT_MASK (the hard one
	 * masking MVGPU_INT_CONTEXT, the thread unmasking it): stop the
	 * thread's loop, wait for both, then mask again.
	 */
	WRITE_ONCE(mdev->int_mask, 0);
	WRITE_ONCE(mdev->irq_stop, true);
	mvgpu_wr(mdev, MVGPU_REG_INT_MASK, 0);
	synchronize_irq(mdev->irq);
	mvgpu_wr(mdev, MVGPU_REG_INT_MASK, 0);
	mvgpu_wr(mdev, MVGPU_REG_RESET, MVGPU_RESET_MAGIC);
}
