#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the mvgpu debug kernel from Debian's linux-source-6.1: x86_64_defconfig
# plus scripts/debug-kernel.config (KUnit, KASAN, lockdep, kmemleak, fault
# injection, VFIO/mdev, the mtty/mbochs samples, 9p), with the patches in
# scripts/debug-kernel-patches/ applied (a test kernel: see
# Documentation/testing.rst).  The result is cached under $MVGPU_CACHE
# (default ~/.cache/mvgpu), keyed by the fragment, the patches, the source
# package version and the compiler, so a rerun costs nothing.
#
# Prints the build directory on the last line of stdout.  Inside it:
#   arch/x86/boot/bzImage     the kernel
#   mods/lib/modules/<ver>/   its modules (modules_install)
#   .done                     stamp written once everything succeeded
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel.config
patches=$here/debug-kernel-patches
src_tar=/usr/src/linux-source-6.1.tar.xz
cache=${MVGPU_CACHE:-$HOME/.cache/mvgpu}

[ -r "$src_tar" ] || { echo "build-debug-kernel: $src_tar missing (apt-get install linux-source-6.1)" >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { cat "$frag" "$patches"/*.patch; echo "$ver"; gcc --version | head -n 1; } | sha256sum | cut -c1-16)
dir=$cache/debug-kernel-$key

if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

# One build at a time: a second caller (another checkout, a parallel run)
# waits for the first and then finds its result, instead of removing the
# directory the first is building in.
mkdir -p "$cache"
exec 9> "$cache/.build.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

log() { echo "build-debug-kernel: $*" >&2; }

rm -rf "$dir"
mkdir -p "$dir"
log "cache miss (key $key); building in $dir, about 15-25 minutes on 2 cores"
log "unpacking $src_tar"
tar -xJf "$src_tar" -C "$dir" --strip-components=1
cd "$dir"
for p in "$patches"/*.patch; do
	log "applying $(basename "$p")"
	patch -p1 --quiet --forward < "$p"
done
make -s x86_64_defconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
make -s olddefconfig >/dev/null

# A fragment line that did not survive olddefconfig (missing dependency) is
# an error: the tests would silently lose a checker otherwise.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		opt=${line%%=*}
		if grep -q "^$opt=" .config; then log "config: $opt is set, wanted n"; bad=1; fi ;;
	CONFIG_*=*)
		if ! grep -qxF "$line" .config; then log "config: '$line' did not take effect"; bad=1; fi ;;
	esac
done < "$frag"
[ "$bad" = 0 ] || { log "config fragment not applied"; exit 1; }

log "compiling (log: $dir/build.log)"
start=$(date +%s)
make -j"$(nproc)" bzImage modules > build.log 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 60
	kill -0 "$pid" 2>/dev/null && log "still compiling, $(( ($(date +%s) - start) / 60 )) min: $(tail -n 1 build.log | cut -c1-80)"
done
if ! wait "$pid"; then
	tail -n 40 build.log >&2
	log "kernel build failed"
	exit 1
fi
make -s modules_install INSTALL_MOD_PATH="$dir/mods" INSTALL_MOD_STRIP=1 >> build.log 2>&1
log "built $(make -s kernelrelease) in $(( ($(date +%s) - start) / 60 )) min"
touch .done
echo "$dir"
