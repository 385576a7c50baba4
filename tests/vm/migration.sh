#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live migration (tests/client/migrate.c, mig_hostile.c, mig_ctx.c,
# mig_ctx_hostile.c), on two GPUs: the state machine, dirty tracking,
# aborted migrations, a stopped ring, a tenant moved between the GPUs in
# the middle of its work while a neighbour works on each GPU, and again
# with engine allocations failing (debug kernel), hostile streams refused;
# a tenant with six busy contexts moved in the middle of their work (stream
# version 2), a context-0-only tenant emitting version 1 and version-1
# streams accepted, hostile streams of contexts refused; and every vGPU
# reusable and its memory given back afterwards.

. "$(dirname "$0")/lib.sh"
M=$MVGPU_REPO/build/tests/migrate
H=$MVGPU_REPO/build/tests/mig_hostile
X=$MVGPU_REPO/build/tests/mig_ctx
XH=$MVGPU_REPO/build/tests/mig_ctx_hostile
W=$MVGPU_REPO/build/tests/workload

# Prefix a helper's TAP descriptions and count them here.
tap_file() {
	sed -E "s/^((not )?ok [0-9]+ - )/\1$1: /" "$2" | tap_through
}

# run NAME CMD...: a helper program's TAP lines and its exit status.
run() {
	local name=$1 st
	shift
	"$@" > "$tmp/out" 2>&1
	st=$?
	tap_file "$name" "$tmp/out"
	expect_eq "$name: exit status" "$st" 0
}

mvgpu_load num_gpus=2 vram_mb=512 watchdog_ms=30000 ||
	{ not_ok "load mvgpu with two GPUs"; exit 1; }
ok "load mvgpu with two GPUs"
tmp=$(mktemp -d)

A=$(create_vgpu 1_4 0) && B=$(create_vgpu 1_4 1) &&
	N0=$(create_vgpu 1_4 0) && N1=$(create_vgpu 1_4 1) &&
	C=$(create_vgpu 1_8 0)
check "create 1/4 vGPUs A and N0 on GPU 0, B and N1 on GPU 1, a 1/8 one" \
	test -n "$C"

run "states" "$M" states "$A"
run "dirty" "$M" dirty "$A"
run "abort" "$M" abort "$A" --seed 7
run "fault" "$M" fault "$A" "$B"

# A tenant moves between the GPUs while a neighbour works on each.
"$W" neighbor "$N0" 40 --seed 3 > "$tmp/n0" 2>&1 &
p0=$!
"$W" neighbor "$N1" 40 --seed 4 > "$tmp/n1" 2>&1 &
p1=$!
b0=$(busy_all "$N0" "$N1")
run "live" "$M" live "$A" "$B" --hops 3 --seed 11
b1=$(busy_all "$N0" "$N1")
wait "$p0"; s0=$?
wait "$p1"; s1=$?
tap_file "neighbour on GPU 0" "$tmp/n0"
tap_file "neighbour on GPU 1" "$tmp/n1"
expect_eq "neighbour on GPU 0 exact during the migrations (exit status)" "$s0" 0
expect_eq "neighbour on GPU 1 exact during the migrations (exit status)" "$s1" 0
read -r x0 x1 <<< "$b0"
read -r y0 y1 <<< "$b1"
check "both neighbours got engine time while the tenant migrated ($x0 -> $y0, $x1 -> $y1 ns)" \
	test "$y0" -gt "$x0" -a "$y1" -gt "$x1"

# The destination maps the stream's page table from the host side, where
# it may wait for memory: with every allocation an engine makes without
# waiting failing (fail_nowait, debug kernel), migrations still go through
# and the work comes out exact, the engine's memory had off the engine.
F=/sys/kernel/debug/mvgpu/fail_nowait
if [ -d "$F" ]; then
	echo 0 > "$F/verbose"
	echo 1 > "$F/interval"
	echo 100 > "$F/probability"
	echo 1000000 > "$F/times"
	run "engine allocations fail" "$M" live "$A" "$B" --hops 2 --seed 13
	left=$(cat "$F/times")
	echo 0 > "$F/probability"
	check "injection failed engine allocations during those migrations ($((1000000 - left)))" \
		test "$left" -lt 1000000
fi

run "hostile" "$H" "$A" "$B" "$C" --flips "${MIG_FLIPS:-2000}" --seed 5
check "the kernel log says why streams were refused" \
	bash -c 'dmesg | grep -q "migration stream refused: "'

# Contexts (stream version 2): six busy contexts moved A -> B -> A in the
# middle of their work; version 1 from a context-0-only tenant, taken;
# hostile streams of contexts refused, with a reason in the log.
run "contexts live" "$X" live "$A" "$B" --hops 2 --seed 17
run "contexts v1" "$X" v1 "$A" "$B" --seed 19
# The log's refusals are rate limited per vGPU (10 each 5 s): after a quiet
# spell longer than that, the first ones - all about contexts - are shown.
sleep 6
run "contexts hostile" "$XH" "$A" "$B" --flips "${MIG_CTX_FLIPS:-200}" --seed 23
check "the kernel log says why streams of contexts were refused" \
	bash -c 'dmesg | grep -q "migration stream refused: .*context"'

# Every vGPU works afterwards, and gives its memory back.
for u in "$A" "$B"; do
	"$W" run "$u" --rounds 1 > "$tmp/after" 2>&1
	st=$?
	tap_file "reuse $u" "$tmp/after"
	expect_eq "vGPU $u runs every workload exactly after migrating (exit status)" "$st" 0
done
for u in "$A" "$B" "$N0" "$N1" "$C"; do
	expect_eq "vGPU $u: no VRAM backed once closed" \
		"$(cat "$MDEV_DEVS/$u/mvgpu/vram_used_bytes")" 0
	check "remove vGPU $u" remove_vgpu "$u"
done
rm -rf "$tmp"
check "module unloads" rmmod mvgpu
exit $((T_FAILED > 0))
