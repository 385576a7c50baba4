#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vGPUs in real VMs: QEMU (nested, TCG) boots this VM's own stock kernel with
# a busybox initramfs (scripts/mkguest.sh) and one vGPU as
# -device vfio-pci,sysfsdev=...; the guest program (tools/guest/) finds the
# device on its PCI bus, checks its identity and BARs, turns bus mastering
# on, maps BAR0 and BAR2 through sysfs, maps pages of its own RAM into the
# GPU's address space (MAP SYSMEM of guest-physical addresses) and runs
# workloads through the command ring with operands in VRAM, in its RAM and
# in both, exact against its CPU.
#
# 1. Two guests at once on a 1/4 vGPU (weight 2) and a 1/2 vGPU (weight 4),
#    one engine: both pass, every workload ran exactly with operands in
#    guest memory (and mixed), and the host's sched_stats show both got
#    engine time while they ran.
# 2. A guest on the 1/4 vGPU again, its QEMU killed (SIGKILL) in the middle
#    of its workload: the vGPU is closed, scrubbed and works for the next
#    user (a host-side workload); the module unloads.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest_lib.sh"
W=$MVGPU_REPO/build/tests/workload
BOOT_TIMEOUT=${GUEST_TIMEOUT:-600}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }

t=$(now)
if ! guest_prepare; then
	not_ok "guest kernel and initramfs (scripts/mkguest.sh)"
	exit 1
fi
ok "guest kernel and initramfs (scripts/mkguest.sh), ready in $(since "$t") s"
diag "guest image: $GUEST_DIR"

mvgpu_load engines=1 || { not_ok "load mvgpu engines=1"; exit 1; }
ok "load mvgpu engines=1"

a=$(create_vgpu 1_4) && b=$(create_vgpu 1_2) || {
	not_ok "create a 1/4 and a 1/2 vGPU"
	remove_all_vgpus
	rmmod mvgpu
	exit 1
}
ok "create a 1/4 and a 1/2 vGPU"
echo 2 > "$MDEV_DEVS/$a/mvgpu/weight"
echo 4 > "$MDEV_DEVS/$b/mvgpu/weight"
expect_eq "1/4 vGPU weight 2" "$(cat "$MDEV_DEVS/$a/mvgpu/weight")" 2
expect_eq "1/2 vGPU weight 4" "$(cat "$MDEV_DEVS/$b/mvgpu/weight")" 4

tmp=$(mktemp -d)
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$MDEV_DEVS/$1/mvgpu/sched_stats"; }

# Sample both vGPUs' engine time every second until told to stop.
sampler() {
	local t0 ts
	t0=$(now)
	while [ ! -e "$tmp/stop" ]; do
		ts=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
		echo "$ts $(stat_of "$a" busy_ns) $(stat_of "$b" busy_ns)"
		sleep 1
	done > "$tmp/samples"
}

# Pass a guest's TAP lines through as ours, named after the guest.
guest_tap() {
	sed -n -E "s|^((not )?ok [0-9]+ - )|\1$1: |p" "$2" | tap_through
}

# --- 1. two guests at once -------------------------------------------------
args=(--seconds 20 --hog-us 200000)
sampler &
spid=$!
t=$(now)
start_guest "$a" "$tmp/a.log" "${args[@]}" --seed 1 --expect-subsys 4 --expect-vram $((256 << 20))
pa=$GUEST_PID
start_guest "$b" "$tmp/b.log" "${args[@]}" --seed 2 --expect-subsys 2 --expect-vram $((512 << 20))
pb=$GUEST_PID
diag "two nested guests started (QEMU pids $pa $pb), waiting up to $BOOT_TIMEOUT s"
wait_guest "$pa" "$BOOT_TIMEOUT" "$tmp/a.log"
sta=$?
ta=$(since "$t")
wait_guest "$pb" "$BOOT_TIMEOUT" "$tmp/b.log"
stb=$?
tb=$(since "$t")
touch "$tmp/stop"
wait "$spid"

for g in a b; do
	log=$tmp/$g.log
	if [ $g = a ]; then st=$sta; secs=$ta; name="guest on 1/4"; else st=$stb; secs=$tb; name="guest on 1/2"; fi
	expect_eq "$name: QEMU exits 0 (the guest powered off)" "$st" 0
	guest_tap "$name" "$log"
	expect_eq "$name: the guest program exits 0" "$(guest_status "$log")" 0
	check "$name: no mismatch in the summary" grep -q 'summary.* mismatches=0$' "$log"
	for w in fill copy vadd matmul reduce; do
		check "$name: $w ran exactly with operands in guest memory" \
			grep -Eq "^ok [0-9]+ - $w in sysmem: ([1-9][0-9]*) of \\1 rounds exact" "$log"
		check "$name: $w ran exactly with operands mixed" \
			grep -Eq "^ok [0-9]+ - $w in mixed vram/sysmem: ([1-9][0-9]*) of \\1 rounds exact" "$log"
	done
	grep -E '^mvgpu-guest-init: /init|^mvgpu-guest: summary|^[0-9a-f:.]+ 3D controller|^	(Subsystem|Region)' "$log" |
		sed "s|^|# $name: |"
	diag "$name: nested run $secs s from QEMU start to power-off"
	[ "$st" = 0 ] && [ "$(guest_status "$log")" = 0 ] || guest_tail "$log"
