/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: a mock backend and a GPU of mock vGPUs, for the core's tests.  The
 * mock runs nothing: it records what the core asks of it, and the test
 * plays the GPU, reporting runs that end as it pleases (empty, preempted,
 * faulted, needing the host), with the engine time it pleases - a fake
 * clock - through the same contract a hardware backend implements (DOC:
 * Backend contract).  The core makes its calls down from its submit worker
 * (DOC: Submission); the helpers wait for the worker (mock_sync()) after
 * each step the test plays, so that the test sees what the core asked.
 */
#ifndef _MVGPU_MOCK_GPU_H_
#define _MVGPU_MOCK_GPU_H_

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/xarray.h>

#include <mvgpu/backend.h>
#include <mvgpu/ctx.h>

struct mvgpu_dev;
struct mvgpu_vgpu;

#define ENGINES		2
#define CTXS		4
/* No timer fires in a test, even through a host stall of seconds. */
#define MOCK_MAX_CTXS	64	/* backend contexts of the whole mock GPU */
#define MOCK_CONTEXTS	16	/* contexts per mock vGPU */
#define MOCK_RESIDENT	4	/* contexts each mock engine keeps resident */
#define SLICE_NS	(10 * NSEC_PER_SEC)
/* The mock's largest context image (&mvgpu_backend_ops.ctx_image_max). */
#define MOCK_IMAGE_MAX	SZ_4M
/* Its images by default: head and commands done, two u64. */
#define MOCK_IMAGE_MIN	16
/* Page-table flushes it records (struct mock_flush). */
#define MOCK_FLUSHES	32

struct mock_gpu;

/* A mock context: the ring as the core gave it, and what it did. */
struct mock_ctx {
	struct mock_gpu *gpu;
	struct mvgpu_ctx *ctx;
	u32 ring_size;
	u32 tail;
	u32 head;
	u64 cmds;
	unsigned int resets;
	bool privileged;
	bool host_answered;
	struct mvgpu_fault host_result;
	int resident;
	bool busy;
	u8 *blob;
	u8 *staging;
	size_t staged;
	struct xarray pinned;
};

/* A flush the core asked for: which context, which range of GPU VA. */
struct mock_flush {
	struct mock_ctx *m;
	u64 va;
	u64 size;
};

/*
 * What the mock GPU did.  @calls: calls down that start and stop runs and
 * move contexts in and out of residency; @atomic_calls: those of them made
 * where the backend could not have slept (a lock held, irqs off); @sleep:
 * each such call sleeps a millisecond, as a firmware RPC would.
 * @nr_resident: contexts resident on each engine (mock_ctx @resident);
 * @loads, @evictions: residency calls; @bad: calls that broke the
 * residency contract (a run or load of a context not allowed there, an
 * eviction of one not resident or running, another op on a resident
 * context).  @lose: an engine reset loses its resident contexts that have
 * a command in flight (mock_ctx @busy), reported with ctx_lost.
 * @empty_in_run: so many of the next runs end at once, reported empty from
 * inside run() (where it may sleep; where it may not, the run goes on).
 * @churner, @churn: each run of that context (a vGPU's context 0), while
 * @churned < @churn, sees its tenant ring once more as it starts and ends
 * at once, the ring found empty at the old tail: the core runs it again at
 * once, so a run of its engine is pending at every take of the submit
 * worker.  @nr_runs: runs so far; @run_seq: per context, @nr_runs at its
 * latest run.
 */
struct mock_gpu {
	const struct mvgpu_core_ops *core;
	void *gpu;
	struct mock_ctx *running[ENGINES];
	bool preempt[ENGINES];
	unsigned int engine_resets[ENGINES];
	unsigned int runs[MOCK_MAX_CTXS];
	struct mock_ctx *ctxs[MOCK_MAX_CTXS];
	unsigned int nr_ctxs;
	bool mem_pending;
	unsigned int vram_pages;
	void (*on_scrub)(void *arg);
	void *on_scrub_arg;
	unsigned int calls;
	unsigned int atomic_calls;
	bool sleep;
	unsigned int nr_resident[ENGINES];
	unsigned int loads;
	unsigned int evictions;
	unsigned int bad;
	bool lose;
	unsigned int empty_in_run;
	struct mock_ctx *churner;
	unsigned int churn;
	unsigned int churned;
	unsigned int nr_runs;
	unsigned int run_seq[MOCK_MAX_CTXS];
	/* Context images (DOC: Context images): their size, the pieces. */
	u64 image_size;
	unsigned int saves;
	unsigned int restores;
	unsigned int restore_ends;
	size_t piece_max;
	/* Page-table changes, as ctx_flush reports them. */
	spinlock_t lock;
	struct mock_flush flushes[MOCK_FLUSHES];
	unsigned int nr_flushes;
	/* Guest pages ctx_pin took and ctx_unpin gave back; pins refused. */
	atomic_long_t pinned;
	atomic_long_t unpinned;
	atomic_t pin_errors;
	int pin_fail;
};

#define MOCK(be)	((struct mock_gpu *)(be))
#define MCTX(b)		((struct mock_ctx *)(b))

struct mock_fixture {
	struct mvgpu_dev *gdev;
	struct mock_gpu *g;
	struct mvgpu_vgpu *vgpu[CTXS];
};

extern const struct mvgpu_backend_ops mock_ops;

int mock_test_init(struct kunit *test);
void mock_test_exit(struct kunit *test);
void mock_doorbell(struct mock_fixture *x, unsigned int i, u32 tail);
void mock_ring(struct mock_fixture *x, unsigned int i, u32 tail);
u32 mock_reg(struct mock_fixture *x, unsigned int i, u32 off);
int mock_running(struct mock_fixture *x, unsigned int engine);
int mock_running_ctx(struct mock_fixture *x, unsigned int engine);
void mock_report(struct mock_fixture *x, unsigned int engine,
		 enum mvgpu_stop_reason reason, u64 ran_ns, u32 cmds_done);
void mock_slice_end(struct mock_fixture *x, unsigned int engine);
void mock_sync(struct mock_fixture *x);
u8 *mock_blob(struct mock_ctx *m);

#endif /* _MVGPU_MOCK_GPU_H_ */
