# bench-console.sh - `make bench` figures for the console (issue 3),
# sourced by tests/bench.sh, which provides header/note/target, $W, $TUG.
#
#   CPU over BENCH_CONSOLE_SECS (60) s with 50 running containers and
#   1-second sampling, its RSS, the time from start to the first full
#   frame, and the time to redraw after a key on a 10,000-row table.
#
# The console runs in a private tmux server. It writes its own timings
# when TUG_BENCH_OUT names a file (first_frame_ms, full_frame_ms,
# key_redraw_us: from reading a key to the end of doupdate). The
# 10,000-row table is synthetic (TUG_BENCH_ROWS, bench mode only, shown
# as "BENCH: synthetic rows" in the header): no runtime holds that many.

. "$(dirname "${BASH_SOURCE[0]}")/console-lib.sh"

# median and max of the numbers on stdin
bc_stats() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) exit 1; m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "median=%.3f max=%.3f n=%d\n", m, v[NR], NR }'; }

# utime+stime of a pid, in clock ticks
bc_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }
# bc_cpu_pct TICKS0 TICKS1 SECS: percent of one core between two readings
bc_cpu_pct() { awk -v a="$1" -v b="$2" -v hz="$(getconf CLK_TCK)" -v s="$3" 'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }'; }
# VmRSS of a pid in MB (nothing when it is gone)
bc_rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }

bc_wait_file() {
	local f=$1 re=$2 secs=${3:-10} end=$((SECONDS + ${3:-10}))
	while [ $SECONDS -le $end ]; do
		grep -q "$re" "$f" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

bench_console() {
	local secs=${BENCH_CONSOLE_SECS:-60} n=${BENCH_CONSOLE_CONTAINERS:-50} rc=0
	local roots=(--root "$W/con-root" --runroot "$W/con-run")
	local tug=("$TUG" "${roots[@]}")
	header "console: $n running containers, 1 s sampling, ${secs} s; redraw on a 10,000-row table"
	if ! command -v tmux >/dev/null; then
		note "tmux is not installed: the console figures need it (apt-get install tmux)"
		return 1
	fi
	CON_DIR=$W/console
	mkdir -p "$CON_DIR"
	export XDG_CONFIG_HOME=$CON_DIR/config XDG_STATE_HOME=$CON_DIR/state

	# 1. redraw after a key on 10,000 rows (synthetic, needs no containers)
	local out=$CON_DIR/rows.txt
	con_start rows TUG_BENCH_ROWS=10000 "TUG_BENCH_OUT=$out" -- "${roots[@]}"
	if ! bc_wait_file "$out" full_frame_ms 10; then
		note "the console did not draw the 10,000-row table: $(con_screen rows | head -3 | tr -s ' ')"
		rc=1
	else
		for i in $(seq 100); do
			con_keys rows j
			sleep 0.02
		done
		for i in $(seq 20); do
			con_keys rows NPage
			sleep 0.02
		done
		con_keys rows G
		sleep 0.2
		con_keys rows q
		con_exit rows >/dev/null
		local st
		st=$(awk '$1 == "key_redraw_us" { print $2 / 1000 }' "$out" | bc_stats) || st=""
		if [ -n "$st" ]; then
			printf '   %-24s median %9.3f ms   max %9.3f ms   (%s keys: j, PgDn, G)\n' "redraw after a key" \
				"$(field median "$st")" "$(field max "$st")" "$(field n "$st")"
			target "redraw, median" "$(field median "$st")" 5 " ms"
			printf '   %-24s %s ms\n' "10,000 rows, 1st frame" "$(awk '$1 == "full_frame_ms" { print $2 }' "$out")"
		else
			note "no key timings were written"
			rc=1
		fi
	fi
	con_close rows

	# 2. an idle console over n running containers
	local tar
	tar=$(t_busybox_tar) || { note "cannot build the busybox rootfs: install busybox-static"; return 1; }
	if ! o=$("${tug[@]}" import "$tar" bench:latest 2>&1 >/dev/null); then
		note "containers: not measured: 'tug import' failed: ${o%%$'\n'*}"
		return 1
	fi
	local i started=0
	for i in $(seq "$n"); do
		"${tug[@]}" run -d --name "con-$i" bench:latest sh -c 'while :; do echo "line $(date +%s)"; sleep 5; done' \
			>/dev/null 2>&1 && started=$((started + 1))
	done
	if [ "$started" -lt "$n" ]; then
		note "containers: only $started of $n started: 'tug run -d' failed"
		rc=1
	fi
	out=$CON_DIR/idle.txt
	con_start idle "TUG_BENCH_OUT=$out" -- "${roots[@]}"
	if ! bc_wait_file "$out" full_frame_ms 10; then
		note "the console did not list the containers: $(con_screen idle | head -3 | tr -s ' ')"
		con_close idle
		return 1
	fi
	local pid ff ticks0 ticks1 hz cpu rss
	pid=$(con_pid idle)
	ff=$(awk '$1 == "full_frame_ms" { print $2 }' "$out")
	sleep 2 # let the first stats sample land
	hz=$(getconf CLK_TCK)
	ticks0=$(bc_ticks "$pid")
	sleep "$secs"
	ticks1=$(bc_ticks "$pid")
	rss=$(bc_rss_mb "$pid")
	if [ -z "$ticks0" ] || [ -z "$ticks1" ]; then
		note "the console exited during the measurement"
		rc=1
	else
		cpu=$(bc_cpu_pct "$ticks0" "$ticks1" "$secs")
		local rows
		rows=$(con_screen idle | grep -c ' con-[0-9]')
		printf '   %-24s %s%% of one core over %s s (%d containers listed on screen)\n' "console CPU" "$cpu" "$secs" "$rows"
		target "console CPU" "$cpu" 2 "%"
		target "console RSS" "$rss" 20 " MB"
		target "start to full frame" "$ff" 100 " ms"
		note "CPU from /proc/PID/stat utime+stime (tick resolution $((1000 / hz)) ms); RSS is VmRSS at the end"
	fi
	con_keys idle q
	con_exit idle >/dev/null
	con_kill_all
	for i in $(seq "$n"); do
		"${tug[@]}" rm -f "con-$i" >/dev/null 2>&1
	done
	return $rc
}
