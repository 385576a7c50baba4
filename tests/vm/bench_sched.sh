#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the scheduler, inside the stock-kernel VM
# (tests/client/sched_load.c).  On the stock kernel because KASAN and
# lockdep, which the debug kernel has for the tests, multiply the cost of
# every lock and allocation on the switch path; production kernels have
# neither.  Prints "BENCH name value unit clock [notes]" lines.
#
# make bench runs it twice: on the virtual clock (scripts/vm-run.sh
# --vclock: one vCPU, guest time counts instructions, so the host's load
# moves none of these figures; the lines say "virtual") and on the wall
# clock (two vCPUs, idle=poll), where every name gets a "_wall" suffix:
# the wall-clock twins show what only real cycles show (a path that misses
# the cache costs an instruction like any other on the virtual clock).
# Nothing here times an interval across host I/O (the 9p root, the
# console): on the virtual clock such a wait jumps from one timer deadline
# to the next.
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
#                           over a 24 s window of 4 hogs (from "switches"
#                           and "switch_ns_mean" before and after the
#                           window; 6 s before the virtual clock, see
#                           share_error_pct)
#   switch_overhead_pct     switch_cost_ns / timeslice * 100
#   submit_cost_ns          the same window, debugfs sched: mean time from
#                           the core deciding a run to its submit worker
#                           calling the backend's run() (the hop out of the
#                           scheduler's lock, DOC: Submission), which
#                           switch_cost_ns, taken at the decision, leaves out
#   share_error_pct         the same window, hogs weighted 1:2:4:8: largest
#                           |share - weight/15| / (weight/15) * 100, shares
#                           of the engine time each received (debugfs busy:
#                           busy_ns with a run in progress counted, so the
#                           window's ends do not round to a slice), each the
#                           least-squares slope of the vGPU's busy_ns against
#                           the four's total over 25 samples a second apart.
#                           Weighted fairness holds to about a slice (4 ms at
#                           the lowest level) per vGPU at any instant, a
#                           percent of the weight-1 hog's 400 ms in the 6 s
#                           window this used to be: 24 s keeps that part
#                           under 0.3 %, and the fit averages it over the
#                           samples instead of taking it at two instants
#                           (the line also gives the two-instant figure)
#   interactive_p99_*_us    p99 latency of 200 us of work every 10 ms
#                           (SPIN + FENCE with MSI, doorbell to eventfd;
#                           nearest rank of the exact samples): alone, next
#                           to 8 hogs of 5 ms SPINs (loaded), next to 8
#                           MATMUL hogs (loaded_matmul), and loaded with
#                           sched=rr (rr); each the median of ROUNDS rounds
#                           of 4 s (alone, loaded and loaded_matmul side by
#                           side in each round)
#   interactive_p99_inflation     loaded / alone: the median of the
#                           rounds' ratios
#   interactive_p99_inflation_matmul  the same next to 8 hogs of
#                           4x64x4096 MATMULs (k large) instead of SPINs
#   interactive_p99_rr_over_mlfq  rr / loaded (the rounds' medians)
#
# Inside long commands (engines=1, a 1 GiB vGPU: vram_mb=4096 with
# vram_overcommit=1, since a MAP backs no VRAM):
#
#   preempt_latency_p99_us_KIND  p99 (nearest rank of the exact samples of
#                           the interactive program's run, debugfs
#                           preempt_samples) of the time from the
#                           engine being asked to stop (slice end, or the
#                           interactive vGPU arriving every 10 ms) to the
#                           hog's context given back, less the time the
#                           engine's thread waited for a CPU meanwhile (as
#                           for step_max; the p99 with those waits is on
#                           the line too), with a hog of KIND:
#                           spin (5 ms SPINs), copy (16 MiB COPYs), matmul
#                           (k = 4096), map (MAP, then UNMAP, of 1 GiB in
#                           4 KiB pages), sysmem (4 MiB COPYs from guest
#                           memory); the median of ROUNDS rounds of 4 s
#   step_max_us_KIND        the longest command step of a round, the median
#                           over the rounds (a maximum over millions of
#                           steps is one rare interrupt; the median of the
#                           rounds' keeps it from deciding the figure): the
#                           engine time of the step (mvgpu_clock_ran():
#                           not time the engine thread waited for the CPU)
#   preempt_latency_p99_us, step_max_us   the worst over the kinds
#   preempt_floor_p99_us    debugfs preempt_floor, 4 s: p99 of an hrtimer
#                           interrupting this script's thread spinning in
#                           the kernel on a flag, to the thread seeing it -
#                           the same path with no engine work, the
#                           platform's floor
#   preempt_latency_over_floor  preempt_latency_p99_us / the floor
#
# Contexts of one vGPU (uapi 0.4; one 1/16 vGPU, engines=1):
#
#   context_interactive_p99_alone_us, context_interactive_p99_loaded_us
#                           p99 of the same interactive work (200 us every
#                           10 ms, FENCE with MSI) from a context of
#                           priority HIGH, alone and next to 8 contexts of
#                           priority LOW of the same vGPU that keep 5 ms
#                           SPINs queued (tests/client/contexts.c bench);
#                           the medians of ROUNDS rounds of 4 s
#   context_priority_inflation  loaded / alone, the median of the rounds'
#                           ratios
#   context_switch_cost_ns  GPU sched_stats ctx_switch_ns_mean over the
#                           loaded rounds: from one context of a vGPU coming
#                           off the engine to the next one's start, inside
#                           the vGPU's turn (beside switch_cost_ns)
#
# BENCH_PARTS (default "pick share interactive rr preempt contexts") runs only some
# parts, for A/B measurements of one change (scripts/vm-run.sh --env);
# BENCH_ROUNDS (default 3) sets the rounds.
#
#   virtual_round_spread_pct   (round_spread_pct_wall on the wall clock)
#                           the largest (max - min) / median * 100 over the
#                           rounds of any latency figure above
#                           (interactive_p99_* and preempt_latency_p99_us_*)
TS_US=1000
ROUNDS=${BENCH_ROUNDS:-3}
PARTS=" ${BENCH_PARTS:-pick share interactive rr preempt contexts} "
PICK=/sys/kernel/debug/mvgpu/pick_bench
GPU_DEBUGFS=/sys/kernel/debug/mvgpu/mvgpu.0
sched_tmp=$(mktemp -d)
trap 'hogs_stop > /dev/null 2>&1 || true; rm -rf "$sched_tmp"' EXIT

