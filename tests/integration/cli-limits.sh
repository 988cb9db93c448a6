#!/usr/bin/env bash
# Resource limits as the CLI sets them and tug stats reads them back:
# --memory kills a hog (137, OOMKilled), --cpus 0.5 holds a busy loop near
# half a core, --pids-limit stops a fork bomb.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1
# the interpreter itself: a version-manager shim costs a second per start
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)

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
# idle CPU time of the whole host (idle + iowait), in clock ticks
host_idle() { awk '/^cpu / { print $5 + $6 }' /proc/stat; }
idle0=$(host_idle)
t0=$(date +%s%N)
samples=()
for i in 1 2 3 4; do
	samples+=("$(tug stats --no-stream --format '{{.CPUPerc}}' burner | tr -d '%')")
done
idle_cores=$(awk -v a="$idle0" -v b="$(host_idle)" -v ns=$(($(date +%s%N) - t0)) -v hz="$(getconf CLK_TCK)" \
	'BEGIN { printf "%.2f", (b - a) / hz / (ns / 1e9) }')
max=$(printf '%s\n' "${samples[@]}" | sort -n | tail -1 | cut -d. -f1)
diag "--cpus 0.5 busy loop, % of one core per second: ${samples[*]}; host idle: $idle_cores cores"
check "--cpus 0.5 never lets a busy loop above 65% of a core" [ "${max:-999}" -le 65 ]
# how close to the cap the loop gets depends on the host having half a
# core to give: below the band on a host with no idle CPU proves nothing
if [ "${max:-0}" -lt 35 ] && awk -v i="$idle_cores" 'BEGIN { exit !(i < 0.3) }'; then
	skip "--cpus 0.5 holds a busy loop near half a core" "the host had no idle CPU to give it"
else
	check "--cpus 0.5 holds a busy loop near half a core (35-65%)" [ "${max:-0}" -ge 35 ]
fi
check "stats columns are docker's" bash -c \
	"'$TUG' stats --no-stream burner | head -1 | tr -s ' ' | grep -qx 'CONTAINER ID NAME CPU % MEM USAGE / LIMIT MEM % NET I/O BLOCK I/O PIDS'"
if [ -n "$PY" ]; then
	check "stats --format json parses" bash -c \
		"'$TUG' stats --no-stream --format json burner | '$PY' -c 'import json,sys; r=json.loads(sys.stdin.readline()); assert r[\"Name\"]==\"burner\" and r[\"CPUPerc\"].endswith(\"%\")'"
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
