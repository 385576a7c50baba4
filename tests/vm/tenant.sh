#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a tenant's memory can do to the host, and what it cannot:
#
# 1. A pool larger than the host's memory is refused at load, with a
#    message naming vram_overcommit, which allows it.
# 2. VRAM is charged to the memory cgroup of the process that opened the
#    vGPU: a VMM in a cgroup whose memory.max is below the VRAM it touches
#    gets SIGBUS on its mmap fault and MVGPU_ERR_NO_MEMORY from the engine;
#    nothing is OOM-killed, nothing outside the cgroup notices, the vGPU
#    works for the next user; page cache in that cgroup is reclaimed
#    before VRAM is refused.
# 3. Two processes sharing one device file map the VRAM aperture at the
#    same moment, again and again: every mmap works, and afterwards so do
#    the shared mappings of other files (the kernel's shared counters were
#    not unbalanced).
# 4. The host's work for a vGPU is its VM's: the vGPU's worker thread,
#    which pins its guest memory, lives in the VMM's cgroup, and what
#    pinning costs - VFIO's record of each page too - is charged to it.

. "$(dirname "$0")/lib.sh"
VT=$MVGPU_REPO/build/tests/vram_tenant
CG=/sys/fs/cgroup

# --- 1. the pool against the host's memory ---------------------------------
ram_mb=$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)
dmesg -C
if mvgpu_load vram_mb=65536 2>/dev/null; then
	not_ok "vram_mb=65536 on a ${ram_mb} MiB host is refused"
	rmmod mvgpu
else
	ok "vram_mb=65536 on a ${ram_mb} MiB host is refused"
fi
check "the refusal says why and names vram_overcommit" \
	bash -c "dmesg | grep -q 'exceeds host memory.*vram_overcommit'"
check "vram_overcommit=1 allows it" mvgpu_load vram_mb=65536 vram_overcommit=1
check "and the oversized GPU unloads" rmmod mvgpu

mvgpu_load engines=1 || { not_ok "load mvgpu engines=1"; exit 1; }
ok "load mvgpu engines=1"

# --- 2. VRAM charged to the VMM's memory cgroup ----------------------------
mountpoint -q "$CG" || mount -t cgroup2 none "$CG"
echo +memory > "$CG/cgroup.subtree_control"
mkdir -p "$CG/vmm"
echo 64M > "$CG/vmm/memory.max"
[ -e "$CG/vmm/memory.swap.max" ] && echo 0 > "$CG/vmm/memory.swap.max"
check "a cgroup-v2 group with memory.max 64M" test "$(cat "$CG/vmm/memory.max")" = 67108864

u=$(create_vgpu 1_2) || { not_ok "create a 1/2 vGPU"; rmmod mvgpu; exit 1; }
ok "create a 1/2 vGPU ($(( $(cat "$MDEV_DEVS/$u/mvgpu/vram_bytes") >> 20 )) MiB of VRAM)"

# in_cg CMD...: run CMD as a process of the vmm group.
in_cg() { bash -c 'echo $$ > '"$CG/vmm/cgroup.procs"'; exec "$@"' in_cg "$@"; }

sleep 3600 &
bystander=$!
dmesg -C
in_cg "$VT" touch "$u" 256 > /tmp/touch.log 2>&1
st=$?
expect_eq "a VMM limited to 64M touching 256 MiB of VRAM dies of SIGBUS" "$st" 135
check "it was charged for the VRAM it got (memory.peak within 8 MiB of 64M)" \
	bash -c "[ \$(cat $CG/vmm/memory.peak) -gt \$(( (64 - 8) << 20 )) ]"
expect_eq "no OOM kill in its cgroup" \
	"$(awk '$1 == "oom_kill" { print $2 }' "$CG/vmm/memory.events")" 0
check "no OOM killer anywhere" bash -c "! dmesg | grep -q 'Out of memory\|oom-kill'"
check "a process outside the cgroup lives on" kill -0 "$bystander"
check "its VRAM was given back" wait_for 10 test "$(cat "$MDEV_DEVS/$u/mvgpu/vram_used_bytes")" = 0

in_cg "$VT" engine-fill "$u" 256 > /tmp/efill.log 2>&1
st=$?
sed 's/^/# /' /tmp/efill.log | grep -v '^# error_code'
expect_eq "the engine filling 256 MiB for that VMM stops" "$st" 3
expect_eq "with MVGPU_ERR_NO_MEMORY" "$(awk '$1 == "error_code" { print $2 }' /tmp/efill.log)" 8
check "still no OOM killer" bash -c "! dmesg | grep -q 'Out of memory\|oom-kill'"
check "the process outside still lives" kill -0 "$bystander"

# Page tables keep the same headroom: with its VRAM as full as it may be,
# a tenant's MAPs that need new tables fail, and the VMM's own next
# allocation still fits (no OOM kill).
in_cg "$VT" table-fill "$u" 256 > /tmp/tfill.log 2>&1
st=$?
sed 's/^/# /' /tmp/tfill.log | grep -v '^# error_code'
expect_eq "a MAP needing tables past the VMM's headroom stops" "$st" 3
expect_eq "with MVGPU_ERR_NO_MEMORY" "$(awk '$1 == "error_code" { print $2 }' /tmp/tfill.log)" 8
check "the VMM then allocates 2 MiB of its own" grep -q 'allocated 2 MiB: yes' /tmp/tfill.log
check "no OOM killer after the tables" bash -c "! dmesg | grep -q 'Out of memory\|oom-kill'"

