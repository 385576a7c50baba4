// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that open one vGPU through VFIO, as QEMU does (libmvgpu):
 * info, config, vram-write, vram-read, irq-test, reset, hold.  They need
 * the vGPU to be free: a vGPU a VM holds open cannot be opened again.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "libmvgpu.h"

#define json cli_json

/* A message for the user, printed once by cmd_vfio(). */
static char msg[256];

static int say(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int say(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return -err;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		return say(EINVAL, "'%s' is not a number", s);
	return 0;
}

static const char *region_names[VFIO_PCI_NUM_REGIONS] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};

static int cmd_info(struct mvgpu_handle *h, int argc, char **argv)
{
	struct vfio_device_info info;
	uint64_t vram;
	int ret, i;

	(void)argc;
	(void)argv;
	ret = mvgpu_device_info(h, &info);
	if (ret)
		return ret;
	vram = mvgpu_reg(h, MVGPU_REG_VRAM_SIZE_LO) |
	       (uint64_t)mvgpu_reg(h, MVGPU_REG_VRAM_SIZE_HI) << 32;
	if (json) {
		printf("{\"uuid\":\"%s\",\"iommu_group\":%d,\"pci\":%s,\"reset\":%s,"
		       "\"num_regions\":%u,\"num_irqs\":%u,"
		       "\"vendor\":%u,\"device\":%u,\"subsystem\":%u,\"class\":%u,"
		       "\"id\":%u,\"version\":%u,\"vgpu_id\":%u,\"vram\":%" PRIu64 ","
		       "\"bar0_size\":%llu,\"bar2_size\":%llu}\n",
		       h->uuid, h->iommu_group,
		       info.flags & VFIO_DEVICE_FLAGS_PCI ? "true" : "false",
		       info.flags & VFIO_DEVICE_FLAGS_RESET ? "true" : "false",
		       info.num_regions, info.num_irqs,
		       mvgpu_cfg_read32(h, 0) & 0xffff, mvgpu_cfg_read32(h, 0) >> 16,
		       mvgpu_cfg_read32(h, 0x2c) >> 16, mvgpu_cfg_read32(h, 8) >> 8,
		       mvgpu_reg(h, MVGPU_REG_ID), mvgpu_reg(h, MVGPU_REG_VERSION),
		       mvgpu_reg(h, MVGPU_REG_VGPU_ID), vram,
		       (unsigned long long)h->regions[0].size,
		       (unsigned long long)h->regions[2].size);
		return 0;
	}
	printf("vGPU %s (IOMMU group %d)\n", h->uuid, h->iommu_group);
	printf("  device api:  %s, reset %s, %u regions, %u irqs\n",
	       info.flags & VFIO_DEVICE_FLAGS_PCI ? "vfio-pci" : "other",
	       info.flags & VFIO_DEVICE_FLAGS_RESET ? "yes" : "no",
	       info.num_regions, info.num_irqs);
	printf("  PCI:         %04x:%04x subsystem %04x class %06x\n",
	       mvgpu_cfg_read32(h, 0) & 0xffff, mvgpu_cfg_read32(h, 0) >> 16,
	       mvgpu_cfg_read32(h, 0x2c) >> 16, mvgpu_cfg_read32(h, 8) >> 8);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		struct vfio_region_info *ri = &h->regions[i];

		if (!ri->size)
			continue;
		printf("  %-6s       %10llu bytes at 0x%012llx%s\n",
		       region_names[i], (unsigned long long)ri->size,
		       (unsigned long long)ri->offset,
		       ri->flags & VFIO_REGION_INFO_FLAG_MMAP ? " mmap" : "");
	}
	printf("  registers:   id 0x%08x version 0x%08x caps 0x%x vgpu %u engines %u\n",
	       mvgpu_reg(h, MVGPU_REG_ID), mvgpu_reg(h, MVGPU_REG_VERSION),
	       mvgpu_reg(h, MVGPU_REG_CAPS), mvgpu_reg(h, MVGPU_REG_VGPU_ID),
	       mvgpu_reg(h, MVGPU_REG_NUM_ENGINES));
	printf("  VRAM:        %" PRIu64 " MiB\n", vram >> 20);
	printf("  interrupts:  status 0x%x mask 0x%x; error %u\n",
	       mvgpu_reg(h, MVGPU_REG_INT_STATUS), mvgpu_reg(h, MVGPU_REG_INT_MASK),
	       mvgpu_reg(h, MVGPU_REG_ERROR_CODE));
	return 0;
}

