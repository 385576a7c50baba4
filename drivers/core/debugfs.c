// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/mvgpu/<vGPU UUID>/
 */

#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>

#include <mvgpu/dev.h>
#include <mvgpu/vgpu.h>

#include "mm/charge.h"
#include "mm/gpt.h"

/**
 * DOC: debugfs
 *
 * ``/sys/kernel/debug/mvgpu/<UUID>/`` per vGPU:
 *
 * - ``direct`` (write-only, root): write an array of struct mvgpu_cmd (a
 *   multiple of 64 bytes, at most MVGPU_DIRECT_MAX) and the commands run
 *   on the vGPU's GPU address space in the writer's thread, without
 *   doorbell, ring, scheduler or interrupts: the baseline of the
 *   mediated-vs-direct benchmarks.  The write returns its length, or
 *   -ENODEV unless the vGPU is open (guest memory is reached through
 *   VFIO), -EBUSY while the vGPU's ring has work, -EIO if a command
 *   faulted (the vGPU's registers are left alone), -ECANCELED if a reset
 *   interrupted it, -EINTR on a fatal signal, -EINVAL for a bad length,
 *   -EOPNOTSUPP if the backend has no direct path (or for a command that
 *   needs the host).
 *
 * ``/sys/kernel/debug/mvgpu/mvgpu.N/sched``: the GPU's run queues, what each
 * engine runs, and every vGPU's scheduler state (level, weight, cap,
 * virtual time, cap budget).
 *
 * ``/sys/kernel/debug/mvgpu/mvgpu.N/engine_hist``: each engine's histograms
 * of step durations and of preemption latencies (``lower_bound_ns:count``
 * per non-empty bucket, and the maximum); any write clears them (the
 * benchmarks do, between runs).  Their percentiles are in the GPU's
 * ``sched_stats``.
 *
 * ``/sys/kernel/debug/mvgpu/mvgpu.N/preempt_samples``: the preemption
 * latencies since ``engine_hist`` was last cleared, exactly, one per line,
 * ``LATENCY_NS CPU_WAIT_NS``: the engine's own response, and the time its
 * thread waited for a CPU meanwhile, left out of the first (the last
 * MVGPU_PREEMPT_SAMPLES per engine), for percentiles finer than the
 * histogram's quarter-octave buckets: ``make bench`` takes its
 * ``preempt_latency_p99_us_*`` from them.
 *
 * ``/sys/kernel/debug/mvgpu/mvgpu.N/busy``: ``UUID busy_ns`` per vGPU, all
 * read at one instant and counting a run in progress up to now
 * (mvgpu_sched_busy_show()): ``make bench`` measures shares over a window
 * with it.
 *
 * ``/sys/kernel/debug/mvgpu/pick_bench``: write N (1..4096), read back
 * ``N NS``: the mean cost of one scheduler pick + put + enqueue with N
 * runnable vGPUs, measured on a private policy instance (``make bench``
 * prints it as ``pick_ns_N``).
 *
 * ``/sys/kernel/debug/mvgpu/preempt_floor``: write MS (1..10000), read back
 * ``N P50_NS P99_NS MAX_NS``: the platform's floor under the engines'
 * preemption latency.  For MS milliseconds the writer's thread spins in the
 * kernel, as an engine thread does inside a step, on a flag that an hrtimer
 * it started 1 ms earlier sets - the same path as a slice ending (a timer
 * interrupt on the engine's CPU, the flag seen at the next check) with no
 * engine work at all; N samples, their median, 99th percentile (nearest
 * rank of the exact samples) and maximum.  ``make bench`` prints
 * ``preempt_floor_p99_us`` beside ``preempt_latency_p99_us``.  A fatal
 * signal ends the run (-EINTR), a timer still not fired 1 s after the run
 * should have ended too (-ETIMEDOUT).
 */

#define MVGPU_DIRECT_MAX	SZ_1M

static struct dentry *mvgpu_debugfs_root;

static ssize_t mvgpu_direct_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct mvgpu_vgpu *vgpu = file->private_data;
	struct mvgpu_cmd *cmds;
	int ret;

	if (!len || len > MVGPU_DIRECT_MAX || len % MVGPU_CMD_SIZE)
		return -EINVAL;
	cmds = vmemdup_user(ubuf, len);
	if (IS_ERR(cmds))
		return PTR_ERR(cmds);
	ret = mvgpu_ctx_direct(&vgpu->ctx, cmds, len / MVGPU_CMD_SIZE);
	kvfree(cmds);
	return ret ?: len;
}

