# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the scripts in this folder (sourced, not run).

die() { echo "$*" >&2; exit 1; }

mvgpu_cache() { echo "${MVGPU_CACHE:-$HOME/.cache/mvgpu}"; }

# The installed Debian stock kernel (newest linux-image-*-amd64).
stock_kver() {
	local v
	v=$(cd /boot && ls vmlinuz-*-amd64 2>/dev/null | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	[ -n "$v" ] || die "no Debian stock kernel in /boot (apt-get install linux-image-amd64)"
	echo "$v"
}

# The debug kernel's build directory (built and cached on first use).
debug_kdir() {
	"$(dirname "${BASH_SOURCE[0]}")/build-debug-kernel.sh" | tail -n 1
}

# Print the kernel-log lines that mean the kernel is unwell (none: healthy).
# Every lockdep report counts: the debug kernel's type1 is patched so that
# VFIO's own lock inversion does not make one (Documentation/testing.rst).
scan_splat() {
	cat "$@" 2> /dev/null |
	grep -h -E -e '(^|[^a-z_])(BUG|WARNING):' \
		-e 'Oops|general protection fault|Kernel panic|kernel BUG at' \
		-e 'KASAN|UBSAN|KFENCE' \
		-e 'possible circular locking|possible recursive locking|inconsistent lock state' \
		-e 'suspicious RCU usage|possible irq lock inversion|possible deadlock|held lock freed' \
		-e 'lockdep is turned off|hung_task|blocked for more than' \
		-e 'unreferenced object|Call Trace:' |
	sort -u
}
