#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The engine through VFIO (tests/client/workload.c): three vGPUs of
# different types run every workload at the same time, each exact against
# the CPU; then every isolation attack on one vGPU while its neighbor keeps
# working, exact; then the attacked vGPU runs every workload again.

. "$(dirname "$0")/lib.sh"
W=$MVGPU_REPO/build/tests/workload

# Prefix the TAP descriptions of a helper's output file and count them here.
tap_file() {
	sed -E "s/^((not )?ok [0-9]+ - )/\1$1: /" "$2" | tap_through
}

# Show the vGPU's engine counters if the module has them (informational).
show_stats() {
	local f p
	for f in cmds faults; do
		p=$MDEV_DEVS/$1/mvgpu/$f
		[ -r "$p" ] && diag "$2 $f: $(tr '\n' ' ' < "$p")"
	done
	return 0
}

# The hang attack needs the watchdog; 10 s of engine time, not the
# default 5 s: a host stall inside a step is charged to that step (the
# guest cannot tell it from work), and an honest command must not time out
# on a busy host.
mvgpu_load watchdog_ms=10000 || { not_ok "load mvgpu with watchdog_ms=10000"; exit 1; }
ok "load mvgpu with watchdog_ms=10000"

types=(1_8 1_4 1_2)
uuids=()
for t in "${types[@]}"; do
	u=$(create_vgpu "$t") || break
	uuids+=("$u")
done
if [ ${#uuids[@]} != 3 ]; then
	not_ok "create vGPUs of types ${types[*]}"
	remove_all_vgpus
	rmmod mvgpu
	exit 1
fi
ok "create vGPUs of types ${types[*]}"
tmp=$(mktemp -d)

# Three tenants at once, each on its own vGPU.
pids=()
for i in 0 1 2; do
	"$W" run "${uuids[$i]}" --rounds 4 > "$tmp/run.$i" 2>&1 &
	pids+=($!)
done
for i in 0 1 2; do
	wait "${pids[$i]}"
	st=$?
	tap_file "run on ${types[$i]}" "$tmp/run.$i"
	expect_eq "three tenants at once: ${types[$i]} exact (exit status)" "$st" 0
	show_stats "${uuids[$i]}" "${types[$i]}"
done

# Each attack on A (1/8) while B (1/4), its neighbor, works next to it.
a=${uuids[0]}
b=${uuids[1]}
kinds=$("$W" list | awk '{ print $1 }')
check "workload lists the attack kinds" test -n "$kinds"
for k in $kinds; do
	"$W" neighbor "$b" 6 > "$tmp/neighbor" 2>&1 &
	np=$!
	"$W" attack "$a" "$k" > "$tmp/attack" 2>&1
	st=$?
	wait "$np"
	nst=$?
	tap_file "attack $k" "$tmp/attack"
	expect_eq "attack $k: exit status" "$st" 0
	tap_file "during attack $k" "$tmp/neighbor"
	expect_eq "during attack $k: neighbor exact (exit status)" "$nst" 0
done
show_stats "$a" "attacked 1_8"

# After all that, the attacked vGPU is a working GPU again.
"$W" run "$a" --rounds 1 > "$tmp/after" 2>&1
st=$?
tap_file "after the attacks" "$tmp/after"
expect_eq "the attacked vGPU runs every workload exactly afterwards (exit status)" "$st" 0

rm -rf "$tmp"
for u in "${uuids[@]}"; do
	check "remove vGPU $u" remove_vgpu "$u"
done
check "module unloads" rmmod mvgpu
exit $((T_FAILED > 0))
