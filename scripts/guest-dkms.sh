#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make guest-dkms-install / guest-dkms-uninstall, in a VM with an mvgpu
# vGPU: the guest driver mvgpu_drm.ko through DKMS.
#
#   scripts/guest-dkms.sh install [KVER]   copy guest/drm and uapi/mvgpu.h,
#                                          uapi/mvgpu_drm.h to
#                                          /usr/src/mvgpu_drm-VERSION, then
#                                          dkms add, build and install for
#                                          KVER (default: the running kernel)
#   scripts/guest-dkms.sh uninstall        dkms remove from every kernel, and
#                                          the sources in /usr/src
#
# Then "modprobe mvgpu_drm" loads it with drm, drm_shmem_helper and
# gpu-sched.  Needs root and Debian's dkms package.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

conf=$repo/guest/drm/dkms.conf
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$conf")
[ -n "$version" ] || die "guest-dkms: no PACKAGE_VERSION in $conf"
src=/usr/src/mvgpu_drm-$version

[ "$(id -u)" = 0 ] || die "guest-dkms: run as root"
command -v dkms > /dev/null || die "guest-dkms: DKMS is not installed (apt-get install dkms)"

known_versions() {
	dkms status -m mvgpu_drm 2>/dev/null | sed -n 's|^mvgpu_drm/\([^,:]*\).*|\1|p' | sort -u
}

remove_all() {
	local v
	for v in $(known_versions); do
		echo "guest-dkms: removing mvgpu_drm $v from every kernel" >&2
		dkms remove -m mvgpu_drm -v "$v" --all
		rm -rf "/usr/src/mvgpu_drm-$v"
	done
	rm -rf "$src"
}

case "${1:-}" in
install)
	kver=${2:-$(uname -r)}
	[ -d "/lib/modules/$kver/build" ] ||
		die "guest-dkms: no headers for kernel $kver (apt-get install linux-headers-$kver)"
	remove_all
	mkdir -p "$src/uapi"
	cp "$repo"/guest/drm/dkms.conf "$repo"/guest/drm/Kbuild "$repo"/guest/drm/Makefile \
	   "$repo"/guest/drm/*.[ch] "$src/"
	cp "$repo/uapi/mvgpu.h" "$repo/uapi/mvgpu_drm.h" "$src/uapi/"
	dkms add -m mvgpu_drm -v "$version"
	if ! dkms build -m mvgpu_drm -v "$version" -k "$kver"; then
		tail -n 30 "/var/lib/dkms/mvgpu_drm/$version/build/make.log" >&2 || true
		die "guest-dkms: building mvgpu_drm $version for $kver failed"
	fi
	dkms install -m mvgpu_drm -v "$version" -k "$kver"
	echo "guest-dkms: mvgpu_drm $version installed for $kver: modprobe mvgpu_drm"
	;;
uninstall)
	remove_all
	echo "guest-dkms: mvgpu_drm removed"
	;;
*)
	die "usage: scripts/guest-dkms.sh install [KVER] | uninstall"
	;;
esac
