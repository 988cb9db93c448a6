#!/usr/bin/env bash
# The console over a Kubernetes endpoint: the API simulator (tests/kube-sim)
# on 127.0.0.1, the real console in tmux. The same views and widgets as
# for the built-in runtime, fed by another driver. No root needed.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/console-lib.sh"
export LC_ALL=C.UTF-8

for need in tmux python3; do
	if ! command -v $need >/dev/null; then
		skip "console over a kube endpoint" "$need is not installed"
		exit 0
	fi
done
D=$(mktemp -d /tmp/tug-ckube.XXXXXX)
CON_DIR=$D
SIM=
cleanup() {
	local rc=$?
	con_kill_all
	[ -n "$SIM" ] && kill "$SIM" 2>/dev/null && wait "$SIM" 2>/dev/null
	rm -rf "$D"
	[ "$T_FAILS" -gt 0 ] && rc=1
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 "$T_SRC/tests/kube-sim/kube-sim.py" --dir "$D/sim" --ready-delay 0.3 --terminate-delay 0.3 \
	--log-interval 0.2 >"$D/sim.log" 2>&1 &
SIM=$!
if ! wait_for 30 test -s "$D/sim/port"; then
	not_ok "the simulator starts"
	cat "$D/sim.log"
	exit 1
fi
export KUBECONFIG=$D/sim/kubeconfig XDG_CONFIG_HOME=$D/config XDG_STATE_HOME=$D/state
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy
# the local runtime is never touched, but give it a private root anyway
ARGS=(--root "$D/root" --runroot "$D/run")
replicas() { "$TUG" kube get deploy "$1" 2>/dev/null | awk 'NR == 2 { split($2, r, "/"); print r[2] }'; }
pod_gone() { ! "$TUG" kube get pods 2>/dev/null | grep -q "^$1 "; }
select_row() {
	con_keys main Escape / "^$1\$" Enter
	con_wait main "/\\^$1\\$/ 1 of" 5
}

# polling every minute: only the live list (watch) can show a change soon
mkdir -p "$XDG_CONFIG_HOME/tug"
printf 'refresh: 60s\n' >"$XDG_CONFIG_HOME/tug/config.yaml"
con_start main -- "${ARGS[@]}" --context sim
check "a cluster endpoint opens on the pods view" con_wait main "^ Pods \\([0-9]+\\)" 10
check "the header names the context" con_wait main "tug +sim \\(kube\\)" 2
check "pods are listed with ready and status" con_wait main "db-0 +1/1 +Running" 5
check "a crash-looping pod shows its restarts" con_wait main "crashy +0/1 +CrashLoop" 5
select_row db-0
check "the log pane follows the selected pod" con_wait main "Logs db-0" 5
check "its lines arrive" con_wait main "seq=[0-9]+" 10

con_keys main 6
check "deployments are listed" con_wait main "web +[0-9]+/3 +nginx" 10
select_row web
con_keys main +
check "+ scales the deployment up (kubectl-style get agrees)" wait_for 10 test "$(replicas web)" = 4
con_keys main -
check "- scales it back" wait_for 10 test "$(replicas web)" = 3
"$TUG" kube scale deploy/web --replicas 5 >/dev/null 2>&1 || "$TUG" kube scale deploy web --replicas 5 >/dev/null 2>&1
check "a change made elsewhere shows within seconds (the list is live)" con_wait main "web +[0-9]+/5 " 5
"$TUG" kube scale deploy/web --replicas 3 >/dev/null 2>&1 || "$TUG" kube scale deploy web --replicas 3 >/dev/null 2>&1
check "and back" con_wait main "web +[0-9]+/3 " 5
con_keys main 7
check "statefulsets are listed" con_wait main "db +[0-9]/2" 10
con_keys main 1
check "containers are not cluster objects: the driver says so" con_wait main "containers are not cluster objects" 5

con_keys main 5
select_row batch-once
con_keys main d
check "d on a pod asks first" con_wait main "Remove the pod batch-once\\?" 5
con_keys main y
check "the pod is deleted (CLI agrees)" wait_for 15 pod_gone batch-once
check "and its row goes at once" con_wait_gone main " batch-once " 5
con_keys main Escape Enter
check "Enter inspects a pod" con_wait main "\"kind\": \"Pod\"|\"metadata\": \\{" 5
con_keys main Escape q
check_eq "q quits cleanly" "$(con_exit main)" 0
check "the terminal is sane" con_sane main
exit 0
