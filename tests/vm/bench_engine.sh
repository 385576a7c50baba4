#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the cost of mediation, inside the stock-kernel VM on the
# virtual clock (scripts/vm-run.sh --vclock): the engine's ring - commands
# in VRAM, doorbell, scheduler, fence interrupt - against its debugfs
# direct path, the same engine code run in the writer's thread
# (tests/client/bench.c "engine").  On the virtual clock both sides count
# the instructions they execute, so the ratios do not move with the host.
# Prints "BENCH name value unit virtual" lines.
set -e
. "$(dirname "$0")/lib.sh"

# Single long commands (a 16 MiB COPY, a 128^3 MATMUL): a generous
# watchdog.
mvgpu_load watchdog_ms=10000
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
g=$(create_vgpu 1_8)
"$MVGPU_REPO/build/tests/bench" engine "$g" "/sys/kernel/debug/mvgpu/$g/direct"
remove_vgpu "$g"
rmmod mvgpu
