#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of the mvgpu command that need no kernel (TAP):
#  - its decisions (policy_test.c: placement, entitled shares);
#  - list, top and metrics on a fake sysfs tree (fake_sysfs.sh), including
#    sched_stats keys the command does not know, odd characters in names
#    (JSON and Prometheus escaping), metrics through promtool;
#  - make install (the command and its man page, under DESTDIR/PREFIX), the
#    man page renders without warnings and names every command and option
#    that --help names.
#
#   tests/tool/run.sh MVGPU OUTDIR    (MVGPU: the built command)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
M=$1
outdir=$2
ESC=$'\033'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$outdir"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { echo "# $*"; }
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; diag "failed: $*"; fi
}

# ---- policy ----
if cc -O2 -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -o "$outdir/policy_test" \
	"$here/policy_test.c" "$repo/tools/mvgpu/policy.c" -lm 2> "$tmp/cc.err"; then
	"$outdir/policy_test" > "$tmp/policy.tap"
	st=$?
	while IFS= read -r l; do
		case "$l" in
		"ok "*) ok "policy: ${l#ok * - }" ;;
		"not ok "*) not_ok "policy: ${l#not ok * - }" ;;
		*) echo "$l" ;;
		esac
	done < "$tmp/policy.tap"
	[ "$st" = 0 ] || grep -q '^not ok' "$tmp/policy.tap" || not_ok "policy_test exited $st"
else
	not_ok "policy_test builds (-Wall -Wextra -Werror)"
	sed 's/^/# /' "$tmp/cc.err"
fi

# ---- a fake sysfs ----
. "$here/fake_sysfs.sh"
fs=$tmp/sys
fake_gpu "$fs" 0 1024 2 mlfq
fake_gpu "$fs" 1 1024 2 mlfq
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
fake_vgpu "$fs" 0 8 "$U1" 1 1000000000 142857 1
fake_vgpu "$fs" 0 4 "$U2" 4 3000000000 571428 0
fake_vgpu "$fs" 1 2 "$U3" 2 0 0 0
# Keys this tool does not know (another engineer adds per-engine figures).
printf 'engine0_busy_ns 123\nengine1_busy_ns 456\nfuture_text some words\n\nbare\n' \
	>> "$fs/class/mdev_bus/mvgpu.0/sched_stats"
printf 'new_counter 99\n' >> "$fs/bus/mdev/devices/$U1/mvgpu/sched_stats"
export MVGPU_SYSFS=$fs

# jqe FILTER: the filter is true of $out.
jqe() { jq -e "$1" <<< "$out" > /dev/null; }

out=$("$M" list --json)
check "fake sysfs: list --json: exit 0, jq accepts it" jqe .
check "fake sysfs: python3 -m json.tool accepts it" bash -c 'python3 -m json.tool <<< "$1" > /dev/null' - "$out"
check "unknown sched_stats keys kept as numbers" jqe '.gpus[0].sched_stats.engine1_busy_ns == 456'
check "unknown sched_stats keys kept as text" jqe '.gpus[0].sched_stats.future_text == "some words"'
check "an unknown per-vGPU key too" jqe '[.gpus[0].vgpus[] | select(.uuid == "'$U1'")][0].sched_stats.new_counter == 99'
check "known figures still right: mode, engines, utilisation" \
	jqe '.gpus[0].sched_mode == "mlfq" and .gpus[0].engines == 2 and .gpus[0].utilisation_pct == 25'
check "vGPUs in their GPUs, open as a boolean" \
	jqe '(.gpus[0].vgpus | map(.uuid)) == ["'$U1'","'$U2'"] and .gpus[0].vgpus[0].open == true and .gpus[1].vgpus[0].open == false'
check "entitled: only busy vGPUs, 2 engines (weights 1 and 4 both get one engine)" \
	jqe '[.gpus[].vgpus[].entitled_pct] == [100, 100, null]'
text=$("$M" list)
check "list (text): both GPUs, each vGPU once" \
	eval 'grep -q "^mvgpu.0: 1024 MiB VRAM (384 MiB allocated" <<< "$text" && [ "$(grep -cE "$U1|$U2|$U3" <<< "$text")" = 3 ]'

"$M" metrics > "$tmp/m" 2> "$tmp/m.err"
st=$?
check "fake sysfs: metrics exit 0, nothing on stderr" [ "$st" = 0 -a ! -s "$tmp/m.err" ]
promtool check metrics < "$tmp/m" > "$tmp/p" 2>&1
st=$?
sed 's/^/# promtool: /' "$tmp/p"
check "promtool check metrics: no problems" [ "$st" = 0 -a ! -s "$tmp/p" ]
check "counters in seconds from ns, exactly" grep -qx "mvgpu_vgpu_busy_seconds_total{gpu=\"mvgpu.0\",uuid=\"$U2\",type=\"mvgpu-1_4\"} 3.000000000" "$tmp/m"
check "ratios from ppm" grep -qx "mvgpu_vgpu_share_ratio{gpu=\"mvgpu.0\",uuid=\"$U2\",type=\"mvgpu-1_4\"} 0.571428" "$tmp/m"
check "cap as a ratio" grep -qx "mvgpu_vgpu_cap_ratio{gpu=\"mvgpu.0\",uuid=\"$U2\",type=\"mvgpu-1_4\"} 1.00" "$tmp/m"
check "every family has HELP and TYPE once" \
	bash -c "[ \$(grep -c '^# HELP' '$tmp/m') = \$(grep -c '^# TYPE' '$tmp/m') ] && [ -z \"\$(grep '^# TYPE' '$tmp/m' | sort | uniq -d)\" ]"
