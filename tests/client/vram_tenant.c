// SPDX-License-Identifier: GPL-2.0
/*
 * One tenant's use of the VRAM aperture, for the reuse tests in
 * tests/vm/device_model.sh.  TAP output.
 *
 *   vram_tenant fill UUID MIB        fill MIB MiB through mmap, check
 *                                    pread and sysfs vram_used_bytes agree
 *   vram_tenant check-zero UUID MIB  fault in MIB MiB through mmap: all zero
 *   vram_tenant touch UUID MIB       write one word per page of MIB MiB
 *                                    through mmap; exit 0 if all got there
 *   vram_tenant mmap-race UUID N     N times: a new device file, whose
 *                                    first mmap two processes make at once
 *   vram_tenant engine-fill UUID MIB FILL MIB MiB with the engine; print
 *                                    the engine's state; exit 0 if it
 *                                    completed, 3 if it stopped
 *   vram_tenant table-fill UUID MIB  the same, then (VRAM kept) MAPs of one
 *                                    page each 1 GiB apart, every one
 *                                    needing new tables, until one fails;
 *                                    then allocate and touch 2 MiB of
 *                                    this process's own memory; exit 3 if
 *                                    a MAP stopped (its error_code
 *                                    printed), 0 if all 1023 went in
 *   vram_tenant pin UUID MIB         map MIB MiB of this process's memory
 *                                    for DMA and MAP it into the GPU (the
 *                                    vGPU pins it), print "pinned", then
 *                                    hold it until stdin closes
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../tools/mvgpu/libmvgpu.h"
#include "tap.h"

static unsigned long long sysfs_used(const char *uuid)
{
	char path[256];
	unsigned long long v = ~0ull;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mvgpu/vram_used_bytes", uuid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = ~0ull;
		fclose(f);
	}
	return v;
}

/* Map and unmap 1 MiB of BAR2 through @fd; 0 if that worked. */
static int map_once(int fd, uint64_t off)
{
	void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);

	if (m == MAP_FAILED)
		return errno;
	*(volatile uint8_t *)m = 1;
	munmap(m, 1 << 20);
	return 0;
}

/*
 * Two processes, one new device file, the first mmap at the same moment:
 * the kernel's count of writable mappings must not drift.
 */
static int mmap_race(struct mvgpu_handle *h, unsigned int rounds)
{
	uint64_t off = h->regions[VFIO_PCI_BAR2_REGION_INDEX].offset;
	unsigned int i, failed = 0, first_err = 0;

	for (i = 0; i < rounds; i++) {
		int fd = ioctl(h->group, VFIO_GROUP_GET_DEVICE_FD, h->uuid);
		int go[2], st = 0, err;
		pid_t pid;
		char c = 0;

		if (fd < 0 || pipe(go)) {
			failed++;
			continue;
		}
		pid = fork();
		if (!pid) {
			if (read(go[0], &c, 1) != 1)
				_exit(1);
			_exit(map_once(fd, off) ? 1 : 0);
		}
		if (write(go[1], &c, 1) != 1)
			failed++;
		err = map_once(fd, off);
		waitpid(pid, &st, 0);
		if (err || !WIFEXITED(st) || WEXITSTATUS(st)) {
			if (!failed++)
				first_err = err;
		}
		close(go[0]);
		close(go[1]);
		close(fd);
	}
	tap_ok(!failed, "mmap race: %u rounds of two first mmaps at once, %u failed (first errno %u)",
	       rounds, failed, first_err);
	tap_ok(!map_once(h->device, off) && !map_once(h->device, off),
	       "mmap race: the device file maps as before");
	return failed;
}

