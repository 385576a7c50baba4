#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build mvgpu.ko (and mvgpu_test.ko where the kernel has KUnit) for one
# kernel, in build/<flavour>/ so that builds for the stock and the debug
# kernel do not trample each other's objects.
#
#   scripts/build-module.sh stock|debug [extra make args, e.g. C=1 W=1]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

flavour=${1:-stock}
shift || true
case "$flavour" in
stock) kdir=/lib/modules/$(stock_kver)/build ;;
debug) kdir=$(debug_kdir) ;;
*) die "build-module: flavour must be stock or debug" ;;
esac
[ -d "$kdir" ] || die "build-module: no kernel build tree at $kdir (apt-get install linux-headers-amd64)"

dst=$repo/build/$flavour
mkdir -p "$dst"
rsync -a --delete --filter=':- .gitignore' --exclude=/.git \
	"$repo/" "$dst/src/"
make -C "$kdir" M="$dst/src" "$@" modules
cp "$dst"/src/*.ko "$dst/"
