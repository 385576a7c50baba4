#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 inside the test VM (after the initramfs): finish the mounts, make the
# kernel's modules reachable, run the test script, collect the kernel log and
# kmemleak's report into /mnt/out, power off.  Never returns.

. /mnt/out/vm.env
. /mnt/out/vm.args
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
export MVGPU_REPO MVGPU_KERNEL MVGPU_KDIR MVGPU_CLOCK
out=/mnt/out

# A fresh /tmp, unless the checkout under test lives there (CI may clone
# into /tmp): then the overlay, whose upper layer is tmpfs anyway, keeps
# the host's /tmp visible and writes go to the VM's memory.
case "$MVGPU_REPO/" in
/tmp/*) ;;
*) mount -t tmpfs -o mode=1777 tmpfs /tmp ;;
esac
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
hostname mvgpu-vm
ln -sf /proc/self/fd /dev/fd

kver=$(uname -r)
if [ -n "$MVGPU_KDIR" ] && [ ! -e "/lib/modules/$kver" ]; then
	# The debug kernel's modules live in its cached build directory.
	ln -s "$MVGPU_KDIR/mods/lib/modules/$kver" "/lib/modules/$kver"
fi

kmemleak=/sys/kernel/debug/kmemleak
if [ -w "$kmemleak" ]; then
	# Forget what boot left behind; report only what the test leaks.
	echo scan > "$kmemleak"
	echo clear > "$kmemleak"
fi

echo "vm-init: running $MVGPU_SCRIPT on $kver"
cd "$MVGPU_REPO" || echo "vm-init: no $MVGPU_REPO"
bash "$MVGPU_SCRIPT" "${MVGPU_ARGS[@]}" > >(tee "$out/test.log") 2>&1 < /dev/null
status=$?
sleep 0.5	# let tee drain
echo "vm-init: script exit status $status"

if [ -w "$kmemleak" ]; then
	# Objects younger than 5 s are never reported: wait, then scan twice.
	sleep 6
	echo scan > "$kmemleak"
	echo scan > "$kmemleak"
	cat "$kmemleak" > "$out/kmemleak.txt"
fi
dmesg > "$out/dmesg.txt"
echo "$status" > "$out/status"
sync
umount "$out" 2>/dev/null
echo o > /proc/sysrq-trigger
# The power-off runs on its own and takes the 9p root down with it: from
# here on nothing may be executed (an exec that fails to load its libc
# ends PID 1, and the kernel panics on the way down).  Bash builtins only.
while :; do
	read -rt 1 _ < /dev/console
done
