#!/usr/bin/env bash
# Daemonless means every CLI call changes the store itself: 20 `run -d` at
# once must leave 20 well-formed containers (distinct names and ids, all
# running, every inspect parsable).
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1
# the interpreter itself: a version-manager shim costs a second per start
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)

for i in $(seq 1 20); do
	"$TUG" run -d --name "par$i" bb sleep 300 >"$T_DIR/id.$i" 2>"$T_DIR/err.$i" &
done
wait
fails=0
for i in $(seq 1 20); do
	grep -Eqx '[0-9a-f]{64}' "$T_DIR/id.$i" || { fails=$((fails + 1)); diag "run $i: $(cat "$T_DIR/err.$i")"; }
done
check_eq "20 parallel run -d all succeed" "$fails" 0
check_eq "... 20 distinct ids" "$(cat "$T_DIR"/id.* | sort -u | wc -l)" 20
check_eq "ps -a lists 20 containers" "$(tug ps -a -q | wc -l)" 20
check_eq "... with 20 distinct names" "$(tug ps -a --format '{{.Names}}' | sort -u | wc -l)" 20
check_eq "... all running" "$(tug ps -a --format '{{.State}}' | sort | uniq -c | awk '{print $1, $2}')" "20 running"
bad=0
for i in $(seq 1 20); do
	[ "$(tug inspect -f '{{.Name}} {{.Id}} {{.State.Running}}' "par$i")" = "/par$i $(cat "$T_DIR/id.$i") true" ] ||
		bad=$((bad + 1))
done
check_eq "inspect of each names the right id, running" "$bad" 0
if [ -n "$PY" ]; then
	check "inspect of all 20 parses as one JSON array" bash -c \
		"'$TUG' inspect \$('$TUG' ps -q) | '$PY' -c 'import json,sys; a=json.load(sys.stdin); assert len(a)==20 and len({o[\"Id\"] for o in a})==20'"
else
	skip "inspect parses" "python3 missing"
fi

# unnamed, in parallel: generated names must not collide
for i in $(seq 1 10); do
	"$TUG" create bb true >/dev/null 2>"$T_DIR/uerr.$i" &
done
wait
check_eq "10 parallel unnamed creates get 10 distinct names" \
	"$(tug ps -a -f status=created --format '{{.Names}}' | sort -u | wc -l)" 10

# the same name from 5 racing calls: exactly one wins
for i in $(seq 1 5); do
	"$TUG" create --name contested bb true >/dev/null 2>&1 &
done
wait
check_eq "racing creates of one name: exactly one container has it" \
	"$(tug ps -a -f name=^contested$ -q | wc -l)" 1

"$TUG" rm -f $("$TUG" ps -a -q) >/dev/null &
"$TUG" ps -a >/dev/null &
wait
check_eq "rm -f of everything while ps reads leaves an empty store" "$(tug ps -a -q | wc -l)" 0

exit 0
