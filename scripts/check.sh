#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything, from a fresh Debian 12 machine.
#
#  1. installs the Debian packages it needs (scripts/setup.sh);
#  2. builds (or reuses) the debug kernel (scripts/build-debug-kernel.sh);
#  3. host checks: the module builds for both kernels, the client builds,
#     the uapi header stands alone, checkpatch --strict, sparse and
#     kernel-doc are clean, the VM harness catches a kernel splat; the
#     mvgpu command's host tests (tests/tool), make bench's set-up on a
#     fresh copy of the tree, and DKMS: make dkms-install for the stock
#     kernel (and AUTOINSTALL), kept for the stock VM;
#  4. boots the stock kernel and the debug kernel under QEMU and runs the
#     in-VM tests (KUnit on the debug kernel only; it alone has KUnit;
#     the scheduler's shares on the stock kernel on the virtual clock);
#     the stock VM first loads the DKMS-installed module with a bare
#     modprobe; afterwards make dkms-uninstall must leave nothing behind.
#
# Prints PASS/FAIL per test and ends with "N passed, N failed".  Any failure,
# including a VM that did not boot, exits non-zero.  Logs: build/check/.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/lib.sh"

logs=$repo/build/check
rm -rf "$logs"
mkdir -p "$logs"
passed=0
failed=0
t0=$(date +%s)

pass() { passed=$((passed + 1)); echo "PASS: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
elapsed() { echo "$(( $(date +%s) - t0 ))s"; }

# run NAME LOG CMD...: one test that passes if CMD does.
run() {
	local name=$1 log=$logs/$2
	shift 2
	if "$@" > "$log" 2>&1; then
		pass "$name"
	else
		fail "$name (log: $log)"
		tail -n 15 "$log" | sed 's/^/    /'
		return 1
	fi
}

# Count the TAP lines of an in-VM run as tests of their own.
tap_results() {
	local kernel=$1 file=$2 line
	[ -f "$file" ] || return 0
	while IFS= read -r line; do
		case "$line" in
		"ok "*) pass "$kernel: $(sed -E 's/^ok [0-9]* ?-? ?//' <<< "$line")" ;;
		"not ok "*) fail "$kernel: $(sed -E 's/^not ok [0-9]* ?-? ?//' <<< "$line")" ;;
		esac
	done < "$file"
	# Diagnostics of failures, for the reader of the CI log.
	grep -B0 -A3 '^not ok' "$file" | grep '^#' | sed 's/^/    /' | head -n 40
}

echo "== setup ($(elapsed))"
if ! "$here/setup.sh"; then
	fail "setup: Debian packages install"
	echo "$passed passed, $failed failed"
	exit 1
fi

echo "== debug kernel ($(elapsed))"
kdir=$("$here/build-debug-kernel.sh" 2> >(tee "$logs/debug-kernel.log" >&2) | tail -n 1)
if [ -n "$kdir" ] && [ -f "$kdir/.done" ]; then
	pass "debug kernel built from linux-source-6.1 ($kdir)"
else
	fail "debug kernel build (log: $logs/debug-kernel.log)"
	kdir=
fi

echo "== host checks ($(elapsed))"
run "module builds for the stock kernel $(stock_kver)" build-stock.log \
	"$here/build-module.sh" stock
if [ -n "$kdir" ]; then
	run "module and KUnit module build for the debug kernel" build-debug.log \
		"$here/build-module.sh" debug
fi
mkdir -p "$repo/build/tools" "$repo/build/tests"
run "client builds (-Wall -Wextra -Werror)" build-client.log \
	make -C "$repo/tools/mvgpu" OUT="$repo/build/tools"
run "test programs build (-Wall -Wextra -Werror)" build-tests.log \
	make -C "$repo/tests/client" OUT="$repo/build/tests"
run "uapi headers compile on their own (C and C++)" uapi.log bash -c "
	for h in mvgpu.h mvgpu_migration.h mvgpu_drm.h; do
		echo \"#include \\\"\$h\\\"\" | gcc -std=c11 -pedantic -Wall -Werror -fsyntax-only -I'$repo/uapi' \$(pkg-config --cflags libdrm) -x c - &&
		echo \"#include \\\"\$h\\\"\" | g++ -Wall -Werror -fsyntax-only -I'$repo/uapi' \$(pkg-config --cflags libdrm) -x c++ - || exit 1
	done"
# The guest side: mvgpu_drm.ko for both kernels, the guest programs
# (libmvgpu_drm, mvgpu-guest, mvgpu-drm-test) statically linked.
run "guest driver mvgpu_drm.ko builds for the stock kernel $(stock_kver)" build-guest-stock.log \
	"$here/build-guest-module.sh" stock
if [ -n "$kdir" ]; then
	run "guest driver mvgpu_drm.ko builds for the debug kernel" build-guest-debug.log \
		"$here/build-guest-module.sh" debug
