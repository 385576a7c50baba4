/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subcommands' entry points (struct command.run), one file each:
 * cmd_list.c, cmd_top.c, cmd_vgpu.c (create, remove, set), cmd_metrics.c,
 * cmd_vfio.c (the commands that open a vGPU through VFIO).
 */
#ifndef MVGPU_COMMANDS_H
#define MVGPU_COMMANDS_H

#include "cli.h"
#include "host.h"

int cmd_list(const struct command *cmd, int argc, char **argv);
int cmd_top(const struct command *cmd, int argc, char **argv);
int cmd_create(const struct command *cmd, int argc, char **argv);
int cmd_remove(const struct command *cmd, int argc, char **argv);
int cmd_set(const struct command *cmd, int argc, char **argv);
int cmd_metrics(const struct command *cmd, int argc, char **argv);
int cmd_vfio(const struct command *cmd, int argc, char **argv);

/*
 * Read a snapshot for a host command; on failure, or when there is no
 * mvgpu GPU (module not loaded), print why and return EXIT_FAIL.
 */
int read_snapshot(struct host_snapshot *s);

#endif
