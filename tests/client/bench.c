// SPDX-License-Identifier: GPL-2.0
/*
 * Device-model benchmarks, run in the test VM; each prints
 * "BENCH <name> <value> <unit>".  Absolute times under TCG mean little, so
 * every figure that matters is a ratio against a baseline measured side by
 * side in the same run.
 *
 *   bench device MVGPU_UUID MTTY_UUID
 *	(wall clock: real cycles and devices)
 *   mmio_rtt_vs_mtty       BAR0 register write + read through VFIO, divided
 *                          by the same on the mtty sample's BAR0
 *   vram_mmap_bw_vs_anon   copy bandwidth into the mmap'd VRAM aperture,
 *                          divided by the same into anonymous memory
 *
 *   bench engine MVGPU_UUID [DIRECT]
 *	(on the virtual clock in make bench: the same engine code both ways,
 *	so their instruction counts compare honestly; with MVGPU_CLOCK=virtual
 *	in the environment every line says "virtual")
 *   copy_mediated_vs_direct
 *                          a 16 MiB VRAM-to-VRAM COPY through the ring
 *                          (commands in VRAM, doorbell, fence polled in
 *                          VRAM), divided by the same command written to
 *                          the debugfs direct file (DIRECT, by default
 *                          /sys/kernel/debug/mvgpu/MVGPU_UUID/direct),
 *                          which runs it in the writer's thread
 *   matmul_mediated_vs_direct
 *                          the same for a 128x128x128 MATMUL
 *   nop_cmds_per_s         4000 NOPs through the ring, kicked in batches
 *                          of 256, then a fence; nop_mediated_vs_direct
 *                          divides their time by that of one direct write
 * Each figure is the median of ENGINE_ROUNDS rounds, mediated and direct
 * alternating.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "stats.h"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One round trip: write a scratch register, read it back. */
static double rtt_ns(struct mvgpu_handle *h, uint64_t off, size_t len, int iters)
{
	uint32_t w = 0, r = 0;
	double t0 = now_ns();
	int i;

	for (i = 0; i < iters; i++) {
		w = i & 0x7f;
		if (mvgpu_region_rw(h, VFIO_PCI_BAR0_REGION_INDEX, off, &w, len, 1) != (ssize_t)len ||
		    mvgpu_region_rw(h, VFIO_PCI_BAR0_REGION_INDEX, off, &r, len, 0) != (ssize_t)len ||
		    r != w) {
			fprintf(stderr, "bench: round trip failed at %d: %s\n", i, mvgpu_errmsg());
			exit(1);
		}
	}
	return (now_ns() - t0) / iters;
}

static double copy_mbps(uint8_t *dst, const uint8_t *src, size_t len)
{
	double t0 = now_ns();

	memcpy(dst, src, len);
	return len / ((now_ns() - t0) / 1e9) / 1e6;
}

/*
 * The engine: one tenant's ring in VRAM against the debugfs direct file,
 * which runs the same commands synchronously, without ring, doorbell or
 * scheduler.
 */
#define RING_OFF	0x0ull
#define RING_SIZE	0x10000u
#define FENCE_OFF	0x10000ull
#define COPY_LEN	(16ull << 20)
#define COPY_SRC	(32ull << 20)
#define COPY_DST	(48ull << 20)
#define MM_DIM		128
#define MM_A		(64ull << 20)
#define MM_B		(MM_A + MM_DIM * MM_DIM * 4)
#define MM_C		(MM_B + MM_DIM * MM_DIM * 4)
#define NOPS		4000
#define NOP_BATCH	256
#define ENGINE_ROUNDS	5
#define TIMEOUT_MS	30000

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, mvgpu_errmsg());
	exit(1);
}

/* Write commands to the direct file; retry while the ring is still busy. */
static void direct(int fd, const struct mvgpu_cmd *cmds, size_t n)
{
	size_t len = n * sizeof(*cmds);
	ssize_t done;
	int tries = 0;

	while ((done = write(fd, cmds, len)) < 0 && errno == EBUSY && tries++ < 5000)
		usleep(1000);
	if (done != (ssize_t)len) {
		fprintf(stderr, "bench: direct write of %zu commands: %s\n", n,
			done < 0 ? strerror(errno) : "short write");
		exit(1);
	}
}

/* " virtual" on the engine's lines when they are on the virtual clock. */
static const char *clock_tag = "";

/* The fence interrupt's eventfd: the mediated path waits like a driver. */
static int fence_efd = -1;

/* Emit n commands, kicking every batch of them, and wait for a fence. */
static void mediated(struct mvgpu_ring *r, const struct mvgpu_cmd *cmds, size_t n,
		     size_t batch)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (mvgpu_ring_emit_wait(r, &cmds[i], TIMEOUT_MS))
			die("ring");
		if ((i + 1) % batch == 0 && mvgpu_ring_kick(r))
			die("doorbell");
	}
	if (mvgpu_ring_fence_wait_irq(r, fence_efd, TIMEOUT_MS))
		die("fence");
}

