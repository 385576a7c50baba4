#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: on a fresh Debian 12 machine, install what is needed, build
# mvgpu for Debian's stock kernel, boot that kernel under QEMU, load the
# module, create vGPUs of three types with mdevctl, open each through VFIO
# like QEMU would, list them, and remove them again.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "installing Debian packages (first run only)"
"$here/setup.sh"
step "building mvgpu.ko for the stock kernel $(stock_kver) and the client"
"$here/build-module.sh" stock > "$repo/build/demo-build.log" 2>&1 ||
	{ tail -n 30 "$repo/build/demo-build.log"; die "module build failed"; }
make -s -C "$repo/tools/mvgpu" OUT="$repo/build/tools"
step "booting the stock kernel under QEMU (TCG, about 20-40 s)"
rc=0
"$here/vm-run.sh" --kernel stock --timeout 300 --out "$repo/build/demo" \
	"$here/demo-vm.sh" || rc=$?
cat "$repo/build/demo/test.log"
echo
if [ "$rc" = 0 ]; then
	echo "demo: OK (VM console log: build/demo/console.log)"
else
	echo "demo: FAILED with status $rc (VM console log: build/demo/console.log)"
fi
exit "$rc"
