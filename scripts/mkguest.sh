#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse from the cache) what a nested guest boots: the stock
# Debian kernel and an initramfs of busybox, the static tenant program
# tools/guest/mvgpu-guest.c and scripts/guest-init as /init.  Prints the
# directory that holds them:
#
#   DIR/vmlinux        the stock kernel, uncompressed (ELF with a PVH entry)
#   DIR/initrd.cpio.gz the initramfs
#
#   scripts/mkguest.sh
#
# Debian's bzImage is XZ-compressed; a nested TCG guest spends half a
# minute in the BIOS's real-mode loader and the decompressor before the
# kernel starts.  QEMU boots the uncompressed ELF through its PVH entry
# instead, skipping both.  If the extraction fails, DIR/vmlinux is the
# bzImage itself.
#
# The cache key covers the sources, busybox, the compiler and the kernel,
# so the same directory comes out on the host and inside the test VM (which
# sees the host's cache read-only under a writable overlay); a VM that
# misses the cache builds one in its own tmpfs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

busybox=/bin/busybox
[ -x "$busybox" ] || die "mkguest: busybox not found (apt-get install busybox-static)"
ldd "$busybox" >/dev/null 2>&1 &&
	die "mkguest: $busybox is not static (apt-get install busybox-static)"
kver=$(stock_kver)
bzimage=/boot/vmlinuz-$kver
[ -r "$bzimage" ] || die "mkguest: $bzimage not readable"

src=$repo/tools/guest
# Every source of the program (a new file cannot be left out of the key).
shopt -s nullglob
key=$( { cat "$src/Makefile" "$src"/*.[ch] "$repo/uapi/mvgpu.h" \
	      "$repo/tests/client/tap.h" \
	      "$here/guest-init" "$here/mkguest.sh"; sha256sum "$busybox";
	 gcc --version | head -n 1; echo "$kver"; stat -L -c '%s %Y' "$bzimage"; } |
	sha256sum | cut -c1-16)
dir=$(mvgpu_cache)/guest-$key
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/root/{bin,dev,proc,sys} "$tmp/build" "$tmp/out"
make -s -C "$src" OUT="$tmp/build" >&2
cp "$tmp/build/mvgpu-guest" "$tmp/root/bin/mvgpu-guest"
strip "$tmp/root/bin/mvgpu-guest"
cp "$busybox" "$tmp/root/bin/busybox"
cp "$here/guest-init" "$tmp/root/init"
chmod +x "$tmp/root/init"
(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp/out/initrd.cpio.gz"

# The XZ stream inside the bzImage (what scripts/extract-vmlinux does).
pos=$(grep -abo $'\xfd7zXZ\x00' "$bzimage" | head -n 1 | cut -d: -f1 || true)
if [ -n "$pos" ]; then
	# xz complains about the bytes after the stream; the kernel is whole.
	tail -c "+$((pos + 1))" "$bzimage" | xz -dcq > "$tmp/out/vmlinux" 2>/dev/null || true
fi
if ! head -c 4 "$tmp/out/vmlinux" 2>/dev/null | grep -q $'^\x7fELF'; then
	echo "mkguest: cannot extract an ELF kernel from $bzimage; the guest boots the bzImage" >&2
	cp "$bzimage" "$tmp/out/vmlinux"
fi
touch "$tmp/out/.done"

if ! mkdir -p "$(dirname "$dir")" 2>/dev/null || [ ! -w "$(dirname "$dir")" ]; then
	dir=${TMPDIR:-/tmp}/mvgpu-guest-$key
fi
rm -rf "$dir.tmp.$$"
mv "$tmp/out" "$dir.tmp.$$"
rm -rf "$dir"
mv "$dir.tmp.$$" "$dir"
echo "$dir"
