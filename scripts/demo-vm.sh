#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo's part inside the VM (see scripts/demo.sh): one GPU with one
# engine, three 1/8 vGPUs with weights 1, 2 and 4 (mdevctl attributes), two
# driven by host-side clients, one by a tenant program inside a nested VM.
# sched_stats is sampled every 0.5 s into /mnt/out/shares.dat; the table and
# the verdict come from the seconds in which all three were busy.
set -uo pipefail
. "$MVGPU_REPO/tests/vm/lib.sh"
. "$MVGPU_REPO/tests/vm/guest_lib.sh"

out=/mnt/out
T=$MVGPU_REPO/build/tests
WINDOW=${DEMO_WINDOW:-30}	# seconds of measurement with all three busy
say() { printf '\n$ %s\n' "$*"; }
run() { say "$*"; "$@"; }
# Sampling every 0.5 s under TCG leaves no room for forks: bash builtins.
us() { echo "${EPOCHREALTIME/./}"; }
t0=${EPOCHREALTIME/./}
# el: seconds since t0 into EL (no fork); $(el) prints them.
el() {
	local d=$(( ${EPOCHREALTIME/./} - t0 ))
	printf -v EL '%d.%d' $((d / 1000000)) $((d / 100000 % 10))
	echo "$EL"
}
exec {nap}<> <(:)
nap() { read -r -t "$1" -u "$nap" _; }
# stats UUID: sets B (busy_ns), C (cmds), P (wait_p99_ns), S (share_ppm)
stats() {
	local k v
	B=0 C=0 P=0 S=0
	while read -r k v; do
		case $k in
		busy_ns) B=$v ;;
		cmds) C=$v ;;
		wait_p99_ns) P=$v ;;
		share_ppm) S=$v ;;
		esac
	done < "$MDEV_DEVS/$1/mvgpu/sched_stats"
}

run mvgpu_load engines=1 || exit 1
say "mdevctl types -p mvgpu.0   (the 1/8 type)"
mdevctl types -p mvgpu.0 | awk '/mvgpu-1_8$/ { p = 1; print; next } /^  [^ ]/ { p = 0 } p'

weights=(1 2 4)
roles=("host client (sched_load hog)" "host client (sched_load hog)" "nested VM (mvgpu-guest)")
uuids=()
for i in 0 1 2; do
	u=$(new_uuid)
	cat > /tmp/vgpu$i.json <<-EOF
	{ "mdev_type": "mvgpu-1_8", "start": "manual",
	  "attrs": [ { "mvgpu/weight": "${weights[$i]}" } ] }
	EOF
	run mdevctl start -u "$u" -p mvgpu.0 --jsonfile /tmp/vgpu$i.json || exit 1
	uuids+=("$u")
done
echo "vGPU 1's definition (/tmp/vgpu0.json):"
cat /tmp/vgpu0.json
run mdevctl list
for i in 0 1 2; do
	printf 'vGPU %d  %s  weight %s (sysfs)  %s\n' $((i + 1)) "${uuids[$i]}" \
		"$(cat "$MDEV_DEVS/${uuids[$i]}/mvgpu/weight")" "${roles[$i]}"
done

# Samples: t, then busy_ns cmds wait_p99_ns for each vGPU.
sampler() {
	local u line left next=${EPOCHREALTIME/./}
	while [ ! -e /tmp/stop-sampler ]; do
		el > /dev/null
		line=$EL
		for u in "${uuids[@]}"; do
			stats "$u"
			line+=" $B $C $P"
		done
		echo "$line"
		next=$((next + 500000))
		left=$((next - ${EPOCHREALTIME/./}))
		if ((left > 0)); then
			printf -v left '%d.%06d' $((left / 1000000)) $((left % 1000000))
			nap "$left"
		fi
	done
}
echo "# t busy1 cmds1 p99_1 busy2 cmds2 p99_2 busy3 cmds3 p99_3" > "$out/shares.dat"
sampler >> "$out/shares.dat" &
spid=$!

say "nested VM on vGPU 3: booting the stock kernel under QEMU inside this VM (TCG in TCG: 1-2 minutes)"
guest_prepare || exit 1
glog=$out/guest.log
# The guest loads the guest driver (mvgpu_drm.ko) and its program uses
# the render node; on a device without contexts it falls back to sysfs.
GUEST_APPEND="mvgpu.drm=1" start_guest "${uuids[2]}" "$glog" --drm-auto \
	--seconds $((WINDOW + 12)) --hog-us 500000 --expect-subsys 8 --quiet
gpid=$GUEST_PID
echo "QEMU pid $gpid: -device vfio-pci,sysfsdev=$MDEV_DEVS/${uuids[2]}"

say "host clients on vGPUs 1 and 2 start now, while the VM boots"
hpids=()
for i in 0 1; do
	"$T/sched_load" hog "${uuids[$i]}" 600 10000 > "/tmp/hog$i.log" 2>&1 &
	hpids+=($!)
	echo "sched_load hog ${uuids[$i]} (pid $!)"
done