if [ "${MVGPU_CLOCK:-wall}" = virtual ]; then
	SFX='' CLOCK=virtual
else
	SFX=_wall CLOCK=wall
fi

bench_fail() {
	echo "bench: $*" >&2
	exit 1
}

# bench NAME VALUE UNIT [NOTE]: one BENCH line, named for the clock.
bench() {
	echo "BENCH $1$SFX $2 $3 $CLOCK${4:+ ($4)}"
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

# interactive_p99 SECONDS [GPU_DEBUGFS]: sched_load interactive on S[0];
# prints its p99 (and with GPU_DEBUGFS leaves a "preempt" line in
# $sched_tmp/interactive, see preempt_field).
interactive_p99() {
	local f=$sched_tmp/interactive
	"$SCHED_LOAD" interactive "${S[0]}" "$1" 10000 200 ${2:+"$2"} > "$f" 2>&1 ||
		bench_fail "interactive: $(tr '\n' ' ' < "$f")"
	latency_field "$f" p99_us || bench_fail "interactive: no latency line in $(cat "$f")"
}

# preempt_field KEY...: the values of KEYs (n, p50_ns, p99_ns, max_ns) in
# the last interactive run's "preempt" line, space-separated.
preempt_field() {
	awk -v keys="$*" '$1 == "preempt" {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n = split(keys, k); out = ""
		for (i = 1; i <= n; i++) out = out (i > 1 ? " " : "") v[k[i]]
		print out; f = 1 }
		END { exit !f }' "$sched_tmp/interactive"
}

# median V...: the middle value (the lower middle of an even count)
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# spread V...: (max - min) / median * 100, to 2 decimals
spread() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		m = v[int((NR + 1) / 2)]
		printf "%.2f", (m > 0 ? (v[NR] - v[1]) / m * 100 : 0) }'
}

# ratio A B: A / B to 3 decimals (0 if B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

# us NS: nanoseconds as microseconds, 1 decimal
us() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1000 }'; }

