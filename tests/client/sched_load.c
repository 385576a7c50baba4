// SPDX-License-Identifier: GPL-2.0
/*
 * Loads on one vGPU's engine for the scheduler tests and benchmarks
 * (tests/vm/sched.sh, tests/vm/bench.sh).  One process per vGPU; run
 * several side by side and read the vGPUs' sched_stats in sysfs.
 *
 *   sched_load hog UUID SECONDS SPIN_US
 *	keep the ring (4 KiB, 63 slots) full of SPIN_US SPINs for SECONDS
 *	(or until SIGTERM/SIGINT), so the vGPU never goes idle; then wait
 *	for the ring to drain and print "hog UUID done N spins"
 *   sched_load hogk UUID SECONDS KIND
 *	the same with commands of another KIND, each long: spin (5 ms
 *	SPINs), copy (16 MiB COPYs in VRAM), matmul (4x64x4096 MATMULs, k
 *	large), map (a MAP of all the vGPU's VRAM in 4 KiB pages, then its
 *	UNMAP), sysmem (4 MiB COPYs from guest memory); prints "hog UUID
 *	done N spins" (N commands) at the end
 *   sched_load matmul UUID SECONDS DIM
 *	back-to-back DIMxDIMxDIM MATMULs of random operands in VRAM for
 *	SECONDS (or until SIGTERM/SIGINT), one queued while the previous
 *	one's result is checked bit for bit against a CPU reference; prints
 *	"ok - matmul N runs exact" or "not ok - ..." and exits 1 on a mismatch
 *   sched_load interactive UUID SECONDS PERIOD_US SPIN_US [GPU_DEBUGFS]
 *	every PERIOD_US (absolute deadlines) one SPIN of SPIN_US and a FENCE
 *	with FLAG_IRQ; latency = from just before the doorbell to the MSI
 *	eventfd seen and the fence value checked (CLOCK_MONOTONIC); prints
 *	"latency n=N p50_us=X p99_us=Y max_us=Z" (nearest-rank percentiles
 *	of the sorted samples).  With GPU_DEBUGFS (the GPU's debugfs
 *	directory, /sys/kernel/debug/mvgpu/mvgpu.N) it also clears the
 *	engines' histograms just before its first period and reads the exact
 *	preemption latencies (preempt_samples) just after its last: "preempt
 *	n=N p50_ns=X p99_ns=Y max_ns=Z p99_with_cpu_wait_ns=W" - the
 *	preemptions of its own run only, not those of a program started or
 *	reading the file meanwhile; the engine's own response, and the p99
 *	counting the time the engine's thread waited for a CPU too
 *   sched_load efficiency UUID
 *	the engine against the CPU: a 64 MiB COPY in VRAM against memcpy() of
 *	64 MiB between two buffers of this process, a 256^3 MATMUL against
 *	the integer triple loop here (matmul_ref(): row by row, product by
 *	product, column by column, as gcc -O2 compiles it; the engine does
 *	the same sums four products at a time); medians of 5 and 3 rounds,
 *	every buffer touched beforehand; prints BENCH copy_vs_memcpy and
 *	matmul_vs_cpu (CPU time / engine time: 1 is as fast as the CPU)
 *   sched_load longcmd UUID DIM
 *	one DIMxDIMxDIM MATMUL (DIM 192: about 0.75 s of engine time on the
 *	debug kernel under TCG), checked bit for bit; prints
 *	"longcmd UUID dim=D wall_ms=T preemptions_before=A preemptions_after=B"
 *	(from the vGPU's sched_stats, -1 if unreadable), then "ok - ..." or
 *	"not ok - ..."
 *
 * Exit status: 0 on success, 1 on a mismatch or an engine error (message
 * on stderr, or in the "not ok" line), 2 on bad usage.  Every mode waits
 * for fences with MSI (FENCE with FLAG_IRQ, the eventfd), not by polling
 * registers, so that the loads do not eat the CPU the engine threads and
 * the other loads need.
 *
 * Layout of the vGPU's VRAM (GPU VA = VRAM offset after a reset): the
 * ring at 0, the fence at FENCE_OFF, operands from DATA_OFF on.

 *
 * The matmul, longcmd and efficiency modes are in sched_load_mm.c, what
 * the two files share in sched_load.h.
 */
