#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build what is needed, run tests/vm/bench.sh in the debug-kernel
# VM and tests/vm/bench_sched.sh and bench_migration.sh in the stock-kernel
# VM, print their BENCH lines.
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
rc=0
echo "bench: device model and engine, in the debug-kernel VM (about 2 minutes)" >&2
"$here/vm-run.sh" --kernel debug --timeout 1200 --out "$repo/build/bench" \
	"$repo/tests/vm/bench.sh" > "$repo/build/bench.log" 2>&1 || rc=$?
grep '^BENCH ' "$repo/build/bench/test.log" || true
[ "$rc" = 0 ] || { tail -n 20 "$repo/build/bench.log"; die "bench: VM run failed ($rc)"; }
echo "bench: the scheduler and migration, in the stock-kernel VM (about three minutes)" >&2
# idle=poll: under TCG a halted vCPU takes 0.1-5 ms to wake when a doorbell
# kicks the engine thread, which would swamp the latency of an otherwise
# idle GPU (the "alone" baseline) with an artefact of emulation.
"$here/vm-run.sh" --kernel stock --append idle=poll --timeout 1200 \
	--out "$repo/build/bench-sched" \
	"$repo/tests/vm/suite.sh" bench_sched.sh bench_migration.sh \
	> "$repo/build/bench-sched.log" 2>&1 || rc=$?
grep '^BENCH ' "$repo/build/bench-sched/test.log" || true
[ "$rc" = 0 ] || { tail -n 20 "$repo/build/bench-sched.log"; die "bench: VM run failed ($rc)"; }
echo "bench: the guest driver, in a nested guest in the stock-kernel VM (about three minutes)" >&2
"$here/vm-run.sh" --kernel stock --timeout 1800 --out "$repo/build/bench-drm" \
	"$repo/tests/vm/bench_drm.sh" > "$repo/build/bench-drm.log" 2>&1 || rc=$?
grep '^BENCH ' "$repo/build/bench-drm/test.log" || true
[ "$rc" = 0 ] || { tail -n 20 "$repo/build/bench-drm.log"; die "bench: VM run failed ($rc)"; }