# The largest round spread of any latency figure: SPREAD_MAX, SPREAD_OF.
SPREAD_MAX=0
SPREAD_OF=
note_spread() {
	local name=$1 sp
	shift
	sp=$(spread "$@")
	if ! fle "$sp" "$SPREAD_MAX"; then
		SPREAD_MAX=$sp
		SPREAD_OF=$name
	fi
}

# interactive_p99_loaded SECONDS [KIND]: the same next to 8 hogs of 5 ms
# SPINs (or of KIND, see hogs_start), into P99_LOADED (the hogs must run in
# this shell, not a subshell).
interactive_p99_loaded() {
	hogs_start "$sched_tmp" "${2:-5000}" "${S[@]:1:8}" || bench_fail "$HOG_ERR"
	P99_LOADED=$(interactive_p99 "$1")
	hogs_stop || bench_fail "$HOG_ERR"
}

# part NAME: true if NAME is one of the parts to run.
part() { [[ $PARTS == *" $1 "* ]]; }

# pick: the policy's cost at N runnable vGPUs (mlfq loaded, S made).
bench_pick() {
	local n got ns
	for n in 1 16 256 1024; do
		echo "$n" > "$PICK" || bench_fail "cannot write $n to $PICK"
		read -r got ns < "$PICK" || bench_fail "cannot read $PICK"
		[ "$got" = "$n" ] && [ -n "$ns" ] || bench_fail "$PICK: asked for $n, read '$got $ns'"
		bench "pick_ns_$n" "$ns" ns
	done
}

# busy_exact UUID...: the vGPUs' engine time at one instant, a run in
# progress counted up to then (debugfs busy), space-separated in the order
# given; fails if one is missing.
busy_exact() {
	awk -v want="$*" 'BEGIN { n = split(want, u) }
		{ b[$1] = $2 }
		END {
			for (i = 1; i <= n; i++) {
				if (!(u[i] in b))
					exit 1
				printf "%s%s", (i > 1 ? " " : ""), b[u[i]]
			}
			print ""
		}' "$GPU_DEBUGFS/busy"
}

# busy_window_exact SECONDS UUID...: as busy_window (tests/vm/lib.sh), from
# busy_exact: the window's ends do not wait for a run to end, so a share is
# not off by up to a slice at each end.
busy_window_exact() {
	local secs=$1
	shift
	WIN_B0=$(busy_exact "$@") || return 1
	sleep "$secs"
	WIN_B1=$(busy_exact "$@") || return 1
}

# submit_sums: runs the submit worker issued and their summed submit_ns,
# all engines (debugfs sched).
submit_sums() {
	awk '$1 == "engine" { for (i = 2; i < NF; i++) {
		if ($i == "submits") n += $(i + 1); if ($i == "submit_ns") t += $(i + 1) } }
		END { print n + 0, t + 0 }' "$GPU_DEBUGFS/sched"
}

# busy_series SECONDS UUID...: busy_exact at the start and then once a
# second for SECONDS seconds, a line each, in BUSY_SERIES.
busy_series() {
	local secs=$1 i line
	shift
	BUSY_SERIES=
	for ((i = 0; i <= secs; i++)); do
		((i == 0)) || sleep 1
		line=$(busy_exact "$@") || return 1
		BUSY_SERIES+=$line$'\n'
	done
}

# shares_fit WEIGHTS: each vGPU's share as the least-squares slope of its
# busy_ns against the vGPUs' total over the samples of BUSY_SERIES, and
# the largest |share - weight/sum| / (weight/sum) * 100 ("max"), as
# shares (tests/vm/lib.sh) prints them.  Weighted fairness lets a vGPU's
# busy time lead or lag its ideal by about a slice at any instant; two end
# points take that lag at two instants, the fit averages it over all of
# them, so the error left is the scheduler's, not the sampling's.
shares_fit() {
	awk -v w="$1" '
		BEGIN { n = split(w, W); for (i = 1; i <= n; i++) sw += W[i] }
		NF == n {
			k++
			t = 0
			for (i = 1; i <= n; i++) { b[k, i] = $i; t += $i }
			T[k] = t
			st += t
		}
		END {
			if (k < 3)
				exit 1
			mt = st / k
			for (j = 1; j <= k; j++)
				vt += (T[j] - mt) ^ 2
			if (vt <= 0)
				exit 1
			for (i = 1; i <= n; i++) {
				mb = 0
				for (j = 1; j <= k; j++)
					mb += b[j, i] / k
				c = 0
				for (j = 1; j <= k; j++)
					c += (T[j] - mt) * (b[j, i] - mb)
				s = c / vt
				e = W[i] / sw
				err = (s > e ? s - e : e - s) / e * 100
				if (err > max)
					max = err
				printf "%d %s %.3f %.3f %.3f\n", i, W[i], s * 100, e * 100, err
			}
			printf "max %.3f\n", max
		}'
}

