// SPDX-License-Identifier: GPL-2.0
/*
 * Migration downtime, against the physical limit of its path.  Prints
 * "BENCH name value unit" lines.
 *
 *   mig_bench SRC DST MIB...
 *
 * For each size: a tenant on SRC (ring, fence, 4 MiB of guest RAM on the
 * GPU) touches MIB of its VRAM; DST is opened as a destination QEMU opens
 * it and waits in RESUMING.  Then, as QEMU does it, the source process
 * stops SRC, moves it to STOP_COPY and reads the data file to EOF into a
 * pipe; the destination process writes what the pipe gives to DST's data
 * file, then moves DST to STOP and RUNNING.  Downtime is from the source's
 * STOP to the destination's RUNNING.  The limit: the same number of bytes
 * copied through a pipe between two user-space buffers by two processes,
 * in the same chunks.  Each figure is the median of five runs.
 */
#include "mig_common.h"
#include "stats.h"

#include <sys/wait.h>

#define RUNS	5
#define CHUNK	(1u << 20)

struct shared {
	double t0;
	uint64_t bytes;
	int err;
};

static int pump(int in, int out, char *buf, uint64_t *total)
{
	for (;;) {
		ssize_t n = read(in, buf, CHUNK), w = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : 0;
		while (w < n) {
			ssize_t k = write(out, buf + w, n - w);

			if (k <= 0)
				return k < 0 ? -errno : -EIO;
			w += k;
		}
		*total += n;
	}
}

/* One migration SRC -> DST through a pipe: downtime in ms, or < 0. */
static double migrate_piped(struct vm *src, struct mvgpu_handle *dst,
			    struct shared *sh, uint64_t *bytes)
{
	uint64_t got = 0;
	int p[2], fd, err, st;
	char *buf = malloc(CHUNK);
	double t1;
	pid_t pid;

	if (!buf || pipe(p) ||
	    mvgpu_mig_set_state(dst, VFIO_DEVICE_STATE_RESUMING, &fd))
		return -1;
	pid = fork();
	if (pid == 0) {		/* the source QEMU */
		close(p[0]);
		sh->t0 = now_ms();
		sh->err = mvgpu_mig_save(&src->h, p[1], &sh->bytes);
		close(p[1]);
		_exit(sh->err ? 1 : 0);
	}
	close(p[1]);
	err = pump(p[0], fd, buf, &got);
	close(fd);
	close(p[0]);
	if (!err)
		err = mvgpu_mig_set_state(dst, VFIO_DEVICE_STATE_STOP, NULL);
	if (!err)
		err = mvgpu_mig_set_state(dst, VFIO_DEVICE_STATE_RUNNING, NULL);
	t1 = now_ms();
	waitpid(pid, &st, 0);
	free(buf);
	*bytes = got;
	if (err || sh->err || st || got != sh->bytes) {
		tap_diag("migration failed: %s (source %d)", mvgpu_errmsg(), sh->err);
		return -1;
	}
	return t1 - sh->t0;
}

/* The same bytes through a pipe, user buffer to user buffer: ms. */
static double memcpy_piped(uint64_t bytes, struct shared *sh)
{
	char *src = malloc(bytes), *dst = malloc(bytes);
	uint64_t got = 0;
	double t1 = -1;
	int p[2], go[2], st;
	char c = 0;
	pid_t pid;

	if (!src || !dst || pipe(p) || pipe(go))
		goto out;
	memset(src, 0x5a, bytes);	/* both buffers faulted in first */
	pid = fork();
	if (pid == 0) {
		uint64_t off = 0;

		close(p[0]);
		close(go[1]);
		/* The clock starts once the reader's buffer is its own. */
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		sh->t0 = now_ms();
		while (off < bytes) {
			ssize_t n = write(p[1], src + off,
					  bytes - off < CHUNK ? bytes - off : CHUNK);

			if (n <= 0)
				_exit(1);
			off += n;
		}
		_exit(0);
	}
	close(p[1]);
	close(go[0]);
	/* After fork(): no copy-on-write fault inside the timed copy. */
	memset(dst, 0, bytes);
	st = write(go[1], &c, 1) == 1;
	close(go[1]);	/* a reader that could not say go: EOF ends the child */
	while (st && got < bytes) {
		ssize_t n = read(p[0], dst + got,
				 bytes - got < CHUNK ? bytes - got : CHUNK);

		if (n <= 0)
			break;
		got += n;
	}
	t1 = now_ms();
	close(p[0]);
	waitpid(pid, &st, 0);
	t1 = got == bytes && !st ? t1 - sh->t0 : -1;
out:
	free(src);
	free(dst);
	return t1;
}

