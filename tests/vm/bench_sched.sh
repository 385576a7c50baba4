#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, part 2, inside the stock-kernel VM: the scheduler
# (tests/client/sched_load.c).  On the stock kernel because KASAN and
# lockdep, which the debug kernel has for the tests, multiply the cost of
# every lock and allocation on the switch path; production kernels have
# neither.  Prints "BENCH name value unit" lines.
set -e
. "$(dirname "$0")/lib.sh"

mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug

# ---- The scheduler ----
#
# One engine (engines=1) throughout, not the default two: every vGPU then
# competes for the same engine, the hard case for the interactive figures.
# Policy mlfq (the default) unless said otherwise; timeslice_us=1000.
#
#   pick_ns_N               debugfs pick_bench: mean ns of one pick + put +
#                           enqueue with N runnable vGPUs (in-kernel)
#   switch_cost_ns          per-GPU sched_stats: mean time from one vGPU
#                           coming off the engine to the next one's pick,
#                           over a 6 s window of 4 hogs (from "switches" and
#                           "switch_ns_mean" before and after the window)
#   switch_overhead_pct     switch_cost_ns / timeslice * 100
#   share_error_pct         the same window, hogs weighted 1:2:4:8: largest
#                           |share - weight/15| / (weight/15) * 100, shares
#                           of busy_ns from the vGPUs' sched_stats
#   interactive_p99_*_us    p99 latency of 200 us of work every 10 ms
#                           (SPIN + FENCE with MSI, doorbell to eventfd):
#                           alone, next to 8 hogs of 5 ms SPINs (loaded),
#                           and the same loaded with sched=rr (rr)
#   interactive_p99_inflation     loaded / alone: three rounds of
#                           alone, loaded, loaded with MATMUL hogs (4 s
#                           each), the median of the rounds' ratios
#   interactive_p99_inflation_matmul  the same next to 8 hogs of
#                           4x64x4096 MATMULs (k large) instead of SPINs
#   interactive_p99_rr_over_mlfq  rr / loaded (the rounds' median)
#
# Inside long commands (engines=1, a 1 GiB vGPU: vram_mb=4096 with
# vram_overcommit=1, since a MAP backs no VRAM):
#
#   preempt_latency_p99_us_KIND  per-GPU sched_stats: p99 of the time from
#                           the engine being asked to stop (slice end, or
#                           the interactive vGPU arriving every 10 ms) to
#                           the hog's context given back, with a hog of
#                           KIND: spin (5 ms SPINs), copy (16 MiB COPYs),
#                           matmul (k = 4096), map (MAP, then UNMAP, of
#                           1 GiB in 4 KiB pages), sysmem (4 MiB COPYs from
#                           guest memory)
#   step_max_us_KIND        the longest command step in that run
#   preempt_latency_p99_us, step_max_us   the worst over the kinds
#   preempt_floor_p99_us    debugfs preempt_floor, 4 s: p99 of an hrtimer
#                           interrupting this script's thread spinning in
#                           the kernel on a flag, to the thread seeing it - the same path with no
#                           engine work, the platform's floor (TCG here)
#   preempt_latency_over_floor  preempt_latency_p99_us / the floor
#   copy_vs_memcpy          memcpy time / engine time for 64 MiB (both
#                           sides touched before; 1: as fast as the CPU)
#   matmul_vs_cpu           the same for a 256^3 MATMUL against the same
#                           loop in user space
TS_US=1000
PICK=/sys/kernel/debug/mvgpu/pick_bench
sched_tmp=$(mktemp -d)
trap 'hogs_stop > /dev/null 2>&1 || true; rm -rf "$sched_tmp"' EXIT

bench_fail() {
	echo "bench: $*" >&2
	exit 1
}

# sched_up POLICY: load mvgpu with one engine and POLICY; S: 9 vGPUs 1_16.
sched_up() {
	local i u
	mvgpu_load engines=1 sched="$1" timeslice_us=$TS_US watchdog_ms=10000 ||
		bench_fail "cannot load mvgpu with engines=1 sched=$1"
	S=()
	for i in 1 2 3 4 5 6 7 8 9; do
		u=$(create_vgpu 1_16) || bench_fail "cannot create vGPU $i of type 1_16"
		S+=("$u")
	done
}

