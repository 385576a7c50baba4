#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the device model, inside the debug-kernel VM (the mtty sample
# is built only there), on the wall clock: mvgpu and the kernel's mtty
# sample side by side (tests/client/bench.c "device").  Prints "BENCH name
# value unit" lines.  The scheduler and the engine are bench_sched.sh and
# bench_engine.sh.
set -e
. "$(dirname "$0")/lib.sh"

mvgpu_load
modprobe mtty
g=$(create_vgpu 1_8)
t=$(new_uuid)
echo "$t" > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create
"$MVGPU_REPO/build/tests/bench" device "$g" "$t"
remove_vgpu "$g"
remove_vgpu "$t"
rmmod mtty
rmmod mvgpu