#include "sched_load.h"

volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* SIGTERM/SIGINT end the hog and matmul loops early, cleanly. */
static void catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* Register accesses restart; the sleeps return early, as they should. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* xorshift64* */
uint64_t rnd(struct tenant *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dull;
}

/* An engine error: its registers as text, on stderr; returns 1. */
static int engine_error(struct tenant *t, const char *what)
{
	fprintf(stderr, "sched_load: %s %s: %s\n", t->uuid, what, mvgpu_errmsg());
	return 1;
}

static int engine_stopped(struct tenant *t, const char *what)
{
	struct mvgpu_engine_state s;
	char buf[160];

	mvgpu_engine_state(&t->h, &s);
	fprintf(stderr, "sched_load: %s %s: engine stopped: %s\n", t->uuid, what,
		mvgpu_engine_str(&s, buf, sizeof(buf)));
	return 1;
}

static int tenant_open(struct tenant *t, const char *uuid)
{
	memset(t, 0, sizeof(*t));
	t->uuid = uuid;
	t->efd = -1;
	t->rng = ((uint64_t)time(NULL) << 20 ^ (uint64_t)getpid()) | 1;
	if (mvgpu_open(&t->h, uuid) || mvgpu_bus_master(&t->h, 1))
		return engine_error(t, "open");
	t->vram = mvgpu_vram_map(&t->h);
	if (!t->vram)
		return engine_error(t, "map VRAM");
	if (!(mvgpu_reg(&t->h, MVGPU_REG_CAPS) & MVGPU_CAP_ENGINE)) {
		fprintf(stderr, "sched_load: %s has no engine (CAPS 0x%x)\n", uuid,
			mvgpu_reg(&t->h, MVGPU_REG_CAPS));
		return 1;
	}
	t->efd = eventfd(0, EFD_CLOEXEC);
	if (t->efd < 0) {
		perror("sched_load: eventfd");
		return 1;
	}
	if (mvgpu_irq_arm(&t->h, VFIO_PCI_MSI_IRQ_INDEX, t->efd) ||
	    mvgpu_engine_reset(&t->h) ||
	    mvgpu_reg_write(&t->h, MVGPU_REG_INT_MASK, MVGPU_INT_FENCE) ||
	    mvgpu_ring_init(&t->r, &t->h, RING_OFF, RING_SIZE, FENCE_OFF))
		return engine_error(t, "engine set-up");
	/* One round trip proves the ring and the fence interrupt work. */
	if (mvgpu_ring_fence_wait_irq(&t->r, t->efd, TIMEOUT_MS))
		return engine_error(t, "first fence");
	return 0;
}

static void tenant_close(struct tenant *t)
{
	if (t->efd >= 0) {
		mvgpu_irq_disarm(&t->h, VFIO_PCI_MSI_IRQ_INDEX);
		close(t->efd);
	}
	mvgpu_close(&t->h);
}