sched_down() {
	remove_all_vgpus
	rmmod mvgpu
}

# interactive_p99 SECONDS: sched_load interactive on S[0]; prints its p99.
interactive_p99() {
	local f=$sched_tmp/interactive
	"$SCHED_LOAD" interactive "${S[0]}" "$1" 10000 200 > "$f" 2>&1 ||
		bench_fail "interactive: $(tr '\n' ' ' < "$f")"
	latency_field "$f" p99_us || bench_fail "interactive: no latency line in $(cat "$f")"
}

# median V...: the middle value (the lower middle of an even count)
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# ratio A B: A / B to 3 decimals (0 if B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

# interactive_p99_loaded SECONDS [KIND]: the same next to 8 hogs of 5 ms
# SPINs (or of KIND, see hogs_start), into P99_LOADED (the hogs must run in
# this shell, not a subshell).
interactive_p99_loaded() {
	hogs_start "$sched_tmp" "${2:-5000}" "${S[@]:1:8}" || bench_fail "$HOG_ERR"
	P99_LOADED=$(interactive_p99 "$1")
	hogs_stop || bench_fail "$HOG_ERR"
}

sched_up mlfq

for n in 1 16 256 1024; do
	echo "$n" > "$PICK" || bench_fail "cannot write $n to $PICK"
	read -r got ns < "$PICK" || bench_fail "cannot read $PICK"
	[ "$got" = "$n" ] && [ -n "$ns" ] || bench_fail "$PICK: asked for $n, read '$got $ns'"
	echo "BENCH pick_ns_$n $ns ns"
done

G=("${S[@]:0:4}")
i=0
for w in 1 2 4 8; do
	echo $w > "$MDEV_DEVS/${G[$i]}/mvgpu/weight" || bench_fail "cannot set weight $w"
	i=$((i + 1))
done
hogs_start "$sched_tmp" 2000 "${G[@]}" || bench_fail "$HOG_ERR"
sleep 1
sw0=$(sched_stat "$GPU_SCHED_STATS" switches) || bench_fail "no switches in $GPU_SCHED_STATS"
sm0=$(sched_stat "$GPU_SCHED_STATS" switch_ns_mean) || bench_fail "no switch_ns_mean in $GPU_SCHED_STATS"
busy_window 6 "${G[@]}" || bench_fail "cannot read the vGPUs' busy_ns"
sw1=$(sched_stat "$GPU_SCHED_STATS" switches)
sm1=$(sched_stat "$GPU_SCHED_STATS" switch_ns_mean)
hogs_stop || bench_fail "$HOG_ERR"
# The window's own mean: (sum after - sum before) / (switches in it).
switch_ns=$(awk -v s0="$sw0" -v m0="$sm0" -v s1="$sw1" -v m1="$sm1" 'BEGIN {
	printf "%.0f", (s1 > s0 ? (s1 * m1 - s0 * m0) / (s1 - s0) : m1) }')
echo "BENCH switch_cost_ns $switch_ns ns"
echo "BENCH switch_overhead_pct $(awk -v c="$switch_ns" -v ts=$TS_US 'BEGIN {
	printf "%.3f", c / (ts * 1000) * 100 }') %"
share_err=$(shares "1 2 4 8" "$WIN_B0" "$WIN_B1" | awk '$1 == "max" { print $2 }')
echo "BENCH share_error_pct $share_err %"
for u in "${G[@]}"; do
	echo 1 > "$MDEV_DEVS/$u/mvgpu/weight" || bench_fail "cannot set weight 1"
done

# Three rounds of alone / next to SPIN hogs / next to MATMUL hogs, side
# by side: the p99 of one 4 s run moves several-fold with the host (TCG on
# a shared machine), so each inflation is the median of its rounds' ratios.
al=() sp=() mm=() rs=() rmat=()
for round in 1 2 3; do
	a=$(interactive_p99 4)
	interactive_p99_loaded 4
	l=$P99_LOADED
	interactive_p99_loaded 4 matmul
	echo "# round $round: interactive p99 alone $a us, next to SPIN hogs $l us, next to MATMUL hogs $P99_LOADED us"
	al+=("$a") sp+=("$l") mm+=("$P99_LOADED")
	rs+=("$(ratio "$l" "$a")") rmat+=("$(ratio "$P99_LOADED" "$a")")
