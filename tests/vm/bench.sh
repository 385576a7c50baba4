#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, part 1, inside the debug-kernel VM (the mtty sample is built
# only there): mvgpu and the kernel's mtty sample side by side, and the
# engine's ring against its debugfs direct path (tests/client/bench.c).
# Prints "BENCH name value unit" lines.  Part 2 is bench_sched.sh.
set -e
. "$(dirname "$0")/lib.sh"

# The engine benches time single long commands (a 16 MiB COPY, a 128^3
# MATMUL), slow under TCG and KASAN: a generous watchdog.
mvgpu_load watchdog_ms=10000
modprobe mtty
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
g=$(create_vgpu 1_8)
t=$(new_uuid)
echo "$t" > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create
"$MVGPU_REPO/build/tests/bench" "$g" "$t" "/sys/kernel/debug/mvgpu/$g/direct"
remove_vgpu "$g"
remove_vgpu "$t"
rmmod mtty
rmmod mvgpu
