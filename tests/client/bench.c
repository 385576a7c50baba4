// SPDX-License-Identifier: GPL-2.0
/*
 * Device-model benchmarks, run in the test VM; each prints
 * "BENCH <name> <value> <unit>".  Absolute times under TCG mean little, so
 * every figure that matters is a ratio against a baseline measured side by
 * side in the same run.
 *
 *   bench MVGPU_UUID MTTY_UUID
 *
 *   mmio_rtt_vs_mtty       BAR0 register write + read through VFIO, divided
 *                          by the same on the mtty sample's BAR0
 *   vram_mmap_bw_vs_anon   copy bandwidth into the mmap'd VRAM aperture,
 *                          divided by the same into anonymous memory
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../../tools/mvgpu/libmvgpu.h"

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
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
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

int main(int argc, char **argv)
{
	enum { ROUNDS = 15, ITERS = 2000 };
	double mv[ROUNDS], mt[ROUNDS], bv[ROUNDS], ba[ROUNDS], ratio[ROUNDS];
	struct mvgpu_handle g, t;
	size_t len = 32 << 20;
	uint8_t *vram, *anon, *src;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: bench MVGPU_UUID MTTY_UUID\n");
		return 2;
	}
	if (mvgpu_open(&g, argv[1]) || mvgpu_open(&t, argv[2])) {
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

	mvgpu_close(&g);
	mvgpu_close(&t);
	return 0;
}