/* Median times of the same commands both ways, alternating; prints BENCH. */
static void engine_pair(struct mvgpu_ring *r, int fd, const char *name,
			const struct mvgpu_cmd *cmds, size_t n, size_t batch)
{
	double tm[ENGINE_ROUNDS], td[ENGINE_ROUNDS], ratio[ENGINE_ROUNDS], t0, mid;
	int i;

	for (i = 0; i < ENGINE_ROUNDS; i++) {
		t0 = now_ns();
		mediated(r, cmds, n, batch);
		tm[i] = now_ns() - t0;
		/* The engine lets go of the vGPU just after the fence. */
		if (mvgpu_engine_wait(r->h, TIMEOUT_MS))
			die("engine idle");
		t0 = now_ns();
		direct(fd, cmds, n);
		td[i] = now_ns() - t0;
		ratio[i] = tm[i] / td[i];
	}
	printf("BENCH %s_mediated_ms %.3f ms%s\n", name,
	       median(tm, ENGINE_ROUNDS) / 1e6, clock_tag);
	printf("BENCH %s_direct_ms %.3f ms%s\n", name,
	       median(td, ENGINE_ROUNDS) / 1e6, clock_tag);
	/* median() sorts: the extremes afterwards. */
	mid = median(ratio, ENGINE_ROUNDS);
	printf("BENCH %s_mediated_vs_direct %.3f x%s (median of %d rounds, %.3f-%.3f)\n",
	       name, mid, clock_tag, ENGINE_ROUNDS, ratio[0],
	       ratio[ENGINE_ROUNDS - 1]);
	if (n > 1) {
		for (i = 0; i < ENGINE_ROUNDS; i++) {
			tm[i] = n / (tm[i] / 1e9);
			td[i] = n / (td[i] / 1e9);
		}
		printf("BENCH %s_cmds_per_s %.0f cmd/s%s\n", name,
		       median(tm, ENGINE_ROUNDS), clock_tag);
		printf("BENCH %s_direct_cmds_per_s %.0f cmd/s%s\n", name,
		       median(td, ENGINE_ROUNDS), clock_tag);
	}
}

static void bench_engine(struct mvgpu_handle *g, const char *direct_path)
{
	static struct mvgpu_cmd nops[NOPS];
	uint32_t *a, *b, *c, acc;
	struct mvgpu_cmd cmd;
	struct mvgpu_ring r;
	uint8_t *vram = g->vram;
	int fd, i, j, k, bad = 0;

	if (g->vram_len < MM_C + MM_DIM * MM_DIM * 4)
		die("VRAM too small for the engine benches");
	fd = open(direct_path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bench: %s: %s\n", direct_path, strerror(errno));
		exit(1);
	}
	fence_efd = eventfd(0, EFD_CLOEXEC);
	if (fence_efd < 0 || mvgpu_engine_reset(g) ||
	    mvgpu_irq_arm(g, VFIO_PCI_MSI_IRQ_INDEX, fence_efd) ||
	    mvgpu_reg_write(g, MVGPU_REG_INT_MASK, MVGPU_INT_FENCE) ||
	    mvgpu_ring_init(&r, g, RING_OFF, RING_SIZE, FENCE_OFF) ||
	    mvgpu_ring_fence_wait(&r, TIMEOUT_MS))
		die("engine set-up");

	/* Touch the operands first: VRAM is backed on first touch. */
	for (i = 0; i < (int)(COPY_LEN / 4); i++)
		((uint32_t *)(vram + COPY_SRC))[i] = i * 2654435761u;
	memset(vram + COPY_DST, 0, COPY_LEN);
	cmd = mvgpu_cmd_copy(COPY_DST, COPY_SRC, COPY_LEN);
	engine_pair(&r, fd, "copy", &cmd, 1, 1);
	if (memcmp(vram + COPY_DST, vram + COPY_SRC, COPY_LEN)) {
		fprintf(stderr, "bench: the engine's COPY is not exact\n");
		exit(1);
	}

	a = (uint32_t *)(vram + MM_A);
	b = (uint32_t *)(vram + MM_B);
	c = (uint32_t *)(vram + MM_C);
	for (i = 0; i < MM_DIM * MM_DIM; i++) {
		a[i] = i * 2246822519u + 1;
		b[i] = i * 3266489917u + 7;
	}
	memset(c, 0, MM_DIM * MM_DIM * 4);
	cmd = mvgpu_cmd_matmul(MM_A, MM_B, MM_C, MM_DIM, MM_DIM, MM_DIM);
	engine_pair(&r, fd, "matmul", &cmd, 1, 1);
	for (i = 0; i < MM_DIM; i++) {
		for (j = 0; j < MM_DIM; j++) {
			acc = 0;
			for (k = 0; k < MM_DIM; k++)
				acc += a[i * MM_DIM + k] * b[k * MM_DIM + j];
			bad += c[i * MM_DIM + j] != acc;
		}
	}
	if (bad) {
		fprintf(stderr, "bench: the engine's MATMUL is not exact (%d elements)\n", bad);
		exit(1);
	}

	for (i = 0; i < NOPS; i++)
		nops[i] = mvgpu_cmd_nop();
	engine_pair(&r, fd, "nop", nops, NOPS, NOP_BATCH);
	close(fd);
	mvgpu_irq_disarm(g, VFIO_PCI_MSI_IRQ_INDEX);
	close(fence_efd);
}