static void hexdump(const uint8_t *p, size_t len, uint64_t base)
{
	size_t i;

	if (json) {
		printf("{\"offset\":%" PRIu64 ",\"length\":%zu,\"hex\":\"", base, len);
		for (i = 0; i < len; i++)
			printf("%02x", p[i]);
		printf("\"}\n");
		return;
	}

	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%s%08" PRIx64 ":", i ? "\n" : "", base + i);
		printf(" %02x", p[i]);
	}
	printf("\n");
}

static int cmd_config(struct mvgpu_handle *h, int argc, char **argv)
{
	uint8_t cfg[MVGPU_PCI_CONFIG_SIZE];
	int ret;

	(void)argc;
	(void)argv;
	ret = mvgpu_cfg_read(h, 0, cfg, sizeof(cfg));
	if (!ret)
		hexdump(cfg, sizeof(cfg), 0);
	return ret;
}

static int cmd_vram_write(struct mvgpu_handle *h, int argc, char **argv)
{
	uint64_t off;
	size_t len;
	uint8_t *vram;

	(void)argc;
	if (parse_u64(argv[0], &off))
		return -EINVAL;
	len = strlen(argv[1]);
	vram = mvgpu_vram_map(h);
	if (!vram)
		return -EIO;
	if (off > h->vram_len || len > h->vram_len - off)
		return say(EINVAL, "%zu bytes at %" PRIu64 " leave the %zu-byte aperture",
			   len, off, h->vram_len);
	memcpy(vram + off, argv[1], len);
	printf(json ? "{\"written\":%zu,\"offset\":%" PRIu64 "}\n" :
	       "wrote %zu bytes at 0x%" PRIx64 "\n", len, off);
	return 0;
}

static int cmd_vram_read(struct mvgpu_handle *h, int argc, char **argv)
{
	uint64_t off, len;
	uint8_t *buf;
	ssize_t n;

	(void)argc;
	if (parse_u64(argv[0], &off) || parse_u64(argv[1], &len))
		return -EINVAL;
	if (len > 1 << 20)
		return say(EINVAL, "at most 1 MiB at a time");
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	n = mvgpu_region_rw(h, VFIO_PCI_BAR2_REGION_INDEX, off, buf, len, 0);
	if (n >= 0)
		hexdump(buf, (size_t)n, off);
	free(buf);
	return n < 0 ? (int)n : 0;
}

static int cmd_irq_test(struct mvgpu_handle *h, int argc, char **argv)
{
	unsigned int index = VFIO_PCI_MSI_IRQ_INDEX;
	uint64_t count = 0;
	int efd, ret, got;

	if (argc == 1 && !strcmp(argv[0], "intx"))
		index = VFIO_PCI_INTX_IRQ_INDEX;
	else if (argc == 1 && strcmp(argv[0], "msi"))
		return say(EINVAL, "'%s': the interrupt is msi or intx", argv[0]);

	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return -errno;
	/* An MSI is a memory write: the device must be a bus master. */
	ret = mvgpu_bus_master(h, 1);
	if (!ret)
		ret = mvgpu_irq_arm(h, index, efd);
	if (!ret)
		ret = mvgpu_reg_write(h, MVGPU_REG_INT_MASK, MVGPU_INT_SELFTEST);
	if (!ret)
		ret = mvgpu_reg_write(h, MVGPU_REG_SELFTEST, 0x5e1f7e57);
	if (ret)
		goto out;
	got = mvgpu_eventfd_wait(efd, 2000, &count);
	if (got < 0) {
		ret = got;
	} else if (!got) {
		ret = say(ETIMEDOUT, "no %s interrupt within 2 s",
			  index == VFIO_PCI_MSI_IRQ_INDEX ? "MSI" : "INTx");
	} else {
		printf(json ? "{\"irq\":\"%s\",\"count\":%" PRIu64 ",\"status\":%u,\"data\":%u}\n" :
		       "%s interrupt received (count %" PRIu64 "), status 0x%x, data 0x%x\n",
		       index == VFIO_PCI_MSI_IRQ_INDEX ? "MSI" : "INTx", count,
		       mvgpu_reg(h, MVGPU_REG_INT_STATUS),
		       mvgpu_reg(h, MVGPU_REG_SELFTEST_DATA));
		mvgpu_reg_write(h, MVGPU_REG_INT_ACK, MVGPU_INT_ALL);
	}
	mvgpu_irq_disarm(h, index);
out:
	close(efd);
	return ret;
}

