// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu: command-line client for mvgpu vGPUs.
 *
 *   mvgpu [--json] info UUID   open the vGPU through VFIO, print its info
 *   mvgpu hold UUID            keep the vGPU open until stdin closes
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmvgpu.h"

static int json;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mvgpu [--json] info UUID\n"
		"       mvgpu hold UUID\n"
		"\n"
		"  info   open the vGPU through VFIO (as QEMU does) and print its device info\n"
		"  hold   open the vGPU and keep it open until standard input closes\n");
}

static int cmd_info(struct mvgpu_handle *h)
{
	struct vfio_device_info info;
	int ret = mvgpu_device_info(h, &info);

	if (ret)
		return ret;
	if (json) {
		printf("{\"uuid\":\"%s\",\"iommu_group\":%d,\"pci\":%s,\"reset\":%s,"
		       "\"num_regions\":%u,\"num_irqs\":%u}\n",
		       h->uuid, h->iommu_group,
		       info.flags & VFIO_DEVICE_FLAGS_PCI ? "true" : "false",
		       info.flags & VFIO_DEVICE_FLAGS_RESET ? "true" : "false",
		       info.num_regions, info.num_irqs);
	} else {
		printf("vGPU %s (IOMMU group %d)\n", h->uuid, h->iommu_group);
		printf("  device api:  %s\n",
		       info.flags & VFIO_DEVICE_FLAGS_PCI ? "vfio-pci" : "other");
		printf("  reset:       %s\n",
		       info.flags & VFIO_DEVICE_FLAGS_RESET ? "yes" : "no");
		printf("  regions:     %u\n", info.num_regions);
		printf("  irqs:        %u\n", info.num_irqs);
	}
	return 0;
}

static int cmd_hold(struct mvgpu_handle *h)
{
	char buf[64];

	printf("holding %s open; close stdin to release\n", h->uuid);
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	struct mvgpu_handle h;
	const char *cmd;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "--json")) {
		json = 1;
		argc--;
		argv++;
	}
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "info") && strcmp(cmd, "hold")) {
		fprintf(stderr, "mvgpu: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}

	ret = mvgpu_open(&h, argv[2]);
	if (ret) {
		fprintf(stderr, "mvgpu: %s\n", mvgpu_errmsg());
		return 1;
	}
	ret = !strcmp(cmd, "info") ? cmd_info(&h) : cmd_hold(&h);
	if (ret)
		fprintf(stderr, "mvgpu: %s\n", mvgpu_errmsg());
	mvgpu_close(&h);
	return ret ? 1 : 0;
}
