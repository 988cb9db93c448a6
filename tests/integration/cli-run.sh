#!/usr/bin/env bash
# tug run / create / start -a through the real binary: exit codes
# (including docker's 125/126/127), -d, --rm, -i, -t, -it on a terminal,
# the flags that shape the process, and the signal proxy.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1
# the interpreter itself: a version-manager shim costs a second per start
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)

ins() { tug inspect -f "$2" "$1" 2>/dev/null; }

# ---- exit codes ----
tug run --rm bb sh -c 'exit 42'
check_eq "the container's exit code passes through" "$?" 42

tug run --rm bb true
check_eq "a command that succeeds exits 0" "$?" 0

tug run --rm bb /etc/passwd 2>"$T_DIR/err"
check_eq "a command that cannot run exits 126" "$?" 126
check_eq "... with one error line" "$(wc -l <"$T_DIR/err")" 1

tug run --rm bb nosuchcmd 2>"$T_DIR/err"
check_eq "a command not found exits 127" "$?" 127
check "... and the error names it" grep -q nosuchcmd "$T_DIR/err"

tug run --rm nosuchimage true 2>"$T_DIR/err"
check_eq "an unknown image exits 125" "$?" 125
check "... and the error names it" grep -q nosuchimage "$T_DIR/err"

tug run --memory lots bb true 2>/dev/null
check_eq "a runtime/flag failure exits 125" "$?" 125

# ---- -d, and a container outliving the CLI ----
id=$(tug run -d --name det bb sleep 300)
check "-d prints the full id" grep -Eqx '[0-9a-f]{64}' <<<"$id"
sleep 0.5
check_eq "a detached container keeps running after the CLI exits" "$(ins det '{{.State.Running}}')" true
pid=$(ins det '{{.State.Pid}}')
check "... its process is alive on the host" kill -0 "$pid"
check_eq "inspect by the full id from -d" "$(ins "$id" '{{.Name}}')" /det
check_eq "inspect by a short id prefix" "$(ins "${id:0:12}" '{{.Id}}')" "$id"
tug rm -f det >/dev/null

# ---- --rm ----
tug run --rm --name gone bb true
check "--rm removes the container once it exits" bash -c "! '$TUG' inspect gone >/dev/null 2>&1"
id=$(tug run -d --rm --name gone2 bb true)
wait_for 5 bash -c "! '$TUG' inspect gone2 >/dev/null 2>&1"
check "--rm with -d removes it too" bash -c "! '$TUG' inspect gone2 >/dev/null 2>&1"

# ---- flags that shape the process ----
out=$(B=from-host tug run --rm -e A=1 -e B -e UNSET_XYZ bb sh -c 'echo "$A-$B-${UNSET_XYZ-unset}"')
check_eq "-e KEY=VALUE and -e KEY (from the caller)" "$out" "1-from-host-unset"
printf '# comment\nC=3\nD=four words\n' >"$T_DIR/env"
out=$(tug run --rm --env-file "$T_DIR/env" -e C=override bb sh -c 'echo "$C/$D"')
check_eq "--env-file, then -e overrides it" "$out" "override/four words"
check_eq "-w sets the working directory" "$(tug run --rm -w /tmp bb pwd)" /tmp
check_eq "-u uid:gid" "$(tug run --rm -u 65534:65534 bb sh -c 'echo $(id -u):$(id -g)')" 65534:65534
check_eq "-u name from the image's passwd" "$(tug run --rm -u nobody bb id -u)" 65534
check_eq "-h sets the hostname" "$(tug run --rm -h box1 bb hostname)" box1
check_eq "--hostname sets the hostname" "$(tug run --rm --hostname box2 bb cat /etc/hostname)" box2
check_eq "--entrypoint replaces the command's program" "$(tug run --rm --entrypoint echo bb hi there)" "hi there"
check_eq "--entrypoint \"\" runs the command as given" "$(tug run --rm --entrypoint '' bb echo plain)" plain

tug create --name lab -l app=web -l tier --restart on-failure:3 --memory 64m --cpus 0.5 \
	--pids-limit 50 --stop-signal SIGUSR1 -p 8080:80 bb sleep 1 >/dev/null
