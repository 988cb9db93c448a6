#!/usr/bin/env bash
# The console over a Kubernetes endpoint: the API simulator (tests/kube-sim)
# on 127.0.0.1, the real console in tmux. The same views and widgets as
# for the built-in runtime, fed by another driver. No root needed.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/console-lib.sh"
export LC_ALL=C.UTF-8

for need in tmux python3 curl; do
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
ADMIN="https://127.0.0.1:$(cat "$D/sim/port")/_sim"
sim() { curl -sk -X "$1" "$ADMIN/$2" ${3:+-d "$3"}; }
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
# The detail pane's metrics figures as `tug kube top` prints them. The
# simulator's usage changes every second, the same for every reader
# within it: a sample of the same second must agree to the digit.
pane_figs() { # -> "287m 233Mi" (pods) / "509m 6% 1346Mi 4%" (nodes)
	local s cpu mem
	s=$(con_screen main | tail -n +3) # below the header's host figures
	cpu=$(grep -oE 'CPU [0-9]+m( / [0-9]+m? \([0-9]+%\))?' <<<"$s" | head -1)
	mem=$(grep -oE 'MEM [0-9]+Mi( / [0-9]+[MG]i \([0-9]+%\))?' <<<"$s" | head -1)
	[ -n "$cpu" ] && [ -n "$mem" ] || return 1
	if [[ $cpu == *"("* ]]; then
		sed -E 's/CPU ([0-9]+m) \/ [^ ]+ \(([0-9]+%)\) MEM ([0-9]+Mi) \/ [^ ]+ \(([0-9]+%)\)/\1 \2 \3 \4/' <<<"$cpu $mem"
	else
		echo "${cpu#CPU } ${mem#MEM }"
	fi
}
# The pane shows the sample of the last stats tick, up to a second old:
# it must equal one of the figures `tug kube top` printed in the last
# few seconds (each call below adds one).
TOP_SEEN=()
pane_matches_top() { # KIND NAME
	local got want w
	if [ "$1" = nodes ]; then
		want=$("$TUG" kube top nodes 2>/dev/null | awk -v n="$2" '$1 == n { print $2, $3, $4, $5 }')
	else
		want=$("$TUG" kube top pods 2>/dev/null | awk -v n="$2" '$1 == n { print $2, $3 }')
	fi
	[ -n "$want" ] && TOP_SEEN=("${TOP_SEEN[@]: -3}" "$want")
	got=$(pane_figs) || return 1
	last_figs="pane '$got', top '${TOP_SEEN[*]}'"
	for w in "${TOP_SEEN[@]}"; do
		[ "$got" = "$w" ] && last_figs= && return 0
	done
	sleep 0.3
	return 1
}
status_quiet() { ! con_screen main | tail -1 | grep -q metrics; }
no_io_graphs() { ! con_screen main | grep -Eq 'NET |BLK |PIDS '; }
# a raw API call as the simulator's admin (creating what tug cannot)
api() { curl -sk -o /dev/null -H "Authorization: Bearer sim-admin-token" -H 'Content-Type: application/json' \
	-X "$1" "https://127.0.0.1:$(cat "$D/sim/port")$2" ${3:+-d "$3"}; }
node_cordoned() { "$TUG" kube get nodes 2>/dev/null | grep -Eq "^$1 +Ready,SchedulingDisabled "; }
# a : command typed and run
cmd() { con_keys main :; con_keys main -l "$1"; con_keys main Enter; }
both_namespaces() { local s; s=$(con_screen main); grep -Eq "kube-system +coredns" <<<"$s" && grep -Eq "default +db-0" <<<"$s"; }
# the kubernetes service's type, cluster IP and ports on screen are kubectl's
svc_as_kubectl() {
	local want
	want=$(kubectl get svc kubernetes --no-headers 2>/dev/null | awk '{print $2, $3, $5}')
	[ -n "$want" ] || want="ClusterIP 10.96.0.1 443/TCP"
	con_screen main | grep -E " kubernetes " | awk '{print $3, $4, $6}' | grep -qx "$want"
}
node_schedulable() { "$TUG" kube get nodes 2>/dev/null | grep -Eq "^$1 +Ready +"; }

