#!/usr/bin/env bash
# Runs every unit test binary and every integration script, each of which
# speaks TAP ("ok", "not ok", "# SKIP"), and ends with the one summary line
# "N passed, N failed, N skipped". Exits non-zero on any failure.
# Usage: tests/run.sh [NAME-FILTER...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${TUG:=$here/../tug}" "${BUILD:=$here/../build}"
export TUG BUILD
out=$here/out
mkdir -p "$out"
pass=0 fail=0 skip=0
failed_names=()

selected() {
	local n=$1; shift
	[ $# -eq 0 ] && return 0
	for f in "$@"; do case "$n" in *"$f"*) return 0 ;; esac; done
	return 1
}

run_one() {
	local name=$1; shift
	local log=$out/$name.log
	local t0=$SECONDS
	"$@" >"$log" 2>&1 </dev/null
	local rc=$?
	local p f s
	p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+.*# SKIP' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# a crash or an error outside any check still counts as a failure
		f=1
		echo "not ok - $name exited $rc outside a check" >>"$log"
	fi
	if [ $((p + f + s)) -eq 0 ]; then
		f=1
		echo "not ok - $name ran no check" >>"$log"
	fi
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	printf '%-40s %3d passed %3d failed %3d skipped  (%ds)\n' "$name" "$p" "$f" "$s" $((SECONDS - t0))
	if [ "$f" -gt 0 ]; then
		failed_names+=("$name")
		grep -E '^(not ok|#)' "$log" | head -40 | sed 's/^/    /'
	fi
}

for bin in "$BUILD"/tests/test-*; do
	[ -x "$bin" ] || continue
	name=unit/$(basename "$bin")
	selected "$name" "$@" || continue
	run_one "${name//\//_}" "$bin"
done
for script in "$here"/integration/*.sh; do
	[ -f "$script" ] || continue
	name=integration/$(basename "$script" .sh)
	selected "$name" "$@" || continue
	run_one "${name//\//_}" bash "$script"
done

[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]} (logs in tests/out/)"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
