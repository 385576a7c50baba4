#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: build what is needed, boot the debug kernel, run
# tests/vm/bench.sh there, print its BENCH lines.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

"$here/setup.sh"
"$here/build-module.sh" debug > "$repo/build/bench-build.log" 2>&1 ||
	{ tail -n 30 "$repo/build/bench-build.log"; die "module build failed"; }
mkdir -p "$repo/build/tools" "$repo/build/tests"
make -s -C "$repo/tools/mvgpu" OUT="$repo/build/tools"
make -s -C "$repo/tests/client" OUT="$repo/build/tests"
echo "bench: booting the debug kernel (about a minute)" >&2
rc=0
"$here/vm-run.sh" --kernel debug --timeout 1200 --out "$repo/build/bench" \
	"$repo/tests/vm/bench.sh" > "$repo/build/bench.log" 2>&1 || rc=$?
grep '^BENCH ' "$repo/build/bench/test.log" || true
[ "$rc" = 0 ] || { tail -n 20 "$repo/build/bench.log"; die "bench: VM run failed ($rc)"; }
