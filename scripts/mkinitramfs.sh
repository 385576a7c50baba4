#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse from the cache) the busybox initramfs that mounts the host's
# root over 9p for scripts/vm-run.sh.  Prints the image's path.
#
#   scripts/mkinitramfs.sh stock|debug
#
# Debian's own initrd cannot mount a 9p root, so ours holds busybox, /init
# (scripts/vm-initramfs-init) and, for the stock kernel, the virtio/9p/overlay
# modules in load order.  The debug kernel has all of these built in.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

flavour=${1:-stock}
busybox=/bin/busybox
ldd "$busybox" >/dev/null 2>&1 &&
	die "mkinitramfs: $busybox is not static (apt-get install busybox-static)"
[ -x "$busybox" ] || die "mkinitramfs: busybox not found (apt-get install busybox-static)"

mods=()
case "$flavour" in
stock)
	kver=$(stock_kver)
	mods=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
	      virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay)
	;;
debug)
	kver=debug
	;;
*) die "mkinitramfs: flavour must be stock or debug" ;;
esac

key=$( { echo "$flavour $kver"; cat "$here/vm-initramfs-init"; sha256sum "$busybox"; } |
	sha256sum | cut -c1-16)
cache=$(mvgpu_cache)
img=$cache/initramfs-$flavour-$key.cpio.gz
if [ -f "$img" ]; then
	echo "$img"
	exit 0
fi

mkdir -p "$cache"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,lower,upper,newroot,out,lib/modules}
cp "$busybox" "$tmp/bin/busybox"
cp "$here/vm-initramfs-init" "$tmp/init"
chmod +x "$tmp/init"

: > "$tmp/etc.modules"
for m in "${mods[@]}"; do
	f=$(modinfo -k "$kver" -n "$m" 2>/dev/null) ||
		die "mkinitramfs: module $m not found for $kver"
	case "$f" in
	*.ko.xz) xz -dc "$f" > "$tmp/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" > "$tmp/lib/modules/$m.ko" ;;
	*.ko) cp "$f" "$tmp/lib/modules/$m.ko" ;;
	*) die "mkinitramfs: $m is built in? ($f)" ;;
	esac
	echo "$m" >> "$tmp/etc.modules"
done
mv "$tmp/etc.modules" "$tmp/modules.list"

(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$img.tmp"
mv "$img.tmp" "$img"
echo "$img"