int main(int argc, char **argv)
{
	struct mvgpu_handle h;
	size_t len, i, bad = 0;
	uint8_t *va, buf[4096];

	if (argc != 4) {
		fprintf(stderr, "usage: vram_tenant fill|check-zero|touch|engine-fill|table-fill|pin|mmap-race UUID MIB|N\n");
		return 2;
	}
	len = strtoull(argv[3], NULL, 0) << 20;
	if (mvgpu_open(&h, argv[2]) || !(va = mvgpu_vram_map(&h))) {
		printf("not ok 1 - open and map %s: %s\n", argv[2], mvgpu_errmsg());
		return 1;
	}
	if (strcmp(argv[1], "mmap-race") && len > h.vram_len) {
		printf("not ok 1 - %zu MiB do not fit the aperture\n", len >> 20);
		return 1;
	}

	if (!strcmp(argv[1], "mmap-race"))
		return mmap_race(&h, len >> 20) ? 1 : 0;
	if (!strcmp(argv[1], "touch")) {
		for (i = 0; i < len; i += 4096)
			*(volatile uint64_t *)(va + i) = i | 1;
		printf("# touched %zu MiB\n", len >> 20);
		return 0;
	}
	if (!strcmp(argv[1], "engine-fill")) {
		struct mvgpu_engine_state s;
		struct mvgpu_ring r;
		struct mvgpu_cmd c = mvgpu_cmd_fill(1 << 20, len - (1 << 20), 0x5a5a5a5a);
		char desc[160];
		int err;

		err = mvgpu_engine_reset(&h) ?:
		      mvgpu_ring_init(&r, &h, 0, 4096, 65536) ?:
		      mvgpu_ring_emit(&r, &c) ?:
		      mvgpu_ring_fence_wait(&r, 600000);
		mvgpu_engine_state(&h, &s);
		/*
		 * Stopped for want of memory, this process's cgroup is at its
		 * limit: a device reset gives the VRAM back before anything
		 * here allocates (the output's page cache), as a driver would
		 * recover, else the cgroup's own OOM killer takes us.
		 */
		if (err == -EIO)
			mvgpu_reset(&h);
		printf("# engine-fill of %zu MiB: %s\n", len >> 20,
		       err == -EIO ? mvgpu_engine_str(&s, desc, sizeof(desc)) :
		       err ? mvgpu_errmsg() : "completed");
		printf("error_code %u\n", s.code);
		return err == -EIO ? 3 : err ? 1 : 0;
	}
	if (!strcmp(argv[1], "table-fill")) {
		struct mvgpu_engine_state s = { 0 };
		struct mvgpu_ring r;
		struct mvgpu_cmd c = mvgpu_cmd_fill(1 << 20, len - (1 << 20), 0x5a5a5a5a);
		unsigned int n;
		char *mine;
		int err;

		err = mvgpu_engine_reset(&h) ?:
		      mvgpu_ring_init(&r, &h, 0, 4096, 65536) ?:
		      mvgpu_ring_emit(&r, &c) ?:
		      mvgpu_ring_fence_wait(&r, 600000);
		if (err && err != -EIO) {
			printf("# table-fill: %s\n", mvgpu_errmsg());
			return 1;
		}
		/* The engine reset keeps VRAM, empties the page table. */
		err = mvgpu_engine_reset(&h) ?:
		      mvgpu_ring_init(&r, &h, 0, 4096, 65536);
		for (n = 1; n < 1024 && !err; n++) {
			c = mvgpu_cmd_map((uint64_t)n << 30, 0, 4096,
					  MVGPU_MAP_READ | MVGPU_MAP_WRITE);
			err = mvgpu_ring_emit(&r, &c) ?:
			      mvgpu_ring_fence_wait(&r, 600000);
		}
		mvgpu_engine_state(&h, &s);
		/* Its cgroup is as full as the vGPU may make it: this must fit. */
		mine = malloc(2 << 20);
		if (mine)
			memset(mine, 1, 2 << 20);
		printf("# table-fill: %u MAPs went in, then %s; allocated 2 MiB: %s\n",
		       err ? n - 2 : n - 1, err == -EIO ? "an engine error" : err ? mvgpu_errmsg() : "none",
		       mine ? "yes" : "no");
		printf("error_code %u\n", s.code);
		free(mine);
		return err == -EIO ? 3 : err ? 1 : 0;
	}
	if (!strcmp(argv[1], "pin")) {
		uint64_t iova = 1ull << 32;
		struct mvgpu_ring r;
		struct mvgpu_cmd c = mvgpu_cmd_map(1ull << 36, iova, len,
						   MVGPU_MAP_SYSMEM | MVGPU_MAP_READ |
						   MVGPU_MAP_WRITE);
		void *ram = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		int err;

		err = ram == MAP_FAILED ? -ENOMEM :
		      mvgpu_dma_map(&h, ram, iova, len) ?:
		      mvgpu_bus_master(&h, 1) ?:
		      mvgpu_engine_reset(&h) ?:
		      mvgpu_ring_init(&r, &h, 0, 4096, 65536) ?:
		      mvgpu_ring_emit(&r, &c) ?:
		      mvgpu_ring_fence_wait(&r, 600000);
		printf("%s\n", err ? mvgpu_errmsg() : "pinned");
		fflush(stdout);
		if (err)
			return 1;
		while (read(0, buf, sizeof(buf)) > 0)
			;
		mvgpu_close(&h);
		return 0;
	}
	if (!strcmp(argv[1], "fill")) {
		for (i = 0; i < len; i += sizeof(uint64_t))
			*(uint64_t *)(va + i) = 0x5ec7e7000000000ull | i;
		tap_ok(sysfs_used(argv[2]) == len,
		       "tenant: vram_used_bytes is %zu MiB after touching %zu MiB",
		       (size_t)(sysfs_used(argv[2]) >> 20), len >> 20);
		for (i = 0; i < len; i += 1 << 20) {
			mvgpu_region_rw(&h, VFIO_PCI_BAR2_REGION_INDEX, i, buf, sizeof(buf), 0);
			if (memcmp(buf, va + i, sizeof(buf)))
				bad++;
		}
		tap_ok(!bad, "tenant: pread agrees with mmap at every MiB");
	} else {
		for (i = 0; i < len; i += sizeof(uint64_t))
			if (*(uint64_t *)(va + i))
				bad++;
		tap_ok(!bad, "new tenant: %zu MiB of fresh VRAM read zero (%zu non-zero words)",
		       len >> 20, bad);
	}
	mvgpu_close(&h);
	tap_ok(sysfs_used(argv[2]) == 0, "tenant: closing the device frees its VRAM");
	return tap_failed ? 1 : 0;
}