# share: switch cost and shares of 4 hogs weighted 1:2:4:8 (S made).
bench_share() {
	local G=("${S[@]:0:4}") i=0 w u sw0 sm0 sw1 sm1 su0 su1 switch_ns share_err ends
	for w in 1 2 4 8; do
		echo $w > "$MDEV_DEVS/${G[$i]}/mvgpu/weight" || bench_fail "cannot set weight $w"
		i=$((i + 1))
	done
	hogs_start "$sched_tmp" 2000 "${G[@]}" || bench_fail "$HOG_ERR"
	sleep 1
	sw0=$(sched_stat "$GPU_SCHED_STATS" switches) || bench_fail "no switches in $GPU_SCHED_STATS"
	sm0=$(sched_stat "$GPU_SCHED_STATS" switch_ns_mean) || bench_fail "no switch_ns_mean in $GPU_SCHED_STATS"
	su0=$(submit_sums)
	busy_series 24 "${G[@]}" || bench_fail "cannot read the vGPUs' busy_ns in $GPU_DEBUGFS/busy"
	sw1=$(sched_stat "$GPU_SCHED_STATS" switches)
	sm1=$(sched_stat "$GPU_SCHED_STATS" switch_ns_mean)
	su1=$(submit_sums)
	hogs_stop || bench_fail "$HOG_ERR"
	# The window's own mean: (sum after - sum before) / (switches in it).
	switch_ns=$(awk -v s0="$sw0" -v m0="$sm0" -v s1="$sw1" -v m1="$sm1" 'BEGIN {
		printf "%.0f", (s1 > s0 ? (s1 * m1 - s0 * m0) / (s1 - s0) : m1) }')
	bench switch_cost_ns "$switch_ns" ns "$((sw1 - sw0)) switches"
	bench switch_overhead_pct "$(awk -v c="$switch_ns" -v ts=$TS_US 'BEGIN {
		printf "%.3f", c / (ts * 1000) * 100 }')" %
	# shellcheck disable=SC2086 # two numbers each
	set -- $su0 $su1
	bench submit_cost_ns "$(awk -v n0="$1" -v t0="$2" -v n1="$3" -v t1="$4" 'BEGIN {
		printf "%.0f", (n1 > n0 ? (t1 - t0) / (n1 - n0) : 0) }')" ns "$(($3 - $1)) runs"
	share_err=$(shares_fit "1 2 4 8" <<< "$BUSY_SERIES" | awk '$1 == "max" { print $2 }')
	[ -n "$share_err" ] || bench_fail "no shares from the busy samples"
	ends=$(shares "1 2 4 8" "$(head -n 1 <<< "$BUSY_SERIES")" \
		"$(grep . <<< "$BUSY_SERIES" | tail -n 1)" | awk '$1 == "max" { print $2 }')
	bench share_error_pct "$share_err" % "weights 1:2:4:8; from the window's two ends alone: $ends %"
	for u in "${G[@]}"; do
		echo 1 > "$MDEV_DEVS/$u/mvgpu/weight" || bench_fail "cannot set weight 1"
	done
}

