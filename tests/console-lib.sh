# console-lib.sh - drive the real console in a private tmux server
# (sourced by tests/integration/console.sh, tests/screenshots.sh and
# tests/bench-console.sh). Needs $TUG and a directory $CON_DIR for the
# socket and per-session files.
#
#   con_start NAME [ENV=VAL...] -- [tug args...]   start tug in a 120x40 pane
#   con_keys NAME KEYS...                          tmux send-keys
#   con_screen NAME [-e]                           the pane's text (-e: with escapes)
#   con_wait NAME REGEX [SECS]                     wait until the screen matches
#   con_exit NAME                                  exit code once tug has exited
#   con_kill_all                                   stop the private tmux server

con_tm() { tmux -S "$CON_DIR/tmux.sock" -f /dev/null "$@"; }

con_start() {
	local name=$1; shift
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	local w=${CON_W:-120} h=${CON_H:-40} script="$CON_DIR/$name.sh"
	rm -f "$CON_DIR/$name.exit" "$CON_DIR/$name.stty" "$CON_DIR/$name.pid"
	# the pane runs tug in the foreground, then records its exit code and
	# the terminal's modes (to check it came back sane)
	{
		echo '#!/bin/sh'
		printf 'cd %q || exit 1\n' "$CON_DIR"
		printf 'trap : INT\n'
		printf 'echo $$ > %q\n' "$CON_DIR/$name.pid"
		printf 'env TERM=%q' "${CON_TERM:-xterm-256color}"
		for e in "${envs[@]}"; do printf ' %q' "$e"; done
		printf ' %q' "$TUG" "$@"
		printf '\n'
		printf 'echo $? > %q\n' "$CON_DIR/$name.exit.tmp"
		printf 'stty -a > %q 2>&1\n' "$CON_DIR/$name.stty"
		printf 'mv %q %q\n' "$CON_DIR/$name.exit.tmp" "$CON_DIR/$name.exit"
		printf 'exec sleep 3600\n'
	} >"$script"
	chmod +x "$script"
	LANG=C.UTF-8 con_tm -u new-session -d -s "$name" -x "$w" -y "$h" "$script"
	con_tm set-option -t "$name" status off >/dev/null 2>&1
}

# pid of tug itself (the child of the session's script)
con_pid() { ps -o pid= --ppid "$(cat "$CON_DIR/$1.pid" 2>/dev/null)" 2>/dev/null | head -1 | tr -d ' '; }

con_keys() { local name=$1; shift; con_tm send-keys -t "$name" "$@"; }

con_screen() {
	local name=$1; shift
	con_tm capture-pane -t "$name" -p "$@"
}

con_wait() {
	local name=$1 re=$2 secs=${3:-10}
	local end=$((SECONDS + secs))
	while [ $SECONDS -le $end ]; do
		con_screen "$name" | grep -Eq -- "$re" && return 0
		sleep 0.1
	done
	return 1
}

# wait until the screen no longer matches
con_wait_gone() {
	local name=$1 re=$2 secs=${3:-10}
	local end=$((SECONDS + secs))
	while [ $SECONDS -le $end ]; do
		con_screen "$name" | grep -Eq -- "$re" || return 0
		sleep 0.1
	done
	return 1
}

# exit code of tug in session NAME, waiting up to SECS for it to end
con_exit() {
	local name=$1 secs=${2:-10}
	local end=$((SECONDS + secs))
	while [ $SECONDS -le $end ]; do
		[ -s "$CON_DIR/$name.exit" ] && { cat "$CON_DIR/$name.exit"; return 0; }
		sleep 0.1
	done
	echo timeout
	return 1
}

# the terminal of session NAME is sane after tug left: echo, icanon
con_sane() {
	local f="$CON_DIR/$1.stty"
	[ -s "$f" ] && grep -Eq '(^| )echo( |$)' "$f" && grep -Eq '(^| )icanon( |$)' "$f" &&
		! grep -Eq '(^| )-echo( |$)' "$f"
}

con_close() { con_tm kill-session -t "$1" >/dev/null 2>&1; }
con_kill_all() { con_tm kill-server >/dev/null 2>&1; }