static int bench(const char *a, const char *b, unsigned int mib,
		 struct shared *sh, int last)
{
	double down[RUNS], base[RUNS];
	uint64_t bytes = 0, touched, fill = (uint64_t)mib << 20;
	struct mvgpu_handle dst;
	uint8_t *ram2, *dvram;
	struct vm vm;
	int bad = 0;

	memset(&vm, 0, sizeof(vm));
	if (vm_open(&vm, a, NULL, 1) || mvgpu_open(&dst, b)) {
		tap_diag("set up: %s", mvgpu_errmsg());
		return 1;
	}
	if (fill > vm.h.vram_len - 0x20000)
		fill = vm.h.vram_len - 0x20000;
	for (uint64_t i = 0; i < fill / 8; i++)
		((uint64_t *)(vm.vram + 0x20000))[i] = i * 0x9e3779b97f4a7c15ull;
	touched = 0x2000 + fill;	/* the ring's and the fence's pages too */
	ram2 = ram_alloc(SYS_LEN);
	memcpy(ram2, vm.ram, SYS_LEN);
	mvgpu_dma_map(&dst, ram2, SYS_IOVA, SYS_LEN);
	for (int i = 0; i < RUNS; i++) {
		down[i] = migrate_piped(&vm, &dst, sh, &bytes);
		if (down[i] < 0)
			return 1;
		if (i == 0) {
			dvram = mvgpu_vram_map(&dst);
			bad = !dvram || memcmp(dvram + 0x20000, vm.vram + 0x20000, fill);
			mvgpu_vram_unmap(&dst);
		}
		/* Again: the source runs on, the destination is fresh. */
		mvgpu_mig_set_state(&vm.h, VFIO_DEVICE_STATE_RUNNING, NULL);
		mvgpu_reset(&dst);
		base[i] = memcpy_piped(bytes, sh);
	}
	tap_ok(!bad, "%u MiB: the destination's VRAM is the source's", mib);
	printf("BENCH migration_downtime_ms_%uM %.1f ms\n", mib, median(down, RUNS));
	printf("BENCH migration_vs_memcpy_%uM %.2f x\n", mib,
	       median(down, RUNS) / median(base, RUNS));
	printf("# %u MiB touched: stream %" PRIu64 " bytes, pipe copy of them %.1f ms\n",
	       mib, bytes, median(base, RUNS));
	if (last) {
		printf("BENCH migration_vs_memcpy %.2f x\n",
		       median(down, RUNS) / median(base, RUNS));
		printf("BENCH migration_stream_overhead %.4f x\n",
		       (double)bytes / touched);
	}
	fflush(stdout);
	mvgpu_dma_unmap(&dst, SYS_IOVA, SYS_LEN);
	mvgpu_close(&dst);
	munmap(ram2, SYS_LEN);
	vm_close(&vm, 0);
	return bad;
}

int main(int argc, char **argv)
{
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int rc = 0;

	if (argc < 4 || sh == MAP_FAILED) {
		fprintf(stderr, "usage: mig_bench SRC DST MIB...\n");
		return 1;
	}
	for (int i = 3; i < argc; i++)
		rc |= bench(argv[1], argv[2], atoi(argv[i]), sh, i == argc - 1);
	return rc;
}
