#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build what is needed, run the benchmarks in four VMs, print
# their BENCH lines:
#
#   1. the stock kernel on the virtual clock (vm-run.sh --vclock: one vCPU,
#      guest time counts instructions): the scheduler and preemption
#      (tests/vm/bench_sched.sh) and the cost of mediation
#      (bench_engine.sh) - figures the host's load must not move; their
#      lines say "virtual";
#   2. the stock kernel on the wall clock (two vCPUs, idle=poll,
#      tsc=reliable): the scheduler figures' wall-clock twins
#      (bench_sched.sh again, names ending in _wall), the engine against
#      the CPU (bench_eff.sh) and live migration (bench_migration.sh) -
#      what depends on real cycles;
#   3. the debug kernel on the wall clock (it has the mtty sample): the trap
#      path and VRAM mmap bandwidth (bench.sh);
#   4. the stock kernel on the virtual clock with a nested guest: the guest
#      driver's round trip against the same job straight through the ring
#      (bench_drm.sh).
#
#   scripts/bench.sh [--setup-only]
#
# --setup-only stops after the set-up (packages, debug kernel, builds):
# make check runs that in a fresh copy of the tree, without build/, to show
# that make bench works first thing on a fresh clone.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

setup_only=
case "${1:-}" in
"") ;;
--setup-only) setup_only=1 ;;
*) die "usage: scripts/bench.sh [--setup-only]" ;;
esac

"$here/setup.sh"
# build/ does not exist yet on a fresh clone.
mkdir -p "$repo/build/tools" "$repo/build/tests"
{ "$here/build-module.sh" debug && "$here/build-module.sh" stock; } \
	> "$repo/build/bench-build.log" 2>&1 ||
	{ tail -n 30 "$repo/build/bench-build.log"; die "module build failed"; }
make -s -C "$repo/tools/mvgpu" OUT="$repo/build/tools"
make -s -C "$repo/tests/client" OUT="$repo/build/tests"
"$here/mkguest.sh" stock > /dev/null 2>> "$repo/build/bench-build.log" ||
	{ tail -n 30 "$repo/build/bench-build.log"; die "nested guest image (mkguest) failed"; }
if [ -n "$setup_only" ]; then
	for f in build/debug/mvgpu.ko build/stock/mvgpu.ko build/tools/mvgpu build/tests/bench build/tests/sched_load build/tests/mig_bench; do
		[ -e "$repo/$f" ] || die "bench: set-up did not make $f"
	done
	echo "bench: set-up done"
	exit 0
fi
# vm_bench NAME ARGS...: one VM run into build/NAME; prints its BENCH
# lines, or the log's tail and fails.
vm_bench() {
	local name=$1 rc=0
	shift
	"$here/vm-run.sh" --timeout 2400 --out "$repo/build/$name" "$@" \
		> "$repo/build/$name.log" 2>&1 || rc=$?
	grep '^BENCH ' "$repo/build/$name/test.log" 2>/dev/null || true
	[ "$rc" = 0 ] || { tail -n 20 "$repo/build/$name.log"; die "bench: VM run $name failed ($rc)"; }
}
echo "bench: the scheduler and mediation on the virtual clock, stock kernel (about 8 minutes)" >&2
vm_bench bench-virtual --kernel stock --vclock \
	"$repo/tests/vm/suite.sh" bench_sched.sh bench_engine.sh
echo "bench: wall-clock twins, engine vs CPU, migration; stock kernel (about 5 minutes)" >&2
# idle=poll: under TCG a halted vCPU takes 0.1-5 ms to wake when a doorbell
# kicks the engine thread, which would swamp the latency of an otherwise
# idle GPU (the "alone" baseline) with an artefact of emulation.  (The
# virtual clock needs no such thing: an idle vCPU jumps to its next event.)
# tsc=reliable: with two vCPUs the kernel finds TCG's TSCs unsynchronized
# (each vCPU reads the one host clock at its own moment) and falls back to
# the HPET, whose every read is a trap to QEMU's device model, a few
# microseconds; the engine reads the clock twice a step (its watchdog and
# step times), 4096 times in a 256^3 MATMUL, which priced an emulated
# device into matmul_vs_cpu.  TCG's TSC is one clock for all vCPUs.
vm_bench bench-wall --kernel stock --append "idle=poll tsc=reliable" \
	"$repo/tests/vm/suite.sh" bench_sched.sh bench_eff.sh bench_migration.sh
echo "bench: the device model, debug kernel, wall clock (about 2 minutes)" >&2
vm_bench bench-device --kernel debug "$repo/tests/vm/bench.sh"
echo "bench: the guest driver, in a nested guest, stock kernel, virtual clock (about 7 minutes)" >&2
# On the virtual clock: the nested guest's times count this VM's
# instructions, so drm_submit_vs_raw repeats (on the wall clock it read
# 3.5 x and 61 x in two runs, its raw round trip moving 14-fold with
# TCG's 0.1-5 ms wake-up of a halted vCPU); tests/vm/bench_drm.sh says
# what that clock weighs more than hardware would.
vm_bench bench-drm --kernel stock --vclock "$repo/tests/vm/bench_drm.sh"