check "metrics --json: jq accepts it, as many families" \
	bash -c "[ \"\$('$M' metrics --json | jq '.metrics | length')\" = \$(grep -c '^# TYPE' '$tmp/m') ]"

# Odd characters: a quote and a backslash in the scheduler mode (a label)
# and in a type's name (a JSON string).
sed -i 's/^mode .*/mode we"ird\\/' "$fs/class/mdev_bus/mvgpu.1/sched_stats"
echo 'mvgpu "1/2" \ half' > "$fs/class/mdev_bus/mvgpu.1/mdev_supported_types/mvgpu-1_2/name"
"$M" metrics > "$tmp/m2"
check "a label value with a quote and a backslash: escaped" \
	grep -qxF 'mvgpu_gpu_info{gpu="mvgpu.1",sched="we\"ird\\"} 1' "$tmp/m2"
promtool check metrics < "$tmp/m2" > /dev/null 2>&1
check "promtool accepts the escaped label" [ $? = 0 ]
check "list --json escapes them" bash -c "'$M' list --json | jq -e '.gpus[1].types[3].name == \"mvgpu \\\"1/2\\\" \\\\ half\"' > /dev/null"

out=$("$M" top -n 2 -d 0.1)
check "top -n 2 on a pipe: two screens, no escape codes" \
	eval '[ "$(grep -c "^mvgpu top - " <<< "$out")" = 2 ] && ! grep -qF "$ESC" <<< "$out"'
out=$("$M" top -n 1 -d 0.1 --json)
check "top --json: one line, jq accepts it" eval '[ "$(wc -l <<< "$out")" = 1 ] && jqe ".vgpus | length == 3"'

empty=$tmp/empty
mkdir -p "$empty"
out=$(MVGPU_SYSFS=$empty "$M" list 2>&1)
st=$?
check "list without mvgpu: exit 1, one line that says to load the module" \
	eval '[ "$st" = 1 ] && [ "$(wc -l <<< "$out")" = 1 ] && grep -q "modprobe mvgpu" <<< "$out"'
out=$(MVGPU_SYSFS=$empty "$M" metrics)
check "metrics without mvgpu: mvgpu_gpus 0" grep -qx 'mvgpu_gpus 0' <<< "$out"
unset MVGPU_SYSFS

# ---- the docs name what the code does ----
# Every metric name in the admin guide, the man page and README is one that
# metrics prints; the admin guide's alerting rules pass promtool.
docs="$repo/Documentation/admin-guide.rst $repo/tools/mvgpu/mvgpu.8 $repo/README.md"
families=$(MVGPU_SYSFS=$fs "$M" metrics | sed -n 's/^# TYPE \([^ ]*\) .*/\1/p')
unknown=
for name in $(sed 's/\\-/-/g' $docs | grep -oE 'mvgpu_(gpus|gpu_[a-z0-9_]+|type_[a-z0-9_]+|vgpu_[a-z0-9_]+)' | sort -u); do
	grep -qx "$name" <<< "$families" || unknown+="$name "
done
check "every metric the docs name exists ($(wc -w <<< "$families") families)" [ -z "$unknown" ]
[ -z "$unknown" ] || diag "named in the docs but not printed by mvgpu metrics: $unknown"
awk '/^    groups:$/ { on = 1 } on && /^[^ ]/ { exit } on { print substr($0, 5) }' \
	"$repo/Documentation/admin-guide.rst" > "$tmp/rules.yml"
check "the admin guide's alerting rules: promtool check rules" \
	bash -c "[ -s '$tmp/rules.yml' ] && promtool check rules '$tmp/rules.yml' > '$tmp/rules.out' 2>&1"
[ -s "$tmp/rules.out" ] && ! grep -q SUCCESS "$tmp/rules.out" && sed 's/^/# /' "$tmp/rules.out"

# ---- make install and the man page ----
dest=$tmp/dest
if make -s -C "$repo/tools/mvgpu" OUT="$tmp" DESTDIR="$dest" PREFIX=/usr install > "$tmp/inst.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	not_ok "make install DESTDIR=... PREFIX=/usr"
	sed 's/^/# /' "$tmp/inst.log"
fi
check "it installs the command as /usr/sbin/mvgpu" test -x "$dest/usr/sbin/mvgpu"
check "and the man page as /usr/share/man/man8/mvgpu.8" test -f "$dest/usr/share/man/man8/mvgpu.8"
man8=$repo/tools/mvgpu/mvgpu.8
warn=$(groff -man -Tutf8 -ww -z "$man8" 2>&1; LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man8" 2>&1 > /dev/null)
check "the man page renders without warnings" [ -z "$warn" ]
[ -z "$warn" ] || diag "$warn"
page=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$man8" 2> /dev/null)
cmds=$("$M" --help | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
missing=
for c in $cmds; do
	grep -qE "^ {7}$c( |$)" <<< "$page" || missing+="$c "
	for o in $("$M" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		[ "$o" = --help ] || [ "$o" = --json ] && continue
		grep -qF -- "$o" <<< "$page" || missing+="$c:$o "
	done
done
check "the man page describes every command and option --help names ($(echo $cmds))" [ -z "$missing" ]
[ -z "$missing" ] || diag "missing from mvgpu.8: $missing"

echo "1..$n"
exit $((failed > 0))
