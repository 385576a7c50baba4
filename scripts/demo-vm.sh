#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo's part inside the VM (see scripts/demo.sh).
set -euo pipefail
. "$MVGPU_REPO/tests/vm/lib.sh"

say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; "$@"; }

run mvgpu_load num_gpus=1 vram_mb=1024 engines=2
run ls /sys/class/mdev_bus/
run mdevctl types

uuids=()
for t in 1_4 1_8 1_2; do
	u=$(new_uuid)
	run mdevctl start -u "$u" -p mvgpu.0 -t "mvgpu-$t"
	uuids+=("$u")
done
run mdevctl list
say "available_instances after creating 1/4 + 1/8 + 1/2 of the GPU"
for t in $MVGPU_TYPES; do
	printf '  mvgpu-%s: %s\n' "$t" "$(avail "$t")"
done
run ls -l /dev/vfio/
for u in "${uuids[@]}"; do
	run "$MVGPU_CLIENT" info "$u"
done

say "creating one more 1/4 vGPU than fits: the GPU is full"
u=$(new_uuid)
echo "$u" > "$(type_dir 1_4)/create" || true
dmesg | grep 'cannot create' | tail -n 1

for u in "${uuids[@]}"; do
	run mdevctl stop -u "$u"
done
run rmmod mvgpu
echo
echo "mvgpu demo finished: module loaded, 3 vGPUs created, opened through VFIO, listed and removed"
