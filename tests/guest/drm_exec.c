// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-drm-test exec and procs: workloads exact in both placements, and
 * 8 processes at once.
 */
#include "drm_test.h"

/* --- exec: workloads exact --------------------------------------------- */

#define GUARD	64

/* A buffer with guard bytes on both sides, in its own BO. */
struct obuf {
	struct mvgpu_bo bo;
	uint64_t va;
	uint8_t *p;
	size_t len;
	uint8_t pre[GUARD], post[GUARD];
};

static int obuf_new(struct mvgpu_drm *d, struct obuf *b, uint32_t placement, size_t len,
		    const void *init)
{
	if (mvgpu_bo_create(d, len + 2 * GUARD, placement, &b->bo) || mvgpu_bo_map(d, &b->bo))
		return -1;
	b->va = b->bo.va + GUARD;
	b->p = (uint8_t *)b->bo.map + GUARD;
	b->len = len;
	rnd_bytes(b->pre, GUARD);
	rnd_bytes(b->post, GUARD);
	memcpy(b->p - GUARD, b->pre, GUARD);
	memcpy(b->p + len, b->post, GUARD);
	if (init) {
		memcpy(b->p, init, len);
	} else {
		uint8_t *tmp = malloc(len);

		rnd_bytes(tmp, len);
		memcpy(b->p, tmp, len);
		free(tmp);
	}
	return 0;
}

static int obuf_check(const struct obuf *b, const void *want)
{
	uint8_t *got = malloc(b->len + 2 * GUARD);
	int bad;

	memcpy(got, b->p - GUARD, b->len + 2 * GUARD);
	bad = memcmp(got + GUARD, want, b->len) || memcmp(got, b->pre, GUARD) ||
	      memcmp(got + GUARD + b->len, b->post, GUARD);
	free(got);
	return bad;
}

struct wl {
	struct obuf in[2], out;
	int nin;
	void *want;
	const char *name;
};

static void wl_free(struct mvgpu_drm *d, struct wl *w)
{
	int i;

	for (i = 0; i < w->nin; i++)
		mvgpu_bo_destroy(d, &w->in[i].bo);
	mvgpu_bo_destroy(d, &w->out.bo);
	free(w->want);
}

