#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the engine against the CPU, inside the stock-kernel VM on the
# wall clock (on the virtual clock every instruction costs the same, so
# these ratios would mean nothing there): tests/client/sched_load_mm.c
# "efficiency".  Prints "BENCH name value unit" lines:
#
#   copy_vs_memcpy          memcpy time / engine time for 64 MiB (both
#                           sides touched before; 1: as fast as the CPU),
#                           the median of its rounds
#   matmul_vs_cpu           the same for a 256^3 MATMUL against the same
#                           loop in user space
set -e
. "$(dirname "$0")/lib.sh"

mvgpu_load engines=1 watchdog_ms=10000
u=$(create_vgpu 1_4)
f=$(mktemp)
"$SCHED_LOAD" efficiency "$u" > "$f" 2>&1 || { cat "$f" >&2; exit 1; }
grep '^BENCH ' "$f"
rm -f "$f"
remove_vgpu "$u"
rmmod mvgpu
