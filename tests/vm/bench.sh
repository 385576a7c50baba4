#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, inside the debug-kernel VM: mvgpu and the kernel's mtty sample
# side by side.  Prints BENCH lines (tests/client/bench.c).
set -e
. "$(dirname "$0")/lib.sh"

mvgpu_load
modprobe mtty
g=$(create_vgpu 1_8)
t=$(new_uuid)
echo "$t" > /sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create
"$MVGPU_REPO/build/tests/bench" "$g" "$t"
remove_vgpu "$g"
remove_vgpu "$t"
rmmod mtty
rmmod mvgpu
