#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Contexts (tests/client/contexts.c): 64 contexts of one 1/1 vGPU run
# exact work at once; every isolation attack between two contexts of the
# vGPU ends in an error of the attacker only while the others' work stays
# exact; resets of a context, of context 0 and of the vGPU do what DOC:
# Contexts says.  Then a driver of the previous programming model (the
# workload client, which never touches the contexts' registers) still runs
# every workload exactly on the same vGPU.

. "$(dirname "$0")/lib.sh"
C=$MVGPU_REPO/build/tests/contexts
W=$MVGPU_REPO/build/tests/workload

tap_file() {
	sed -E "s/^((not )?ok [0-9]+ - )/\1$1: /" "$2" | tap_through
}

# The hang attack needs the watchdog (10 s: see engine.sh).
mvgpu_load watchdog_ms=10000 || { not_ok "load mvgpu with watchdog_ms=10000"; exit 1; }
ok "load mvgpu with watchdog_ms=10000"
check "the 1/1 type says it has 64 contexts" \
	grep -q 'contexts=64' "$(type_dir 1_1)/description"
u=$(create_vgpu 1_1) || { not_ok "create a 1/1 vGPU"; rmmod mvgpu; exit 1; }
ok "create a 1/1 vGPU"
tmp=$(mktemp -d)

"$C" run "$u" > "$tmp/ctx" 2>&1
st=$?
tap_file "contexts" "$tmp/ctx"
expect_eq "contexts: exit status" "$st" 0
sw=$(awk '$1 == "ctx_switches" { print $2 }' /sys/kernel/debug/mvgpu/mvgpu.0/sched)
diag "switches between the vGPU's contexts: $sw"
check "debugfs sched counts switches between the vGPU's contexts" test "${sw:-0}" -gt 0

"$W" run "$u" --rounds 1 > "$tmp/old" 2>&1
st=$?
tap_file "0.3 driver" "$tmp/old"
expect_eq "a driver of the previous model runs every workload on the same vGPU (exit status)" "$st" 0

rm -rf "$tmp"
check "remove the vGPU" remove_vgpu "$u"
check "module unloads" rmmod mvgpu
exit $((T_FAILED > 0))
