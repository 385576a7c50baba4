// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu-drm-test bench: make bench's drm_submit_vs_raw and drm_jobs_per_s,
 * and where a round trip's time goes.
 */
#include "drm_test.h"

/* --- bench: make bench's figures (not part of "all") --------------------- */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return v[n / 2];
}

/*
 * Where a round trip's time goes, for the record (diagnostics, not make
 * bench figures): an ioctl that does nothing (GET_PARAM), SUBMIT alone,
 * the same job waited for on its out-syncobj instead of WAIT_JOB, and the
 * raw round trip with one system call each (a write of "1" to
 * mvgpu_raw_rtt), as a program would need to wait for an interrupt.
 */
static void bench_breakdown(struct mvgpu_cmdbuf *cb, struct mvgpu_cmd *fill, const char *raw)
{
	enum { N = 60 };
	double nul[N], sub[N], so[N], rawsys[N], t0;
	struct mvgpu_submit_args a = { 0 };
	uint64_t v, job;
	int i, fd, bad = 0;

	if (drmSyncobjCreate(dev.fd, 0, &a.out_sync))
		return;
	fd = open(raw, O_RDWR);
	for (i = 0; i < N && !bad; i++) {
		t0 = now_ns();
		mvgpu_drm_param(&dev, MVGPU_PARAM_LAST_JOB, &v);
		nul[i] = now_ns() - t0;
		mvgpu_cmdbuf_add(cb, fill);
		t0 = now_ns();
		bad |= mvgpu_cmdbuf_submit(&dev, cb, NULL, &job);
		sub[i] = now_ns() - t0;
		bad |= mvgpu_job_wait(&dev, job, JOB_WAIT_NS, NULL);
		mvgpu_cmdbuf_add(cb, fill);
		t0 = now_ns();
		bad |= mvgpu_cmdbuf_submit(&dev, cb, &a, NULL) ||
		       drmSyncobjWait(dev.fd, &a.out_sync, 1, INT64_MAX, 0, NULL);
		so[i] = now_ns() - t0;
		t0 = now_ns();
		bad |= fd < 0 || write(fd, "1", 1) != 1;
		rawsys[i] = now_ns() - t0;
	}
	if (fd >= 0)
		close(fd);
	drmSyncobjDestroy(dev.fd, a.out_sync);
	if (bad) {
		tap_diag("bench breakdown failed");
		return;
	}
	tap_diag("bench: a GET_PARAM ioctl %.1f us, SUBMIT alone %.1f us",
		 median(nul, N) / 1e3, median(sub, N) / 1e3);
	tap_diag("bench: SUBMIT + wait on the out-syncobj %.1f us; raw with one write() each %.1f us",
		 median(so, N) / 1e3, median(rawsys, N) / 1e3);
}

static char tracing[64];

/* Write @val to the tracing file @name; 0 or the errno. */
static int tracing_set(const char *name, const char *val)
{
	char path[160];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s%s", tracing, name);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = errno ?: EIO;
	close(fd);
	return ret;
}

/* tracefs: mounted at /sys/kernel/tracing if it is not yet. */
static int tracing_find(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing/", "/sys/kernel/debug/tracing/" };
	unsigned int i;

	mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
	for (i = 0; i < 2; i++) {
		snprintf(tracing, sizeof(tracing), "%s", dirs[i]);
		if (!tracing_set("tracing_on", "0"))
			return 0;
	}
	return -1;
}

/*
 * A timeline of three round trips each way (diagnostics): the scheduler's
 * switches and wake-ups, interrupts, system calls and drm_sched's events,
 * and with the function_graph tracer the driver's entry points; printed
 * as "# trace:" lines.
 */
static void bench_trace(struct mvgpu_cmdbuf *cb, struct mvgpu_cmd *fill, const char *raw)
{
	static const char *const events[] = {
		"sched/sched_switch", "sched/sched_wakeup", "irq/irq_handler_entry",
		"irq/irq_handler_exit", "raw_syscalls/sys_enter", "raw_syscalls/sys_exit",
		"gpu_scheduler/drm_run_job", "gpu_scheduler/drm_sched_process_job",
	};
	char line[512], path[160];
	unsigned int i;
	uint64_t job;
	FILE *f;
	int fd, ret;

	if (tracing_find()) {
		tap_diag("bench: no tracefs, no timeline");
		return;
	}
	ret = tracing_set("set_graph_function",
			  "mvgpu_ioctl_submit mvgpu_ioctl_wait_job mvgpu_irq mvgpu_job_run mvgpu_job_free mvgpu_kring_run");
	if (!ret)
		ret = tracing_set("max_graph_depth", "1");
	if (!ret)
		ret = tracing_set("current_tracer", "function_graph");
	if (ret)
		tap_diag("bench: no function_graph on the driver (%s): events only", strerror(ret));
	tracing_set("options/funcgraph-abstime", "1");
	tracing_set("options/funcgraph-proc", "1");
	snprintf(line, sizeof(line), "common_pid == %d", getpid());
	tracing_set("events/raw_syscalls/filter", line);
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(path, sizeof(path), "events/%s/enable", events[i]);
		ret = tracing_set(path, "1");
		if (ret)
			tap_diag("bench: event %s: %s", events[i], strerror(ret));
	}
	tracing_set("trace", "");
	tracing_set("tracing_on", "1");
	for (i = 0; i < 3; i++) {
		mvgpu_cmdbuf_add(cb, fill);
		if (mvgpu_cmdbuf_submit(&dev, cb, NULL, &job) ||
		    mvgpu_job_wait(&dev, job, JOB_WAIT_NS, NULL))
			break;
	}
	fd = open(raw, O_RDWR);
	if (fd >= 0) {
		if (write(fd, "3", 1) != 1)
			tap_diag("bench: raw round trips for the timeline failed");
		close(fd);
	}
	tracing_set("tracing_on", "0");
	snprintf(path, sizeof(path), "%strace", tracing);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (line[0] != '#')
			printf("# trace: %s", line);
	if (f)
		fclose(f);
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(path, sizeof(path), "events/%s/enable", events[i]);
		tracing_set(path, "0");
	}
	tracing_set("current_tracer", "nop");
	tracing_set("set_graph_function", "");
	tracing_set("trace", "");
}

