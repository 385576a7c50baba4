#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load mvgpu_test.ko (debug kernel only: the stock kernel has no KUnit) and
# turn every KUnit case result of every mvgpu suite into a TAP line.  The
# suites expected are those declared in the sources, so a suite that fails
# to register is a failure, not a silent omission.

. "$(dirname "$0")/lib.sh"

KUNIT_DIR=/sys/kernel/debug/kunit
expected=$(grep -rho --include='*_test.c' '\.name = "mvgpu_[a-z0-9_]*"' "$MVGPU_REPO"/drivers |
	   sed 's/.*"\(.*\)"/\1/' | sort -u)
[ -n "$expected" ] || { not_ok "found KUnit suites in the sources"; exit 1; }

check "mvgpu.ko loads" mvgpu_load
check "mvgpu_test.ko loads" insmod "$MVGPU_BUILD/mvgpu_test.ko"

mkdir -p /mnt/out/kunit
for suite in $expected; do
	f=$KUNIT_DIR/$suite/results
	if [ ! -r "$f" ]; then
		not_ok "kunit $suite: suite ran"
		continue
	fi
	cp "$f" "/mnt/out/kunit/$suite.ktap"
	# Case results are the lines indented exactly one level (4 spaces);
	# parameterised cases' params are deeper and roll up into their case.
	n=0
	while IFS= read -r line; do
		case "$line" in
		"    ok "*|"    not ok "*)
			n=$((n + 1))
			res=${line#    }
			name=$(sed -E 's/^(not )?ok [0-9]+ (- )?//' <<< "$res")
			if [[ "$res" == ok* ]]; then
				ok "kunit $suite.$name"
			else
				not_ok "kunit $suite.$name"
				grep -E '^\s+# ' "$f" | grep -v 'Subtest' | head -n 20 | sed 's/^/# /'
			fi
			;;
		esac
	done < "$f"
	[ "$n" -gt 0 ] || not_ok "kunit $suite: has case results"
	# The suite's own result counts too: 6.1 keeps a case's log in a
	# fixed buffer, and a case whose log filled it loses its result line.
	if tail -n 1 "$f" | grep -q "^ok [0-9]* $suite\b"; then
		ok "kunit $suite: the suite passed"
	else
		not_ok "kunit $suite: the suite passed (its last line: $(tail -n 1 "$f"))"
		grep -E '^\s+# .*(EXPECTATION|ASSERTION|Expected)' "$f" | head -n 20 | sed 's/^/# /'
	fi
done

rmmod mvgpu_test
check "mvgpu.ko unloads after the tests" rmmod mvgpu
exit $((T_FAILED > 0))