# polling every minute: only the live list (watch) can show a change soon
mkdir -p "$XDG_CONFIG_HOME/tug"
printf 'refresh: 60s\n' >"$XDG_CONFIG_HOME/tug/config.yaml"
con_start main -- "${ARGS[@]}" --context sim
check "a cluster endpoint opens on the pods view" con_wait main "^ Pods \\([0-9]+\\)" 10
check "the header names the context" con_wait main "tug +sim +ns default +\\(kube\\)" 2
check "pods are listed with ready and status" con_wait main "db-0 +1/1 +Running" 5
check "a crash-looping pod shows its restarts" con_wait main "crashy +0/1 +CrashLoop" 5
select_row db-0
check "the log pane follows the selected pod" con_wait main "Logs db-0" 5
check "its lines arrive" con_wait main "seq=[0-9]+" 10

# metrics: the selected pod's CPU and memory graphs, as kubectl top counts
check "the pod's pane graphs CPU in millicores" con_wait main "CPU [0-9]+m \\([0-9.]+% of a core\\)" 10
check "and memory in MiB" con_wait main "MEM [0-9]+Mi" 5
check "as graphs, not just figures" con_wait main "⣿" 5
last_figs= TOP_SEEN=()
check "the figures are the ones tug kube top prints for the pod" wait_for 20 pane_matches_top pods db-0
[ -n "$last_figs" ] && diag "last mismatch: $last_figs"
check "no network, block or process graphs for a pod" no_io_graphs
api POST /api/v1/namespaces/default/pods '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"limited"},
 "spec":{"containers":[{"name":"app","image":"busybox:1.36","resources":{"limits":{"cpu":"500m","memory":"128Mi"}}}]}}'
select_row limited
check "a pod's CPU limit shows with its share" con_wait main "CPU [0-9]+m / 500m \\([0-9]+%\\)" 10
check "and its memory limit" con_wait main "MEM [0-9]+Mi / 128Mi \\([0-9]+%\\)" 5
"$TUG" kube delete pod limited >/dev/null 2>&1
select_row pending
check "a pod that does not run has no figures" con_wait main "not running: no live figures" 5
select_row db-0
con_wait main "CPU [0-9]+m" 10
sim POST metrics '{"enabled":false}' >/dev/null
check "without the metrics API the pane says metrics not available" con_wait main "metrics not available" 10
check "and why" con_wait main "no metrics API" 2
check "its graphs are gone" con_wait_gone main "CPU [0-9]+m" 2
sleep 2
check "the status line is not spammed with it" status_quiet
sim POST metrics '{"enabled":true}' >/dev/null
check "metrics back: the graphs return" con_wait main "CPU [0-9]+m \\(" 10
check "and the message goes" con_wait_gone main "metrics not available" 5

# the log pane's options: a pod's container, its previous instance, since
apipod=$("$TUG" kube get pods -l app=api -o name 2>/dev/null | head -1 | cut -d/ -f2)
select_row "$apipod"
con_wait main "Logs $apipod" 5
con_keys main C
check "C offers the pod's containers" con_wait main "Container of default/$apipod" 5
check "both of them" con_wait main "log-shipper" 2
con_keys main j Enter
check "the pane follows the container picked" con_wait main "Logs $apipod \\[log-shipper\\]" 5
check "its lines arrive" con_wait main "container=log-shipper" 10
select_row crashy
check "another pod: back to its default container" con_wait main "Logs crashy( |$)" 5
con_keys main P
check "P shows the previous instance's log" con_wait main "Logs crashy previous instance" 5
check "with its lines" con_wait main "container=worker|crashy|exit" 10
con_keys main P
check "P again: the current instance" con_wait main "Logs crashy( \\(|$)" 5
# a running pod that restarted before: its previous instance's log has
# ended for good, and the pane keeps it instead of fetching it again on
# every fresh list of the pods (it is running): the simulator expires
# the watch twice meanwhile, and the console lists them again
kubectl run flappy --image=busybox:1.36 --restart=Always --annotations=kube-sim/restarts=2 \
	-- sleep 3600 >/dev/null 2>&1
