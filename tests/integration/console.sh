#!/usr/bin/env bash
# The console end to end: the real binary in a private tmux server over a
# test --root with real containers. Keys go in with send-keys, the screen
# comes back with capture-pane, and the runtime's state is checked with
# the CLI.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/console-lib.sh"
# screens hold UTF-8: grep and ${#var} must read them as such
export LC_ALL=C.UTF-8

if ! command -v tmux >/dev/null; then
	skip "console in tmux" "tmux is not installed (apt-get install tmux)"
	exit 0
fi
t_need_root || exit 0
have_runtime=1
t_setup || have_runtime=0
CON_DIR=$T_DIR
trap 'rc=$?; con_kill_all; (exit $rc); t_cleanup' EXIT
ARGS=(--root "$T_ROOT" --runroot "$T_RUNROOT")
export XDG_CONFIG_HOME=$T_DIR/config XDG_STATE_HOME=$T_DIR/state
mkdir -p "$XDG_CONFIG_HOME/tug"

# a container that prints a numbered line every 0.3 s with the epoch
t_start_epoch=$(date +%s)
if [ $have_runtime = 1 ]; then
	tug run -d --name web bb sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i at $(date +%s)"; echo "warn $i" >&2; sleep 0.3; done' >/dev/null ||
		{ not_ok "run -d web"; have_runtime=0; }
	tug run -d --name idle bb sleep 100000 >/dev/null || { not_ok "run -d idle"; have_runtime=0; }
	tug run -d --name burn --cpus 0.5 bb sh -c 'while :; do :; done' >/dev/null ||
		{ not_ok "run -d burn"; have_runtime=0; }
	# ignores SIGTERM: stopping it takes the whole timeout
	tug run -d --name stubborn bb sh -c 'trap "" TERM; while :; do sleep 0.2; done' >/dev/null ||
		{ not_ok "run -d stubborn"; have_runtime=0; }
fi
running() { tug ps 2>/dev/null | grep -qw "$1"; }
not_running() { ! running "$1"; }
exists() { tug ps -a 2>/dev/null | grep -qw "$1"; }
gone() { ! exists "$1"; }
screen_has() { con_screen "$1" | grep -Eq -- "$2"; }
screen_lacks() { ! screen_has "$@"; }
has_colour() { con_screen "$1" -e | grep -Pq '\e\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;|m)'; }
no_colour() { ! has_colour "$1"; }
has_reverse() { con_screen "$1" -e | grep -Pq '\e\[([0-9;]*;)?7(;|m)'; }
all_ascii() { ! con_screen "$1" | LC_ALL=C grep -Pq '[\x80-\xff]'; }
has_braille() { con_screen "$1" | LC_ALL=C.UTF-8 grep -qP '[\x{2801}-\x{28FF}]'; }
# the header changes within 1.5 s (the clock)
clock_ticks() { local a; a=$(con_screen "$1" | head -1); sleep 1.5; [ "$a" != "$(con_screen "$1" | head -1)" ]; }
# row N ("$" = last) of the screen matches
row_has() { con_screen "$1" | sed -n "$2p" | grep -Eq -- "$3"; }
row_fits() {
	local l LC_ALL=C.UTF-8 # ${#l} counts characters
	while IFS= read -r l; do
		[ "${#l}" -le "$2" ] || return 1
	done < <(con_screen "$1")
}
# the highest tick number on screen
last_tick() { con_screen main | grep -Eo 'tick [0-9]+ at' | awk '{ if ($2 > m) m = $2 } END { print m + 0 }'; }
# a newer tick than the one on screen shows within MS milliseconds
newer_within() {
	local before end
	before=$(last_tick)
	end=$(($(date +%s%N) / 1000000 + $1))
	while [ $(($(date +%s%N) / 1000000)) -le $end ]; do
		[ "$(last_tick)" -gt "$before" ] && return 0
		sleep 0.05
	done
	return 1
}
# a "tick N at EPOCH" line printed at or after EPOCH is on screen
log_after() { con_screen main | grep -Eo 'tick [0-9]+ at [0-9]+' | awk -v t="$1" '$4 >= t { f = 1 } END { exit !f }'; }

# select exactly one row with the filter, so keys act on a known row
select_row() {
	con_keys main Escape
	con_keys main / "^$1\$" Enter
	con_wait main "/\\^$1\\$/ 1 of" 5
}