fi
mkdir -p "$repo/build/guest-tools"
run "guest programs build (-Wall -Wextra -Werror, static, libdrm)" build-guest-tools.log bash -c "
	make -C '$repo/tools/guest' OUT='$repo/build/guest-tools' &&
	make -C '$repo/tests/guest' OUT='$repo/build/guest-tools'"

kernel_files=$(cd "$repo" && find drivers include uapi guest -name '*.[ch]' | sort |
	       grep -v -e '^drivers/core/trace.h$' -e '\.mod\.c$')

# Each prints what it found; an empty finding is a pass.
check_checkpatch() {
	local rc=0

	cd "$repo" || return 1
	"$kdir/scripts/checkpatch.pl" --no-tree --strict --quiet \
		--ignore FILE_PATH_CHANGES -f $kernel_files || rc=1
	# TRACE_EVENT() blocks have their own layout, which checkpatch cannot
	# parse (upstream trace headers trip the same checks); the rest of the
	# checks still apply to trace.h.
	"$kdir/scripts/checkpatch.pl" --no-tree --strict --quiet \
		--ignore FILE_PATH_CHANGES,OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT \
		-f drivers/core/trace.h || rc=1
	return $rc
}
check_kernel_doc() {
	local out
	out=$(cd "$repo" && "$kdir/scripts/kernel-doc" -none $kernel_files 2>&1)
	echo "$out"
	[ -z "$out" ]
}
check_sparse() {
	local out
	out=$("$here/build-module.sh" debug C=2 W=1 2>&1; "$here/build-guest-module.sh" debug C=2 W=1 2>&1)
	echo "$out"
	! grep -E "^$repo/build/(guest-)?debug/src/.*(warning|error):" <<< "$out"
}
# The backend seam (Documentation/backend.rst): only the backend's own files
# include its headers, and it reaches the core only through <mvgpu/backend.h>
# (which includes <mvgpu/backend_core.h>) and the few core headers that
# contract names.
check_seam() {
	cd "$repo" || return 1
	local bad
	bad=$(grep -rlE '#include ["<](backend/sw/|sw\.h|cmd\.h|gmem\.h)' \
		drivers include | grep -v '^drivers/backend/sw/')
	[ -z "$bad" ] || echo "outside the backend, these include its headers: $bad"
	local up
	up=$(grep -hE '#include [<"]' drivers/backend/sw/*.[ch] |
	     grep -E 'mvgpu/(vgpu|dev|sched|ctx)\.h|core/|vfio/' | sort -u)
	[ -z "$up" ] || echo "the backend includes core internals: $up"
	# mm/ and sched/ are below the core: they include nothing above them.
	local below
	below=$(grep -lE '#include [<"](mvgpu/(vgpu|dev|ctx|sched|backend|backend_core)\.h|core/|vfio/|backend/)' \
		drivers/mm/*.[ch] drivers/sched/*.[ch] | grep -v '_test\.c$')
	[ -z "$below" ] || echo "mm/ or sched/ include layers above them: $below"
	[ -z "$bad$up$below" ]
}
check_harness_splat() {
	echo 'echo "WARNING: CPU: 0 PID: 1 at harness self-test" > /dev/kmsg' > "$logs/splat-test.sh"
	"$here/vm-run.sh" --kernel stock --timeout 120 --out "$logs/vm-splat" "$logs/splat-test.sh"
	[ $? = 125 ] && grep -q 'harness self-test' "$logs/vm-splat/splat.txt"
}

if [ -n "$kdir" ]; then
	run "checkpatch --strict is clean" checkpatch.log check_checkpatch
	run "kernel-doc is clean" kernel-doc.log check_kernel_doc
	run "sparse and W=1 (make C=2 W=1) are clean" sparse.log check_sparse
fi
run "backend seam: the software GPU is reached only through its ops" seam.log check_seam
run "VM harness fails a run whose kernel log has a splat" harness.log check_harness_splat

# The mvgpu command without a kernel: its decisions, list/top/metrics on a
# fake sysfs (promtool), make install and the man page.
"$repo/tests/tool/run.sh" "$repo/build/tools/mvgpu" "$repo/build/tests" > "$logs/tool.log" 2>&1
rc=$?
tap_results "mvgpu tool" "$logs/tool.log"
[ $rc = 0 ] || grep -q '^not ok' "$logs/tool.log" ||
	fail "mvgpu tool tests exited $rc (log: $logs/tool.log)"

# make bench first thing on a fresh clone: its set-up path (packages, builds,
# not the VMs) in a copy of the tree as git would check it out, no build/.
check_fresh_bench() {
	local scratch=$logs/fresh-clone
	rm -rf "$scratch"
	mkdir -p "$scratch"
	rsync -a --filter=':- .gitignore' --exclude=/.git "$repo/" "$scratch/"
	[ ! -e "$scratch/build" ] || { echo "the copy has a build/"; return 1; }
	(cd "$scratch" && scripts/bench.sh --setup-only)
	local rc=$?
	rm -rf "$scratch"
	return $rc
}
if [ -n "$kdir" ]; then
	run "make bench's set-up works on a fresh clone (no build/ yet)" fresh-bench.log check_fresh_bench
fi

# DKMS on the host, for the stock kernel's headers (not the running
# kernel); the stock VM then loads what it installed (tests/vm/dkms.sh).
# "end" runs after the VMs, or on the way out if make check is interrupted.
stock=$(stock_kver)
dkms_state=$logs/dkms
dkms_pending=
dkms_end() {
	[ -n "$dkms_pending" ] || return 0
	dkms_pending=
	run "DKMS: make dkms-uninstall leaves nothing behind (no DKMS entry, sources, module or modules.dep change)" \
		dkms-uninstall.log "$here/dkms-check.sh" end "$stock" "$dkms_state"
}
trap dkms_end EXIT
"$here/dkms-check.sh" begin "$stock" "$dkms_state" > "$logs/dkms-install.log" 2>&1
rc=$?
if [ $rc = 0 ]; then
	pass "DKMS: make dkms-install builds and installs for the stock kernel $stock (this host runs $(uname -r)); AUTOINSTALL puts it back (dkms autoinstall -k)"
else
	fail "DKMS: make dkms-install for the stock kernel $stock (log: $logs/dkms-install.log)"
	tail -n 15 "$logs/dkms-install.log" | sed 's/^/    /'
fi
# A refusal (mvgpu already installed by hand) leaves that install alone.
grep -q 'make check leaves it alone' "$logs/dkms-install.log" || dkms_pending=1

# vm stock|debug|stock-vclock TIMEOUT SCRIPT...: one VM running the scripts;
# stock-vclock is the stock kernel on the virtual clock (vm-run.sh --vclock).
vm() {
	local name=$1 kernel=$1 timeout=$2 rc args=()
	shift 2
	if [ "$name" = stock-vclock ]; then
		kernel=stock
		args=(--vclock)
	fi
	echo "== $name kernel VM ($(elapsed))"
	"$here/vm-run.sh" --kernel "$kernel" "${args[@]}" --timeout "$timeout" \
		--out "$logs/vm-$name" "$repo/tests/vm/suite.sh" "$@" \
		> "$logs/vm-$name.log" 2>&1
	rc=$?
	tap_results "$name" "$logs/vm-$name/test.log"
	case $rc in
	124) fail "$name VM: finished in time (timed out after ${timeout}s)" ;;
	125) fail "$name VM: booted, ran, kernel log clean (see $logs/vm-$name/)"
	     tail -n 20 "$logs/vm-$name.log" | sed 's/^/    /' ;;
	*) pass "$name VM: booted, ran, kernel log clean (no BUG/WARNING/KASAN/lockdep/kmemleak)" ;;
	esac
}

# The guest driver in its own checks: DKMS in a guest (for the stock
# kernel's headers here, as in a VM), then nothing left.
check_guest_dkms() {
	"$here/guest-dkms.sh" install "$stock" || return 1
	dkms status -m mvgpu_drm | grep -q "$stock.*installed" || return 1
	[ -f "/lib/modules/$stock/updates/dkms/mvgpu_drm.ko" ] || return 1
	"$here/guest-dkms.sh" uninstall || return 1
	[ -z "$(dkms status -m mvgpu_drm)" ] && [ ! -e "/lib/modules/$stock/updates/dkms/mvgpu_drm.ko" ] &&
		! ls -d /usr/src/mvgpu_drm-* 2>/dev/null
}
run "guest DKMS: make guest-dkms-install builds and installs mvgpu_drm for $stock; uninstall leaves nothing" \
	guest-dkms.log check_guest_dkms

# The scheduler's shares on the virtual clock, where no host stall moves
# them (tests/vm/sched.sh checks them to 2 % there).
vm stock-vclock 1800 sched.sh
# vfio_deadlock.sh leaves VFIO and the module stuck for good: it runs last.
vm stock 3600 dkms.sh mdev_lifecycle.sh device_model.sh engine.sh contexts.sh tenant.sh mdevctl.sh cli.sh guests.sh migration.sh unmap_race.sh \
	guest_drm_load.sh guest_drm.sh vfio_deadlock.sh
dkms_end
if [ -n "$kdir" ]; then
	vm debug 3600 kunit.sh mdev_lifecycle.sh device_model.sh engine.sh contexts.sh tenant.sh fault_injection.sh migration.sh unmap_race.sh \
		guest_drm_load.sh
else
	fail "debug kernel VM: could not run without the debug kernel"
fi

echo "== done in $(elapsed)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