static int cmd_reset(struct mvgpu_handle *h, int argc, char **argv)
{
	int ret;

	(void)argc;
	(void)argv;
	ret = mvgpu_reset(h);
	if (!ret && json)
		printf("{\"uuid\":\"%s\",\"reset\":true}\n", h->uuid);
	return ret;
}

static int cmd_hold(struct mvgpu_handle *h, int argc, char **argv)
{
	char buf[64];

	(void)argc;
	(void)argv;
	printf(json ? "{\"uuid\":\"%s\",\"holding\":true}\n" :
	       "holding %s open; close stdin to release\n", h->uuid);
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	if (json)
		printf("{\"uuid\":\"%s\",\"holding\":false}\n", h->uuid);
	return 0;
}

struct vfio_cmd {
	const char *name;
	int min_args, max_args;		/* after the UUID */
	int (*fn)(struct mvgpu_handle *h, int argc, char **argv);
};

static const struct vfio_cmd vfio_cmds[] = {
	{ "info", 0, 0, cmd_info },
	{ "config", 0, 0, cmd_config },
	{ "vram-write", 2, 2, cmd_vram_write },
	{ "vram-read", 2, 2, cmd_vram_read },
	{ "irq-test", 0, 1, cmd_irq_test },
	{ "reset", 0, 0, cmd_reset },
	{ "hold", 0, 0, cmd_hold },
};

/* command.run of the VFIO commands: mvgpu CMD [--json] UUID [ARGS]. */
int cmd_vfio(const struct command *cmd, int argc, char **argv)
{
	const struct vfio_cmd *vc = NULL;
	struct mvgpu_handle h;
	size_t i;
	int n, ret;

	for (i = 0; i < sizeof(vfio_cmds) / sizeof(vfio_cmds[0]); i++)
		if (!strcmp(cmd->name, vfio_cmds[i].name))
			vc = &vfio_cmds[i];
	if (!vc)
		return EXIT_USAGE;
	n = cli_parse(cmd, argc, argv, NULL, cli_no_opts, NULL);
	if (n == -1)
		return 0;
	if (n < 0)
		return EXIT_USAGE;
	if (n < 2)
		return cli_usage_error(cmd, "which vGPU? (a UUID, see mvgpu list)");
	if (n - 2 < vc->min_args || n - 2 > vc->max_args)
		return cli_usage_error(cmd, "wrong number of arguments");

	ret = mvgpu_open(&h, argv[1]);
	if (ret) {
		cli_error("%s", mvgpu_errmsg());
		return EXIT_FAIL;
	}
	msg[0] = '\0';
	ret = vc->fn(&h, n - 2, argv + 2);
	if (ret && *msg)
		cli_error("%s %s: %s", cmd->name, h.uuid, msg);
	else if (ret && *mvgpu_errmsg())
		cli_error("%s", mvgpu_errmsg());
	else if (ret)
		cli_error("%s failed: %s", cmd->name, strerror(-ret));
	mvgpu_close(&h);
	return ret ? EXIT_FAIL : 0;
}