static const struct file_operations mvgpu_direct_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = mvgpu_direct_write,
	.llseek = no_llseek,
};

static int mvgpu_sched_dbg_show(struct seq_file *m, void *unused)
{
	mvgpu_sched_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvgpu_sched_dbg);

static int mvgpu_hist_dbg_show(struct seq_file *m, void *unused)
{
	mvgpu_sched_hist_show(m, m->private);
	return 0;
}

static int mvgpu_hist_dbg_open(struct inode *inode, struct file *file)
{
	return single_open(file, mvgpu_hist_dbg_show, inode->i_private);
}

/* Any write starts the histograms over. */
static ssize_t mvgpu_hist_dbg_write(struct file *file, const char __user *ubuf,
				    size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;

	mvgpu_sched_hist_clear(m->private);
	return len;
}

static const struct file_operations mvgpu_hist_dbg_fops = {
	.owner = THIS_MODULE,
	.open = mvgpu_hist_dbg_open,
	.read = seq_read,
	.write = mvgpu_hist_dbg_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int mvgpu_samples_dbg_show(struct seq_file *m, void *unused)
{
	mvgpu_sched_samples_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvgpu_samples_dbg);

static int mvgpu_busy_dbg_show(struct seq_file *m, void *unused)
{
	mvgpu_sched_busy_show(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvgpu_busy_dbg);

/**
 * mvgpu_debugfs_gpu_init() - a GPU's debugfs directory
 * @gdev: the GPU
 *
 * Context: process context.
 */
void mvgpu_debugfs_gpu_init(struct mvgpu_dev *gdev)
{
	gdev->debugfs = debugfs_create_dir(dev_name(&gdev->pdev->dev),
					   mvgpu_debugfs_root);
	debugfs_create_file("sched", 0400, gdev->debugfs, gdev,
			    &mvgpu_sched_dbg_fops);
	debugfs_create_file("engine_hist", 0600, gdev->debugfs, gdev,
			    &mvgpu_hist_dbg_fops);
	debugfs_create_file("preempt_samples", 0400, gdev->debugfs, gdev,
			    &mvgpu_samples_dbg_fops);
	debugfs_create_file("busy", 0400, gdev->debugfs, gdev,
			    &mvgpu_busy_dbg_fops);
}

/**
 * mvgpu_debugfs_gpu_fini() - remove a GPU's debugfs directory
 * @gdev: the GPU
 *
 * Context: process context.
 */
void mvgpu_debugfs_gpu_fini(struct mvgpu_dev *gdev)
{
	debugfs_remove(gdev->debugfs);
	gdev->debugfs = NULL;
}

#define MVGPU_PICK_BENCH_MAX	4096
#define MVGPU_PICK_BENCH_ITERS	20000

/* A benchmark file's last result, as the text a read returns. */
struct mvgpu_bench_out {
	struct mutex lock;	/* @text */
	char text[96];
};

static struct mvgpu_bench_out mvgpu_pick_bench_out = {
	.lock = __MUTEX_INITIALIZER(mvgpu_pick_bench_out.lock),
	.text = "0 0\n",
};

static __printf(2, 3) void mvgpu_bench_set(struct mvgpu_bench_out *o,
					   const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	mutex_lock(&o->lock);
	vscnprintf(o->text, sizeof(o->text), fmt, args);
	mutex_unlock(&o->lock);
	va_end(args);
}

static ssize_t mvgpu_bench_read(struct file *file, char __user *ubuf,
				size_t len, loff_t *ppos)
{
	struct mvgpu_bench_out *o = file->private_data;
	char buf[sizeof(o->text)];

	mutex_lock(&o->lock);
	memcpy(buf, o->text, sizeof(buf));
	mutex_unlock(&o->lock);
	return simple_read_from_buffer(ubuf, len, ppos, buf, strlen(buf));
}

/* @n runnable entities of mixed weights; mean ns of pick + put + enqueue. */
static int mvgpu_pick_bench_run(unsigned int n, u64 *ns)
{
	struct mvgpu_sched_entity *es, *e;
	struct mvgpu_sched_policy *p;
	u64 now = 1, next, t0;
	unsigned int i;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	es = kvcalloc(n, sizeof(*es), GFP_KERNEL);
	if (!p || !es) {
		kfree(p);
		kvfree(es);
		return -ENOMEM;
	}
	mvgpu_policy_init(p, MVGPU_SCHED_MLFQ, NSEC_PER_MSEC,
			  100 * NSEC_PER_MSEC, now);
	for (i = 0; i < n; i++) {
		mvgpu_policy_entity_init(&es[i], 1 + i % 8, 0, 100);
		mvgpu_policy_enqueue(p, &es[i], true, now);
	}
	t0 = ktime_get_ns();
	for (i = 0; i < MVGPU_PICK_BENCH_ITERS; i++) {
		now += 1000;
		e = mvgpu_policy_pick(p, now, &next);
		mvgpu_policy_put(p, e, 1000 + i % 3000,
				 i % 4 ? MVGPU_PUT_IDLE : MVGPU_PUT_EXPIRED, now);
		mvgpu_policy_enqueue(p, e, false, now);
	}
	*ns = div_u64(ktime_get_ns() - t0, MVGPU_PICK_BENCH_ITERS);
	kvfree(es);
	kfree(p);
	return 0;
}

static ssize_t mvgpu_pick_bench_write(struct file *file,
				      const char __user *ubuf, size_t len,
				      loff_t *ppos)
{
	unsigned int n;
	u64 ns;
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &n);
	if (ret)
		return ret;
	if (!n || n > MVGPU_PICK_BENCH_MAX)
		return -EINVAL;
	ret = mvgpu_pick_bench_run(n, &ns);
	if (ret)
		return ret;
	mvgpu_bench_set(&mvgpu_pick_bench_out, "%u %llu\n", n, ns);
	return len;
}

static const struct file_operations mvgpu_pick_bench_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mvgpu_bench_read,
	.write = mvgpu_pick_bench_write,
	.llseek = default_llseek,
};