/* Build workload kind k with operands in placement pl; its command in *c. */
static int wl_build(struct mvgpu_drm *d, struct wl *w, int k, uint32_t pl, struct mvgpu_cmd *c)
{
	memset(w, 0, sizeof(*w));
	memset(c, 0, sizeof(*c));
	switch (k) {
	case 0: {	/* FILL */
		size_t n = 1 + rnd() % 8192, i;
		uint32_t v = rnd(), *want = malloc(n * 4);

		for (i = 0; i < n; i++)
			want[i] = v;
		w->want = want;
		w->name = "fill";
		if (obuf_new(d, &w->out, pl, n * 4, NULL))
			return -1;
		c->opcode = MVGPU_OP_FILL;
		c->fill.dst = w->out.va;
		c->fill.size = n * 4;
		c->fill.value = v;
		return 0;
	}
	case 1: {	/* COPY */
		size_t n = 1 + rnd() % 65536;

		w->want = malloc(n);
		rnd_bytes(w->want, n);
		w->name = "copy";
		w->nin = 1;
		if (obuf_new(d, &w->in[0], pl, n, w->want) || obuf_new(d, &w->out, pl, n, NULL))
			return -1;
		c->opcode = MVGPU_OP_COPY;
		c->copy.dst = w->out.va;
		c->copy.src = w->in[0].va;
		c->copy.size = n;
		return 0;
	}
	case 2: {	/* MATMUL */
		uint32_t m = 1 + rnd() % 40, n = 1 + rnd() % 40, kk = 1 + rnd() % 40, i, j, l;
		uint32_t *a = malloc(m * kk * 4), *b = malloc(kk * n * 4), *want = calloc(m * n, 4);

		rnd_bytes(a, m * kk * 4);
		rnd_bytes(b, kk * n * 4);
		for (i = 0; i < m; i++)
			for (j = 0; j < n; j++)
				for (l = 0; l < kk; l++)
					want[i * n + j] += a[i * kk + l] * b[l * n + j];
		w->want = want;
		w->name = "matmul";
		w->nin = 2;
		if (obuf_new(d, &w->in[0], pl, m * kk * 4, a) ||
		    obuf_new(d, &w->in[1], pl, kk * n * 4, b) ||
		    obuf_new(d, &w->out, pl, m * n * 4, NULL)) {
			free(a);
			free(b);
			return -1;
		}
		free(a);
		free(b);
		c->opcode = MVGPU_OP_KERNEL;
		c->kernel.kind = MVGPU_KERNEL_MATMUL;
		c->kernel.a = w->in[0].va;
		c->kernel.b = w->in[1].va;
		c->kernel.c = w->out.va;
		c->kernel.m = m;
		c->kernel.n = n;
		c->kernel.k = kk;
		return 0;
	}
	case 3: {	/* VADD */
		uint32_t n = 1 + rnd() % 4096, i, *a = malloc(n * 4), *b = malloc(n * 4);
		uint32_t *want = malloc(n * 4);

		rnd_bytes(a, n * 4);
		rnd_bytes(b, n * 4);
		for (i = 0; i < n; i++)
			want[i] = a[i] + b[i];
		w->want = want;
		w->name = "vadd";
		w->nin = 2;
		if (obuf_new(d, &w->in[0], pl, n * 4, a) || obuf_new(d, &w->in[1], pl, n * 4, b) ||
		    obuf_new(d, &w->out, pl, n * 4, NULL)) {
			free(a);
			free(b);
			return -1;
		}
		free(a);
		free(b);
		c->opcode = MVGPU_OP_KERNEL;
		c->kernel.kind = MVGPU_KERNEL_VADD;
		c->kernel.a = w->in[0].va;
		c->kernel.b = w->in[1].va;
		c->kernel.c = w->out.va;
		c->kernel.n = n;
		return 0;
	}
	default: {	/* REDUCE */
		uint32_t n = 1 + rnd() % 8192, i, *a = malloc(n * 4);
		uint64_t *want = malloc(8);

		rnd_bytes(a, n * 4);
		*want = 0;
		for (i = 0; i < n; i++)
			*want += a[i];
		w->want = want;
		w->name = "reduce";
		w->nin = 1;
		if (obuf_new(d, &w->in[0], pl, n * 4, a) || obuf_new(d, &w->out, pl, 8, NULL)) {
			free(a);
			return -1;
		}
		free(a);
		c->opcode = MVGPU_OP_KERNEL;
		c->kernel.kind = MVGPU_KERNEL_REDUCE;
		c->kernel.a = w->in[0].va;
		c->kernel.c = w->out.va;
		c->kernel.n = n;
		return 0;
	}
	}
}

static const char *const pl_name[] = { "", "VRAM", "system memory" };

/*
 * One round on file d: every kind, operands in placement pl, one job of
 * all the commands (listing every buffer), waited for by WAIT_JOB.
 * Returns the number of mismatches (or -1 if the job failed), sets
 * exact[k].
 */