/* mmio_rtt_vs_mtty and vram_mmap_bw_vs_anon */
static int bench_device(const char *mvgpu_uuid, const char *mtty_uuid)
{
	enum { ROUNDS = 15, ITERS = 2000 };
	double mv[ROUNDS], mt[ROUNDS], bv[ROUNDS], ba[ROUNDS], ratio[ROUNDS];
	struct mvgpu_handle g, t;
	size_t len = 32 << 20;
	uint8_t *vram, *anon, *src;
	int i;

	if (mvgpu_open(&g, mvgpu_uuid) || mvgpu_open(&t, mtty_uuid)) {
		fprintf(stderr, "bench: %s\n", mvgpu_errmsg());
		return 1;
	}

	/* Alternate the two devices so drift hits both alike. */
	for (i = 0; i < ROUNDS; i++) {
		mv[i] = rtt_ns(&g, MVGPU_REG_SCRATCH, 4, ITERS);
		mt[i] = rtt_ns(&t, 7 /* UART_SCR */, 1, ITERS);
		ratio[i] = mv[i] / mt[i];
	}
	printf("BENCH mmio_rtt_ns %.0f ns\n", median(mv, ROUNDS));
	printf("BENCH mtty_rtt_ns %.0f ns\n", median(mt, ROUNDS));
	printf("BENCH mmio_rtt_vs_mtty %.3f x\n", median(ratio, ROUNDS));

	vram = mvgpu_vram_map(&g);
	anon = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = malloc(len);
	if (!vram || anon == MAP_FAILED || !src) {
		fprintf(stderr, "bench: cannot map buffers: %s\n", mvgpu_errmsg());
		return 1;
	}
	memset(src, 0x3c, len);
	memset(vram, 0, len);	/* fault everything in first */
	memset(anon, 0, len);
	for (i = 0; i < ROUNDS; i++) {
		bv[i] = copy_mbps(vram, src, len);
		ba[i] = copy_mbps(anon, src, len);
		ratio[i] = bv[i] / ba[i];
	}
	if (memcmp(vram, src, len)) {
		fprintf(stderr, "bench: VRAM copy is not exact\n");
		return 1;
	}
	printf("BENCH vram_mmap_bw %.0f MB/s\n", median(bv, ROUNDS));
	printf("BENCH anon_bw %.0f MB/s\n", median(ba, ROUNDS));
	printf("BENCH vram_mmap_bw_vs_anon %.3f x\n", median(ratio, ROUNDS));
	munmap(anon, len);
	free(src);
	mvgpu_close(&g);
	mvgpu_close(&t);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench device MVGPU_UUID MTTY_UUID\n"
			"       bench engine MVGPU_UUID [DIRECT]\n");
}

int main(int argc, char **argv)
{
	const char *clock = getenv("MVGPU_CLOCK");
	struct mvgpu_handle g;
	char direct_path[256];

	if (argc == 4 && !strcmp(argv[1], "device"))
		return bench_device(argv[2], argv[3]);
	if ((argc != 3 && argc != 4) || strcmp(argv[1], "engine")) {
		usage();
		return 2;
	}
	if (clock && !strcmp(clock, "virtual"))
		clock_tag = " virtual";
	if (argc == 4)
		snprintf(direct_path, sizeof(direct_path), "%s", argv[3]);
	else
		snprintf(direct_path, sizeof(direct_path),
			 "/sys/kernel/debug/mvgpu/%s/direct", argv[2]);
	if (mvgpu_open(&g, argv[2]) || mvgpu_bus_master(&g, 1)) {
		fprintf(stderr, "bench: %s\n", mvgpu_errmsg());
		return 1;
	}
	if (!mvgpu_vram_map(&g)) {
		fprintf(stderr, "bench: cannot map VRAM: %s\n", mvgpu_errmsg());
		return 1;
	}
	bench_engine(&g, direct_path);
	mvgpu_close(&g);
	return 0;
}