done
check "both guests saw a 3D controller 1234:4d47" \
	bash -c "grep -q '3D controller \[0302\]: Device \[1234:4d47\]' '$tmp/a.log' &&
		 grep -q '3D controller \[0302\]: Device \[1234:4d47\]' '$tmp/b.log'"

# Engine time while both ran: the intervals in which both busy_ns grew.
read -r busy_a busy_b both_s sa sb < <(awk '
	NR > 1 && $2 > pa && $3 > pb { da += $2 - pa; db += $3 - pb; n++ }
	{ pa = $2; pb = $3 }
	END {
		s = da + db
		printf "%.0f %.0f %d %.1f %.1f\n", pa, pb, n, s ? 100 * da / s : 0, s ? 100 * db / s : 0
	}' "$tmp/samples")
diag "1/4 vGPU (weight 2): busy_ns $busy_a; 1/2 vGPU (weight 4): busy_ns $busy_b"
diag "while both were busy (${both_s} one-second samples): 1/4 got $sa%, 1/2 got $sb% of their engine time (weights say 33.3% / 66.7% when both keep the engine busy)"
for u in "$a" "$b"; do
	diag "sched_stats $u: $(tr '\n' ' ' < "$MDEV_DEVS/$u/mvgpu/sched_stats")"
done
check "both vGPUs got engine time" test "${busy_a:-0}" -gt 0 -a "${busy_b:-0}" -gt 0
check "both vGPUs got engine time in the same seconds" [ "${both_s:-0}" -gt 0 ]
expect_eq "closed vGPUs keep no VRAM" \
	"$(cat "$MDEV_DEVS/$a/mvgpu/vram_used_bytes") $(cat "$MDEV_DEVS/$b/mvgpu/vram_used_bytes")" "0 0"

# --- 2. a guest killed in the middle of its workload -----------------------
t=$(now)
start_guest "$a" "$tmp/k.log" --seconds 600 --hog-us 500000 --seed 3 --expect-subsys 4
pk=$GUEST_PID
if wait_log "$tmp/k.log" "^# round 1: reduce" "$BOOT_TIMEOUT" "$pk"; then
	ok "guest on the 1/4 vGPU again: its first round ran"
	tk=$(since "$t")
	busy0=$(stat_of "$a" busy_ns)
	sleep 3
	busy1=$(stat_of "$a" busy_ns)
	diag "engine time of the guest in the 3 s before the kill: $(( (busy1 - busy0) / 1000000 )) ms"
	kill -9 "$pk"
	wait "$pk" 2> /dev/null
	expect_eq "QEMU killed with SIGKILL in the middle of the workload" "$?" 137
	diag "nested run until the first round: $tk s"
else
	not_ok "guest on the 1/4 vGPU again: its first round ran"
	guest_tail "$tmp/k.log"
	kill -9 "$pk" 2>/dev/null
	wait "$pk" 2> /dev/null
fi
sed -i 's/\r$//' "$tmp/k.log"
guest_tap "killed guest" "$tmp/k.log"
check "the killed guest's vGPU gave its VRAM back" \
	wait_for 10 test "$(cat "$MDEV_DEVS/$a/mvgpu/vram_used_bytes")" = 0
diag "sched_stats after the kill: $(tr '\n' ' ' < "$MDEV_DEVS/$a/mvgpu/sched_stats")"
"$W" run "$a" --rounds 1 > "$tmp/reuse" 2>&1
st=$?
sed -E "s/^((not )?ok [0-9]+ - )/\1after the kill: /" "$tmp/reuse" | tap_through
expect_eq "the vGPU works for the next user after its VM was killed (exit status)" "$st" 0
"$W" run "$b" --rounds 1 > "$tmp/reuse" 2>&1
expect_eq "the other guest's vGPU works for the next user too (exit status)" "$?" 0

guest_keep "$tmp"/*.log "$tmp"/*.log.qemu
rm -rf "$tmp"
check "remove the 1/4 vGPU" remove_vgpu "$a"
check "remove the 1/2 vGPU" remove_vgpu "$b"
check "module unloads (no file of a killed VM left open)" rmmod mvgpu
exit $((T_FAILED > 0))