int run_round(struct mvgpu_drm *d, uint32_t pl, int exact[NKINDS], int verbose)
{
	struct drm_mvgpu_submit_bo sbo[3 * NKINDS];
	struct mvgpu_submit_args a = { .bos = sbo };
	struct mvgpu_job_status st = { 0 };
	struct wl w[NKINDS];
	struct mvgpu_cmdbuf cb;
	struct mvgpu_cmd c;
	uint64_t job = 0;
	int k, i, bad = 0, ret;

	if (mvgpu_cmdbuf_init(d, &cb, 16))
		return -1;
	for (k = 0; k < NKINDS; k++) {
		if (wl_build(d, &w[k], k, pl, &c)) {
			tap_diag("round set-up failed (%s)", strerror(errno));
			bad = -1;
		}
		mvgpu_cmdbuf_add(&cb, &c);
		for (i = 0; i < w[k].nin; i++)
			sbo[a.bo_count++] = (struct drm_mvgpu_submit_bo){ w[k].in[i].bo.handle,
									 MVGPU_SUBMIT_BO_READ };
		sbo[a.bo_count++] = (struct drm_mvgpu_submit_bo){ w[k].out.bo.handle,
								 MVGPU_SUBMIT_BO_WRITE };
	}
	if (!bad) {
		ret = mvgpu_cmdbuf_submit(d, &cb, &a, &job);
		if (!ret)
			ret = mvgpu_job_wait(d, job, JOB_WAIT_NS, &st);
		if (ret || st.status) {
			tap_diag("job %" PRIu64 ": %s, status %d, device error %u info 0x%x at 0x%" PRIx64,
				 job, strerror(-ret), st.status, st.dev_error, st.dev_info,
				 st.fault_addr);
			bad = -1;
		}
	}
	for (k = 0; k < NKINDS; k++) {
		exact[k] = bad == 0 && !obuf_check(&w[k].out, w[k].want);
		if (bad >= 0)
			bad += !exact[k];
		if (verbose && !exact[k])
			tap_diag("%s in %s: MISMATCH", w[k].name, pl_name[pl]);
		wl_free(d, &w[k]);
	}
	mvgpu_cmdbuf_fini(d, &cb);
	return bad;
}

void suite_exec(void)
{
	static const char *const kname[NKINDS] = { "FILL", "COPY", "MATMUL", "VADD", "REDUCE" };
	int exact[NKINDS], total[3][NKINDS] = { { 0 } }, rounds = 3, r, k, ret;
	uint64_t avail = param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE);
	struct mvgpu_job_status st;
	struct mvgpu_cmdbuf cb;
	struct obuf b;
	uint32_t pl, so, tl;
	uint64_t job, job2, point;

	if (skip_unless_accel("jobs: FILL/COPY/MATMUL/VADD/REDUCE exact"))
		return;
	for (pl = MVGPU_BO_VRAM; pl <= MVGPU_BO_SYSMEM; pl++)
		for (r = 0; r < rounds; r++) {
			run_round(&dev, pl, exact, 1);
			for (k = 0; k < NKINDS; k++)
				total[pl][k] += exact[k];
		}
	for (pl = MVGPU_BO_VRAM; pl <= MVGPU_BO_SYSMEM; pl++)
		for (k = 0; k < NKINDS; k++)
			tap_ok(total[pl][k] == rounds, "%s on buffers in %s: %d of %d rounds exact",
			       kname[k], pl_name[pl], total[pl][k], rounds);

	/* Syncobjs: a job waits for another's out-syncobj; timeline points. */
	if (mvgpu_cmdbuf_init(&dev, &cb, 8) || obuf_new(&dev, &b, MVGPU_BO_SYSMEM, 4096, NULL) ||
	    drmSyncobjCreate(dev.fd, 0, &so) || drmSyncobjCreate(dev.fd, 0, &tl)) {
		tap_ok(0, "syncobj set-up");
		return;
	}
	{
		struct mvgpu_cmd spin = { .opcode = MVGPU_OP_SPIN, .spin.usecs = 200000 };
		struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL,
					  .fill = { .dst = b.va, .size = 4096, .value = 0x11223344 } };
		struct drm_mvgpu_sync in = { .handle = so };
		struct mvgpu_submit_args a1 = { .out_sync = so };
		struct mvgpu_submit_args a2 = { .in_syncs = &in, .in_sync_count = 1,
						.out_sync = tl, .out_sync_point = 5 };
		struct drm_mvgpu_submit_bo sb = { b.bo.handle, MVGPU_SUBMIT_BO_WRITE };
		struct sync_file_info info = { 0 };
		int fd = -1;

		mvgpu_cmdbuf_add(&cb, &spin);
		ret = mvgpu_cmdbuf_submit(&dev, &cb, &a1, &job);
		mvgpu_cmdbuf_add(&cb, &fill);
		a2.bos = &sb;
		a2.bo_count = 1;
		ret = ret ?: mvgpu_cmdbuf_submit(&dev, &cb, &a2, &job2);
		tap_ok(!ret, "two jobs, the second waiting for the first's out-syncobj (jobs %" PRIu64
		       ", %" PRIu64 ")", job, job2);
		tap_ok(!drmSyncobjTimelineWait(dev.fd, &tl, (uint64_t[]){ 5 }, 1,
					       mvgpu_abs_timeout(JOB_WAIT_NS),
					       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL),
		       "the timeline's point 5 signals");
		tap_ok(!mvgpu_job_wait(&dev, job, 0, &st) && !st.status,
		       "by then the first job is done (WAIT_JOB polling)");
		tap_ok(!drmSyncobjQuery(dev.fd, &tl, &point, 1) && point == 5,
		       "the timeline reads 5");
		tap_ok(!mvgpu_bo_wait(&dev, &b.bo, 0) && *(uint32_t *)b.p == 0x11223344,
		       "WAIT_BO of its buffer: idle, FILL visible to the CPU");
		tap_ok(!drmSyncobjExportSyncFile(dev.fd, so, &fd) &&
		       !ioctl(fd, SYNC_IOC_FILE_INFO, &info) && info.status == 1,
		       "the out-syncobj exports as a signalled sync_file");
		if (fd >= 0)
			close(fd);
		/* WAIT_BO follows a running job. */
		spin.spin.usecs = 300000;
		mvgpu_cmdbuf_add(&cb, &spin);
		mvgpu_cmdbuf_add(&cb, &fill);
		ret = mvgpu_cmdbuf_submit(&dev, &cb, &(struct mvgpu_submit_args){ .bos = &sb,
									   .bo_count = 1 }, &job);
		tap_ok(!ret && mvgpu_bo_wait(&dev, &b.bo, 0) == -EBUSY,
		       "WAIT_BO polling a buffer a running job writes: EBUSY");
		tap_ok(!mvgpu_bo_wait(&dev, &b.bo, JOB_WAIT_NS), "WAIT_BO waits for it");
	}
	drmSyncobjDestroy(dev.fd, so);
	drmSyncobjDestroy(dev.fd, tl);
	mvgpu_bo_destroy(&dev, &b.bo);
	mvgpu_cmdbuf_fini(&dev, &cb);
	tap_ok(param(&dev, MVGPU_PARAM_FILE_FAULTS) == 0, "no job of this file faulted");
	tap_ok(param64(&dev, MVGPU_PARAM_VRAM_AVAILABLE) == avail, "VRAM available back where it was");
}

