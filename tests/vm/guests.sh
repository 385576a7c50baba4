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
# The guests load the guest driver (mvgpu_drm.ko) and the program drives
# the vGPU through its render node (mvgpu-guest --drm-auto): each round a
# job, operands in the driver's VRAM and system-memory buffers.  On a
# device without contexts (uapi < 0.4) the render node runs no jobs; the
# program then unbinds the driver and goes on through sysfs as before, and
# the check that it used the render node says SKIP.
#
# 1. Two guests at once on a 1/4 vGPU (weight 2) and a 1/2 vGPU (weight 4),
#    one engine: both pass, every workload ran exactly with operands in
#    guest memory (and mixed), and, while both hog the engine (each keeps
#    seconds of SPIN queued until told to stop), the host's busy_ns give
#    them engine time 1:2 (asserted: see "shares" below).
# 2. A guest on the 1/4 vGPU again, its QEMU killed (SIGKILL) in the middle
#    of its workload: the vGPU is closed, scrubbed and works for the next
#    user (a host-side workload); the module unloads.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest_lib.sh"
export GUEST_APPEND="mvgpu.drm=1 ${GUEST_APPEND:-}"
W=$MVGPU_REPO/build/tests/workload
BOOT_TIMEOUT=${GUEST_TIMEOUT:-900}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
# in_range X LO HI: LO <= X <= HI (fractions)
in_range() { fle "$2" "$1" && fle "$1" "$3"; }

t=$(now)
if ! guest_prepare; then
	not_ok "guest kernel and initramfs (scripts/mkguest.sh)"
	exit 1
fi
ok "guest kernel and initramfs (scripts/mkguest.sh), ready in $(since "$t") s"
diag "guest image: $GUEST_DIR"

HIST=/sys/kernel/debug/mvgpu/mvgpu.0/engine_hist
mvgpu_load engines=1 || { not_ok "load mvgpu engines=1"; exit 1; }
ok "load mvgpu engines=1"
check "the engine's step histogram is readable" grep -q "^engine 0 step max" "$HIST"

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

# Pass a guest's TAP lines through as ours, named after the guest.
guest_tap() {
	sed -n -E "s|^((not )?ok [0-9]+ - )|\1$1: |p" "$2" | tap_through
}

# --- 1. two guests at once -------------------------------------------------
# Each guest runs exactness rounds for ROUNDS_S seconds, then hogs: keeps
# 2 s of SPIN queued (topped up every 0.1 s) until the host tells it to
# stop on its second serial port, or HOG_MAX_S pass.  The guests boot at
# different times (40-70 s each under nested TCG), so the host decides the
# window: it samples both vGPUs' busy_ns about every second, with whether
# each guest's console says it is in its hog phase, and tells both to stop
# once WINDOW_S seconds of intervals had both hogging and both busy_ns
# growing, and no step of the engine took 50 ms or more in them or in the
# PAYBACK_S seconds before.  Only those intervals are measured.  A step
# that long is a host stall of the engine's vCPU (the guests' hogs are
# SPIN, whose steps are microseconds): the guest cannot tell it from
# work, charges it to the vGPU that was running, and the other then runs
# nearly alone until it has caught up (for twice the stall's length if
# the weight-2 vGPU took it), so neither the interval of the stall nor
# those of the payback say anything about the shares.
ROUNDS_S=15
HOG_MAX_S=150
WINDOW_S=12
PAYBACK_S=10

# The sampling loop starts no process: under nested TCG, with two guests
# on the VM's two CPUs, each fork costs a good part of a second, and the
# samples are to be about a second apart.  Bash builtins read the files
# and the clock ($EPOCHREALTIME), and nap waits on a FIFO nobody writes.
mkfifo "$tmp/nap"
nap() { read -rt "$1" <> "$tmp/nap" || :; }
usecs() { US=${EPOCHREALTIME/./}; }

# Steps of engine 0 that took 50 ms or more so far into LONG (the engine's
# step histogram: "engine 0 step max NS: BUCKET_NS:COUNT ...").
long_steps() {
	local line tok
	LONG=0
	while read -r line; do
		case $line in
		"engine 0 step max"*) ;;
		*) continue ;;
		esac
		for tok in ${line#*:}; do
			if ((${tok%%:*} >= 50000000)); then
				LONG=$((LONG + ${tok##*:}))
			fi
		done
	done < "$HIST"
}

# busy_ns of vGPU UUID into BUSY.
busy_of() {
	local k v
	BUSY=0
	while read -r k v; do
		[ "$k" = busy_ns ] && BUSY=$v
	done < "$MDEV_DEVS/$1/mvgpu/sched_stats"
}

# HOG=1 if the guest on LOG (QEMU PID) is in its hog phase, else 0;
# STARTED=1 if it ever got there.
hog_state() {
	local -a lines
	HOG=0 STARTED=0
	mapfile -t lines < "$1"
	case "${lines[*]}" in
	*"mvgpu-guest: hog started"*) STARTED=1 ;;
	*) return ;;
	esac
	case "${lines[*]}" in
	*"mvgpu-guest: hog stopping"* | *MVGPU-GUEST-END*) ;;
	*) kill -0 "$2" 2>/dev/null && HOG=1 ;;
	esac
}

