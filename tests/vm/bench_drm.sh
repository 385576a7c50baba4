#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench's guest-driver figures, in a nested stock guest on a 1/4 vGPU
# (one engine): mvgpu-drm-test bench prints drm_submit_vs_raw (a small
# job's round trip through the render node over the same job straight
# through context 0's ring in the driver, both woken by the MSI) and
# drm_jobs_per_s.  Its BENCH lines pass through, each with the clock it
# was measured on.
#
# The nested guest reads its QEMU's clock, which is this VM's: make bench
# runs this on the virtual clock (vm-run.sh --vclock), so a nested-guest
# time counts this VM's instructions and repeats from run to run - and a
# nested-guest instruction costs tens of this VM's (TCG inside TCG) while
# the device's work, the host module in this VM, costs its own: the guest
# driver's CPU work weighs far more there than on hardware.
# BENCH_DRM_ICOUNT=N puts the nested guest on its own instruction-counting
# clock instead (-icount shift=N,sleep=on: 2^N ns per guest instruction,
# idle time at this VM's pace; clock "guest-icountN"): what each path
# costs in the guest's own instructions.  There the device takes no guest
# time at all: this VM runs the job while the guest's vCPU is stopped in
# the doorbell's exit, and the MSI is in before it resumes.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/guest_lib.sh"

GUEST_DIR=$("$MVGPU_REPO/scripts/mkguest.sh" stock) || { not_ok "nested guest image"; exit 1; }
mvgpu_load engines=1 || { not_ok "load mvgpu engines=1"; exit 1; }
a=$(create_vgpu 1_4) || { not_ok "create a 1/4 vGPU"; rmmod mvgpu; exit 1; }
log=$(mktemp)
qargs=
clock=${MVGPU_CLOCK:-wall}
if [ -n "${BENCH_DRM_ICOUNT:-}" ]; then
	qargs="-icount shift=$BENCH_DRM_ICOUNT,sleep=on"
	clock=guest-icount$BENCH_DRM_ICOUNT
fi
GUEST_QEMU_ARGS=$qargs GUEST_APPEND="mvgpu.drm=1 mvgpu.prog=mvgpu-drm-test" start_guest "$a" "$log" bench
wait_guest "$GUEST_PID" 1200 "$log"
st=$?
grep -E '^BENCH ' "$log" | sed "s/\$/ $clock/"
grep -E '^# round|^# bench|^# trace' "$log"
sed -n -E 's|^((not )?ok [0-9]+ - )|\1nested guest: |p' "$log" | tap_through
expect_eq "nested guest ran the benchmark (QEMU exit, program exit)" \
	"$st $(guest_status "$log")" "0 0"
guest_keep "$log"
rm -f "$log"
remove_vgpu "$a"
rmmod mvgpu
exit $((T_FAILED > 0))
