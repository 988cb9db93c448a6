#!/usr/bin/env bash
# kube-sim.sh - the Kubernetes API simulator (tests/kube-sim) as the real kubectl sees it:
# get/scale/logs/delete/rollout restart/top/watch, token auth, and the simulator's own
# paging, watch (bookmarks, 410 Gone, dropped streams) and fault injection over curl.
# No root needed; the only process started is the simulator, stopped on exit.
here=$(cd "$(dirname "$0")" && pwd)
: "${TUG:=$here/../../tug}"
export TUG
. "$here/../lib.sh"

for tool in kubectl python3 openssl curl; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		skip "kube-sim with the real kubectl" "$tool is not installed"
		exit 0
	fi
done

# the interpreter itself, not a version-manager shim that costs a second per start
PY=$(python3 -c 'import sys; print(sys.executable)')
D=$(mktemp -d /tmp/kube-sim-test.XXXXXX)
SIM_PID=
ks_cleanup() {
	local rc=$?
	if [ -n "$SIM_PID" ]; then
		kill "$SIM_PID" 2>/dev/null
		wait "$SIM_PID" 2>/dev/null
	fi
	rm -rf "$D"
	[ "$T_FAILS" -gt 0 ] && rc=1
	exit $rc
}
trap ks_cleanup EXIT
trap 'exit 130' INT TERM

# kubectl keeps its discovery cache under $HOME; give it a private one
export HOME=$D/home KUBECONFIG=$D/kubeconfig
mkdir -p "$HOME"
"$PY" "$T_SRC/tests/kube-sim/kube-sim.py" --dir "$D" --ready-delay 0.4 --terminate-delay 0.4 \
	--log-interval 0.25 --bookmark-interval 1 --proxy >"$D/sim.log" 2>&1 &
SIM_PID=$!
# ready when the port file appears; give up early if the simulator died
sim_up() { [ -s "$D/port" ] || ! kill -0 "$SIM_PID" 2>/dev/null; }
wait_for 30 sim_up
if [ ! -s "$D/port" ]; then
	not_ok "simulator starts and writes its port"
	sed 's/^/# /' "$D/sim.log"
	exit 1
fi
ok "simulator starts and writes its port"
PORT=$(cat "$D/port")
API=https://127.0.0.1:$PORT
k() { timeout 20 kubectl "$@"; }
# curl as the admin token user, trusting the simulator's CA
kc() { curl -sS --max-time 10 --cacert "$D/pki/ca.crt" -H "Authorization: Bearer sim-admin-token" "$@"; }
admin() { curl -sS --max-time 10 --cacert "$D/pki/ca.crt" "$@"; }
count_running() { k get pods -l "$@" --no-headers 2>/dev/null | grep -c ' Running '; }
running_is() { [ "$(count_running "$1" "${@:3}")" = "$2" ]; }
quiet() { "$@" >/dev/null 2>&1; }

# ---- kubectl get ----
out=$(k get pods -A 2>&1)
check "get pods -A prints the table header" grep -qE '^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE' <<<"$out"
check "get pods -A lists kube-system and default pods" \
	bash -c 'grep -q "^kube-system *coredns-" <<<"$1" && grep -q "^default *web-" <<<"$1"' _ "$out"