check_eq "labels are recorded" "$(ins lab '{{index .Config.Labels "app"}}/{{index .Config.Labels "tier"}}')" "web/"
check_eq "restart policy is recorded" "$(ins lab '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}')" "on-failure:3"
check_eq "limits are recorded" "$(ins lab '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}')" "67108864 500000000 50"
check_eq "stop signal is recorded" "$(ins lab '{{.Config.StopSignal}}')" SIGUSR1
check_eq "create leaves it created" "$(ins lab '{{.State.Status}}')" created
tug rm lab >/dev/null

# ---- stdin and terminals ----
check_eq "-i passes stdin" "$(echo hello | tug run --rm -i bb cat)" hello
check_eq "without -i stdin is not attached" "$(echo hello | tug run --rm bb cat)" ""
out=$(tug run --rm -t bb sh -c 'test -t 0 && test -t 1 && echo tty' | tr -d '\r')
check_eq "-t gives the container a terminal" "$out" tty
tug run --rm -it bb true </dev/null 2>"$T_DIR/err"
check_eq "-it without a terminal is refused (125)" "$?" 125
check "... saying why" grep -q "not a TTY" "$T_DIR/err"
check_eq "... and creates nothing" "$(tug ps -a -q | wc -l)" 0

# -it on a real terminal: raw mode while attached, restored after
if [ -n "$PY" ]; then
	"$PY" - "$TUG" >"$T_DIR/pty.out" 2>&1 <<'EOF'
import os, select, subprocess, sys, termios, time
tug = sys.argv[1]
master, slave = os.openpty()
before = termios.tcgetattr(slave)
p = subprocess.Popen([tug, "run", "--rm", "-it", "bb", "sh"], stdin=slave, stdout=slave,
                     stderr=slave, start_new_session=True)
out = b""
def read_until(pat, secs):
    global out
    end = time.time() + secs
    while time.time() < end and pat not in out:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                out += os.read(master, 4096)
            except OSError:
                break
    return pat in out
time.sleep(0.5)
raw = not (termios.tcgetattr(slave)[3] & termios.ICANON)
os.write(master, b"echo $((6*7))\r")
got = read_until(b"42", 10)
os.write(master, b"exit 5\r")
try:
    rc = p.wait(10)
except subprocess.TimeoutExpired:
    p.kill(); rc = -1
after = termios.tcgetattr(slave)
print("raw", int(raw))
print("answer", int(got))
print("rc", rc)
print("restored", int(before == after))
EOF
	check "-it: the terminal is raw while attached" grep -qx "raw 1" "$T_DIR/pty.out"
	check "-it: typed input reaches the shell" grep -qx "answer 1" "$T_DIR/pty.out"
	check "-it: the exit code passes through" grep -qx "rc 5" "$T_DIR/pty.out"
	check "-it: the terminal is restored afterwards" grep -qx "restored 1" "$T_DIR/pty.out"
else
	for n in raw input exit restored; do skip "-it $n" "python3 missing"; done
fi

# ---- create, then start -a ----
tug create --name later bb sh -c 'echo started-later; exit 3' >/dev/null
out=$(tug start -a later)
check_eq "start -a exits with the container's code" "$?" 3
check_eq "start -a shows the output" "$out" started-later

# ---- signal proxy: signals to `tug run` reach the container ----
# proxy SIG: run a container trapping SIG, send SIG to the CLI, report the
# CLI's exit status (or "hung" when nothing came back within 10 s); the CLI
# itself runs in the background, not a shell function around it
proxy() {
	local sig=$1 out=$T_DIR/proxy-$1.out cli rc
	"$TUG" run --name "proxied-$sig" bb sh -c "trap 'echo got-$sig; exit 7' $sig; echo ready; while :; do sleep 0.1; done" \
		>"$out" 2>&1 &
	cli=$!
	wait_for 10 grep -q ready "$out"
	kill "-$sig" "$cli"
	if wait_for 10 bash -c "! kill -0 $cli 2>/dev/null"; then
		wait "$cli"
		rc=$?
	else
		kill -9 "$cli" 2>/dev/null
		wait "$cli" 2>/dev/null
		rc=hung
	fi
	tug rm -f "proxied-$sig" >/dev/null 2>&1
	echo "$rc"
}
check_eq "SIGUSR1 to the CLI is forwarded; the container's exit code comes back" "$(proxy USR1)" 7
check "... and the container saw it" grep -q got-USR1 "$T_DIR/proxy-USR1.out"
check_eq "SIGTERM to the CLI is forwarded the same way" "$(proxy TERM)" 7
check "... and the container saw it" grep -q got-TERM "$T_DIR/proxy-TERM.out"

exit 0
