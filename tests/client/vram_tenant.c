// SPDX-License-Identifier: GPL-2.0
/*
 * One tenant's use of the VRAM aperture, for the reuse tests in
 * tests/vm/device_model.sh.  TAP output.
 *
 *   vram_tenant fill UUID MIB        fill MIB MiB through mmap, check
 *                                    pread and sysfs vram_used_bytes agree
 *   vram_tenant check-zero UUID MIB  fault in MIB MiB through mmap: all zero
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	struct mvgpu_handle h;
	size_t len, i, bad = 0;
	uint8_t *va, buf[4096];

	if (argc != 4) {
		fprintf(stderr, "usage: vram_tenant fill|check-zero UUID MIB\n");
		return 2;
	}
	len = strtoull(argv[3], NULL, 0) << 20;
	if (mvgpu_open(&h, argv[2]) || !(va = mvgpu_vram_map(&h))) {
		printf("not ok 1 - open and map %s: %s\n", argv[2], mvgpu_errmsg());
		return 1;
	}
	if (len > h.vram_len) {
		printf("not ok 1 - %zu MiB do not fit the aperture\n", len >> 20);
		return 1;
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
