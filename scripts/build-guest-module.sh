#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest driver mvgpu_drm.ko for one kernel, in
# build/guest-<flavour>/ (its sources and the two uapi headers copied
# there, as a DKMS tree has them).
#
#   scripts/build-guest-module.sh stock|debug [extra make args, e.g. C=2 W=1]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

flavour=${1:-stock}
shift || true
case "$flavour" in
stock) kdir=/lib/modules/$(stock_kver)/build ;;
debug) kdir=$(debug_kdir) ;;
*) die "build-guest-module: flavour must be stock or debug" ;;
esac
[ -d "$kdir" ] || die "build-guest-module: no kernel build tree at $kdir (apt-get install linux-headers-amd64)"

dst=$repo/build/guest-$flavour
mkdir -p "$dst/src/uapi"
rsync -a --delete --exclude=uapi "$repo/guest/drm/" "$dst/src/"
cp "$repo/uapi/mvgpu.h" "$repo/uapi/mvgpu_drm.h" "$dst/src/uapi/"
make -C "$kdir" M="$dst/src" "$@" modules
cp "$dst/src/mvgpu_drm.ko" "$dst/"