con_start main -- "${ARGS[@]}"
check "the console draws its header and tabs" con_wait main "tug .*local" 5
check "tabs for every view" con_wait main "1 Containers .*2 Images .*3 Networks .*4 Volumes .*5 Pods" 2

if [ $have_runtime = 1 ]; then
	check "lists the running containers" con_wait main "web .*Up " 10
	check "idle and burn listed" con_wait main "idle .*Up " 2
	con_wait main "burn .*Up " 2

	# S stops it in the runtime, the row changes
	select_row idle
	con_keys main S
	check "S stops the container (CLI agrees)" wait_for 20 not_running idle
	check "the row shows it exited" con_wait main "idle .*Exited" 10
	# s starts it again
	con_keys main s
	check "s starts it again (CLI agrees)" wait_for 15 running idle
	check "the row shows it up" con_wait main "idle .*Up " 10
	# a slow stop never freezes the console: spinner, keys still work
	select_row stubborn
	con_keys main S
	check "a spinner turns on the row being stopped" con_wait main "^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] +stubborn" 3
	con_keys main '?'
	check "keys still work during the slow stop" con_wait main "Help: Containers keys" 2
	con_keys main Escape
	check "the clock keeps ticking" clock_ticks main
	check "the slow stop ends (CLI agrees)" wait_for 30 not_running stubborn
	check "its row shows it exited" con_wait main "stubborn .*Exited" 10

	# d asks first, y removes
	select_row idle
	con_keys main d
	check "d opens a confirmation dialog" con_wait main "Remove the container idle\\?" 5
	con_keys main y
	check "confirmed remove removes it (CLI agrees)" wait_for 20 gone idle
	check "the row is gone" con_wait_gone main "^. +idle " 10

	# the log pane follows the selection: a line printed now shows up
	select_row web
	check "log pane opens for the selection" con_wait main "Logs web" 5
	now=$(date +%s)
	check "a line printed after the console started shows in the log pane" wait_for 5 log_after "$now"
	check "new lines show within a second (the container prints every 0.3 s)" newer_within 1000
	# full-screen logs, search, timestamps
	con_keys main l
	check "l shows the log full-screen" con_wait main "Logs: web .*follow on" 5
	con_keys main / "warn" Enter
	check "search in the log stops following" con_wait main "follow off" 5
	con_keys main t
	check "timestamps toggle" con_wait main "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z (tick|warn)" 5
	con_keys main Escape

	# Enter: the full object, scrollable
	con_keys main Enter
	check "Enter inspects: the object as JSON" con_wait main '^ container [0-9a-f]{64}|"Config": \{' 5
	con_keys main Escape
	check "Esc leaves inspect" con_wait main "Logs web" 5

	# R: rename through a prompt
	con_keys main R
	check "R asks for the new name" con_wait main "New name for web:" 5
	con_keys main C-u "web2" Enter
	check "the container is renamed (CLI agrees)" wait_for 10 running web2
	select_row web2
	con_keys main R C-u "web" Enter
	check "and renamed back" wait_for 10 running web
	select_row web

	# e: a shell in the container on the real terminal, then back
	con_keys main e
	check "e suspends the console and runs a shell" con_wait main "/bin/sh in container web" 10
	con_keys main 'echo EXEC-$((6*7))' Enter
	check "the shell runs inside the container" con_wait main "^EXEC-42" 10
	con_keys main 'exit' Enter
	check "leaving the shell resumes the console" con_wait main "shell in web exited with 0" 10
	check "the console is whole again" con_wait main "1 Containers" 3

	# a CPU burner under --cpus 0.5: graph non-empty and CPU% near its limit
	select_row burn
	check "CPU graph label of the burner" con_wait main "CPU [0-9.]+% of 0.5 CPU" 10
	# the highest of a few samples: a loaded host may starve one second
	cpu=0
	for i in $(seq 12); do
		sleep 0.5
		c=$(con_screen main | grep -Eo "CPU [0-9.]+% of 0.5" | head -1 | grep -Eo "[0-9.]+%" | tr -d %)
		[ -n "$c" ] && awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a > b) }' && cpu=$c
	done
	check "CPU% near the 50% limit (best of 12 samples: $cpu)" awk -v c="$cpu" 'BEGIN { exit !(c > 35 && c < 65) }'
	check "the CPU graph has braille dots" has_braille main

	# / narrows the table
	con_keys main Escape / web Enter
	check "/ narrows the table" con_wait main "/web/ 1 of [0-9]+" 5
	check "only the matching row is left" screen_lacks main '^. +burn '
	con_keys main Escape
	check "Esc clears the filter" con_wait main "^. +burn " 5
