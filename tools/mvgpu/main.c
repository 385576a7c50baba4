// SPDX-License-Identifier: GPL-2.0
/*
 * mvgpu: the administrator's command for mvgpu vGPUs.
 *
 * Host commands (list, top, create, remove, set, metrics) work through
 * sysfs only and need no UUID; the vGPU commands (info, config, vram-*,
 * irq-test, reset, hold) open one vGPU through VFIO as QEMU does.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#ifndef MVGPU_VERSION
#define MVGPU_VERSION "unknown"
#endif

static const struct command commands[] = {
	{ "list", "list [--json]",
	  "Every GPU (VRAM, engines, scheduler, utilisation), its vGPU types\n"
	  "(available instances) and its vGPUs (type, open, weight/priority/cap,\n"
	  "VRAM quota and backed, share of an engine over the last second).\n",
	  "\n  --json   one JSON object: {\"gpus\": [...]}\n",
	  cmd_list },
	{ "top", "top [-d SECONDS] [-n COUNT] [--json]",
	  "A live view of the GPUs and their vGPUs, sorted by share, refreshed\n"
	  "every SECONDS: GPU utilisation; per vGPU the share of an engine, the\n"
	  "share it is entitled to (weight / sum of the busy vGPUs' weights, at\n"
	  "most its cap), commands/s, wait p50/p99, preemptions/s, faults, VRAM.\n"
	  "Reads sysfs only, so it watches vGPUs that VMs hold open.\n",
	  "\n  -d, --delay SECONDS      time between screens (default 1, at least 0.1)\n"
	  "  -n, --iterations COUNT   stop after COUNT screens (default: until q or ^C)\n"
	  "  --json                   one JSON object per screen, one per line\n"
	  "\nOn a terminal the screen is redrawn in place; q quits.  Otherwise\n"
	  "screens follow each other, separated by a blank line.\n",
	  cmd_top },
	{ "create", "create TYPE [--gpu N | --placement pack|spread] [--weight W]\n"
		    "                    [--priority P] [--cap C] [--uuid UUID] [--json]",
	  "Create a vGPU of TYPE (mvgpu-1_8, 1_8 or 1/8; see mvgpu list) with its\n"
	  "scheduling knobs set, and print its UUID.\n",
	  "\n  --gpu N              on GPU mvgpu.N\n"
	  "  --placement pack     the fullest GPU that has room (default): fill one\n"
	  "                       GPU before the next, for density (depth-first)\n"
	  "  --placement spread   the least-loaded GPU that has room (least VRAM\n"
	  "                       allocated, then fewest vGPUs): for performance\n"
	  "                       (breadth-first)\n"
	  "  --weight W           1-100 (default: the type's)\n"
	  "  --priority P         starting scheduler level, 0 (top) to 2\n"
	  "  --cap C              most of one engine it may use, percent, 1-100\n"
	  "  --uuid UUID          use this UUID instead of a random one\n"
	  "\nIf the driver refuses a knob value, the vGPU is removed again: nothing\n"
	  "changes.\n",
	  cmd_create },
	{ "remove", "remove UUID... [--force] [--json]",
	  "Remove vGPUs.  A vGPU that a VM or client holds open is refused\n"
	  "unless --force, which waits until it is closed.\n",
	  "\n  --force   remove even an open vGPU, waiting for its user to close it\n",
	  cmd_remove },
	{ "set", "set UUID KNOB=VALUE... [--json]",
	  "Change a vGPU's scheduling knobs at run time: weight=1-100,\n"
	  "priority=0-2, cap=1-100.  All or nothing: if the driver refuses a\n"
	  "value, the knobs already written get their old values back.\n",
	  NULL,
	  cmd_set },
	{ "metrics", "metrics [-o FILE] [--json]",
	  "The figures of list and top in the Prometheus text exposition format,\n"
	  "for node_exporter's textfile collector (see mvgpu(8)).\n",
	  "\n  -o, --output FILE   write FILE atomically (a temporary file renamed\n"
	  "                      over it) instead of standard output\n"
	  "  --json              the same metrics as one JSON object\n",
	  cmd_metrics },
	{ "info", "info UUID [--json]",
	  "Open the vGPU through VFIO: IDs, regions, registers.\n", NULL, cmd_vfio },
	{ "config", "config UUID [--json]",
	  "Hex dump of the vGPU's PCI config space (VFIO).\n", NULL, cmd_vfio },
	{ "vram-write", "vram-write UUID OFFSET TEXT [--json]",
	  "Write TEXT into the vGPU's VRAM at OFFSET, through mmap (VFIO).\n", NULL,
	  cmd_vfio },
	{ "vram-read", "vram-read UUID OFFSET LENGTH [--json]",
	  "Hex dump of LENGTH bytes (at most 1 MiB) of VRAM at OFFSET (VFIO pread).\n",
	  NULL, cmd_vfio },
	{ "irq-test", "irq-test UUID [msi|intx] [--json]",
	  "Arm an eventfd, raise the self-test interrupt, wait for it (VFIO).\n",
	  NULL, cmd_vfio },
	{ "reset", "reset UUID [--json]",
	  "VFIO_DEVICE_RESET of the vGPU.\n", NULL, cmd_vfio },
	{ "hold", "hold UUID [--json]",
	  "Keep the vGPU open (VFIO) until standard input closes.\n", NULL,
	  cmd_vfio },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: mvgpu [--json] COMMAND [ARGS]\n"
		"       mvgpu COMMAND --help\n"
		"\nOn the host, through sysfs (vGPUs in use by VMs included):\n");
	for (i = 0; i < NCOMMANDS; i++) {
		if (commands[i].run == cmd_vfio)
			continue;
		fprintf(f, "  %s\n", commands[i].synopsis);
	}
	fprintf(f, "\nOne vGPU that no VM holds, through VFIO:\n");
	for (i = 0; i < NCOMMANDS; i++) {
		if (commands[i].run != cmd_vfio)
			continue;
		fprintf(f, "  %s\n", commands[i].synopsis);
	}
	fprintf(f,
		"\n--json prints JSON instead of text.  Numbers may be decimal or\n"
		"0x-prefixed hex.  Exit status 0 on success, 1 on a failure (a one-line\n"
		"message on stderr says what and why), 2 on bad usage.  See mvgpu(8).\n");
}

int read_snapshot(struct host_snapshot *s)
{
	if (host_snapshot_read(s)) {
		cli_error("%s", host_errmsg());
		return EXIT_FAIL;
	}
	if (!s->ngpus) {
		cli_error("no mvgpu GPUs in %s/class/mdev_bus (%s)", host_sysfs(),
			  s->loaded ? "the module has none" :
			  "is the module loaded? modprobe mvgpu");
		host_snapshot_free(s);
		return EXIT_FAIL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "--json")) {
			cli_json = 1;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[1], "--version")) {
			printf("mvgpu %s\n", MVGPU_VERSION);
			return 0;
		} else {
			fprintf(stderr, "mvgpu: unknown option '%s' (see mvgpu --help)\n",
				argv[1]);
			return EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		argv[1] = argv[2];
		argv[2] = "--help";
		argc = 3;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(&commands[i], argc - 1, argv + 1);
	fprintf(stderr, "mvgpu: unknown command '%s' (see mvgpu --help)\n", argv[1]);
	return EXIT_USAGE;
}