# Cache the VMM's cgroup could drop does not cost it VRAM: with 56 MiB of
# clean page cache (a file on ext4 on a loop device) charged to a group
# whose memory.max is 96M, touching 40 MiB of VRAM goes past the headroom
# unless the cache is reclaimed - which a refused page makes happen.
cache=$(mktemp -d)
modprobe -q loop 2>/dev/null
modprobe -q ext4 2>/dev/null
mount -t tmpfs -o size=160M none "$cache" && mkdir -p "$cache/fs" &&
	truncate -s 128M "$cache/img" && mkfs.ext4 -q -F "$cache/img" &&
	loopdev=$(losetup -f --show "$cache/img") &&
	mount -t ext4 "$loopdev" "$cache/fs" &&
	dd if=/dev/zero of="$cache/fs/f" bs=1M count=56 conv=fsync status=none
check "a 56 MiB file on ext4 on a loop device" test -s "$cache/fs/f"
sync
echo 3 > /proc/sys/vm/drop_caches
echo 96M > "$CG/vmm/memory.max"
in_cg cat "$cache/fs/f" > /dev/null
file_mb() { awk '$1 == "file" { print int($2 / 1048576) }' "$CG/vmm/memory.stat"; }
cached=$(file_mb)
used=$(( $(cat "$CG/vmm/memory.current") >> 20 ))
check "its page cache charged to the group: 40 MiB more is past 96M less the headroom (file $cached MiB, $used MiB in all)" \
	test $((used + 40)) -gt 92
dmesg -C
in_cg "$VT" touch "$u" 40 > /tmp/touch3.log 2>&1
expect_eq "the VMM then touches 40 MiB of VRAM within memory.max 96M" "$?" 0
check "for which the cache was reclaimed (file $(file_mb) MiB)" \
	test "$(file_mb)" -lt "$cached"
expect_eq "with no OOM kill in its cgroup" \
	"$(awk '$1 == "oom_kill" { print $2 }' "$CG/vmm/memory.events")" 0
check "and no OOM killer anywhere" bash -c "! dmesg | grep -q 'Out of memory\|oom-kill'"
umount "$cache/fs"
[ -n "${loopdev:-}" ] && losetup -d "$loopdev"
umount "$cache"
rmdir "$cache"

"$VT" touch "$u" 256 > /tmp/touch2.log 2>&1
expect_eq "outside the cgroup the same vGPU gets its 256 MiB" "$?" 0
kill "$bystander"
wait "$bystander" 2>/dev/null
check "the VMM's group is empty and can go" rmdir "$CG/vmm"

# --- 4. pinning's cost is the VM's ------------------------------------------
mkdir -p "$CG/vmm2"
slab() { awk '$1 == "slab" { print $2 }' "$CG/vmm2/memory.stat"; }
pin_in=$(mktemp -u)
mkfifo "$pin_in"
s0=$(slab)
in_cg2() { bash -c 'echo $$ > '"$CG/vmm2/cgroup.procs"'; exec "$@"' in_cg2 "$@"; }
in_cg2 "$VT" pin "$u" 64 < "$pin_in" > /tmp/pin.log 2>&1 &
pinner=$!
exec 7> "$pin_in"
wait_for 60 grep -q pinned /tmp/pin.log
check "a VMM in its own cgroup pins 64 MiB of its memory through the vGPU ($(cat /tmp/pin.log))" \
	grep -q pinned /tmp/pin.log
id=$(cat "$MDEV_DEVS/$u/mvgpu/vgpu_id" 2> /dev/null)
worker=
for c in /proc/[0-9]*/comm; do
	read -r comm < "$c" 2> /dev/null || continue
	[ "$comm" = "mvgpu0/v$id" ] && worker=${c%/comm} && worker=${worker#/proc/}
done
check "the vGPU has its worker thread mvgpu0/v$id (pid ${worker:-none})" test -n "$worker"
expect_eq "which is in the VMM's cgroup" "$(cat "/proc/${worker:-0}/cgroup" 2> /dev/null)" "0::/vmm2"
s1=$(slab)
per_page=$(( (s1 - s0) / 16384 ))
check "the pins are charged to the VMM's cgroup with VFIO's per-page record: ${per_page} bytes of slab a 4 KiB page (at least 64 + mvgpu's own)" \
	test "$per_page" -ge 96
exec 7>&-
wait "$pinner"
expect_eq "the pinning VMM exits cleanly" "$?" 0
check "its worker is gone with it" wait_for 10 test ! -e "/proc/$worker"
rm -f "$pin_in"
check "that group is empty and can go" wait_for 10 rmdir "$CG/vmm2"

# --- 3. racing first mmaps of one device file ------------------------------
"$VT" mmap-race "$u" 200 > /tmp/race.log 2>&1
st=$?
tap_through < /tmp/race.log
expect_eq "mmap race: exit status" "$st" 0

check "remove the vGPU" remove_vgpu "$u"
check "module unloads" rmmod mvgpu
exit $((T_FAILED > 0))
