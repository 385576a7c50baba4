#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing mvgpu needs on Debian 12, from Debian's
# own repositories.  Idempotent: installs only what is missing.
set -euo pipefail

pkgs=(
	# kernels: the stock one users run, and the source of the debug one
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# building kernels and modules
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod
	rsync xz-utils sparse patch
	# the VM runner and what runs inside it
	qemu-system-x86 busybox-static mdevctl
	# the demo's plot
	gnuplot-nox
	# installing like users do (make dkms-install), and what the mvgpu
	# command's tests use: promtool (in Debian's prometheus package), jq,
	# tmux for a terminal to run mvgpu top in, groff/man for the man page
	dkms prometheus jq tmux groff-base man-db
	# the guest side: programs over libdrm (static libdrm.a), pkg-config
	libdrm-dev pkg-config
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >&2
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
