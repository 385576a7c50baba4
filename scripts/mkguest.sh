#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse from the cache) what a nested guest boots: the stock
# Debian kernel (or, with "debug", the debug kernel) and an initramfs of
# busybox, the static tenant programs (tools/guest/mvgpu-guest.c, the
# render node's tests tests/guest/), the guest driver mvgpu_drm.ko built for
# that kernel with the DRM modules it needs (drm, drm_shmem_helper,
# gpu-sched; /lib/modules/order lists them in load order), and
# scripts/guest-init as /init.  Prints the directory that holds them:
#
#   DIR/vmlinux        the kernel: stock uncompressed (ELF with a PVH
#                      entry), debug as its bzImage
#   DIR/initrd.cpio.gz the initramfs
#
#   scripts/mkguest.sh [stock|debug]
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

flavour=${1:-stock}
busybox=/bin/busybox
[ -x "$busybox" ] || die "mkguest: busybox not found (apt-get install busybox-static)"
ldd "$busybox" >/dev/null 2>&1 &&
	die "mkguest: $busybox is not static (apt-get install busybox-static)"
case "$flavour" in
stock)
	kver=$(stock_kver)
	bzimage=/boot/vmlinuz-$kver
	kbuild=/lib/modules/$kver/build
	;;
debug)
	kbuild=$(debug_kdir)
	bzimage=$kbuild/arch/x86/boot/bzImage
	kver=$(cat "$kbuild/include/config/kernel.release")
	;;
*) die "mkguest: flavour must be stock or debug" ;;
esac
[ -r "$bzimage" ] || die "mkguest: $bzimage not readable"

src=$repo/tools/guest
# Every source of the programs and the driver (a new file cannot be left
# out of the key).
shopt -s nullglob
key=$( { cat "$src/Makefile" "$src"/*.[ch] "$repo"/uapi/mvgpu*.h \
	      "$repo/tests/client/tap.h" "$repo"/tests/guest/Makefile "$repo"/tests/guest/*.[ch] \
	      "$repo"/guest/drm/Kbuild "$repo"/guest/drm/*.[ch] \
	      "$here/guest-init" "$here/mkguest.sh"; sha256sum "$busybox";
	 gcc --version | head -n 1; echo "$flavour $kver"; stat -L -c '%s %Y' "$bzimage"; } |
	sha256sum | cut -c1-16)
dir=$(mvgpu_cache)/guest-$flavour-$key
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/root/{bin,dev,proc,sys,lib/modules} "$tmp/build" "$tmp/out"
make -s -C "$src" OUT="$tmp/build" >&2
make -s -C "$repo/tests/guest" OUT="$tmp/build" >&2
for p in mvgpu-guest mvgpu-drm-test; do
	cp "$tmp/build/$p" "$tmp/root/bin/$p"
	strip "$tmp/root/bin/$p"
done

# The guest driver, built for the guest's kernel, and the modules it needs.
mkdir -p "$tmp/drm/uapi"
cp "$repo"/guest/drm/Kbuild "$repo"/guest/drm/*.[ch] "$tmp/drm/"
cp "$repo"/uapi/mvgpu.h "$repo"/uapi/mvgpu_drm.h "$tmp/drm/uapi/"
make -s -C "$kbuild" M="$tmp/drm" modules >&2
mod_path() {	# NAME: the .ko of module NAME for the guest's kernel
	if [ "$flavour" = stock ]; then
		modinfo -k "$kver" -n "$1"
	else
		modinfo -b "$kbuild/mods" -k "$kver" -n "$1"
	fi
}
order=()
add_mod() {	# FILE: its dependencies first, then it
	local f=$1 d n
	for d in $(modinfo -F depends "$f" | tr ',' ' '); do
		n=$(mod_path "$d")
		[ -n "$n" ] || die "mkguest: module $d (for $f) not found"
		add_mod "$n"
	done
	n=$(basename "$f")
	case " ${order[*]-} " in *" $n "*) return ;; esac
	cp "$f" "$tmp/root/lib/modules/$n"
	order+=("$n")
}
add_mod "$tmp/drm/mvgpu_drm.ko"
printf '%s\n' "${order[@]}" > "$tmp/root/lib/modules/order"
echo "mkguest: modules for $flavour $kver: ${order[*]}" >&2
cp "$busybox" "$tmp/root/bin/busybox"
cp "$here/guest-init" "$tmp/root/init"
chmod +x "$tmp/root/init"
(cd "$tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp/out/initrd.cpio.gz"

# The XZ stream inside the bzImage (what scripts/extract-vmlinux does).
# The debug kernel is not XZ-compressed: it boots as its bzImage.
pos=
[ "$flavour" = debug ] ||
pos=$(grep -abo $'\xfd7zXZ\x00' "$bzimage" | head -n 1 | cut -d: -f1 || true)
if [ -n "$pos" ]; then
	# xz complains about the bytes after the stream; the kernel is whole.
	tail -c "+$((pos + 1))" "$bzimage" | xz -dcq > "$tmp/out/vmlinux" 2>/dev/null || true
fi
if [ "$flavour" = debug ]; then
	cp "$bzimage" "$tmp/out/vmlinux"
elif ! head -c 4 "$tmp/out/vmlinux" 2>/dev/null | grep -q $'^\x7fELF'; then
	echo "mkguest: cannot extract an ELF kernel from $bzimage; the guest boots the bzImage" >&2
	cp "$bzimage" "$tmp/out/vmlinux"
fi
touch "$tmp/out/.done"

if ! mkdir -p "$(dirname "$dir")" 2>/dev/null || [ ! -w "$(dirname "$dir")" ]; then
	dir=${TMPDIR:-/tmp}/mvgpu-guest-$flavour-$key
fi
rm -rf "$dir.tmp.$$"
mv "$tmp/out" "$dir.tmp.$$"
rm -rf "$dir"
mv "$dir.tmp.$$" "$dir"
echo "$dir"