done
p99_alone=$(median "${al[@]}")
p99_mlfq=$(median "${sp[@]}")
echo "BENCH interactive_p99_alone_us $p99_alone us"
echo "BENCH interactive_p99_loaded_us $p99_mlfq us"
echo "BENCH interactive_p99_inflation $(median "${rs[@]}") x (median of 3 rounds: ${rs[*]})"
echo "BENCH interactive_p99_loaded_matmul_us $(median "${mm[@]}") us"
echo "BENCH interactive_p99_inflation_matmul $(median "${rmat[@]}") x (median of 3 rounds: ${rmat[*]})"
sched_down

sched_up rr
interactive_p99_loaded 4
p99_rr=$P99_LOADED
echo "BENCH interactive_p99_rr_us $p99_rr us"
echo "BENCH interactive_p99_rr_over_mlfq $(ratio "$p99_rr" "$p99_mlfq") x"
sched_down

# ---- Inside long commands ----
mvgpu_load engines=1 timeslice_us=$TS_US watchdog_ms=10000 vram_mb=4096 vram_overcommit=1 ||
	bench_fail "cannot load mvgpu with vram_mb=4096 vram_overcommit=1"
H=$(create_vgpu 1_4) || bench_fail "cannot create a 1 GiB vGPU"
I=$(create_vgpu 1_16) || bench_fail "cannot create a 1/16 vGPU"
S=("$I")
HIST=/sys/kernel/debug/mvgpu/mvgpu.0/engine_hist
worst_p99=0
worst_step=0
for kind in spin copy matmul map sysmem; do
	hogs_start "$sched_tmp" "$kind" "$H" || bench_fail "$HOG_ERR"
	echo 0 > "$HIST" || bench_fail "cannot clear $HIST"
	interactive_p99 4 > /dev/null
	p99=$(sched_stat "$GPU_SCHED_STATS" preempt_latency_p99_ns) || bench_fail "no preempt_latency_p99_ns"
	step=$(sched_stat "$GPU_SCHED_STATS" step_max_ns) || bench_fail "no step_max_ns"
	n=$(sched_stat "$GPU_SCHED_STATS" preemptions)
	hogs_stop || bench_fail "$HOG_ERR"
	[ "$n" -gt 0 ] || bench_fail "no preemption measured with a $kind hog"
	echo "BENCH preempt_latency_p99_us_$kind $(awk -v v="$p99" 'BEGIN { printf "%.1f", v / 1000 }') us ($n preemptions)"
	echo "BENCH step_max_us_$kind $(awk -v v="$step" 'BEGIN { printf "%.1f", v / 1000 }') us"
	[ "$p99" -gt "$worst_p99" ] && worst_p99=$p99
	[ "$step" -gt "$worst_step" ] && worst_step=$step
done
echo "BENCH preempt_latency_p99_us $(awk -v v="$worst_p99" 'BEGIN { printf "%.1f", v / 1000 }') us (worst kind; slice $TS_US us)"
echo "BENCH step_max_us $(awk -v v="$worst_step" 'BEGIN { printf "%.1f", v / 1000 }') us (worst kind)"
FLOOR=/sys/kernel/debug/mvgpu/preempt_floor
echo 4000 > "$FLOOR" || bench_fail "cannot write 4000 to $FLOOR"
read -r fn f50 f99 fmax < "$FLOOR" || bench_fail "cannot read $FLOOR"
[ "${fn:-0}" -gt 0 ] && [ "${f99:-0}" -gt 0 ] || bench_fail "$FLOOR: no samples ('$fn $f50 $f99 $fmax')"
echo "BENCH preempt_floor_p99_us $(awk -v v="$f99" 'BEGIN { printf "%.1f", v / 1000 }') us ($fn samples, p50 $(awk -v v="$f50" 'BEGIN { printf "%.1f", v / 1000 }') us)"
echo "BENCH preempt_latency_over_floor $(ratio "$worst_p99" "$f99") x"
"$SCHED_LOAD" efficiency "$H" > "$sched_tmp/eff" 2>&1 || bench_fail "efficiency: $(tr '\n' ' ' < "$sched_tmp/eff")"
grep '^BENCH ' "$sched_tmp/eff"
sched_down
