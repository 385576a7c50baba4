#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest memory a vGPU pins while its VMM unmaps it (tests/client/
# unmap_race.c).  Linux 6.1's type1 calls the vGPU's dma_unmap, then looks
# again, and BUG()s after ten calls that found pages pinned again: mvgpu
# must never pin a range while VFIO unmaps it.  Each race runs many times
# with debugfs pin_delay_us stalling every pin, so that unmaps land in the
# middle of pins, and the vGPU's debugfs "pins" counters must show that
# they did (the window was open) - the host surviving all of it, with no
# BUG, WARNING or lockdep report, is checked by the VM runner.
#
# On the debug kernel, whose type1 is patched (Documentation/testing.rst),
# also two threads unmapping at once; tests/vm/vfio_deadlock.sh shows what
# they do to the stock kernel's.

. "$(dirname "$0")/lib.sh"
R=$MVGPU_REPO/build/tests/unmap_race
DBG=/sys/kernel/debug/mvgpu
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug

# pins UUID FIELD: a counter of the vGPU's debugfs pins file
pins() { awk -v f="$2" '$1 == f { print $2 }' "$DBG/$1/pins"; }

mvgpu_load || { not_ok "load mvgpu"; exit 1; }
a=$(create_vgpu 1_8) && b=$(create_vgpu 1_8) && c=$(create_vgpu 1_8) ||
	{ not_ok "create three vGPUs"; exit 1; }
ok "load mvgpu, three 1/8 vGPUs"

# A ring MAPping one IOVA while another thread unmaps and maps it back.
echo 3000 > "$DBG/pin_delay_us"
"$R" map "$a" 300 | tap_through
f=$(pins "$a" fenced) u=$(pins "$a" undone) w=$(pins "$a" unmap_waits)
diag "pins of $a: $(tr '\n' ' ' < "$DBG/$a/pins")"
check "map race: unmaps met pins under way and waited for them ($w), which were undone ($u); pins met unmaps under way and waited ($f)" \
	test "${w:-0}" -gt 0 -a "${u:-0}" -gt 0 -a "${f:-0}" -gt 0
expect_eq "map race: nothing pinned after close" "$(pins "$a" pinned)" 0

# A migration restoring 1000 runs, a page of one DMA mapping each, while
# the mapping is unmapped and mapped again.
"$R" restore "$a" "$b" 1000 | tap_through
diag "pins of $b: $(tr '\n' ' ' < "$DBG/$b/pins")"
f=$(pins "$b" fenced) u=$(pins "$b" undone) w=$(pins "$b" unmap_waits)
check "restore race: pins met an unmap under way ($f fenced, $u undone, $w waits)" \
	test $((${f:-0} + ${u:-0} + ${w:-0})) -gt 0
expect_eq "restore race: nothing pinned after close" "$(pins "$b" pinned)" 0

# A dma_unmap walks a whole page table (hundreds of L0 tables) looking for
# the guest memory: in pieces, the table's lock dropped between them, so
# that an engine translating for the vGPU is never held up by all of it.
# (A vGPU of its own: its counters say only what this did.)
"$R" table "$c" | tap_through
wm=$(pins "$c" walk_max)
check "table: one hold of the page-table lock looked at no more than 1536 entries ($wm), a whole table's walk being over 260000" \
	test "${wm:-0}" -ge 512 -a "${wm:-99999}" -le 1536

if [ "$MVGPU_KERNEL" = debug ]; then
	"$R" unmap2 "$a" 200 | tap_through
	expect_eq "two unmappers: nothing pinned after close" "$(pins "$a" pinned)" 0
fi
echo 0 > "$DBG/pin_delay_us"

remove_all_vgpus
rmmod mvgpu
check "unload mvgpu" true
[ "$T_FAILED" = 0 ]
