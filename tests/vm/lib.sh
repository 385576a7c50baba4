# SPDX-License-Identifier: GPL-2.0
# Helpers for the in-VM tests (sourced).  Results are TAP lines on stdout:
# "ok N - name" / "not ok N - name", with "# ..." diagnostics.  The host's
# scripts/check.sh counts them.

# Let "helper | tap_through" count in this shell, not a subshell.
shopt -s lastpipe

T_N=0
T_FAILED=0

ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

diag() { echo "# $*"; }

# check NAME CMD...: pass if CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; diag "failed: $*"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "got '$2', want '$3'"
	fi
}

# Pass the TAP lines of a helper program through as our own, each
# description after an optional prefix $1.
tap_through() {
	local l p=${1:-}
	while IFS= read -r l; do
		case "$l" in
		"ok "*) ok "$p${l#ok * - }" ;;
		"not ok "*) not_ok "$p${l#not ok * - }" ;;
		*) echo "$l" ;;
		esac
	done
}

# Wait up to $1 seconds for CMD... to succeed.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

MDEV_BUS=/sys/class/mdev_bus
MDEV_DEVS=/sys/bus/mdev/devices
MVGPU_TYPES="1_16 1_8 1_4 1_2 1_1"
MVGPU_BUILD=$MVGPU_REPO/build/$MVGPU_KERNEL
MVGPU_CLIENT=$MVGPU_REPO/build/tools/mvgpu

# Load mvgpu.ko with its dependencies.  (insmod rather than modprobe: a
# depmod over the 9p root costs a minute under TCG.)
mvgpu_load() {
	modprobe -a vfio vfio_iommu_type1 mdev drm_buddy || return 1
	insmod "$MVGPU_BUILD/mvgpu.ko" "$@"
}

type_dir() { echo "$MDEV_BUS/mvgpu.${2:-0}/mdev_supported_types/mvgpu-$1"; }
# (Builtins where a loop calls them: under TCG and a debug kernel every
# process started costs a good part of a second.)
avail() {
	local v
	read -r v < "$MDEV_BUS/mvgpu.${2:-0}/mdev_supported_types/mvgpu-$1/available_instances" &&
		echo "$v"
}

new_uuid() {
	local u
	read -r u < /proc/sys/kernel/random/uuid && echo "$u"
}

# create TYPE [GPU] -> prints the UUID, fails like the sysfs write does
create_vgpu() {
	local u
	u=$(new_uuid)
	echo "$u" > "$(type_dir "$1" "${2:-0}")/create" || return 1
	echo "$u"
}

remove_vgpu() { echo 1 > "$MDEV_DEVS/$1/remove"; }