# The intervals between samples ("t busy_a busy_b hog_a hog_b long") in
# which both guests hogged (at both ends), both busy_ns grew and no step
# took 50 ms or more (long_steps) in the interval or PAYBACK_S before it:
# "intervals seconds delta_a delta_b per-interval-shares-of-a".
both_busy() {
	awk -v p="$PAYBACK_S" 'NR > 1 && $6 != pl { last = $1 }
	NR > 1 && ha && hb && $4 && $5 && $2 > pa && $3 > pb && $6 == pl &&
	    (last == "" || pt - last >= p) {
		n++; dt += $1 - pt; da += $2 - pa; db += $3 - pb
		sh = sh sprintf(" %.1f", 100 * ($2 - pa) / ($2 - pa + $3 - pb))
	}
	{ pt = $1; pa = $2; pb = $3; ha = $4; hb = $5; pl = $6 }
	END { printf "%d %.1f %.0f %.0f%s\n", n, dt, da, db, sh }' "$1"
}

args=(--drm-auto --seconds "$ROUNDS_S" --hog-seconds "$HOG_MAX_S" --control /dev/ttyS1)
usecs
t0=$US
start_guest "$a" "$tmp/a.log" "${args[@]}" --seed 1 --expect-subsys 4 --expect-vram $((256 << 20))
pa=$GUEST_PID
start_guest "$b" "$tmp/b.log" "${args[@]}" --seed 2 --expect-subsys 2 --expect-vram $((512 << 20))
pb=$GUEST_PID
diag "two nested guests started (QEMU pids $pa $pb), waiting up to $BOOT_TIMEOUT s"

# Sample until both QEMUs are gone; once both hogged for WINDOW_S s of
# intervals (the same test as both_busy's), or one stopped hogging after
# both had started, tell both to stop.
: > "$tmp/samples"
told="" ta="" tb="" hog_a="" hog_b="" both_us=0 prev="" long_us=""
while :; do
	usecs
	el=$(( (US - t0) / 1000000 ))
	kill -0 "$pa" 2>/dev/null || ta=${ta:-$el}
	kill -0 "$pb" 2>/dev/null || tb=${tb:-$el}
	[ -z "$ta" ] || [ -z "$tb" ] || break
	[ "$el" -lt "$BOOT_TIMEOUT" ] || break
	if [ -z "$told" ]; then
		hog_state "$tmp/a.log" "$pa"
		ha=$HOG sa=$STARTED
		hog_state "$tmp/b.log" "$pb"
		hb=$HOG sb=$STARTED
		busy_of "$a"
		ba=$BUSY
		busy_of "$b"
		bb=$BUSY
		long_steps
		lg=$LONG
		usecs
		now_us=$((US - t0))
		printf '%d.%06d %s %s %s %s %s\n' $((now_us / 1000000)) $((now_us % 1000000)) \
			"$ba" "$bb" "$ha" "$hb" "$lg" >> "$tmp/samples"
		[ "$ha" = 0 ] || hog_a=${hog_a:-$el}
		[ "$hb" = 0 ] || hog_b=${hog_b:-$el}
		[ -n "$prev" ] && ((lg != plg)) && long_us=$now_us
		if [ -n "$prev" ] && ((ha && hb && pha && phb && ba > pba && bb > pbb && lg == plg)) &&
		   { [ -z "$long_us" ] || ((pt - long_us >= PAYBACK_S * 1000000)); }; then
			both_us=$((both_us + now_us - pt))
		fi
		prev=1 pt=$now_us pba=$ba pbb=$bb pha=$ha phb=$hb plg=$lg
		if ((both_us >= WINDOW_S * 1000000)) || ((sa && sb && !(ha && hb))); then
			guest_tell "$tmp/a.log" stop
			guest_tell "$tmp/b.log" stop
			told=$el
			diag "told both guests to stop hogging after $told s"
		fi
	fi
	nap 1
done
wait_guest "$pa" 1 "$tmp/a.log"
sta=$?
wait_guest "$pb" 1 "$tmp/b.log"
stb=$?