/* Emit one command; on a full ring kick and sleep until there is room. */
int emit_room(struct tenant *t, struct mvgpu_cmd c, int timeout_ms)
{
	int64_t end = now_ns() + (int64_t)timeout_ms * 1000000;
	int kicked = 0, err;

	for (;;) {
		err = mvgpu_ring_emit(&t->r, &c);
		if (err != -ENOSPC)
			return err ? engine_error(t, "emit") : 0;
		if (!kicked++ && mvgpu_ring_kick(&t->r))
			return engine_error(t, "doorbell");
		if (mvgpu_reg(&t->h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED)
			return engine_stopped(t, "waiting for room in the ring");
		if (now_ns() > end) {
			fprintf(stderr, "sched_load: %s: ring still full after %d ms\n",
				t->uuid, timeout_ms);
			return 1;
		}
		usleep(1000);
	}
}

/* Emit a FENCE with FLAG_IRQ and kick; *seq = its value. */
int fence_kick(struct tenant *t, uint64_t *seq)
{
	struct mvgpu_cmd c = mvgpu_cmd_fence(t->r.fence_off, t->r.seq + 1,
					     MVGPU_CMD_FLAG_IRQ);

	if (emit_room(t, c, TIMEOUT_MS))
		return 1;
	*seq = ++t->r.seq;
	if (mvgpu_ring_kick(&t->r))
		return engine_error(t, "doorbell");
	return 0;
}

/*
 * Wait for the fence to reach seq, sleeping on the MSI eventfd.  Every
 * wake-up acknowledges MVGPU_INT_FENCE and looks at the fence value, so an
 * interrupt of an earlier fence does no harm; the 20 ms poll timeout
 * covers an interrupt that was merged with one still pending.
 */
int wait_seq(struct tenant *t, uint64_t seq, int timeout_ms)
{
	int64_t end = now_ns() + (int64_t)timeout_ms * 1000000;
	int got;

	while (mvgpu_ring_fence_value(&t->r) < seq) {
		got = mvgpu_eventfd_wait(t->efd, 20, NULL);
		if (got == -EINTR)	/* SIGTERM: stop is set, finish anyway */
			continue;
		if (got < 0)
			return engine_error(t, "fence eventfd");
		if (got) {
			mvgpu_reg_write(&t->h, MVGPU_REG_INT_ACK, MVGPU_INT_FENCE);
			continue;
		}
		if (mvgpu_reg(&t->h, MVGPU_REG_ENGINE_STATUS) == MVGPU_ENGINE_STOPPED &&
		    mvgpu_ring_fence_value(&t->r) < seq)
			return engine_stopped(t, "waiting for a fence");
		if (now_ns() > end) {
			fprintf(stderr, "sched_load: %s: fence %" PRIu64 " not reached after %d ms (fence %" PRIu64 ")\n",
				t->uuid, seq, timeout_ms, mvgpu_ring_fence_value(&t->r));
			return 1;
		}
	}
	__sync_synchronize();
	return 0;
}

/* One value of /sys/bus/mdev/devices/UUID/mvgpu/sched_stats, -1 if none. */
long long read_stat(const char *uuid, const char *key)
{
	char path[256], k[64];
	unsigned long long v;
	long long ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/sched_stats", uuid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%63s %llu", k, &v) == 2) {
		if (!strcmp(k, key)) {
			ret = (long long)v;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* hog */

#define SYS_IOVA	(1ull << 32)
#define SYS_VA		(1ull << 36)
#define SYS_LEN		(4ull << 20)
#define MAP_VA		(1ull << 38)

/*
 * What a hog of @kind keeps queued: one or two commands, repeated.  Guest
 * memory for "sysmem" is DMA-mapped and MAPped here.
 */
static int hog_cmds(struct tenant *t, const char *kind, struct mvgpu_cmd *c,
		    unsigned int *n)
{
	uint64_t size = t->h.vram_len - 8192;
	uint32_t spin_us = 5000;

	*n = 1;
	if (!strcmp(kind, "spin") || sscanf(kind, "%u", &spin_us) == 1) {
		c[0] = mvgpu_cmd_spin(spin_us);
	} else if (!strcmp(kind, "copy")) {
		c[0] = mvgpu_cmd_copy(DATA_OFF + (16 << 20), DATA_OFF, 16 << 20);
	} else if (!strcmp(kind, "matmul")) {
		c[0] = mvgpu_cmd_matmul(DATA_OFF, DATA_OFF + (64 << 10),
					DATA_OFF + (2 << 20), 4, 64, 4096);
	} else if (!strcmp(kind, "map")) {
		/* 4 KiB pages: the target is not 2 MiB aligned */
		c[0] = mvgpu_cmd_map(MAP_VA, 4096, size, MVGPU_MAP_READ);
		c[1] = mvgpu_cmd_unmap(MAP_VA, size);
		*n = 2;
	} else if (!strcmp(kind, "sysmem")) {
		struct mvgpu_cmd map = mvgpu_cmd_map(SYS_VA, SYS_IOVA, SYS_LEN,
						     MVGPU_MAP_SYSMEM | MVGPU_MAP_READ);
		void *p = mmap(NULL, SYS_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		uint64_t seq;

		if (p == MAP_FAILED || mvgpu_dma_map(&t->h, p, SYS_IOVA, SYS_LEN) ||
		    emit_room(t, map, TIMEOUT_MS) || fence_kick(t, &seq) ||
		    wait_seq(t, seq, TIMEOUT_MS))
			return engine_error(t, "guest memory set-up");
		c[0] = mvgpu_cmd_copy(DATA_OFF, SYS_VA, SYS_LEN);
	} else {
		fprintf(stderr, "sched_load: unknown hog kind '%s'\n", kind);
		return 1;
	}
	return 0;
}

static int do_hog(struct tenant *t, double seconds, const char *kind)
{
	int64_t end = now_ns() + (int64_t)(seconds * 1e9);
	uint64_t cmds = 0, seq;
	struct mvgpu_cmd c[2];
	/* A quarter of what a full ring holds, so it never runs dry. */
	uint64_t pause = 2000;
	unsigned int n, i, k = 0;
	uint32_t spin_us;
	int err;

	if (hog_cmds(t, kind, c, &n))
		return 1;
	if (sscanf(kind, "%u", &spin_us) == 1)
		pause = (uint64_t)RING_SLOTS * spin_us / 4;
	if (pause < 200)
		pause = 200;
	if (pause > 20000)
		pause = 20000;
	while (!stop && now_ns() < end) {
		i = 0;
		while (!(err = mvgpu_ring_emit(&t->r, &c[k]))) {
			k = (k + 1) % n;
			i++;
		}
		if (err != -ENOSPC)
			return engine_error(t, "emit");
		if (i) {
			if (mvgpu_ring_kick(&t->r))
				return engine_error(t, "doorbell");
			cmds += i;
		} else if (mvgpu_reg(&t->h, MVGPU_REG_ENGINE_STATUS) ==
			   MVGPU_ENGINE_STOPPED) {
			return engine_stopped(t, "hog");
		}
		usleep(pause);
	}
	/* A MAP without its UNMAP would make the next MAP overlap: finish. */
	if (k && emit_room(t, c[k], TIMEOUT_MS))
		return 1;
	if (fence_kick(t, &seq) || wait_seq(t, seq, TIMEOUT_MS))
		return 1;
	printf("hog %s done %" PRIu64 " spins\n", t->uuid, cmds);
	return 0;
}

/* interactive */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least pct% at or below it. */
static double pct_us(const int64_t *sorted, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	return sorted[rank ? rank - 1 : 0] / 1e3;
}

/* Write "0" to DIR/engine_hist: the histograms and samples start over. */
static int samples_clear(const char *dir)
{
	char path[256];
	FILE *f;
	int bad;

	snprintf(path, sizeof(path), "%s/engine_hist", dir);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "sched_load: %s: %s\n", path, strerror(errno));
		return 1;
	}
	bad = fputs("0\n", f) < 0;
	bad |= fclose(f) != 0;
	if (bad)
		fprintf(stderr, "sched_load: cannot clear %s\n", path);
	return bad;
}

/*
 * The preemption latencies in DIR/preempt_samples ("LATENCY_NS CPU_WAIT_NS"
 * lines: the engine's own response, and its waits for a CPU meanwhile),
 * summed up on stdout: "preempt n=N p50_ns= p99_ns= max_ns=" of the first,
 * then "p99_with_cpu_wait_ns=" of their sums.
 */
static int samples_report(const char *dir)
{
	size_t n = 0, cap = 4096;
	int64_t *v = malloc(cap * sizeof(*v)), *w = malloc(cap * sizeof(*w));
	int64_t *nv, *nw;
	long long x, y;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/preempt_samples", dir);
	f = fopen(path, "r");
	if (!f || !v || !w) {
		fprintf(stderr, "sched_load: %s: %s\n", path, strerror(errno));
		free(v);
		free(w);
		if (f)
			fclose(f);
		return 1;
	}
	while (fscanf(f, "%lld %lld", &x, &y) == 2) {
		if (n == cap) {
			nv = realloc(v, 2 * cap * sizeof(*v));
			if (nv)
				v = nv;
			nw = realloc(w, 2 * cap * sizeof(*w));
			if (nw)
				w = nw;
			if (!nv || !nw)
				break;
			cap *= 2;
		}
		v[n] = x;
		w[n++] = x + y;
	}
	fclose(f);
	if (!n) {
		printf("preempt n=0 p50_ns=0 p99_ns=0 max_ns=0 p99_with_cpu_wait_ns=0\n");
	} else {
		qsort(v, n, sizeof(*v), cmp_i64);
		qsort(w, n, sizeof(*w), cmp_i64);
		printf("preempt n=%zu p50_ns=%.0f p99_ns=%.0f max_ns=%" PRId64 " p99_with_cpu_wait_ns=%.0f\n",
		       n, pct_us(v, n, 50) * 1e3, pct_us(v, n, 99) * 1e3, v[n - 1],
		       pct_us(w, n, 99) * 1e3);
	}
	free(v);
	free(w);
	return 0;
}

static int do_interactive(struct tenant *t, double seconds, uint32_t period_us,
			  uint32_t spin_us, const char *samples)
{
	int64_t period = (int64_t)period_us * 1000, start = now_ns(), next, t0, t1;
	int64_t end = start + (int64_t)(seconds * 1e9);
	size_t n = 0, max = (size_t)(seconds * 1e6 / period_us) + 2;
	struct mvgpu_cmd spin = mvgpu_cmd_spin(spin_us);
	uint64_t missed = 0;
	struct timespec ts;
	int64_t *lat;

	lat = malloc(max * sizeof(*lat));
	if (!lat) {
		fprintf(stderr, "sched_load: out of memory\n");
		return 1;
	}
	if (samples && samples_clear(samples))
		goto fail;
	start = now_ns();
	end = start + (int64_t)(seconds * 1e9);
	next = start;
	while (n < max && now_ns() < end) {
		if (spin_us && emit_room(t, spin, TIMEOUT_MS))
			goto fail;
		t0 = now_ns();
		if (mvgpu_ring_fence_wait_irq(&t->r, t->efd, TIMEOUT_MS)) {
			engine_error(t, "interactive fence");
			goto fail;
		}
		t1 = now_ns();
		lat[n++] = t1 - t0;
		next += period;
		if (next <= t1) {
			/* Overran: skip to the next period boundary. */
			missed += (t1 - next) / period + 1;
			next += ((t1 - next) / period + 1) * period;
		}
		ts.tv_sec = next / 1000000000;
		ts.tv_nsec = next % 1000000000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
	}
	if (samples && samples_report(samples))
		goto fail;
	if (!n) {
		fprintf(stderr, "sched_load: %s: no samples\n", t->uuid);
		goto fail;
	}
	qsort(lat, n, sizeof(*lat), cmp_i64);
	if (missed)
		printf("# interactive %s: %" PRIu64 " periods of %u us missed\n",
		       t->uuid, missed, period_us);
	printf("latency n=%zu p50_us=%.1f p99_us=%.1f max_us=%.1f\n", n,
	       pct_us(lat, n, 50), pct_us(lat, n, 99), lat[n - 1] / 1e3);
	free(lat);
	return 0;
fail:
	free(lat);
	return 1;
}

/* main */

static void usage(void)
{
	fprintf(stderr,
		"usage: sched_load hog UUID SECONDS SPIN_US\n"
		"       sched_load hogk UUID SECONDS spin|copy|matmul|map|sysmem\n"
		"       sched_load matmul UUID SECONDS DIM\n"
		"       sched_load interactive UUID SECONDS PERIOD_US SPIN_US [GPU_DEBUGFS]\n"
		"       sched_load longcmd UUID DIM\n"
		"       sched_load efficiency UUID\n");
}

/* A whole decimal number in [lo, hi], else -1. */
static long long arg_num(const char *s, long long lo, long long hi)
{
	char *e;
	long long v;

	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno || e == s || *e || v < lo || v > hi)
		return -1;
	return v;
}

