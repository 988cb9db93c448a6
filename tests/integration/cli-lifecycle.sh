#!/usr/bin/env bash
# Container lifecycle through the CLI: start/stop/restart/kill/rm/pause/
# unpause/rename/wait with several references, stop's escalation to
# SIGKILL, restart policies, and what ps/inspect/top/system print.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1
# the interpreter itself: a version-manager shim costs a second per start
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)

ins() { tug inspect -f "$2" "$1" 2>/dev/null; }
state() { ins "$1" '{{.State.Status}}'; }
state_is() { [ "$(state "$1")" = "$2" ]; }

# ---- the verbs, several references at once ----
tug create --name alpha bb sleep 300 >/dev/null
tug create --name beta bb sleep 300 >/dev/null
check_eq "created containers are 'created'" "$(state alpha)/$(state beta)" created/created
out=$(tug start alpha beta)
check_eq "start prints each reference as given" "$out" "$(printf 'alpha\nbeta')"
check_eq "... and both run" "$(state alpha)/$(state beta)" running/running

out=$(tug stop -t 1 alpha nosuch beta 2>"$T_DIR/err")
rc=$?
check_eq "stop with a missing reference exits 1" "$rc" 1
check_eq "... still stops the others, printing them" "$out" "$(printf 'alpha\nbeta')"
check_eq "... with one error line for the missing one" "$(wc -l <"$T_DIR/err")" 1
check "... naming it" grep -q nosuch "$T_DIR/err"
check_eq "stopped containers are exited" "$(state alpha)/$(state beta)" exited/exited

tug start alpha >/dev/null
pid1=$(ins alpha '{{.State.Pid}}')
tug restart -t 1 alpha >/dev/null
check_eq "restart leaves it running" "$(state alpha)" running
check "... with a new process" [ "$(ins alpha '{{.State.Pid}}')" != "$pid1" ]

tug pause alpha >/dev/null
check_eq "pause" "$(state alpha) $(ins alpha '{{.State.Paused}}')" "paused true"
check "ps shows (Paused)" bash -c "'$TUG' ps --format '{{.Names}} {{.Status}}' | grep -q '^alpha Up .*(Paused)$'"
tug unpause alpha >/dev/null
check_eq "unpause" "$(state alpha) $(ins alpha '{{.State.Paused}}')" "running false"

tug run -d --name trapper bb sh -c 'trap "exit 9" USR1; while :; do sleep 0.1; done' >/dev/null
sleep 0.5
tug kill -s USR1 trapper >/dev/null
wait_for 5 state_is trapper exited
check_eq "kill -s USR1 delivers that signal" "$(ins trapper '{{.State.ExitCode}}')" 9
tug kill alpha >/dev/null
wait_for 5 state_is alpha exited
check_eq "kill (SIGKILL) stops it" "$(state alpha) $(ins alpha '{{.State.ExitCode}}')" "exited 137"
tug kill -s BOGUS beta 2>"$T_DIR/err"
check "kill -s with a bad signal fails" [ $? -ne 0 ]
check "... saying so" grep -q "invalid signal" "$T_DIR/err"

tug rename beta gamma
check_eq "rename: the new name works" "$(ins gamma '{{.Name}}')" /gamma
check "rename: the old name is gone" bash -c "! '$TUG' inspect beta >/dev/null 2>&1"

tug start gamma >/dev/null
tug rm gamma 2>"$T_DIR/err"
check "rm of a running container fails without -f" [ $? -ne 0 ]
check_eq "... and it is still there" "$(state gamma)" running
check_eq "rm -f removes it" "$(tug rm -f gamma)" gamma
check "... gone" bash -c "! '$TUG' inspect gamma >/dev/null 2>&1"

tug run -d --name w5 bb sh -c 'sleep 1; exit 5' >/dev/null
check_eq "wait prints the exit code" "$(tug wait w5)" 5

# ---- stop escalates to SIGKILL ----
tug run -d --name stubborn bb sh -c 'trap "" TERM; while :; do sleep 1; done' >/dev/null
sleep 0.5
t0=$(date +%s%N)
tug stop -t 1 stubborn >/dev/null
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
diag "stop -t 1 of a TERM-ignoring container took ${ms} ms"
check "stop -t 1 takes about 1 s (not 10)" [ "$ms" -ge 900 -a "$ms" -lt 4000 ]
check_eq "... and ends in SIGKILL (137)" "$(ins stubborn '{{.State.ExitCode}}')" 137

# ---- restart policy ----
tug run -d --name flaky --restart on-failure:2 bb sh -c 'exit 3' >/dev/null
done_restarting() { [ "$(ins flaky '{{.State.Status}} {{.RestartCount}}')" = "exited 2" ]; }
wait_for 20 done_restarting
check_eq "--restart on-failure:2 restarts twice, then stays exited" \
	"$(ins flaky '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}')" "exited 2 3"