share_line() {
	local u line=""
	for u in "${uuids[@]}"; do
		stats "$u"
		line+=$(printf ' %3d.%d%%' $((S / 10000)) $((S / 1000 % 10)))
	done
	echo "$line"
}
echo
echo "  time   engine share of vGPU 1 / 2 / 3 (last second)   nested VM"
booted=
for ((n = 0; n < 600; n++)); do
	kill -0 "$gpid" 2>/dev/null || break
	if grep -q 'mvgpu-guest: workload started' "$glog"; then
		booted=$(el)
		break
	fi
	((n % 5)) || printf '%6ss  %s        %s\n' "$(el)" "$(share_line)" \
		"$(grep -q 'mvgpu-guest-init' "$glog" && echo 'running its /init' || echo booting)"
	nap 1
done
if [ -z "$booted" ]; then
	echo "demo: the nested VM did not start its workload (its console: build/demo/guest.log)"
	guest_tail "$glog"
	kill "${hpids[@]}" "$gpid" 2>/dev/null
	exit 1
fi
echo "  ${booted}s  the nested VM runs its workload: all three vGPUs busy"
nap 3
w0=$(el)
end=$(( $(us) + WINDOW * 1000000 ))
while (( $(us) < end )); do
	nap 5
	printf '%6ss  %s\n' "$(el)" "$(share_line)"
done
w1=$(el)
echo "window $w0 $w1 $booted" > "$out/window"
kill -TERM "${hpids[@]}"
for p in "${hpids[@]}"; do wait "$p"; done
cat /tmp/hog0.log /tmp/hog1.log
wait_guest "$gpid" 300 "$glog"
gst=$?
touch /tmp/stop-sampler
wait "$spid"

say "the nested VM's console (tools/guest/mvgpu-guest.c)"
grep -v -E '^\[ *[0-9.]+\]|^mvgpu-guest-(dmesg|kmemleak): ' "$glog" | grep -v '^ok ' | sed 's/^/  | /'
echo "  | ($(grep -c '^ok ' "$glog") TAP checks ok, $(grep -c '^not ok ' "$glog") not ok)"
vm_ok=0
[ "$gst" = 0 ] && [ "$(guest_status "$glog")" = 0 ] && vm_ok=1
echo "nested VM: QEMU exit $gst, guest program exit $(guest_status "$glog"), results exact: $([ $vm_ok = 1 ] && echo yes || echo NO)"
if grep -q 'workload started (through the render node' "$glog"; then
	echo "nested VM: its program used the render node of the guest driver ($(grep -o '/dev/dri: .*renderD[0-9]*' "$glog" | head -n 1 | sed 's|/dev/dri: .*\(renderD[0-9]*\)|/dev/dri/\1|'), mvgpu_drm.ko)"
else
	echo "nested VM: its program went through sysfs (the device has no contexts yet, so the render node runs no jobs)"
fi

# The table: deltas over the samples of the window in which every vGPU's
# busy_ns grew (all three had work and got the engine).
echo
awk -v w0="$w0" -v w1="$w1" -v okvm="$vm_ok" \
    -v weights="${weights[*]}" -v roles="host,host,nested VM" '
BEGIN { split(weights, W, " "); split(roles, R, ","); for (i = 1; i <= 3; i++) sw += W[i] }
/^#/ { next }
{
	t = $1
	if (n++ && t >= w0 && t <= w1) {
		all = 1
		for (i = 1; i <= 3; i++) if ($(3 * i - 1) <= pb[i]) all = 0
		if (all) {
			dt += t - pt
			for (i = 1; i <= 3; i++) {
				db[i] += $(3 * i - 1) - pb[i]
				dc[i] += $(3 * i) - pc[i]
			}
			samples++
		}
	}
	if (t <= w1) for (i = 1; i <= 3; i++) p99[i] = $(3 * i + 1)
	pt = t
	for (i = 1; i <= 3; i++) { pb[i] = $(3 * i - 1); pc[i] = $(3 * i) }
}
END {
	for (i = 1; i <= 3; i++) tot += db[i]
	printf "%-5s %-10s %6s %9s %9s %10s %10s %11s\n", "vGPU", "runs in", "weight", "entitled",
	       "achieved", "error", "cmds/s", "wait p99"
	maxerr = 0
	for (i = 1; i <= 3; i++) {
		ent = W[i] / sw
		ach = tot ? db[i] / tot : 0
		err = ent ? (ach - ent) / ent : 1
		if (err < 0 ? -err > maxerr : err > maxerr) maxerr = err < 0 ? -err : err
		printf "%-5d %-10s %6d %8.1f%% %8.1f%% %+9.1f%% %10.0f %9.1f ms\n", i, R[i], W[i],
		       100 * ent, 100 * ach, 100 * err, dt ? dc[i] / dt : 0, p99[i] / 1e6
	}
	printf "\nmeasured over %.1f s (%d sampling intervals with all three busy) in the window %.1f-%.1f s;\n", dt, samples, w0, w1
	printf "engine busy %.1f%% of that time\n", dt ? 100 * tot / 1e9 / dt : 0
	pass = samples >= 10 && maxerr <= 0.10 && okvm
	printf "\nverdict: shares follow weights 1:2:4 within %.2f%% (limit 10%%), nested VM results exact: %s\n",
	       100 * maxerr, pass ? "PASS" : "FAIL"
	exit !pass
}' "$out/shares.dat" | tee "$out/table.txt"
verdict=${PIPESTATUS[0]}

for u in "${uuids[@]}"; do
	mdevctl stop -u "$u"
done
rmmod mvgpu
exit "$verdict"
