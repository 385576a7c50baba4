#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run several in-VM test scripts in one boot (a debug-kernel boot costs a
# minute).  Each script's TAP lines pass through; a script that exits
# non-zero without saying why in a "not ok" line still counts as a failure.

dir=$(dirname "$0")
rc=0
for s in "$@"; do
	echo "# ---- $s"
	out=$(mktemp)
	start=$(date +%s)
	bash "$dir/$s" 2>&1 | tee "$out"
	st=${PIPESTATUS[0]}
	echo "# $s: exit $st in $(( $(date +%s) - start ))s"
	if [ "$st" != 0 ]; then
		rc=1
		grep -q '^not ok' "$out" || echo "not ok - $s exited with status $st"
	fi
	rm -f "$out"
done
exit $rc