sleep 1
check_eq "... and not a third time" "$(ins flaky '{{.RestartCount}}')" 2
tug run -d --name fine --restart on-failure:2 bb true >/dev/null
wait_for 5 bash -c "[ \"\$('$TUG' inspect -f '{{.State.Status}}' fine)\" = exited ]"
sleep 0.5
check_eq "on-failure does not restart a success" "$(ins fine '{{.RestartCount}}')" 0

# ---- ps ----
tug rm -f alpha stubborn flaky fine w5 trapper >/dev/null 2>&1
tug run -d --name web -l app=web bb sleep 300 >/dev/null
tug create --name idle bb true >/dev/null
hdr=$(tug ps | head -1)
check_eq "ps prints docker's header" "$(echo "$hdr" | tr -s ' ')" "CONTAINER ID IMAGE COMMAND CREATED STATUS PORTS NAMES"
check_eq "ps shows running containers only" "$(tug ps --format '{{.Names}}')" web
check_eq "ps -a shows all, newest first" "$(tug ps -a --format '{{.Names}}' | tr '\n' ' ')" "idle web "
check_eq "ps -q prints short ids" "$(tug ps -q)" "$(ins web '{{.Id}}' | cut -c1-12)"
check_eq "ps --no-trunc -q prints full ids" "$(tug ps --no-trunc -q)" "$(ins web '{{.Id}}')"
check_eq "ps -f status=created" "$(tug ps -f status=created --format '{{.Names}}')" idle
check_eq "ps -f name=" "$(tug ps -a -f name=^we --format '{{.Names}}')" web
check_eq "ps -f label=" "$(tug ps -a -f label=app=web --format '{{.Names}}')" web
check_eq "ps -n 1" "$(tug ps -n 1 --format '{{.Names}}')" idle
check "ps status text" bash -c "'$TUG' ps --format '{{.Status}}' | grep -Eq '^Up (Less than a second|[0-9]+ seconds?)$'"
if [ -n "$PY" ]; then
	check "ps --format json: one parsable object per line" bash -c \
		"'$TUG' ps -a --format json | '$PY' -c 'import json,sys; rows=[json.loads(l) for l in sys.stdin]; assert len(rows)==2 and {r[\"Names\"] for r in rows}=={\"web\",\"idle\"} and all(\"Status\" in r and \"ID\" in r for r in rows)'"
	check "inspect prints a JSON array with docker's fields" bash -c \
		"'$TUG' inspect web idle | '$PY' -c '
import json,sys
a=json.load(sys.stdin)
assert len(a)==2
for o in a:
    for k in (\"Id\",\"Name\",\"Created\",\"State\",\"Config\",\"HostConfig\",\"RestartCount\",\"Mounts\",\"LogPath\",\"Image\"):
        assert k in o, k
    for k in (\"Status\",\"Running\",\"Paused\",\"Restarting\",\"OOMKilled\",\"Pid\",\"ExitCode\",\"StartedAt\",\"FinishedAt\",\"Error\"):
        assert k in o[\"State\"], k
'"
else
	skip "ps --format json" "python3 missing"
	skip "inspect JSON" "python3 missing"
fi
out=$(tug inspect web nosuch 2>"$T_DIR/err")
check "inspect with a missing name exits non-zero" [ $? -ne 0 ]
check "... prints the ones it found" grep -q '"Name": "/web"' <<<"$out"
check "... and says which was missing" grep -q "no such object: nosuch" "$T_DIR/err"
check_eq "inspect --type container -f" "$(tug inspect --type container -f '{{.State.Running}}' web)" true

# ---- top, container group, system ----
check "top lists the container's process" bash -c "'$TUG' top web | grep -q 'sleep 300'"
check "top prints docker's titles" bash -c "'$TUG' top web | head -1 | grep -q '^UID .*PID .*CMD'"
check_eq "container ls is ps" "$(tug container ls --format '{{.Names}}')" web
check_eq "container inspect" "$(tug container inspect -f '{{.Name}}' web)" /web
out=$(tug container prune -f)
check "container prune -f removes stopped containers" bash -c "! '$TUG' inspect idle >/dev/null 2>&1"
check "... and lists them" grep -q "^Deleted Containers:" <<<"$out"
check_eq "... leaving running ones" "$(state web)" running
tug create --name keep bb true >/dev/null
echo n | tug container prune >/dev/null 2>&1
check "container prune without -f asks, and 'n' keeps everything" [ $? -ne 0 -a "$(state keep)" = created ]
echo n | tug system reset >/dev/null 2>&1
check "system reset without -f asks, and 'n' keeps everything" [ $? -ne 0 -a "$(state web)" = running ]
tug rm keep >/dev/null
check "system df lists containers" bash -c "'$TUG' system df | grep -Eq '^Containers +1 +1 '"
check "system info counts containers" bash -c "'$TUG' system info | grep -q '^ Running: 1$'"
tug system reset --force
check_eq "system reset --force removes every container" "$(tug ps -a -q | wc -l)$(state web)" 0

exit 0
