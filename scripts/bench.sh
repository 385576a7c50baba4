#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build what is needed, run tests/vm/bench.sh in the debug-kernel
# VM and tests/vm/bench_sched.sh and bench_migration.sh in the stock-kernel
# VM, print their BENCH lines.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

"$here/setup.sh"
{ "$here/build-module.sh" debug && "$here/build-module.sh" stock; } \
	> "$repo/build/bench-build.log" 2>&1 ||
	{ tail -n 30 "$repo/build/bench-build.log"; die "module build failed"; }
mkdir -p "$repo/build/tools" "$repo/build/tests"
make -s -C "$repo/tools/mvgpu" OUT="$repo/build/tools"
make -s -C "$repo/tests/client" OUT="$repo/build/tests"
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