check_eq "crash-looping pod status" "$(awk '$2=="crashy"{print $4}' <<<"$out")" "CrashLoopBackOff"
check_eq "unschedulable pod status" "$(awk '$2=="pending"{print $4}' <<<"$out")" "Pending"
check_eq "completed pod status" "$(awk '$2=="batch-once"{print $4}' <<<"$out")" "Completed"
out=$(k get deploy -n default 2>&1)
check_eq "get deploy -n default shows web 3/3" "$(awk '$1=="web"{print $2}' <<<"$out")" "3/3"
out=$(k get nodes 2>&1)
check_eq "get nodes lists 4 Ready nodes" "$(grep -c ' Ready ' <<<"$out")" "4"
check "get nodes shows the control-plane role" grep -qE '^sim-control-plane +Ready +control-plane' <<<"$out"
n_json=$(k get pods -A -o json | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(len(d["items"]))')
n_tab=$(k get pods -A --no-headers | wc -l)
check "get pods -A -o json parses and matches the table ($n_json items)" test "$n_json" = "$n_tab" -a "$n_json" -gt 10
check_eq "get sts db -o jsonpath readyReplicas" "$(k get sts db -o jsonpath='{.status.readyReplicas}')" "2"

# ---- scale ----
check "scale deployment/web --replicas 5" quiet k scale deployment/web --replicas 5
check "5 web pods become Running" wait_for 15 running_is app=web 5
check_eq "deployment web is 5/5" "$(k get deploy web --no-headers | awk '{print $2}')" "5/5"

# ---- logs ----
pod=$(k get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
check_eq "logs --tail 3 prints 3 lines" "$(k logs "$pod" --tail 3 | wc -l | tr -d ' ')" "3"
n=$(timeout 2.5 kubectl logs -f --tail 1 "$pod" | wc -l)
check "logs -f keeps streaming new lines ($n in 2.5 s)" test "$n" -ge 5
check "logs of a named container of a two-container pod" \
	bash -c 'timeout 20 kubectl logs deploy/api -c log-shipper --tail 2 --timestamps 2>/dev/null | grep -qE "^[0-9-]+T[0-9:.]+Z level="'
check "logs --previous of the crash-looping pod shows its crash" \
	bash -c 'timeout 20 kubectl logs crashy --previous | grep -q "^panic: "'

# ---- delete ----
before=$(k get pods -l app=web -o jsonpath='{.items[*].metadata.name}')
check "delete pod $pod" quiet k delete pod "$pod"
check "the deleted pod is gone" bash -c '! timeout 20 kubectl get pod "$1" >/dev/null 2>&1' _ "$pod"
check "the controller replaces it (5 Running again)" wait_for 15 running_is app=web 5
after=$(k get pods -l app=web -o jsonpath='{.items[*].metadata.name}')
check "the replacement is a new pod" test "$before" != "$after"

# ---- rollout restart ----
old=$(k get pods -l app=web -o jsonpath='{.items[*].metadata.name}')
check "rollout restart deployment/web" quiet k rollout restart deployment/web
check "rollout status reports success" quiet k rollout status deployment/web --timeout=20s
ok_names() {
	local new
	new=$(timeout 20 kubectl get pods -l app=web --field-selector status.phase=Running \
		-o jsonpath='{.items[*].metadata.name}')
	[ "$(wc -w <<<"$new")" -eq 5 ] || return 1
	for p in $new; do grep -qw "$p" <<<"$old" && return 1; done
	return 0
}
check "after the restart every web pod has a new name" wait_for 15 ok_names

# ---- typed-client commands (protobuf request bodies) ----
check "create namespace (protobuf body)" quiet k create namespace team-a
check "create deployment in it (protobuf body)" quiet k create deployment hello --image=nginx:1.27 --replicas 2 \
	-n team-a
check "its 2 pods become Running" wait_for 15 running_is app=hello 2 -n team-a
check "auth can-i: the viewer may not delete pods" \
	bash -c 'timeout 20 kubectl --context sim-viewer auth can-i delete pods 2>/dev/null | grep -q "^no"'

# ---- metrics ----
out=$(k top pods 2>&1)
check "top pods shows CPU and memory" grep -qE '^web-[a-z0-9-]+ +[0-9]+m +[0-9]+Mi' <<<"$out"
check "top nodes shows the nodes" bash -c 'timeout 20 kubectl top nodes | grep -qE "^sim-worker-1 +[0-9]+m +[0-9]+%"'

# ---- auth ----
out=$(k --context sim-token get pods 2>&1)
check "token user (context sim-token, namespace kube-system) lists pods" grep -q '^coredns-' <<<"$out"
out=$(k --context sim-token --token wrong-token get pods 2>&1)
rc=$?
check "a wrong token fails with Unauthorized" bash -c '[ "$1" -ne 0 ] && grep -q Unauthorized <<<"$2"' _ "$rc" "$out"
check_eq "no credentials: HTTP 401" "$(admin -o /dev/null -w '%{http_code}' "$API/api/v1/pods")" "401"
out=$(k --context sim-viewer delete pod crashy 2>&1)
check "read-only user gets Forbidden on delete" grep -q 'Forbidden' <<<"$out"
tunnels() { admin "$API/_sim/stats" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["requests"].get("proxy CONNECT", 0))'; }
t0=$(tunnels)
out=$(k --context sim-proxy get nodes 2>&1)
t1=$(tunnels)
check "context sim-proxy (kubeconfig proxy-url) lists nodes" grep -q '^sim-worker-1 ' <<<"$out"
check "... through the CONNECT proxy ($t0 -> $t1 tunnels)" test "$t1" -gt "$t0"

# ---- watch ----
k get pods -w -l app=watched >"$D/watch.out" 2>&1 &
wpid=$!
sleep 1.5
k run watched --image=busybox:1.36 --labels app=watched >/dev/null 2>&1
wait_for 10 grep -q '^watched .*Running' "$D/watch.out"
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
check "get pods -w sees the new pod added and running" grep -q '^watched .*Running' "$D/watch.out"

# ---- paging, bookmarks, 410 Gone, dropped watches, faults (curl) ----
page1=$(kc "$API/api/v1/pods?limit=5")
cont=$("$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["metadata"].get("continue",""))' "$page1")
page2=$(kc "$API/api/v1/pods?limit=5&continue=$cont")
dups=$("$PY" -c '
import json,sys
a=[i["metadata"]["name"] for i in json.loads(sys.argv[1])["items"]]
b=[i["metadata"]["name"] for i in json.loads(sys.argv[2])["items"]]
print(len(a), len(b), len(set(a)&set(b)))' "$page1" "$page2")
check_eq "limit/continue pages: 5 + 5 items, none repeated" "$dups" "5 5 0"
rv=$(kc "$API/api/v1/namespaces/default/pods" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
out=$(kc "$API/api/v1/namespaces/default/pods?watch=1&resourceVersion=$rv&allowWatchBookmarks=true&timeoutSeconds=2")
check "watch with allowWatchBookmarks gets a BOOKMARK" grep -q '"type":"BOOKMARK"' <<<"$out"
admin -XPOST "$API/_sim/expire" -d '{}' >/dev/null
out=$(kc "$API/api/v1/namespaces/default/pods?watch=1&resourceVersion=$rv&timeoutSeconds=2")
check "watch from a compacted resourceVersion: ERROR 410 Expired" \
	bash -c 'grep -q "\"type\":\"ERROR\"" <<<"$1" && grep -q "\"code\":410" <<<"$1" && grep -q Expired <<<"$1"' _ "$out"
admin -XPOST "$API/_sim/faults" -d '{"watch": true, "dropWatchAfterEvents": 2, "times": 1}' >/dev/null
kc "$API/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=5" >"$D/drop.out" 2>&1
rc=$?
check "a dropped watch is cut after 2 events (curl rc $rc)" \
	bash -c '[ "$1" -ne 0 ] && [ "$(grep -c "\"type\":\"ADDED\"" "$2")" -eq 2 ]' _ "$rc" "$D/drop.out"
admin -XPOST "$API/_sim/faults" -d '{"path": "^/api/v1/namespaces/default/pods$", "status": 500, "times": 1}' \
	>/dev/null
out=$(k get pods 2>&1)
check "injected 500 reaches kubectl as InternalError" grep -q 'InternalError' <<<"$out"
check "the fault was used up: next get works" bash -c 'timeout 20 kubectl get pods | grep -q "^crashy"'

# ---- metrics switched off ----
admin -XPOST "$API/_sim/metrics" -d '{"enabled": false}' >/dev/null
out=$(k top pods --cache-dir "$D/cache-nometrics" 2>&1)
rc=$?
check "without metrics, top pods fails with 'Metrics API not available'" \
	bash -c '[ "$1" -ne 0 ] && grep -q "Metrics API not available" <<<"$2"' _ "$rc" "$out"

check "the simulator is still running" kill -0 "$SIM_PID"
if grep -q Traceback "$D/sim.log"; then
	not_ok "the simulator logged no Python traceback"
	sed 's/^/# /' "$D/sim.log" | head -40
else
	ok "the simulator logged no Python traceback"
fi