remove_all_vgpus() {
	local d
	for d in "$MDEV_DEVS"/*; do
		[ -e "$d/remove" ] && echo 1 > "$d/remove"
	done
	return 0
}

# Errors of a sysfs write, as text: "ok" or the strerror of the failure.
write_err() {
	local out
	out=$( { echo "$1" > "$2"; } 2>&1) && { echo ok; return; }
	echo "${out##*: }"
}

# ---- The scheduler: sched_stats and tests/client/sched_load.c ----
SCHED_LOAD=$MVGPU_REPO/build/tests/sched_load
GPU_SCHED_STATS=/sys/devices/platform/mvgpu.0/sched_stats

# sched_stat FILE KEY: KEY's value in a sched_stats file, per vGPU or per
# GPU ("key value" lines); fails if the key is not there.
sched_stat() {
	awk -v k="$2" '$1 == k { print $2; f = 1; exit } END { exit !f }' "$1"
}

vgpu_stat() { sched_stat "$MDEV_DEVS/$1/mvgpu/sched_stats" "$2"; }

# busy_all UUID...: the vGPUs' busy_ns (engine time received) from their
# sched_stats, space-separated, read in one go; fails if one is missing.
busy_all() {
	local u f=()
	for u; do f+=("$MDEV_DEVS/$u/mvgpu/sched_stats"); done
	awk '$1 == "busy_ns" { printf "%s%s", n++ ? " " : "", $2 }
	     END { print ""; exit n != ARGC - 1 }' "${f[@]}"
}

# busy_window SECONDS UUID...: busy_ns of the vGPUs before and after
# SECONDS of wall time: WIN_B0, WIN_B1 (as busy_all prints) and WIN_NS.
busy_window() {
	local secs=$1 t0 t1
	shift
	t0=$(date +%s%N)
	WIN_B0=$(busy_all "$@") || return 1
	sleep "$secs"
	t1=$(date +%s%N)
	WIN_B1=$(busy_all "$@") || return 1
	WIN_NS=$((t1 - t0))
}

# shares "W1 W2 ..." "B0..." "B1...": for each vGPU a line
# "i weight share_pct entitled_pct error_pct" (share of the engine time
# the group received, entitled weight / sum of weights, error relative to
# the entitlement), then "max MAX_ERROR_PCT".
shares() {
	awk -v w="$1" -v b0="$2" -v b1="$3" 'BEGIN {
		n = split(w, W); split(b0, X); split(b1, Y)
		for (i = 1; i <= n; i++) { d[i] = Y[i] - X[i]; sd += d[i]; sw += W[i] }
		for (i = 1; i <= n; i++) {
			s = sd > 0 ? d[i] / sd : 0
			e = W[i] / sw
			err = (s > e ? s - e : e - s) / e * 100
			if (err > max)
				max = err
			printf "%d %s %.2f %.2f %.2f\n", i, W[i], s * 100, e * 100, err
		}
		printf "max %.2f\n", max
	}'
}

# fle A B: true if the number A <= B (awk, for fractions).
fle() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }

# hogs_start DIR SPIN_US|KIND UUID...: one "sched_load hog" (SPINs of
# SPIN_US) or "sched_load hogk" (commands of KIND: spin, copy, matmul, map,
# sysmem) per vGPU (output in DIR/hog.UUID), ended only by hogs_stop;
# returns once every one of them has been picked by the scheduler since
# (its sched_stats runs went up).
# On failure HOG_ERR says why; call hogs_stop anyway.
HOG_PIDS=()
HOG_UUIDS=()
hogs_start() {
	local spin=$2 i t all r u
	local -a runs0=()
	HOG_DIR=$1
	HOG_ERR=
	shift 2
	for u; do
		r=$(vgpu_stat "$u" runs) || { HOG_ERR="no sched_stats runs for $u"; return 1; }
		runs0+=("$r")
		if [[ $spin =~ ^[0-9]+$ ]]; then
			"$SCHED_LOAD" hog "$u" 3600 "$spin" > "$HOG_DIR/hog.$u" 2>&1 &
		else
			"$SCHED_LOAD" hogk "$u" 3600 "$spin" > "$HOG_DIR/hog.$u" 2>&1 &
		fi
		HOG_PIDS+=($!)
		HOG_UUIDS+=("$u")
	done
	for ((t = 0; t < 600; t++)); do
		all=1
		for i in "${!runs0[@]}"; do
			if ! kill -0 "${HOG_PIDS[$i]}" 2>/dev/null; then
				HOG_ERR="hog on ${HOG_UUIDS[$i]} exited: $(tail -n 3 "$HOG_DIR/hog.${HOG_UUIDS[$i]}" | tr '\n' ' ')"
				return 1
			fi
			r=$(vgpu_stat "${HOG_UUIDS[$i]}" runs) || r=0
			[ "$r" -gt "${runs0[$i]}" ] || all=0
		done
		[ $all = 1 ] && return 0
		sleep 0.1
	done
	HOG_ERR="the hogs were not all running after 60 s"
	return 1
}

# hogs_stop: SIGTERM to the hogs; each drains its ring and must exit 0
# with "hog UUID done N spins".  Returns 1 (HOG_ERR says why) otherwise.
hogs_stop() {
	local i st f bad=0
	HOG_ERR=
	for i in "${!HOG_PIDS[@]}"; do
		kill -TERM "${HOG_PIDS[$i]}" 2>/dev/null || true
	done
	for i in "${!HOG_PIDS[@]}"; do
		st=0
		wait "${HOG_PIDS[$i]}" || st=$?
		f=$HOG_DIR/hog.${HOG_UUIDS[$i]}
		if [ "$st" != 0 ] || ! grep -q "^hog ${HOG_UUIDS[$i]} done [0-9]* spins" "$f"; then
			bad=1
			HOG_ERR+="hog on ${HOG_UUIDS[$i]}: exit $st, $(tail -n 3 "$f" | tr '\n' ' ') "
		fi
	done
	HOG_PIDS=()
	HOG_UUIDS=()
	return $bad
}

# latency_field FILE KEY: n, p50_us, p99_us or max_us from the "latency
# ..." line sched_load interactive printed into FILE; fails if none.
latency_field() {
	sed -n "s/^latency.* $2=\\([0-9.]*\\).*/\\1/p" "$1" | grep .
}