# interactive: ROUNDS rounds of alone / next to SPIN hogs / next to MATMUL
# hogs, side by side; each figure is the median of its rounds.  Sets
# P99_MLFQ (S made).
bench_interactive() {
	local al=() sp=() mm=() rs=() rmat=() round a l
	for ((round = 1; round <= ROUNDS; round++)); do
		a=$(interactive_p99 4)
		interactive_p99_loaded 4
		l=$P99_LOADED
		interactive_p99_loaded 4 matmul
		echo "# round $round ($CLOCK clock): interactive p99 alone $a us, next to SPIN hogs $l us, next to MATMUL hogs $P99_LOADED us"
		al+=("$a") sp+=("$l") mm+=("$P99_LOADED")
		rs+=("$(ratio "$l" "$a")") rmat+=("$(ratio "$P99_LOADED" "$a")")
	done
	P99_MLFQ=$(median "${sp[@]}")
	note_spread interactive_p99_alone_us "${al[@]}"
	note_spread interactive_p99_loaded_us "${sp[@]}"
	note_spread interactive_p99_loaded_matmul_us "${mm[@]}"
	bench interactive_p99_alone_us "$(median "${al[@]}")" us "rounds: ${al[*]}"
	bench interactive_p99_loaded_us "$P99_MLFQ" us "rounds: ${sp[*]}"
	bench interactive_p99_inflation "$(median "${rs[@]}")" x "median of $ROUNDS rounds: ${rs[*]}"
	bench interactive_p99_loaded_matmul_us "$(median "${mm[@]}")" us "rounds: ${mm[*]}"
	bench interactive_p99_inflation_matmul "$(median "${rmat[@]}")" x "median of $ROUNDS rounds: ${rmat[*]}"
}

# rr: the interactive next to SPIN hogs with sched=rr, against P99_MLFQ.
bench_rr() {
	local rr=() round p99_rr
	sched_up rr
	for ((round = 1; round <= ROUNDS; round++)); do
		interactive_p99_loaded 4
		rr+=("$P99_LOADED")
	done
	p99_rr=$(median "${rr[@]}")
	note_spread interactive_p99_rr_us "${rr[@]}"
	bench interactive_p99_rr_us "$p99_rr" us "rounds: ${rr[*]}"
	bench interactive_p99_rr_over_mlfq "$(ratio "$p99_rr" "$P99_MLFQ")" x
	sched_down
}

# preempt: preemption latency and the longest step inside long commands of
# each kind, then the platform's floor.
bench_preempt() {
	local H I kind p pws sts step n round p99 pw cnt st worst_p99=0 worst_step=0
	local fn f50 f99 fmax floor=/sys/kernel/debug/mvgpu/preempt_floor
	mvgpu_load engines=1 timeslice_us=$TS_US watchdog_ms=10000 vram_mb=4096 vram_overcommit=1 ||
		bench_fail "cannot load mvgpu with vram_mb=4096 vram_overcommit=1"
	H=$(create_vgpu 1_4) || bench_fail "cannot create a 1 GiB vGPU"
	I=$(create_vgpu 1_16) || bench_fail "cannot create a 1/16 vGPU"
	S=("$I")
	[ -r "$GPU_DEBUGFS/preempt_samples" ] || bench_fail "no $GPU_DEBUGFS/preempt_samples"
	for kind in spin copy matmul map sysmem; do
		hogs_start "$sched_tmp" "$kind" "$H" || bench_fail "$HOG_ERR"
		p=() pws=() sts=() step=0 n=0
		for ((round = 1; round <= ROUNDS; round++)); do
			# The program clears the samples and reads them itself:
			# starting a program (its binary over 9p) on the one vCPU
			# would hold the engine's preemptions up meanwhile.
			interactive_p99 4 "$GPU_DEBUGFS" > /dev/null
			read -r cnt p99 pw < <(preempt_field n p99_ns p99_with_cpu_wait_ns)
			st=$(sched_stat "$GPU_SCHED_STATS" step_max_ns) || bench_fail "no step_max_ns"
			[ "$cnt" -gt 0 ] || bench_fail "no preemption measured with a $kind hog"
			p+=("$(us "$p99")")
			pws+=("$(us "$pw")")
			n=$((n + cnt))
			sts+=("$st")
		done
		step=$(median "${sts[@]}")
		hogs_stop || bench_fail "$HOG_ERR"
		p99=$(median "${p[@]}")
		note_spread "preempt_latency_p99_us_$kind" "${p[@]}"
		bench "preempt_latency_p99_us_$kind" "$p99" us "rounds: ${p[*]}; $n preemptions; with the engine thread's waits for a CPU: $(median "${pws[@]}") us"
		bench "step_max_us_$kind" "$(us "$step")" us "median of the rounds' longest: $(for st in "${sts[@]}"; do printf '%s ' "$(us "$st")"; done)us"
		fle "$p99" "$worst_p99" || worst_p99=$p99
		[ "$step" -gt "$worst_step" ] && worst_step=$step
	done
	bench preempt_latency_p99_us "$worst_p99" us "worst kind; slice $TS_US us"
	bench step_max_us "$(us "$worst_step")" us "worst kind"
	echo 4000 > "$floor" || bench_fail "cannot write 4000 to $floor"
	read -r fn f50 f99 fmax < "$floor" || bench_fail "cannot read $floor"
	[ "${fn:-0}" -gt 0 ] && [ "${f99:-0}" -gt 0 ] || bench_fail "$floor: no samples ('$fn $f50 $f99 $fmax')"
	bench preempt_floor_p99_us "$(us "$f99")" us "$fn samples, p50 $(us "$f50") us"
	bench preempt_latency_over_floor "$(ratio "$worst_p99" "$(us "$f99")")" x
	sched_down
}