for g in a b; do
	log=$tmp/$g.log
	if [ $g = a ]; then
		st=$sta; secs=$ta; hog=$hog_a; name="guest on 1/4"
	else
		st=$stb; secs=$tb; hog=$hog_b; name="guest on 1/2"
	fi
	expect_eq "$name: QEMU exits 0 (the guest powered off)" "$st" 0
	guest_tap "$name" "$log"
	expect_eq "$name: the guest program exits 0" "$(guest_status "$log")" 0
	check "$name: no mismatch in the summary" grep -q 'summary.* mismatches=0$' "$log"
	if grep -q 'workload started (through the render node' "$log"; then
		ok "$name: the program used the render node (mvgpu_drm.ko)"
	elif grep -q 'going on through sysfs' "$log"; then
		ok "$name: the program used the render node # SKIP the device has no contexts (uapi < 0.4): it ran through sysfs"
	else
		not_ok "$name: the program used the render node (mvgpu_drm.ko)"
	fi
	check "$name: the summary counts rounds in guest memory" \
		grep -Eq 'summary .*sysmem_rounds=[1-9]' "$log"
	for w in fill copy vadd matmul reduce; do
		check "$name: $w ran exactly with operands in guest memory" \
			grep -Eq "^ok [0-9]+ - $w in sysmem: ([1-9][0-9]*) of \\1 rounds exact" "$log"
		check "$name: $w ran exactly with operands mixed" \
			grep -Eq "^ok [0-9]+ - $w in mixed vram/sysmem: ([1-9][0-9]*) of \\1 rounds exact" "$log"
	done
	grep -E '^mvgpu-guest-init: /init|^mvgpu-guest: (summary|hog)|^[0-9a-f:.]+ 3D controller|^	(Subsystem|Region)' "$log" |
		sed "s|^|# $name: |"
	diag "$name: nested run ${secs:-(killed)} s from QEMU start to power-off, hogging from ${hog:-?} s"
	[ "$st" = 0 ] && [ "$(guest_status "$log")" = 0 ] || guest_tail "$log"
done
check "both guests saw a 3D controller 1234:4d47" \
	bash -c "grep -q '3D controller \[0302\]: Device \[1234:4d47\]' '$tmp/a.log' &&
		 grep -q '3D controller \[0302\]: Device \[1234:4d47\]' '$tmp/b.log'"

# Shares while both hogged.  Asserted: the measured intervals add up to at
# least 10 s, and over them busy_a / busy_b (the 1/4 vGPU's engine time
# over the 1/2 vGPU's) lies within 0.5 +- 5 % (0.475 .. 0.525), which also
# puts the 1/4 vGPU's share of the sum within 33.3 % +- 5 % relative
# (31.7 .. 35.0 %; the ratio bound is the tighter one: 32.2 .. 34.4 %).
read -r n secs da db per < <(both_busy "$tmp/samples")
diag "steps of 50 ms or more (host stalls) during the guests' run: $(awk 'NR == 1 { f = $6 } END { print $6 - f }' "$tmp/samples"); intervals with one, or one in the $PAYBACK_S s before them, were left out"
read -r sa sb ratio busy_pct < <(awk -v a="$da" -v b="$db" -v s="$secs" 'BEGIN {
	t = a + b
	printf "%.2f %.2f %.4f %.1f\n", t ? 100 * a / t : 0, t ? 100 * b / t : 0,
		b ? a / b : 0, s ? 100 * t / (s * 1e9) : 0 }')
diag "both guests hogged and both busy_ns grew in $n sampled intervals, $secs s: the 1/4 vGPU (weight 2) got $sa %, the 1/2 vGPU (weight 4) $sb % of their engine time, ratio $ratio (weights: 33.3 % / 66.7 %, 0.5); the engine was busy $busy_pct % of those seconds"
diag "the 1/4 vGPU's share, interval by interval:$per"
for u in "$a" "$b"; do
	diag "sched_stats $u: $(tr '\n' ' ' < "$MDEV_DEVS/$u/mvgpu/sched_stats")"
done
check "both vGPUs busy at once for at least 10 s (measured $secs s)" fle 10 "$secs"
check "busy_ns ratio 1/4 : 1/2 vGPU $ratio within 0.5 +- 5 % (0.475 .. 0.525)" \
	in_range "$ratio" 0.475 0.525
check "the 1/4 vGPU's share $sa % within 33.3 % +- 5 % relative (31.67 .. 35.00 %)" \
	in_range "$sa" 31.67 35.0
expect_eq "closed vGPUs keep no VRAM" \
	"$(cat "$MDEV_DEVS/$a/mvgpu/vram_used_bytes") $(cat "$MDEV_DEVS/$b/mvgpu/vram_used_bytes")" "0 0"

# --- 2. a guest killed in the middle of its workload -----------------------
t=$(now)
start_guest "$a" "$tmp/k.log" --drm-auto --seconds 600 --hog-us 500000 --seed 3 --expect-subsys 4
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
