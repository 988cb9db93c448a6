# bench-kube.sh - `make bench` figures for the Kubernetes driver (issue 4),
# sourced by tests/bench.sh, which provides header/note/target/fig, $W,
# $TUG, $BENCHTIME and BENCH_PIDS.
#
#   Against the API simulator (tests/kube-sim) serving BENCH_KUBE_PODS
#   (10,000) pods on 127.0.0.1: `tug kube get pods -A -o json` next to
#   `kubectl get pods -A -o json` and a bare curl of the same list (the
#   floor); the console's time from start to the whole pod list on screen,
#   its RSS with that list, and its CPU while the simulator changes 50
#   pods a second (watch events), over BENCH_KUBE_SECS (20) s.

bench_kube() {
	local pods=${BENCH_KUBE_PODS:-10000} runs=${BENCH_KUBE_RUNS:-5} secs=${BENCH_KUBE_SECS:-20} rc=0
	local sim=$W/kube-sim port admin tug_res kc_res curl_res
	header "kube: $pods pods in the API simulator: list -A -o json, console start, RSS, CPU at 50 changes/s"
	for need in python3 curl tmux; do
		command -v $need >/dev/null || { note "$need is not installed: the kube figures need it"; return 1; }
	done
	python3 "$(dirname "${BASH_SOURCE[0]}")/kube-sim/kube-sim.py" --dir "$sim" --pods "$pods" \
		>"$W/kube-sim.log" 2>&1 &
	BENCH_PIDS+=($!)
	local i
	for i in $(seq 600); do
		[ -s "$sim/port" ] && break
		sleep 0.1
	done
	if [ ! -s "$sim/port" ]; then
		note "the simulator did not start: $(tail -3 "$W/kube-sim.log")"
		return 1
	fi
	port=$(cat "$sim/port")
	admin=https://127.0.0.1:$port
	# for this function only: restored when it returns
	local KUBECONFIG=$sim/kubeconfig HTTPS_PROXY https_proxy HTTP_PROXY http_proxy CON_DIR=$W/kube-console
	local XDG_CONFIG_HOME=$W/kube-console/config XDG_STATE_HOME=$W/kube-console/state
	export KUBECONFIG XDG_CONFIG_HOME XDG_STATE_HOME
	unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy
	bench_kube_figures "$pods" "$runs" "$secs" "$admin" || rc=1
	con_kill_all
	return $rc
}

bench_kube_figures() {
	local pods=$1 runs=$2 secs=$3 admin=$4 tug_res kc_res curl_res
	local total
	total=$("$TUG" kube get pods -A -o name 2>/dev/null | wc -l)
	note "the simulator lists $total pods ($pods of them synthetic)"

	# 1. the list as JSON: tug, kubectl, and curl as the floor
	if tug_res=$("$BENCHTIME" -n "$runs" -w 1 -- "$TUG" kube get pods -A -o json); then
		fig "tug kube get -A -o json" "$tug_res"
	else
		note "tug kube get failed"
		return 1
	fi
	curl_res=$("$BENCHTIME" -n "$runs" -w 1 -- curl -sk -o /dev/null -H "Authorization: Bearer sim-admin-token" \
		"$admin/api/v1/pods") && fig "curl (one request)" "$curl_res"
	if command -v kubectl >/dev/null; then
		if kc_res=$("$BENCHTIME" -n "$(( runs < 3 ? runs : 3 ))" -w 1 -- kubectl get pods -A -o json); then
			fig "kubectl get -A -o json" "$kc_res"
			local ratio
			ratio=$(awk -v a="$(field median_ms "$tug_res")" -v b="$(field median_ms "$kc_res")" \
				'BEGIN { printf "%.3f", a / b }')
			printf '   %-24s %sx\n' "tug / kubectl" "$ratio"
			target "tug / kubectl" "$ratio" 0.2 "x"
		else
			note "kubectl get failed"
		fi
	else
		note "kubectl is not installed: the comparison is skipped"
	fi

	# 2. the console on every namespace: start to the whole list, RSS, CPU
	mkdir -p "$CON_DIR"
	local out=$CON_DIR/bench.txt pid ff ticks0 ticks1 cpu rss shown
	con_start kube "TUG_BENCH_OUT=$out" -- --root "$W/kube-root" --runroot "$W/kube-run" --context sim \
		--namespace all
	if ! bc_wait_file "$out" full_frame_ms 30; then
		note "the console did not list the pods: $(con_screen kube | head -3 | tr -s ' ')"
		con_close kube
		return 1
	fi
	pid=$(con_pid kube)
	ff=$(awk '$1 == "full_frame_ms" { print $2 }' "$out")
	sleep 1
	shown=$(con_screen kube | grep -Eo 'Pods \([0-9]+\)' | head -1)
	curl -sk -o /dev/null -X POST -H "Authorization: Bearer sim-admin-token" \
		-d '{"rate": 50, "mode": "modify"}' "$admin/_sim/churn"
	sleep 2
	ticks0=$(bc_ticks "$pid")
	sleep "$secs"
	ticks1=$(bc_ticks "$pid")
	rss=$(bc_rss_mb "$pid")
	curl -sk -o /dev/null -X POST -H "Authorization: Bearer sim-admin-token" -d '{"rate": 0}' "$admin/_sim/churn"
	if [ -z "$ticks0" ] || [ -z "$ticks1" ] || [ -z "$rss" ]; then
		note "the console exited during the measurement"
		con_close kube
		return 1
	fi
	cpu=$(bc_cpu_pct "$ticks0" "$ticks1" "$secs")
	printf '   %-24s %s ms (%s on screen)\n' "console: start to list" "$ff" "$shown"
	printf '   %-24s %s MB\n' "console RSS" "$rss"
	printf '   %-24s %s%% of one core over %s s\n' "console CPU, 50 chg/s" "$cpu" "$secs"
	target "start to the whole list" "$ff" 1000 " ms"
	target "console RSS" "$rss" 40 " MB"
	target "console CPU at 50 changes/s" "$cpu" 5 "%"
	note "changes are annotation bumps on random pods (MODIFIED watch events); CPU from /proc/PID/stat"
	con_keys kube q
	con_exit kube >/dev/null
}