# contexts: priority inside one vGPU, ROUNDS rounds.
bench_contexts() {
	local al=() ld=() rs=() round f a l sw0 sm0 sw1 sm1 u
	mvgpu_load engines=1 timeslice_us=$TS_US watchdog_ms=10000 ||
		bench_fail "cannot load mvgpu with engines=1"
	u=$(create_vgpu 1_16) || bench_fail "cannot create a 1_16 vGPU"
	f=$sched_tmp/contexts
	sw0=$(sched_stat "$GPU_SCHED_STATS" ctx_switches) || bench_fail "no ctx_switches in $GPU_SCHED_STATS"
	sm0=$(sched_stat "$GPU_SCHED_STATS" ctx_switch_ns_mean)
	for ((round = 1; round <= ROUNDS; round++)); do
		"$MVGPU_REPO/build/tests/contexts" bench "$u" 4 8 > "$f" 2>&1 ||
			bench_fail "contexts bench: $(tr '\n' ' ' < "$f")"
		a=$(awk '$2 == "alone" { for (i = 3; i <= NF; i++) if ($i ~ /^p99_us=/) { sub(/p99_us=/, "", $i); print $i } }' "$f")
		l=$(awk '$2 == "loaded" { for (i = 3; i <= NF; i++) if ($i ~ /^p99_us=/) { sub(/p99_us=/, "", $i); print $i } }' "$f")
		[ -n "$a" ] && [ -n "$l" ] || bench_fail "contexts bench: no latency lines in $(cat "$f")"
		echo "# round $round ($CLOCK clock): high-priority context p99 alone $a us, next to 8 low-priority contexts $l us"
		al+=("$a") ld+=("$l") rs+=("$(ratio "$l" "$a")")
	done
	sw1=$(sched_stat "$GPU_SCHED_STATS" ctx_switches)
	sm1=$(sched_stat "$GPU_SCHED_STATS" ctx_switch_ns_mean)
	note_spread context_interactive_p99_alone_us "${al[@]}"
	note_spread context_interactive_p99_loaded_us "${ld[@]}"
	bench context_interactive_p99_alone_us "$(median "${al[@]}")" us "rounds: ${al[*]}"
	bench context_interactive_p99_loaded_us "$(median "${ld[@]}")" us "rounds: ${ld[*]}"
	bench context_priority_inflation "$(median "${rs[@]}")" x "median of $ROUNDS rounds: ${rs[*]}"
	bench context_switch_cost_ns "$(awk -v s0="$sw0" -v m0="$sm0" -v s1="$sw1" -v m1="$sm1" 'BEGIN {
		printf "%.0f", (s1 > s0 ? (s1 * m1 - s0 * m0) / (s1 - s0) : m1) }')" ns "$((sw1 - sw0)) switches"
	sched_down
}

sched_up mlfq
part pick && bench_pick
part share && bench_share
if part interactive || part rr; then
	bench_interactive
fi
sched_down
part rr && bench_rr
part preempt && bench_preempt
part contexts && bench_contexts

if [ "$CLOCK" = virtual ]; then
	echo "BENCH virtual_round_spread_pct $SPREAD_MAX % virtual ($SPREAD_OF)"
else
	echo "BENCH round_spread_pct_wall $SPREAD_MAX % wall ($SPREAD_OF)"
fi
