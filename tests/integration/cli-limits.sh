#!/usr/bin/env bash
# Resource limits as the CLI sets them and tug stats reads them back:
# --memory kills a hog (137, OOMKilled), --cpus 0.5 holds a busy loop near
# half a core, --pids-limit stops a fork bomb.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

ins() { tug inspect -f "$2" "$1" 2>/dev/null; }

# ---- memory ----
# dd's 64 MiB buffer is touched as it reads: the 32 MiB limit ends it
tug run --name hog --memory 32m bb dd if=/dev/zero of=/dev/null bs=64M count=4 2>/dev/null
check_eq "a memory hog under --memory 32m exits 137" "$?" 137
check_eq "... and inspect shows OOMKilled" "$(ins hog '{{.State.OOMKilled}}')" true
check_eq "... with exit code 137" "$(ins hog '{{.State.ExitCode}}')" 137
tug run --name fits --memory 32m bb dd if=/dev/zero of=/dev/null bs=4M count=4 2>/dev/null
check_eq "a process within the limit runs to the end" "$?" 0
check_eq "... and is not marked OOMKilled" "$(ins fits '{{.State.OOMKilled}}')" false

tug run -d --name capped --memory 48m bb sleep 300 >/dev/null
check "stats shows the memory limit" bash -c \
	"'$TUG' stats --no-stream --format '{{.MemUsage}}' capped | grep -q ' / 48MiB$'"
tug rm -f capped >/dev/null

# ---- cpu ----
tug run -d --name burner --cpus 0.5 bb sh -c 'while :; do :; done' >/dev/null
sleep 1
sum=0
for i in 1 2 3; do
	p=$(tug stats --no-stream --format '{{.CPUPerc}}' burner | tr -d '%')
	diag "burner sample $i: $p%"
	sum=$(awk -v a="$sum" -v b="$p" 'BEGIN { print a + b }')
done
avg=$(awk -v s="$sum" 'BEGIN { printf "%d", s / 3 }')
diag "--cpus 0.5 busy loop: ${avg}% of one core on average"
check "--cpus 0.5 holds a busy loop near half a core (35-65%)" [ "$avg" -ge 35 -a "$avg" -le 65 ]
check "stats columns are docker's" bash -c \
	"'$TUG' stats --no-stream burner | head -1 | tr -s ' ' | grep -qx 'CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS'"
if command -v python3 >/dev/null; then
	check "stats --format json parses" bash -c \
		"'$TUG' stats --no-stream --format json burner | python3 -c 'import json,sys; r=json.loads(sys.stdin.readline()); assert r[\"Name\"]==\"burner\" and r[\"CPUPerc\"].endswith(\"%\")'"
else
	skip "stats --format json parses" "python3 missing"
fi
tug rm -f burner >/dev/null

# ---- pids ----
# a bounded fork bomb: a subshell starts up to 100 background sleeps
# against a limit of 20 (ash gives up at the first refused fork); the count
# uses shell built-ins only, as no fork is left for anything else
tug run --name bomb --pids-limit 20 bb sh -c \
	'(i=0; while [ $i -lt 100 ]; do sleep 30 & i=$((i+1)); done); n=0; for d in /proc/[0-9]*; do n=$((n+1)); done; echo "procs $n"' \
	>"$T_DIR/bomb.out" 2>"$T_DIR/bomb.err"
n=$(sed -n 's/^procs //p' "$T_DIR/bomb.out")
diag "processes seen inside under --pids-limit 20: ${n:-none}"
check "--pids-limit 20 stops a fork bomb (15 to 20 processes)" [ "${n:-0}" -ge 15 -a "${n:-99}" -le 20 ]
check "... the shell was refused forks" grep -q "can't fork" "$T_DIR/bomb.err"
check_eq "... and the limit is recorded" "$(ins bomb '{{.HostConfig.PidsLimit}}')" 20
tug rm -f bomb >/dev/null

exit 0