#define MVGPU_FLOOR_MAX_MS	10000

struct mvgpu_floor {
	struct hrtimer timer;
	u64 fired;		/* when the timer fired; 0 until then */
	unsigned int n;		/* samples in @lat */
	u32 lat[];		/* ns, one per timer */
};

static struct mvgpu_bench_out mvgpu_floor_out = {
	.lock = __MUTEX_INITIALIZER(mvgpu_floor_out.lock),
	.text = "0 0 0 0\n",
};

static enum hrtimer_restart mvgpu_floor_fire(struct hrtimer *t)
{
	struct mvgpu_floor *fl = container_of(t, struct mvgpu_floor, timer);

	WRITE_ONCE(fl->fired, ktime_get_ns());
	return HRTIMER_NORESTART;
}

static int mvgpu_floor_cmp(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest of @n sorted samples with @pct% at or below. */
static u64 mvgpu_floor_pct(const u32 *sorted, unsigned int n, unsigned int pct)
{
	unsigned int rank = DIV_ROUND_UP(n * pct, 100);

	return n ? sorted[rank ? rank - 1 : 0] : 0;
}

/* Spin @ms on a flag an hrtimer sets every 1 ms; the latencies into @res. */
static int mvgpu_floor_run(unsigned int ms, u64 *res)
{
	u64 end = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;
	u64 max = 0, at, lat;
	struct mvgpu_floor *fl;
	int ret = 0;

	/* Each sample takes at least the timer's 1 ms. */
	fl = kvzalloc(struct_size(fl, lat, ms + 1), GFP_KERNEL);
	if (!fl)
		return -ENOMEM;
	hrtimer_init(&fl->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	fl->timer.function = mvgpu_floor_fire;
	while (ktime_get_ns() < end && fl->n <= ms) {
		WRITE_ONCE(fl->fired, 0);
		hrtimer_start(&fl->timer, ns_to_ktime(NSEC_PER_MSEC),
			      HRTIMER_MODE_REL);
		while (!(at = READ_ONCE(fl->fired))) {
			/* A timer 1 s late, or a kill: stop spinning. */
			if (ktime_get_ns() > end + NSEC_PER_SEC ||
			    fatal_signal_pending(current)) {
				ret = -ETIMEDOUT;
				break;
			}
			cpu_relax();
		}
		if (ret)
			break;
		lat = ktime_get_ns() - at;
		fl->lat[fl->n++] = min_t(u64, lat, U32_MAX);
		max = max(max, lat);
		cond_resched();
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	if (ret == -ETIMEDOUT && fatal_signal_pending(current))
		ret = -EINTR;
	hrtimer_cancel(&fl->timer);
	sort(fl->lat, fl->n, sizeof(fl->lat[0]), mvgpu_floor_cmp, NULL);
	res[0] = fl->n;
	res[1] = mvgpu_floor_pct(fl->lat, fl->n, 50);
	res[2] = mvgpu_floor_pct(fl->lat, fl->n, 99);
	res[3] = max;
	kvfree(fl);
	return ret;
}

static ssize_t mvgpu_floor_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	unsigned int ms;
	u64 res[4];
	int ret;

	ret = kstrtouint_from_user(ubuf, len, 0, &ms);
	if (ret)
		return ret;
	if (!ms || ms > MVGPU_FLOOR_MAX_MS)
		return -EINVAL;
	ret = mvgpu_floor_run(ms, res);
	if (ret)
		return ret;
	/* samples, p50, p99, max (ns) */
	mvgpu_bench_set(&mvgpu_floor_out, "%llu %llu %llu %llu\n",
			res[0], res[1], res[2], res[3]);
	return len;
}

static const struct file_operations mvgpu_floor_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mvgpu_bench_read,
	.write = mvgpu_floor_write,
	.llseek = default_llseek,
};

/* pins: what pinning the vGPU's guest memory met (struct mvgpu_pin_stats). */
static int mvgpu_pins_dbg_show(struct seq_file *m, void *unused)
{
	struct mvgpu_vgpu *vgpu = m->private;
	struct mvgpu_aspace *as = &vgpu->ctx.as;
	struct mvgpu_pin_stats st;
	unsigned long pinned;

	mutex_lock(&as->pin_lock);
	st = as->pin_stats;
	pinned = as->nr_pins;
	mutex_unlock(&as->pin_lock);
	seq_printf(m, "pinned %lu\nfenced %llu\nundone %llu\nunmap_waits %llu\nrenotified %llu\ntimed %llu\nwalk_max %u\n",
		   pinned, st.fenced, st.undone, st.unmap_waits, st.renotified,
		   st.timed, st.walk_max);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mvgpu_pins_dbg);

/**
 * mvgpu_debugfs_vgpu_init() - a vGPU's debugfs directory
 * @vgpu: the vGPU, registered
 *
 * Failures are not errors (debugfs is optional).
 *
 * Context: process context.
 */
void mvgpu_debugfs_vgpu_init(struct mvgpu_vgpu *vgpu)
{
	vgpu->debugfs = debugfs_create_dir(dev_name(&vgpu->mdev->dev),
					   mvgpu_debugfs_root);
	debugfs_create_file("direct", 0200, vgpu->debugfs, vgpu,
			    &mvgpu_direct_fops);
	debugfs_create_file("pins", 0400, vgpu->debugfs, vgpu,
			    &mvgpu_pins_dbg_fops);
}

/**
 * mvgpu_debugfs_vgpu_fini() - remove a vGPU's debugfs directory
 * @vgpu: the vGPU
 *
 * Waits for writers in progress, so the vGPU outlives them.
 *
 * Context: process context.
 */
void mvgpu_debugfs_vgpu_fini(struct mvgpu_vgpu *vgpu)
{
	debugfs_remove(vgpu->debugfs);
	vgpu->debugfs = NULL;
}

/**
 * mvgpu_debugfs_init() - create /sys/kernel/debug/mvgpu
 *
 * Context: module init.
 */
void mvgpu_debugfs_init(void)
{
	mvgpu_debugfs_root = debugfs_create_dir("mvgpu", NULL);
	debugfs_create_file("pick_bench", 0600, mvgpu_debugfs_root,
			    &mvgpu_pick_bench_out,
			    &mvgpu_pick_bench_fops);
	debugfs_create_file("preempt_floor", 0600, mvgpu_debugfs_root,
			    &mvgpu_floor_out,
			    &mvgpu_floor_fops);
	/* A test widens the window in which a dma_unmap meets a pin. */
	debugfs_create_u32("pin_delay_us", 0600, mvgpu_debugfs_root,
			   &mvgpu_pin_delay_us);
	debugfs_create_u32("unmap_delay_us", 0600, mvgpu_debugfs_root,
			   &mvgpu_unmap_delay_us);
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	fault_create_debugfs_attr("fail_nowait", mvgpu_debugfs_root,
				  &mvgpu_fail_nowait_attr);
#endif
}

/**
 * mvgpu_debugfs_fini() - remove /sys/kernel/debug/mvgpu
 *
 * Context: module exit.
 */
void mvgpu_debugfs_fini(void)
{
	debugfs_remove_recursive(mvgpu_debugfs_root);
}