static double arg_seconds(const char *s)
{
	char *e;
	double v = strtod(s, &e);

	return e == s || *e || !(v > 0) || v > 86400 ? -1 : v;
}

int main(int argc, char **argv)
{
	long long a = 0, b = 0;
	sigset_t stop_sigs;
	double secs = 0;
	const char *mode;
	struct tenant t;
	int ret;

	if (argc < 3) {
		usage();
		return 2;
	}
	mode = argv[1];
	if (!strcmp(mode, "hog") && argc == 5) {
		secs = arg_seconds(argv[3]);
		a = arg_num(argv[4], 1, MVGPU_MAX_SPIN_US);
	} else if (!strcmp(mode, "hogk") && argc == 5) {
		secs = arg_seconds(argv[3]);
	} else if (!strcmp(mode, "matmul") && argc == 5) {
		secs = arg_seconds(argv[3]);
		a = arg_num(argv[4], 1, MVGPU_MAX_DIM);
	} else if (!strcmp(mode, "interactive") && (argc == 6 || argc == 7)) {
		secs = arg_seconds(argv[3]);
		a = arg_num(argv[4], 1, 10000000);
		b = arg_num(argv[5], 0, MVGPU_MAX_SPIN_US);
	} else if (!strcmp(mode, "efficiency") && argc == 3) {
		secs = 1;
	} else if (!strcmp(mode, "longcmd") && argc == 4) {
		secs = 1;
		a = arg_num(argv[3], 1, MVGPU_MAX_DIM);
	} else {
		usage();
		return 2;
	}
	if (secs < 0 || a < 0 || b < 0) {
		usage();
		return 2;
	}

	/*
	 * A SIGTERM that comes during the set-up waits for its end (an
	 * interrupted poll() would fail it), then ends the loop at once.
	 */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGTERM);
	sigaddset(&stop_sigs, SIGINT);
	if (!strcmp(mode, "hog") || !strcmp(mode, "hogk") ||
	    !strcmp(mode, "matmul")) {
		catch_stop();
		sigprocmask(SIG_BLOCK, &stop_sigs, NULL);
	}
	ret = tenant_open(&t, argv[2]);
	sigprocmask(SIG_UNBLOCK, &stop_sigs, NULL);
	if (ret) {
		tenant_close(&t);
		return 1;
	}
	if (!strcmp(mode, "hog") || !strcmp(mode, "hogk"))
		ret = do_hog(&t, secs, argv[4]);
	else if (!strcmp(mode, "matmul"))
		ret = do_matmul(&t, secs, a);
	else if (!strcmp(mode, "interactive"))
		ret = do_interactive(&t, secs, a, b, argc == 7 ? argv[6] : NULL);
	else if (!strcmp(mode, "efficiency"))
		ret = do_efficiency(&t);
	else
		ret = do_longcmd(&t, a);
	fflush(stdout);
	tenant_close(&t);
	return ret;
}
