#!/usr/bin/env bash
# tug logs: stdout and stderr kept apart, --tail, -t, --since/--until,
# and -f streaming lines written after it started, ending with the
# container.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

# two pipes: lines keep the order they were written in only a moment apart
tug run --name done bb sh -c 'echo out1; sleep 0.1; echo err1 >&2; sleep 0.1; echo out2; sleep 0.1; echo err2 >&2; sleep 0.1; echo out3' >/dev/null 2>&1
check_eq "logs: stdout lines on stdout" "$(tug logs done 2>/dev/null | tr '\n' ' ')" "out1 out2 out3 "
check_eq "logs: stderr lines on stderr" "$(tug logs done 2>&1 >/dev/null | tr '\n' ' ')" "err1 err2 "
check_eq "logs --tail 2 (across both streams)" "$(tug logs --tail 2 done 2>&1 | sort | tr '\n' ' ')" "err2 out3 "
check_eq "logs -n 0" "$(tug logs -n 0 done 2>&1)" ""
check "logs -t prefixes RFC 3339 timestamps" bash -c \
	"'$TUG' logs -t done 2>/dev/null | head -1 | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z out1$'"
check_eq "logs --since in the future shows nothing" "$(tug logs --since 2099-01-01T00:00:00Z done 2>&1)" ""
check_eq "logs --until long ago shows nothing" "$(tug logs --until 2000-01-01T00:00:00Z done 2>&1)" ""
check_eq "logs --since 1h shows everything" "$(tug logs --since 1h done 2>/dev/null | wc -l)" 3
tug logs --tail lots done 2>"$T_DIR/err"
check "logs --tail junk is refused" [ $? -ne 0 ]
check_eq "... with one line" "$(wc -l <"$T_DIR/err")" 1
tug logs nosuch 2>"$T_DIR/err"
check "logs of an unknown container fails" [ $? -ne 0 ]
check "... naming it" grep -q nosuch "$T_DIR/err"

# -f: the container writes only once we say so, after logs -f started
mkdir -p "$T_DIR/ctl"
tug run -d --name talker -v "$T_DIR/ctl:/ctl" bb sh -c \
	'echo before; while [ ! -e /ctl/go ]; do sleep 0.1; done; echo after-1; echo after-2 >&2; while [ ! -e /ctl/stop ]; do sleep 0.1; done; echo last' \
	>/dev/null
wait_for 5 bash -c "'$TUG' logs talker 2>/dev/null | grep -q before"
"$TUG" logs -f talker >"$T_DIR/follow.out" 2>"$T_DIR/follow.err" &
follower=$!
sleep 0.5
check "logs -f shows what was there" grep -q before "$T_DIR/follow.out"
touch "$T_DIR/ctl/go"
wait_for 5 grep -q after-1 "$T_DIR/follow.out"
check "logs -f streams stdout written after it started" grep -q after-1 "$T_DIR/follow.out"
wait_for 5 grep -q after-2 "$T_DIR/follow.err"
check "logs -f streams stderr written after it started" grep -q after-2 "$T_DIR/follow.err"
check "logs -f keeps following while the container runs" kill -0 "$follower"
touch "$T_DIR/ctl/stop"
wait_for 10 bash -c "! kill -0 $follower 2>/dev/null"
check "logs -f ends when the container exits" bash -c "! kill -0 $follower 2>/dev/null"
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
check "... after the last line" grep -q last "$T_DIR/follow.out"

# a reader that goes away (head) ends logs -f quietly
tug run -d --name chatty bb sh -c 'while :; do echo tick; sleep 0.1; done' >/dev/null
out=$(timeout 10 "$TUG" logs -f chatty 2>&1 | head -2)
check_eq "logs -f | head ends when head does" "$out" "$(printf 'tick\ntick')"

exit 0