check "a pod with restarts behind it runs" wait_for 10 \
	sh -c '"$0" kube get pods flappy 2>/dev/null | grep -q "Running"' "$TUG"
select_row flappy
con_wait main "Logs flappy" 5
con_keys main P
check "P on a running pod shows its previous instance" con_wait main "Logs flappy previous instance" 5
check "whose log has ended" con_wait main "panic:" 10
logreqs() {
	sim GET stats | python3 -c 'import json, sys
print(sum(v for k, v in json.load(sys.stdin)["requests"].items() if k.endswith("pods/log")))'
}
sim DELETE stats >/dev/null
for i in 1 2; do
	sim POST expire '{}' >/dev/null
	sleep 1.5
done
n=$(logreqs)
relists=$(sim GET stats | python3 -c 'import json, sys
print(json.load(sys.stdin)["requests"].get("list pods", 0))')
check "the console listed the pods again ($relists times)" test "$relists" -ge 1
check "the ended log is not fetched again ($n requests)" test "$n" -le 1
check "and the pane still shows it" con_wait main "Logs flappy previous instance" 1
con_keys main P
kubectl delete pod flappy --wait=false >/dev/null 2>&1
select_row crashy
cmd "since 1h"
check ":since limits the pane" con_wait main "Logs crashy since 1h" 5
cmd "since"
check ":since alone lifts it" con_wait_gone main "since 1h" 5

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
con_keys main =
check "= asks for the exact number of replicas" con_wait main "Replicas for web \\(now 3\\)" 5
con_keys main BSpace 6 Enter
check "and scales to it (kubectl-style get agrees)" wait_for 10 test "$(replicas web)" = 6
con_keys main =
con_wait main "Replicas for web \\(now 6\\)" 5
con_keys main BSpace x Enter
check "a number it must be" con_wait main "'x' is not a number of replicas" 5
check "and nothing changes" test "$(replicas web)" = 6
con_keys main =
con_wait main "Replicas for web" 5
con_keys main BSpace 3 Enter
check "back to 3" wait_for 10 test "$(replicas web)" = 3
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
check "Enter inspects a pod, as YAML like kubectl -o yaml" con_wait main "^ *kind: Pod *$" 5
check "its metadata block" con_wait main "^ *metadata: *$" 2

# nodes: a view of their own, the selected one's CPU and memory graphed
# against its allocatable, as kubectl top nodes counts them
con_keys main Escape 9
check "9 lists the nodes" con_wait main "^ Nodes \\(4\\)" 10
check "with status, roles and version" con_wait main "sim-control-plane +Ready +control-plane +v1\\." 5
select_row sim-worker-1
check "the node's pane graphs CPU of its allocatable cores" con_wait main "CPU [0-9]+m / 8 \\([0-9]+%\\)" 10
check "and memory of its allocatable memory" con_wait main "MEM [0-9]+Mi / [0-9]+[MG]i \\([0-9]+%\\)" 5
last_figs= TOP_SEEN=()
check "the figures are the ones tug kube top nodes prints" wait_for 20 pane_matches_top nodes sim-worker-1
[ -n "$last_figs" ] && diag "last mismatch: $last_figs"
sim POST metrics '{"enabled":false}' >/dev/null
check "a node without the metrics API: metrics not available" con_wait main "metrics not available" 10
sim POST metrics '{"enabled":true}' >/dev/null
check "and back" con_wait main "CPU [0-9]+m / 8 " 10
con_keys main c
check "c cordons the node (the CLI agrees)" wait_for 10 node_cordoned sim-worker-1
check "its row says so" con_wait main "sim-worker-1 +Ready,SchedulingDisabled" 5
con_keys main c
check "c again uncordons it" wait_for 10 node_schedulable sim-worker-1

# namespaces: the header names the one shown; :ns NAME, :ns all, and u in
# the namespaces view pick another; every view then lists it
con_keys main Escape 5
check "the header names the context's namespace" con_wait main "tug +sim +ns default " 5
cmd "ns kube-system"
check ":ns NAME: the header follows" con_wait main "tug +sim +ns kube-system " 5
check "and the pods are that namespace's" con_wait main "coredns-[a-z0-9-]+ +1/1 +Running" 10
check "not the default's" con_wait_gone main " db-0 " 5
cmd "ns all"
check ":ns all: every namespace" con_wait main "tug +sim +ns all " 5
check "pods of both namespaces, with a namespace column" wait_for 5 both_namespaces
cmd ns
check ":ns opens the namespaces view" con_wait main "^ Namespaces \\(" 5
check "the tab row shows it by its command" con_wait main " :ns Namespaces( |$)" 2
check "namespaces as kubectl lists them" con_wait main "kube-system +Active" 5
select_row kube-system
con_keys main u
check "u uses the selected namespace and shows its pods" con_wait main "tug +sim +ns kube-system .*" 5
check "on the pods view" con_wait main "^ Pods \\([0-9]+\\)" 5
cmd "ns default"
con_wait main "tug +sim +ns default " 5

# the other kinds, with kubectl's columns
cmd svc
check ":svc lists services with type, cluster IP and ports" con_wait main "default +api +NodePort +10\\.[0-9.]+ .*[0-9]+:[0-9]+/TCP" 10
check "the kubernetes service as kubectl shows it" wait_for 5 svc_as_kubectl
cmd rs
check ":rs lists replicasets with desired, current, ready" con_wait main "web-[a-z0-9]+ +3 +3 +3 " 10
cmd events
check ":events lists events, newest first" con_wait main "^ Events \\([0-9]+\\)" 10
# the scaling above made many: the warnings are found with the filter
con_keys main / Warning Enter
check "warnings with their reason" con_wait main "Warning +BackOff +pod/crashy" 5
check "an event's object as kubectl names it" con_wait main "pod/crashy" 5
con_keys main s
check "container actions are refused with a hint" con_wait main "events can be inspected" 3

con_keys main Escape q
check_eq "q quits cleanly" "$(con_exit main)" 0

# e runs kubectl exec on the real terminal, in the container the log pane
# follows: a stand-in kubectl records how it was called
mkdir -p "$D/fakebin"
printf '#!/bin/sh\necho "$@" >"%s"\n' "$D/exec-args" >"$D/fakebin/kubectl"
chmod +x "$D/fakebin/kubectl"
con_start ex "PATH=$D/fakebin:$PATH" -- "${ARGS[@]}" --context sim
con_wait ex "^ Pods \\([0-9]+\\)" 10
con_keys ex / "^$apipod\$" Enter
con_wait ex "Logs $apipod" 5
con_keys ex C
con_wait ex "log-shipper" 5
con_keys ex j Enter
con_wait ex "Logs $apipod \\[log-shipper\\]" 5
con_keys ex e
check "e runs kubectl exec on the pod" wait_for 10 grep -q "exec -i -t -n default $apipod" "$D/exec-args"
check "in the container the log pane follows" grep -q -- "-c log-shipper --" "$D/exec-args"
check "the console comes back and says how the shell ended" con_wait ex "shell in $apipod exited with 0" 10
con_keys ex q
con_exit ex >/dev/null
check "the terminal is sane" con_sane main
exit 0