/* --- procs: 8 processes at once ----------------------------------------- */

static int child_rounds(int rounds, uint64_t seed)
{
	struct mvgpu_drm d;
	int exact[NKINDS], r, bad = 0;

	rng = seed * 2 + 1;
	if (mvgpu_drm_open(&d, dev.minor))
		return 2;
	for (r = 0; r < rounds; r++)
		if (run_round(&d, r % 2 ? MVGPU_BO_SYSMEM : MVGPU_BO_VRAM, exact, 0))
			bad++;
	mvgpu_drm_close(&d);
	return bad ? 1 : 0;
}

void suite_procs(void)
{
	int nproc = 8, rounds = 4, i, st, good = 0;
	pid_t pids[8];

	if (skip_unless_accel("8 processes at once"))
		return;
	for (i = 0; i < nproc; i++) {
		pids[i] = fork();
		if (!pids[i])
			_exit(child_rounds(rounds, 100 + i));
	}
	for (i = 0; i < nproc; i++) {
		if (waitpid(pids[i], &st, 0) == pids[i] && WIFEXITED(st) && !WEXITSTATUS(st))
			good++;
		else
			tap_diag("process %d: status 0x%x", i, st);
	}
	tap_ok(good == nproc, "%d processes at once, each its own file and context, %d rounds each: %d all exact",
	       nproc, rounds, good);
	tap_ok(param(&dev, MVGPU_PARAM_CONTEXTS_USED) == 1, "their contexts are gone (%d in use)",
	       param(&dev, MVGPU_PARAM_CONTEXTS_USED));
}
