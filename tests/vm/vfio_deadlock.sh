#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What Linux 6.1's own type1 does with two VFIO_IOMMU_UNMAP_DMA calls at
# once, each of a range a vGPU pinned (Documentation/admin-guide.rst,
# "Known limitation of Linux 6.1's VFIO"): the stock kernel only - the debug
# kernel's type1 is patched, and tests/vm/unmap_race.sh runs the same
# threads there, which must complete.
#
# Either the two unmaps complete (the threads missed each other), or they
# hang; a hang is found here (the program does not finish), reported with
# the stuck threads' kernel stacks, and must be VFIO's own: every thread
# waits for a lock inside VFIO, none for anything of mvgpu's.  It leaves
# the container, the vGPU and the module stuck for good, so this runs last
# in its VM; the kernel's hung-task report, which would say the same, is
# turned off for it: this test is what reports the hang.

. "$(dirname "$0")/lib.sh"
R=$MVGPU_REPO/build/tests/unmap_race

mvgpu_load || { not_ok "load mvgpu"; exit 1; }
u=$(create_vgpu 1_8) || { not_ok "create a vGPU"; exit 1; }
ok "load mvgpu, a 1/8 vGPU"

echo 0 > /proc/sys/kernel/hung_task_timeout_secs
out=$(mktemp)
"$R" unmap2 "$u" 50 > "$out" 2>&1 &
pid=$!
# Rounds take well under a second each; two minutes of no end is a hang.
for ((i = 0; i < 120; i++)); do
	kill -0 "$pid" 2> /dev/null || break
	sleep 1
done

if ! kill -0 "$pid" 2> /dev/null; then
	wait "$pid"
	st=$?
	tap_through "no deadlock this time: " < "$out"
	echo 120 > /proc/sys/kernel/hung_task_timeout_secs
	expect_eq "two unmaps at once, 50 rounds, completed" "$st" 0
	remove_all_vgpus
	rmmod mvgpu
	[ "$T_FAILED" = 0 ]
	exit
fi

# Hung.  Where does each thread in D state wait?
stacks=$(mktemp)
waits=()
for t in /proc/"$pid"/task/*; do
	read -r _ _ state _ < "$t/stat" 2> /dev/null
	[ "$state" = D ] || continue
	s=$(cat "$t/stack" 2> /dev/null)
	{ echo "thread ${t##*/}:"; echo "$s"; } >> "$stacks"
	# The first frame past the sleeping and the locking code: who waits.
	w=$(awk '{ f = $2; sub(/\+.*/, "", f) }
		 f !~ /^(__schedule|schedule|schedule_preempt_disabled|schedule_timeout|io_schedule|__mutex_lock|__mutex_lock_slowpath|mutex_lock|mutex_lock_nested|mutex_lock_killable|__mutex_lock_killable_slowpath|rwsem_down_read_slowpath|rwsem_down_write_slowpath|down_read|down_write|wait_for_completion|__wait_for_common)$/ { print f; exit }' <<< "$s")
	waits+=("${w:-?}")
done
sed 's/^/# /' "$stacks"
diag "threads in D state, waiting in: ${waits[*]}"
vfio=0
for w in "${waits[@]}"; do
	case "$w" in
	vfio_*) vfio=$((vfio + 1)) ;;
	esac
done
check "a hang: the two unmaps deadlocked (Linux 6.1's type1, a known limitation), reported with their stacks" \
	test "${#waits[@]}" -ge 2
check "it is VFIO's own cycle: every blocked thread waits inside VFIO (${waits[*]}), none in mvgpu" \
	test "$vfio" = "${#waits[@]}" -a "$vfio" -ge 2
check "one waits to unpin, in vfio_unpin_pages called from mvgpu's dma_unmap (for type1's container lock), the other in type1's unmap ioctl (for its device-list lock, vfio_notify_dma_unmap inlined)" \
	bash -c "grep -q vfio_iommu_type1_unpin_pages '$stacks' && grep -q mvgpu_ctx_dma_unmap '$stacks' &&
		 printf '%s\\n' ${waits[*]} | grep -qE '^vfio_(iommu_type1_ioctl|notify_dma_unmap|dma_do_unmap)\$'"
# Nothing to tear down: the container and the vGPU are stuck with it.
[ "$T_FAILED" = 0 ]
