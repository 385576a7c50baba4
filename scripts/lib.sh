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

# drop_vfio_inversion FILE...: the files without lockdep reports of the
# lock inversion VFIO's type1 IOMMU driver has in 6.1 (register_device nests
# device_list_lock in iommu->lock; the dma_unmap callback, which must unpin,
# runs under device_list_lock and vfio_unpin_pages() takes iommu->lock).
# Every driver that pins guest pages closes it (Documentation/testing.rst);
# a report is dropped only if its chain runs through
# vfio_iommu_type1_register_device.
drop_vfio_inversion() {
	awk '
	function flush() { if (n && !(vfio && circ)) for (i = 1; i <= n; i++) print buf[i]; n = 0; vfio = 0; circ = 0 }
	FNR == 1 { flush(); inrep = 0 }
	/WARNING: possible circular locking dependency detected/ { flush(); inrep = 1 }
	inrep { buf[++n] = $0; if ($0 ~ /vfio_iommu_type1_register_device/) vfio = 1
		if ($0 ~ /possible circular locking/) circ = 1
		if ($0 ~ /<\/TASK>/) { flush(); inrep = 0 }; next }
	{ print }
	END { flush() }' "$@" 2>/dev/null
}

# Print the kernel-log lines that mean the kernel is unwell (none: healthy).
scan_splat() {
	drop_vfio_inversion "$@" |
	grep -h -E -e '(^|[^a-z_])(BUG|WARNING):' \
		-e 'Oops|general protection fault|Kernel panic|kernel BUG at' \
		-e 'KASAN|UBSAN|KFENCE' \
		-e 'possible circular locking|possible recursive locking|inconsistent lock state' \
		-e 'suspicious RCU usage|possible irq lock inversion|possible deadlock|held lock freed' \
		-e 'lockdep is turned off|hung_task|blocked for more than' \
		-e 'unreferenced object|Call Trace:' |
	sort -u
}
