#!/usr/bin/env bash
# tug exec: the process joins the container's namespaces, sees its PID 1
# and files, gets -e/-w/-u/-i/-t/-d, and its exit code (126/127 too).
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1

tug run -d --name box -h boxhost bb sh -c 'echo made-by-init > /tmp/marker; exec sleep 300' >/dev/null
wait_for 5 tug exec box test -e /tmp/marker
hostpid=$(tug inspect -f '{{.State.Pid}}' box)

for ns in pid mnt uts ipc net; do
	want=$(readlink "/proc/$hostpid/ns/$ns")
	got=$(tug exec box readlink "/proc/self/ns/$ns")
	check_eq "exec joins the container's $ns namespace" "$got" "$want"
done
check_eq "exec sees the container's PID 1" "$(tug exec box cat /proc/1/cmdline | tr '\0' ' ')" "sleep 300 "
check_eq "exec sees the container's hostname" "$(tug exec box hostname)" boxhost
check_eq "exec sees the container's files" "$(tug exec box cat /tmp/marker)" made-by-init
check_eq "exec'd process is in the container's cgroups" "$(tug exec box cat /proc/self/cgroup)" \
	"$(tug exec box cat /proc/1/cgroup)"

tug exec box sh -c 'exit 7'
check_eq "exec passes the exit code through" "$?" 7
tug exec box nosuchcmd 2>"$T_DIR/err"
check_eq "exec of a missing command exits 127" "$?" 127
check "... naming it" grep -q nosuchcmd "$T_DIR/err"
tug exec box /etc/passwd 2>/dev/null
check_eq "exec of a non-executable exits 126" "$?" 126

check_eq "exec -e" "$(tug exec -e FOO=bar box sh -c 'echo $FOO')" bar
check_eq "exec -w" "$(tug exec -w /tmp box pwd)" /tmp
check_eq "exec -u" "$(tug exec -u 65534 box id -u)" 65534
check_eq "exec -i passes stdin" "$(echo piped | tug exec -i box cat)" piped
check_eq "exec without -i does not" "$(echo piped | tug exec box cat)" ""
check_eq "exec -t gives a terminal" "$(tug exec -t box sh -c 'test -t 1 && echo tty' | tr -d '\r')" tty

t0=$(date +%s%N)
tug exec -d box sh -c 'sleep 3; echo late > /tmp/detached'
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "exec -d returns at once, not when the process ends (took ${ms} ms)" [ "$rc" -eq 0 -a "$ms" -lt 2000 ]
wait_for 8 tug exec box test -e /tmp/detached
check_eq "... and the process runs on" "$(tug exec box cat /tmp/detached)" late

tug exec nosuch true 2>"$T_DIR/err"
check "exec in an unknown container fails" [ $? -ne 0 ]
check_eq "... with one line" "$(wc -l <"$T_DIR/err")" 1
tug stop -t 1 box >/dev/null
tug exec box true 2>"$T_DIR/err"
check "exec in a stopped container fails" [ $? -ne 0 ]
check "... saying it is not running" grep -q "not running" "$T_DIR/err"
tug exec box 2>/dev/null
check_eq "exec without a command is refused" "$?" 125

exit 0
