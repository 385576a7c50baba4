#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: on a fresh Debian 12 machine, install what is needed, build
# mvgpu for Debian's stock kernel, the clients and a nested guest image,
# boot that kernel under QEMU, load the module with one engine, create three
# 1/8 vGPUs with weights 1, 2 and 4 (mdevctl attributes), keep two busy from
# host-side clients and one from a tenant inside a nested VM that QEMU runs
# with the vGPU as a vfio-pci device, sample sched_stats every 0.5 s, print
# the shares against the weights and a verdict, and plot the shares over
# time (build/demo/shares.svg).  About 3-5 minutes; the nested VM's boot
# (TCG inside TCG) is most of it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

out=$repo/build/demo
log=$repo/build/demo-build.log
t0=$(date +%s)
step() { printf '\n\033[1m== [%3ss] %s\033[0m\n' "$(( $(date +%s) - t0 ))" "$*"; }
# Run a build step quietly; on failure show the end of its log.
quiet() {
	"$@" >> "$log" 2>&1 || { tail -n 30 "$log"; die "demo: '$*' failed (log: $log)"; }
}

step "installing Debian packages (first run only; a few minutes then)"
"$here/setup.sh"
mkdir -p "$repo/build/tools" "$repo/build/tests"
: > "$log"
step "building mvgpu.ko for the stock kernel $(stock_kver)"
quiet "$here/build-module.sh" stock
step "building the host clients (tools/mvgpu, tests/client)"
quiet make -s -C "$repo/tools/mvgpu" OUT="$repo/build/tools"
quiet make -s -C "$repo/tests/client" OUT="$repo/build/tests"
[ -x "$repo/build/tests/sched_load" ] || die "demo: build/tests/sched_load was not built"
step "building the nested guest: the stock kernel unpacked + a busybox initramfs with tools/guest/mvgpu-guest"
guest=$("$here/mkguest.sh" 2>> "$log") || { tail -n 30 "$log"; die "demo: mkguest failed"; }
echo "$guest"
step "booting the stock kernel under QEMU (TCG); inside it, a nested VM (about 1.5-4 minutes)"

rm -rf "$out"
rc=0
"$here/vm-run.sh" --kernel stock --timeout 900 --out "$out" "$here/demo-vm.sh" &
vm=$!
# Show the VM's output as it comes (test.log appears once the VM is up).
tail -F -n +1 --pid="$vm" "$out/test.log" 2>/dev/null &
tailer=$!
wait "$vm" || rc=$?
sleep 1
kill "$tailer" 2>/dev/null || true
wait "$tailer" 2>/dev/null || true

plot=
if [ -s "$out/shares.dat" ] && [ -s "$out/window" ] && command -v gnuplot > /dev/null; then
	read -r _ w0 w1 booted < "$out/window"
	# Per interval: each vGPU's engine time / wall time, in percent.
	awk '/^#/ { next }
	     n++ { dt = $1 - t; if (dt > 0) printf "%.2f %.2f %.2f %.2f\n", $1,
		   100 * ($2 - b1) / 1e9 / dt, 100 * ($5 - b2) / 1e9 / dt, 100 * ($8 - b3) / 1e9 / dt }
	     { t = $1; b1 = $2; b2 = $5; b3 = $8 }' "$out/shares.dat" > "$out/shares-pct.dat"
	gnuplot <<-EOF
	set terminal svg size 960,540 dynamic font "sans,13" background "white"
	set output "$out/shares.svg"
	set title "mvgpu: engine share of three vGPUs with weights 1:2:4 (one engine, MLFQ)"
	set xlabel "seconds since the demo started in the VM"
	set ylabel "share of the engine (%)"
	set yrange [0:110]
	set key below maxrows 2
	set grid
	set object 1 rect from $w0, graph 0 to $w1, graph 1 fc rgb "#eeeeee" fs solid 0.6 noborder behind
	set label 1 "measured: all three busy" at $w0, 101 left
	set label 2 "nested VM boots: vGPUs 1 and 2 split the engine 1:2" at graph 0.02, graph 0.93 left
	set arrow 1 from $booted, graph 0 to $booted, graph 1 nohead dt 3 lc rgb "#888888"
	plot "$out/shares-pct.dat" using 1:2 with lines lw 2 lc rgb "#1f77b4" title "vGPU 1, weight 1 (host)", \
	     "$out/shares-pct.dat" using 1:3 with lines lw 2 lc rgb "#ff7f0e" title "vGPU 2, weight 2 (host)", \
	     "$out/shares-pct.dat" using 1:4 with lines lw 2 lc rgb "#2ca02c" title "vGPU 3, weight 4 (nested VM)", \
	     100.0/7 with lines dt 2 lc rgb "#1f77b4" title "entitled 1/7", \
	     200.0/7 with lines dt 2 lc rgb "#ff7f0e" title "entitled 2/7", \
	     400.0/7 with lines dt 2 lc rgb "#2ca02c" title "entitled 4/7"
	EOF
	plot=$out/shares.svg
fi

echo
[ -n "$plot" ] && echo "plot of the shares over time: $plot"
echo "data: $out/shares.dat (t, then busy_ns cmds wait_p99_ns per vGPU); nested VM console: $out/guest.log"
if [ "$rc" = 0 ]; then
	echo "demo: OK in $(( $(date +%s) - t0 )) s (VM console log: $out/console.log)"
else
	echo "demo: FAILED with status $rc (VM console log: $out/console.log)"
fi
exit "$rc"
