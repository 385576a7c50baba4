#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS part of make check, on the host (where the stock kernel's headers
# are).  The stock-kernel VM sees the host's /lib/modules over 9p, so a
# module DKMS installed here is what a bare "modprobe mvgpu" finds there
# (tests/vm/dkms.sh); "end" then takes it all away again.
#
#   scripts/dkms-check.sh begin KVER STATE_DIR
#	refuse if mvgpu is already known to DKMS (a machine's own install is
#	left alone); note the state of /lib/modules/KVER; make dkms-install
#	KVER=KVER (add, build, install for the stock kernel, not the running
#	one) and check what DKMS installed; then take it out of the kernel
#	(dkms uninstall) and run "dkms autoinstall -k KVER", which is what
#	DKMS's kernel hook runs when a kernel is installed: only a module
#	with AUTOINSTALL comes back (the build itself was shown above, so
#	it is not done twice)
#   scripts/dkms-check.sh end KVER STATE_DIR
#	make dkms-uninstall, then check that nothing is left: no DKMS
#	entry, no sources in /usr/src, no mvgpu.ko under /lib/modules, and
#	/lib/modules/KVER/modules.* as they were before "begin"; DKMS's
#	signing key goes too if "begin" made DKMS create it
#
# Prints what it checks; exits non-zero at the first thing that is wrong.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

[ $# = 3 ] || die "usage: scripts/dkms-check.sh begin|end KVER STATE_DIR"
step=$1 kver=$2 state=$3
mods=/lib/modules/$kver
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")

say() { echo "dkms-check: $*"; }
fail() { echo "dkms-check: FAILED: $*"; exit 1; }

command -v dkms > /dev/null || fail "dkms is not installed (scripts/setup.sh installs it)"
[ -d "$mods/build" ] || fail "no headers for $kver in $mods/build"

installed_ok() {
	local st
	st=$(dkms status -m mvgpu -v "$version" -k "$kver")
	say "dkms status: $st"
	grep -q "^mvgpu/$version, $kver, [^:]*: installed" <<< "$st" ||
		fail "dkms status does not say installed for $kver"
	[ -f "$mods/updates/dkms/mvgpu.ko" ] || fail "no $mods/updates/dkms/mvgpu.ko"
	modinfo -k "$kver" -F vermagic mvgpu | grep -q "^$kver " ||
		fail "modinfo -k $kver mvgpu: wrong vermagic: $(modinfo -k "$kver" -F vermagic mvgpu)"
	[ "$(modinfo -k "$kver" -n mvgpu)" = "$mods/updates/dkms/mvgpu.ko" ] ||
		fail "modprobe would not find the DKMS module: $(modinfo -k "$kver" -n mvgpu)"
	# modules.dep names what modprobe loads first.
	local dep
	dep=$(grep '^updates/dkms/mvgpu.ko:' "$mods/modules.dep") ||
		fail "mvgpu is not in $mods/modules.dep"
	say "modules.dep: $dep"
	for m in vfio mdev drm_buddy; do
		grep -q "/$m.ko" <<< "$dep" || fail "modules.dep: mvgpu does not depend on $m"
	done
}

case "$step" in
begin)
	if [ -n "$(dkms status -m mvgpu)" ] || compgen -G '/usr/src/mvgpu-*' > /dev/null; then
		fail "mvgpu is already installed with DKMS on this machine ($(dkms status -m mvgpu | tr '\n' ' ')); make check leaves it alone: run make dkms-uninstall first"
	fi
	rm -rf "$state"
	mkdir -p "$state"
	(cd "$mods" && md5sum modules.*) > "$state/modules.md5"
	[ -e /var/lib/dkms/mok.key ] || touch "$state/made-mok-key"
	[ -e "$mods/updates" ] || touch "$state/made-updates"
	say "make dkms-install KVER=$kver (the stock kernel; this host runs $(uname -r))"
	make -C "$repo" dkms-install KVER="$kver"
	installed_ok
	say "dkms uninstall, then dkms autoinstall -k $kver (what a kernel install runs)"
	dkms uninstall -m mvgpu -v "$version" -k "$kver"
	[ ! -e "$mods/updates/dkms/mvgpu.ko" ] || fail "uninstall left $mods/updates/dkms/mvgpu.ko"
	dkms autoinstall -k "$kver"
	installed_ok
	say "ok: built and installed for $kver by make dkms-install, installed again by AUTOINSTALL"
	;;
end)
	[ -f "$state/modules.md5" ] || fail "no $state/modules.md5: run begin first"
	make -C "$repo" dkms-uninstall
	[ -z "$(dkms status -m mvgpu)" ] || fail "dkms still knows: $(dkms status -m mvgpu)"
	[ ! -e /var/lib/dkms/mvgpu ] || fail "/var/lib/dkms/mvgpu is left"
	! compgen -G '/usr/src/mvgpu-*' > /dev/null || fail "left in /usr/src: $(echo /usr/src/mvgpu-*)"
	left=$(find /lib/modules -name 'mvgpu*.ko*' 2>/dev/null)
	[ -z "$left" ] || fail "modules left: $left"
	! grep -q mvgpu "$mods/modules.dep" || fail "$mods/modules.dep still names mvgpu"
	(cd "$mods" && md5sum -c --quiet "$state/modules.md5") ||
		fail "$mods/modules.* differ from before make dkms-install"
	[ ! -e "$state/made-updates" ] || [ ! -e "$mods/updates" ] ||
		fail "$mods/updates is left"
	if [ -e "$state/made-mok-key" ]; then
		# DKMS made its module signing key for our install; take it back.
		rm -f /var/lib/dkms/mok.key /var/lib/dkms/mok.pub
	fi
	say "ok: nothing of mvgpu is left"
	;;
*)
	die "usage: scripts/dkms-check.sh begin|end KVER STATE_DIR"
	;;
esac