else
	for n in "lists the running containers" "S stops" "s starts" "d + confirm removes" "log pane" \
		"CPU graph" "/ narrows"; do
		not_ok "$n: the runtime could not run the test containers"
	done
fi

# ? shows help
con_keys main '?'
check "? shows help" con_wait main "Help: Containers keys" 5
check "help lists the stop key" con_wait main "S +stop" 2
con_keys main Escape
check "Esc closes help" con_wait_gone main "Help: Containers keys" 5

# a mouse click on a tab switches view (SGR mouse report: press, release)
con_keys main -l $'\e[<0;18;2M\e[<0;18;2m'
check "a click on the Images tab switches view" con_wait main "^ Images \(" 5
con_keys main 1
check "1 goes back to containers" con_wait main "^ Containers \(" 5

# the local runtime's networks and volumes; views it does not have say so
con_keys main 3
check "the networks view lists the runtime's networks" con_wait main "^ Networks \(" 5
check "... host and none among them" con_wait main " none +[0-9a-f]{12} +null" 5
con_keys main 4
check "the volumes view opens" con_wait main "^ Volumes \(" 5
con_keys main : "pods" Enter
check ":pods switches view" con_wait main "pods: not supported by the local runtime" 5
con_keys main : "ima" Tab Enter
check ":ima<Tab> completes to images" con_wait main " Images \\(" 5
con_keys main 1

# endpoints: a context that cannot be reached is an error on the status
# line; :ctx local comes back to the runtime
con_keys main : "ctx no-such-context-here" Enter
check ":ctx to a missing context reports an error" con_wait main "no-such-context-here|kube|context" 10
con_keys main : "ctx local" Enter
check ":ctx local switches back" con_wait main "switched to local" 10
[ $have_runtime = 1 ] && check "containers listed again after the switch" con_wait main "web .*Up " 10

# resize to 80x24 and back
con_tm resize-window -t main -x 80 -y 24
sleep 0.5
scr=$(con_screen main)
check_eq "80x24: 24 rows" "$(printf '%s\n' "$scr" | wc -l | tr -d ' ')" 24
check "80x24: header on the first row" row_has main 1 'tug '
check "80x24: tabs on the second row, short names" row_has main 2 '1 Containers +2 img +3 net'
check "80x24: the status line is the last row" row_has main '$' 'help|switched to local'
check "80x24: the clock still fits" row_has main 1 '[0-9]{2}:[0-9]{2}:[0-9]{2} *$'
check "80x24: no row wider than 80 columns" row_fits main 80
[ $have_runtime = 1 ] && check "80x24: containers still listed" con_wait main "web" 3
con_tm resize-window -t main -x 120 -y 40
sleep 0.5
check_eq "back to 120x40: 40 rows" "$(con_screen main | wc -l | tr -d ' ')" 40
check "back to 120x40: clock at the right edge" row_has main 1 '[0-9]{2}:[0-9]{2}:[0-9]{2} *$'
con_tm resize-window -t main -x 30 -y 8
check "too small a terminal says so" con_wait main "terminal too small" 3
con_tm resize-window -t main -x 120 -y 40
check "and recovers" con_wait main "1 Containers" 3

# colours: present normally, absent with NO_COLOR
check "colour escapes by default" has_colour main
con_keys main q
check_eq "q quits with status 0" "$(con_exit main)" 0
check "the terminal is sane after q" con_sane main

con_start nocolor NO_COLOR=1 -- "${ARGS[@]}"
con_wait nocolor "1 Containers" 5
sleep 1
check "NO_COLOR=1 emits no colour escapes" no_colour nocolor
check "NO_COLOR=1 still draws attributes (reverse video header)" has_reverse nocolor
con_keys nocolor C-c
check_eq "Ctrl-C quits cleanly" "$(con_exit nocolor)" 0
check "the terminal is sane after Ctrl-C" con_sane nocolor

# a non-UTF-8 locale: ASCII only, ASCII graphs
con_start ascii LANG=C LC_ALL=C -- "${ARGS[@]}"
con_wait ascii "1 Containers" 5
if [ $have_runtime = 1 ]; then
	con_keys ascii / "^burn\$" Enter
	check "ASCII locale: CPU graph drawn with ASCII" con_wait ascii "CPU [0-9.]+%" 10
	sleep 2
	check "ASCII locale: graph cells are '#' or '.'" screen_has ascii '[#.]{3,}'