/*
 * drm_submit_vs_raw: a small job (one FILL of 4 KiB) through the render
 * node (SUBMIT, then WAIT_JOB sleeping until the MSI signals it) against
 * the same command straight through context 0's ring and doorbell in the
 * driver, waiting for the same MSI (debugfs mvgpu_raw_rtt): the median
 * round trip of each, measured alternately in rounds.  drm_jobs_per_s: 512
 * such jobs submitted back to back, until the last is done.
 */
void suite_bench(void)
{
	enum { ROUNDS = 4, PER = 50, JOBS = 512 };
	double drm[ROUNDS * PER], raw_med[ROUNDS], t0, t1;
	struct mvgpu_cmd fill = { .opcode = MVGPU_OP_FILL };
	struct mvgpu_job_status st;
	struct mvgpu_cmdbuf cb;
	struct mvgpu_bo bo;
	char path[128], res[128];
	uint64_t job = 0;
	int r, i, fd, bad = 0, n;

	if (skip_unless_accel("bench"))
		return;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d/mvgpu_raw_rtt", dev.minor);
	if (mvgpu_bo_create(&dev, 4096, MVGPU_BO_VRAM, &bo) || mvgpu_cmdbuf_init(&dev, &cb, 4)) {
		tap_ok(0, "bench set-up");
		return;
	}
	fill.fill.dst = bo.va;
	fill.fill.size = 4096;
	for (i = 0; i < 20; i++) {	/* warm-up */
		mvgpu_cmdbuf_add(&cb, &fill);
		bad |= mvgpu_cmdbuf_submit(&dev, &cb, NULL, &job) ||
		       mvgpu_job_wait(&dev, job, JOB_WAIT_NS, &st) || st.status;
	}
	for (r = 0; r < ROUNDS && !bad; r++) {
		for (i = 0; i < PER; i++) {
			fill.fill.value = i;
			t0 = now_ns();
			mvgpu_cmdbuf_add(&cb, &fill);
			bad |= mvgpu_cmdbuf_submit(&dev, &cb, NULL, &job) ||
			       mvgpu_job_wait(&dev, job, JOB_WAIT_NS, &st) || st.status;
			drm[r * PER + i] = now_ns() - t0;
		}
		fd = open(path, O_RDWR);
		n = fd < 0 ? -1 : (int)write(fd, "50", 2);
		if (n == 2 && lseek(fd, 0, SEEK_SET) == 0 && (n = read(fd, res, sizeof(res) - 1)) > 0) {
			unsigned long long med = 0, mean = 0;
			unsigned int cnt = 0;

			res[n] = 0;
			sscanf(res, "n %u median_ns %llu mean_ns %llu", &cnt, &med, &mean);
			raw_med[r] = med;
		} else {
			bad = 1;
			tap_diag("%s: %s", path, strerror(errno));
		}
		if (fd >= 0)
			close(fd);
	}
	tap_ok(!bad, "bench: %d small jobs through the render node and %d straight through the ring",
	       ROUNDS * PER, ROUNDS * 50);
	if (!bad) {
		double med;

		qsort(drm, ROUNDS * PER, sizeof(double), cmp_double);
		qsort(raw_med, ROUNDS, sizeof(double), cmp_double);
		med = drm[ROUNDS * PER / 2];
		printf("BENCH drm_submit_rtt_us %.1f us\n", med / 1e3);
		printf("BENCH raw_rtt_us %.1f us\n", raw_med[ROUNDS / 2] / 1e3);
		printf("BENCH drm_submit_vs_raw %.2f x\n", med / raw_med[ROUNDS / 2]);
		for (r = 0; r < ROUNDS; r++)
			tap_diag("round %d: raw median %.1f us", r, raw_med[r] / 1e3);
		bench_breakdown(&cb, &fill, path);
		bench_trace(&cb, &fill, path);
	}
	/* Throughput: JOBS jobs queued back to back. */
	t0 = now_ns();
	for (i = 0; i < JOBS && !bad; i++) {
		mvgpu_cmdbuf_add(&cb, &fill);
		bad |= mvgpu_cmdbuf_submit(&dev, &cb, NULL, &job) != 0;
	}
	bad |= mvgpu_job_wait(&dev, job, JOB_WAIT_NS, &st) || st.status;
	t1 = now_ns();
	tap_ok(!bad, "bench: %d jobs back to back", JOBS);
	if (!bad)
		printf("BENCH drm_jobs_per_s %.0f jobs/s\n", JOBS / ((t1 - t0) / 1e9));
	mvgpu_cmdbuf_fini(&dev, &cb);
	mvgpu_bo_destroy(&dev, &bo);
}
