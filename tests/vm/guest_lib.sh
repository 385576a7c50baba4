# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Nested guests on vGPUs (sourced by tests/vm/guests.sh and the demo).
#
# A guest is the stock kernel this VM runs, booted under QEMU (TCG, q35,
# no defaults) with a busybox initramfs holding tools/guest/mvgpu-guest
# (scripts/mkguest.sh), and one vGPU as -device vfio-pci,sysfsdev=...
# Its serial console goes to a file; the program's arguments travel on the
# kernel command line (mvgpu.args=, commas for spaces); /init prints
# "MVGPU-GUEST-END status=N" and powers off.  A second serial port (the
# guest's /dev/ttyS1) carries words from the host to the guest program
# (guest_tell; mvgpu-guest --control /dev/ttyS1).

GUEST_MEM=${GUEST_MEM:-256}

# The kernel and initramfs (scripts/mkguest.sh): from the host's cache if
# it built them, else built here.  Sets GUEST_DIR.
guest_prepare() {
	[ -n "${GUEST_DIR:-}" ] || GUEST_DIR=$("$MVGPU_REPO/scripts/mkguest.sh")
}

# The FIFOs of the second serial port of the guest whose console is LOG,
# $GUEST_CTL.in and .out: in this VM's own /tmp, named after LOG (LOG may
# be on a 9p share such as /mnt/out, no place for a FIFO).
guest_ctl() { GUEST_CTL=${TMPDIR:-/tmp}/mvgpu-ctl${1//\//_}; }

# start_guest UUID LOG [PROGRAM ARGS...]: start QEMU in the background;
# GUEST_PID is its pid, LOG the guest's console, LOG.qemu QEMU's own output.
# GUEST_QEMU_ARGS: more QEMU options (split on spaces), e.g. -icount.
start_guest() {
	local uuid=$1 log=$2 args
	shift 2
	args=$(IFS=,; echo "$*")
	: > "$log"
	guest_ctl "$log"
	rm -f "$GUEST_CTL.in" "$GUEST_CTL.out"
	mkfifo "$GUEST_CTL.in" "$GUEST_CTL.out"
	qemu-system-x86_64 -accel tcg -cpu max,la57=off -M q35 -nodefaults -no-reboot \
		-m "$GUEST_MEM" -smp 1 -display none -monitor none \
		-serial "file:$log" -serial "pipe:$GUEST_CTL" \
		-kernel "${GUEST_KERNEL:-$GUEST_DIR/vmlinux}" -initrd "$GUEST_DIR/initrd.cpio.gz" \
		-append "console=ttyS0 quiet loglevel=3 panic=-1 no_timer_check ${GUEST_APPEND:-} mvgpu.args=$args" \
		-device "vfio-pci,sysfsdev=$MDEV_DEVS/$uuid" ${GUEST_QEMU_ARGS:-} \
		< /dev/null > "$log.qemu" 2>&1 &
	GUEST_PID=$!
}

# wait_guest PID SECONDS [LOG]: wait for QEMU to exit; SIGKILL it after
# SECONDS.  Returns QEMU's exit status, or 124 on timeout.  With LOG, drops
# the serial console's carriage returns from it afterwards.
wait_guest() {
	local pid=$1 t=$2 log=${3:-} i rc
	for ((i = 0; i < t * 2; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=124
	else
		wait "$pid"
		rc=$?
	fi
	[ -z "$log" ] || sed -i 's/\r$//' "$log"
	return $rc
}

# guest_tell LOG WORD: a line for the guest's /dev/ttyS1.  (Opened read-write
# the FIFO never blocks, even once QEMU is gone; a line is far below its
# buffer.)
guest_tell() {
	guest_ctl "$1"
	echo "$2" 1<> "$GUEST_CTL.in"
}

# The guest program's exit status from its console log ("" if it never ended).
guest_status() {
	sed -n 's/.*MVGPU-GUEST-END status=\([0-9]*\).*/\1/p' "$1" | tail -n 1
}

# wait_log LOG PATTERN SECONDS [PID]: wait for a line matching PATTERN in
# LOG; give up early if process PID (the guest's QEMU) has ended.
wait_log() {
	local log=$1 pattern=$2 t=$3 pid=${4:-} i
	for ((i = 0; i < t * 2; i++)); do
		grep -q -- "$pattern" "$log" 2>/dev/null && return 0
		[ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	grep -q -- "$pattern" "$log" 2>/dev/null
}

# guest_tail LOG: the end of a guest's console and QEMU's output, as "#"
# lines, without the guest kernel's own messages: the VM harness scans this
# VM's console for kernel splats, and a nested guest's would count as ours.
# Keep the whole log as a file for those (see guest_keep).
guest_tail() {
	local log=$1
	grep -q 'Kernel panic\|Oops\|BUG:' "$log" 2>/dev/null &&
		echo "#   the guest kernel crashed: its log is kept as $(basename "$log") in the results"
	grep -v -E '^\[ *[0-9]+\.[0-9]+\]' "$log" 2>/dev/null | tail -n 15 | sed 's/^/#   | /'
	tail -n 5 "$log.qemu" 2>/dev/null | sed 's/^/#   qemu: /'
}

# guest_keep LOG...: copy guest logs to the run's results (/mnt/out).
guest_keep() {
	local f
	[ -d /mnt/out ] && [ -w /mnt/out ] || return 0
	for f in "$@"; do
		[ -f "$f" ] && cp "$f" "/mnt/out/guest-$(basename "$f")"
	done
	return 0
}
