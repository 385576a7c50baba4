#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-install / make dkms-uninstall: mvgpu.ko through DKMS, as every
# out-of-tree module is installed on Debian.
#
#   scripts/dkms.sh install [KVER]   copy the module's sources to
#                                    /usr/src/mvgpu-VERSION, then dkms add,
#                                    build and install for kernel KVER
#                                    (default: the running kernel)
#   scripts/dkms.sh uninstall        dkms remove from every kernel, and the
#                                    sources in /usr/src
#
# dkms.conf sets AUTOINSTALL, so DKMS's kernel hook rebuilds mvgpu for every
# kernel installed later (with its linux-headers).  An earlier mvgpu DKMS
# install is replaced.  Needs root and Debian's dkms package.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
[ -n "$version" ] || die "dkms: no PACKAGE_VERSION in $repo/dkms.conf"
src=/usr/src/mvgpu-$version

[ "$(id -u)" = 0 ] || die "dkms: run as root (sudo make dkms-install)"
command -v dkms > /dev/null || die "dkms: DKMS is not installed (apt-get install dkms)"

# Versions of mvgpu DKMS knows about ("mvgpu/0.13, 6.1.0-...: installed").
known_versions() {
	dkms status -m mvgpu 2>/dev/null | sed -n 's|^mvgpu/\([^,:]*\).*|\1|p' | sort -u
}

remove_all() {
	local v
	for v in $(known_versions); do
		echo "dkms: removing mvgpu $v from every kernel" >&2
		dkms remove -m mvgpu -v "$v" --all
		rm -rf "/usr/src/mvgpu-$v"
	done
	rm -rf "$src"
}

case "${1:-}" in
install)
	kver=${2:-}
	if [ -z "$kver" ]; then
		kver=$(uname -r)
		if [ ! -d "/lib/modules/$kver/build" ]; then
			have=$(cd /lib/modules && for k in *; do [ -d "$k/build" ] && echo "$k"; done | xargs)
			die "dkms: no headers for the running kernel $kver (apt-get install linux-headers-$kver), or pass one of: ${have:-none installed} (make dkms-install KVER=...)"
		fi
	fi
	[ -d "/lib/modules/$kver/build" ] ||
		die "dkms: no headers for kernel $kver in /lib/modules/$kver/build (apt-get install linux-headers-$kver)"
	remove_all
	mkdir -p "$src"
	# The module's sources only: no build output, no git, no tools.
	tar -C "$repo" --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude='Module.symvers' --exclude='modules.order' \
		-cf - dkms.conf Kbuild Makefile drivers include uapi tests/kunit |
		tar -C "$src" -xf -
	dkms add -m mvgpu -v "$version"
	if ! dkms build -m mvgpu -v "$version" -k "$kver"; then
		tail -n 30 "/var/lib/dkms/mvgpu/$version/build/make.log" >&2 || true
		die "dkms: building mvgpu $version for $kver failed (log: /var/lib/dkms/mvgpu/$version/build/make.log)"
	fi
	dkms install -m mvgpu -v "$version" -k "$kver"
	echo "dkms: mvgpu $version installed for $kver: modprobe mvgpu"
	;;
uninstall)
	remove_all
	echo "dkms: mvgpu removed"
	;;
*)
	die "usage: scripts/dkms.sh install [KVER] | uninstall"
	;;
esac