fi
check "ASCII locale: no byte above 0x7f on screen" all_ascii ascii
pid=$(con_pid ascii)
kill -TERM "$pid" 2>/dev/null
check_eq "SIGTERM quits cleanly" "$(con_exit ascii)" 0
check "the terminal is sane after SIGTERM" con_sane ascii

# a crash still gives the terminal back
con_start crash -- "${ARGS[@]}"
con_wait crash "1 Containers" 5
kill -SEGV "$(con_pid crash)"
check_eq "SIGSEGV: the console dies of it (139)" "$(con_exit crash)" 139
check "SIGSEGV: the terminal is sane" con_sane crash
check "SIGSEGV: it says it crashed" con_wait crash "the console crashed; the terminal was restored" 3

# --readonly refuses destructive keys
con_start ro -- --readonly "${ARGS[@]}"
check "read-only mode is shown" con_wait ro "READ-ONLY" 5
if [ $have_runtime = 1 ]; then
	con_keys ro / "^web\$" Enter
	con_wait ro "/\\^web\\$/ 1 of" 5
	con_keys ro d
	check "--readonly refuses d" con_wait ro "read-only: remove refused" 5
	check "no dialog opened" screen_lacks ro 'Remove the container'
	check "the container is still there" running web
	con_keys ro S
	check "--readonly refuses S" con_wait ro "read-only: stop refused" 5
	check "web still runs" running web
else
	con_keys ro d
	check "--readonly refuses d" con_wait ro "read-only: remove refused|nothing selected|no containers" 5
fi
con_keys ro q
con_exit ro >/dev/null

# every theme loads (no "using the default theme" complaint), and a
# broken one is reported with its file and line
for f in "$T_SRC"/themes/*.yaml; do
	th=$(basename "$f" .yaml)
	con_start "th-$th" -- --theme "$th" "${ARGS[@]}"
	con_wait "th-$th" "1 Containers" 5
	sleep 0.3
	check "theme $th loads" screen_lacks "th-$th" 'default theme'
	con_keys "th-$th" q
	con_exit "th-$th" >/dev/null
done
printf 'name: broken\nroles:\n  normal: { fg: red }\n  hedaer: { fg: blue }\n' >"$T_DIR/broken.yaml"
con_start broken -- --theme "$T_DIR/broken.yaml" "${ARGS[@]}"
check "a broken theme is reported with file:line" con_wait broken "broken.yaml:4: unknown role 'hedaer'; using the default theme" 5
con_keys broken : "theme light" Enter
check ":theme switches theme" con_wait broken "theme light" 5
con_keys broken q
con_exit broken >/dev/null

# a bad config value is reported with its line; remaps apply
printf 'theme: dark\nrefresh: 1s\nbogus: 3\n' >"$XDG_CONFIG_HOME/tug/config.yaml"
con_start cfg -- "${ARGS[@]}"
check "an unknown config key is reported with its line" con_wait cfg "config.yaml:3: unknown setting 'bogus'" 5
con_keys cfg q
con_exit cfg >/dev/null
printf 'keys:\n  help: h\n  left: left\n  quit: x\n' >"$XDG_CONFIG_HOME/tug/config.yaml"
con_start remap -- "${ARGS[@]}"
con_wait remap "1 Containers" 5
con_keys remap h
check "a remapped key works (h opens help)" con_wait remap "Help: Containers keys" 5
check "help shows the remapped quit key" con_wait remap "x +quit the console" 2
con_keys remap Escape x
check_eq "remapped quit" "$(con_exit remap)" 0
rm -f "$XDG_CONFIG_HOME/tug/config.yaml"

# other terminal types
for term in xterm screen; do
	CON_TERM=$term con_start "term-$term" -- "${ARGS[@]}"
	check "TERM=$term draws the console" con_wait "term-$term" "1 Containers" 5
	con_keys "term-$term" q
	check_eq "TERM=$term quits cleanly" "$(con_exit "term-$term")" 0
done

# the console refuses to run without a terminal rather than garbling
out=$("$TUG" "${ARGS[@]}" </dev/null 2>&1 >/dev/null)
check "no terminal: a clear error ($out)" grep -q 'needs a terminal' <<<"$out"

exit 0
