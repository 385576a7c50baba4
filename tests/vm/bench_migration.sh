#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, part 3, in the stock-kernel VM: live migration of a 1/4
# vGPU from GPU 0 to GPU 1 (tests/client/mig_bench.c) with 16, 64 and
# 256 MiB of VRAM touched.  Prints "BENCH name value unit" lines:
#
#   migration_downtime_ms_N   STOP on the source to RUNNING on the
#                             destination, the stream through a pipe
#   migration_vs_memcpy_N     that downtime over copying the stream's bytes
#                             through a pipe between two processes' buffers
#   migration_vs_memcpy       the same at 256 MiB
#   migration_stream_overhead stream bytes over VRAM bytes touched (256 MiB)
#
# Two GPUs of 1 GiB: a 1/4 vGPU has 256 MiB of VRAM.
set -e
. "$(dirname "$0")/lib.sh"

mvgpu_load num_gpus=2 vram_mb=1024
a=$(create_vgpu 1_4 0)
b=$(create_vgpu 1_4 1)
"$MVGPU_REPO/build/tests/mig_bench" "$a" "$b" 16 64 256
remove_vgpu "$a"
remove_vgpu "$b"
rmmod mvgpu
