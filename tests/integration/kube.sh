#!/usr/bin/env bash
# kube.sh - tug's Kubernetes driver and `tug kube` against the API
# simulator (tests/kube-sim) on 127.0.0.1, checked against kubectl's
# answers where kubectl is installed. No root needed.
. "$(dirname "$0")/../lib.sh"

if ! command -v python3 >/dev/null; then
	skip "kube driver against the simulator" "python3 is not installed"
	exit 0
fi
HAVE_KUBECTL=0
command -v kubectl >/dev/null && HAVE_KUBECTL=1

D=$(mktemp -d /tmp/tug-kube.XXXXXX)
PIDS=()
cleanup() {
	local rc=$?
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$D"
	[ "$T_FAILS" -gt 0 ] && rc=1
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 "$T_SRC/tests/kube-sim/kube-sim.py" --dir "$D/sim" --ready-delay 0.3 --terminate-delay 0.3 \
	--log-interval 0.2 --bookmark-interval 1 >"$D/sim.log" 2>&1 &
PIDS+=($!)
if ! wait_for 30 test -s "$D/sim/port"; then
	not_ok "the simulator starts"
	cat "$D/sim.log"
	exit 1
fi
PORT=$(cat "$D/sim/port")
sleep 2   # seeded ages sit on whole days: let "47h59m59s" become "2d" for both tools
export KUBECONFIG=$D/sim/kubeconfig
unset HTTPS_PROXY https_proxy HTTP_PROXY http_proxy
ADMIN="https://127.0.0.1:$PORT/_sim"
sim() { curl -sk -X "$1" "$ADMIN/$2" ${3:+-d "$3"}; }
tk() { "$TUG" kube "$@"; }
kc() { kubectl "$@"; }
# ages and "(7s ago)" tick between two commands: compare with seconds masked
norm_age() { sed -E 's/\b[0-9]+m?[0-9]*s\b/Ns/g'; }
json_norm() { python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin), sort_keys=True, indent=1))'; }
# check_same DESC "TUG-CMD" "KUBECTL-CMD": equal outputs; the simulated
# cluster lives (crash loops restart, ages tick), so a mismatch is retried
# twice before it counts
check_same() {
	local d=$1 a b
	for _ in 1 2 3; do
		a=$(eval "$2") b=$(eval "$3")
		[ "$a" = "$b" ] && break
		sleep 1
	done
	check_eq "$d" "$a" "$b"
}
# run CMD in the background, output in FILE; its pid in LAST_PID
quiet() { "$@" >/dev/null; }
bg() { local f=$1; shift; "$@" >"$f" 2>"$f.err" & LAST_PID=$!; PIDS+=($LAST_PID); }

# ---- contexts, namespaces, tables ----
out=$(tk contexts)
check "contexts lists the simulator's four contexts, sim current" \
	grep -Eq '^\*[[:space:]]+sim[[:space:]]+sim[[:space:]]+sim-admin[[:space:]]+default$' <<<"$out"
check_eq "contexts: names" "$(tk contexts -o name | tr '\n' ' ')" "sim sim-basic sim-token sim-viewer "
if [ $HAVE_KUBECTL = 1 ]; then
	check_eq "contexts: same names as kubectl" "$(tk contexts -o name)" "$(kc config get-contexts -o name | sort)"
	check_eq "namespaces: same as kubectl" "$(tk get namespaces -o name)" "$(kc get namespaces -o name)"
	for what in "pods -A" "pods -A -o wide" "deployments -A" "statefulsets -A" "daemonsets -A -o wide" \
		"replicasets -A" "services -A -o wide" "nodes -o wide" "events -A" "namespaces"; do
		# shellcheck disable=SC2086
		check_same "get $what: table as kubectl's" "tk get $what | norm_age" "kc get $what | norm_age"
	done
	check_same "get pods -A -o json: same objects as kubectl" \
		"tk get pods -A -o json | json_norm" "kc get pods -A -o json | json_norm"
	check_same "get deploy web -o yaml: byte for byte kubectl's" \
		"tk get deploy web -o yaml" "kc get deploy web -o yaml"
	check_same "get nodes -o yaml: byte for byte kubectl's" "tk get nodes -o yaml" "kc get nodes -o yaml"
	check_same "get pod by name" "tk get pod db-0 | norm_age" "kc get pod db-0 | norm_age"
fi
check "get pods: STATUS as kubectl computes it" \
	bash -c "'$TUG' kube get pods | grep -Eq '^crashy +0/1 +CrashLoopBackOff' &&
		 '$TUG' kube get pods | grep -Eq '^batch-once +0/1 +Completed' &&
		 '$TUG' kube get pods | grep -Eq '^pending +0/1 +Pending'"
err=$(tk get pods nosuch 2>&1 >/dev/null)
check "get of a missing pod names it" grep -q 'pods "nosuch" not found' <<<"$err"

# ---- paging ----
before=$(sim GET stats | python3 -c 'import json,sys; print(sum(v for k,v in json.load(sys.stdin)["requests"].items() if "LIST" in k.upper() or "list" in k))' 2>/dev/null)
names_paged=$(tk get pods -A --chunk-size 2 -o name)
after=$(sim GET stats | python3 -c 'import json,sys; print(sum(v for k,v in json.load(sys.stdin)["requests"].items() if "LIST" in k.upper() or "list" in k))' 2>/dev/null)
n=$(wc -l <<<"$names_paged")
check_eq "paging: chunk-size 2 lists every pod" "$names_paged" "$(tk get pods -A --chunk-size 0 -o name)"
if [ -n "$before" ] && [ -n "$after" ]; then
	check "paging: $n pods took at least $((n / 2)) requests" test $((after - before)) -ge $((n / 2))
fi
check_eq "paging: JSON across pages is one list" \
	"$(tk get pods -A --chunk-size 3 -o json | json_norm)" "$(tk get pods -A --chunk-size 0 -o json | json_norm)"

# ---- scale ----
web_running() { [ "$(tk get pods -l app=web | grep -c ' Running ')" = "$1" ]; }
check "scale deployment/web --replicas 5 answers like kubectl" \
	grep -qx 'deployment.apps/web scaled' <<<"$(tk scale deployment/web --replicas 5)"
check "scale: five web pods run" wait_for 15 web_running 5
[ $HAVE_KUBECTL = 1 ] && check_eq "scale: kubectl sees 5 replicas" \
	"$(kc get deploy web -o jsonpath='{.spec.replicas}')" "5"
tk scale deployment/web --replicas 3 >/dev/null
check "scale down: three web pods run" wait_for 15 web_running 3

# ---- logs ----
if [ $HAVE_KUBECTL = 1 ]; then
	check_same "logs --previous as kubectl's" "tk logs crashy --previous" "kc logs crashy --previous"
	api=$(tk get pods -l app=api -o name | head -1 | cut -d/ -f2)
	# the log moves on between the two calls: tug's lines must be in kubectl's
	tk logs "$api" -c log-shipper --timestamps --tail 5 >"$D/l1"
	kc logs "$api" -c log-shipper --timestamps --tail 50 >"$D/l2"
	check "logs -c of a multi-container pod: lines as kubectl's" \
		bash -c "[ \$(wc -l <'$D/l1') = 5 ] && grep -q log-shipper '$D/l1' && ! grep -vxFf '$D/l2' '$D/l1'"
fi
check_eq "logs --tail 3 prints 3 lines" "$(tk logs db-0 --tail 3 | wc -l)" "3"
pod=$(tk get pods -l app=web -o name | head -1 | cut -d/ -f2)
bg "$D/follow" timeout 3 "$TUG" kube logs -f --tail 1 "$pod"
wait "$LAST_PID"
check "logs -f keeps printing new lines (>= 5 in 3s)" test "$(wc -l <"$D/follow")" -ge 5
check "logs --timestamps prefixes RFC 3339 times" \
	grep -Eq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z ' <<<"$(tk logs db-0 --tail 2 --timestamps)"

# ---- delete, rollout restart, cordon ----
victim=$(tk get pods -l app=web -o name | head -1 | cut -d/ -f2)
check_eq "delete pod answers like kubectl" "$(tk delete pod "$victim")" "pod \"$victim\" deleted"
gone() { ! tk get pods -o name | grep -qx "pod/$victim"; }
check "delete: the pod goes away" wait_for 10 gone
check "delete: the deployment replaces it" wait_for 15 web_running 3
check_eq "rollout restart answers like kubectl" "$(tk rollout restart deployment/web)" \
	"deployment.apps/web restarted"
ann=$(tk get deploy web -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["template"]["metadata"].get("annotations",{}).get("kubectl.kubernetes.io/restartedAt",""))')
check "rollout restart: restartedAt annotation set" grep -Eq '^20[0-9]{2}-' <<<"$ann"
check_eq "cordon" "$(tk cordon sim-worker-3)" "node/sim-worker-3 cordoned"
check "cordon: node shows SchedulingDisabled" grep -q 'Ready,SchedulingDisabled' <<<"$(tk get nodes | grep sim-worker-3)"
[ $HAVE_KUBECTL = 1 ] && check_eq "cordon: kubectl sees it" \
	"$(kc get node sim-worker-3 -o jsonpath='{.spec.unschedulable}')" "true"
check_eq "uncordon" "$(tk uncordon sim-worker-3)" "node/sim-worker-3 uncordoned"
check "uncordon: node Ready again" grep -Eq 'sim-worker-3 +Ready ' <<<"$(tk get nodes)"
err=$("$TUG" --readonly kube delete pod db-0 2>&1)
check "--readonly refuses delete" grep -q 'read-only' <<<"$err"
err=$("$TUG" --readonly kube scale deploy/web --replicas 9 2>&1)
check "--readonly refuses scale" grep -q 'read-only' <<<"$err"

# ---- metrics ----
if [ $HAVE_KUBECTL = 1 ]; then
	# the rollout restart above is still replacing pods: compare once it settles
	check_same "top pods: the pods kubectl top shows" "tk top pods | awk '{print \$1}'" \
		"kc top pods | awk '{print \$1}'"
	check_same "top nodes: the nodes kubectl top shows" "tk top nodes | awk '{print \$1}'" \
		"kc top nodes | awk '{print \$1}'"
fi
check "top pods: millicores and MiB" grep -Eq '^db-0 +[0-9]+m +[0-9]+Mi$' <<<"$(tk top pods)"
sim POST metrics '{"enabled":false}' >/dev/null
err=$(tk top pods 2>&1); rc=$?
check "top without a metrics API: clear message" grep -q 'metrics not available' <<<"$err"
check "top without a metrics API: fails" test $rc -ne 0
sim POST metrics '{"enabled":true}' >/dev/null

# ---- authentication ----
check "client-certificate auth (context sim)" quiet tk get pods -o name
check "bearer token auth (context sim-token, namespace kube-system)" \
	grep -q '^pod/coredns' <<<"$("$TUG" --context sim-token kube get pods -o name)"
check "basic auth (context sim-basic)" quiet "$TUG" --context sim-basic kube get deploy -o name
err=$("$TUG" --context sim-viewer kube delete pod db-0 2>&1)
check "403 for a read-only user says forbidden" grep -q 'forbidden (403)' <<<"$err"
sed "s/token: sim-admin-token/token: not-a-valid-token-xyz/" "$KUBECONFIG" >"$D/bad-token"
err=$("$TUG" --kubeconfig "$D/bad-token" --context sim-token kube get pods 2>&1); rc=$?
check "a bad token: 401 with a message to act on" grep -q 'unauthorized (401).*refresh it in' <<<"$err"
check "a bad token: command fails" test $rc -ne 0
check "a bad token never shows up in messages" bash -c "! grep -q not-a-valid-token-xyz <<<'$err'"

# exec credential plugin: counts its runs, serves the token in $D/plugin/token
mkdir -p "$D/plugin"
cat >"$D/plugin/plugin.sh" <<'EOF'
#!/bin/sh
n=$(cat "$PLUGIN_DIR/runs" 2>/dev/null || echo 0)
echo $((n + 1)) >"$PLUGIN_DIR/runs"
echo "$KUBERNETES_EXEC_INFO" >"$PLUGIN_DIR/info"
exp=""
[ -n "$PLUGIN_EXP" ] && exp=",\"expirationTimestamp\":\"$(date -u -d "+$PLUGIN_EXP seconds" +%Y-%m-%dT%H:%M:%SZ)\""
printf '{"apiVersion":"client.authentication.k8s.io/%s","kind":"ExecCredential","status":{"token":"%s"%s}}\n' \
	"${PLUGIN_VERSION:-v1}" "$(cat "$PLUGIN_DIR/token")" "$exp"
EOF
chmod +x "$D/plugin/plugin.sh"
ca=$(sed -n 's/^ *certificate-authority-data: //p' "$KUBECONFIG" | head -1)
plugin_kc() { # VERSION EXTRA-ENV-YAML
	cat >"$D/plugin/kubeconfig" <<EOF
apiVersion: v1
kind: Config
current-context: p
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority-data: $ca
contexts:
- name: p
  context: {cluster: c, user: u, namespace: default}
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/$1
      command: ./plugin.sh
      interactiveMode: Never
      provideClusterInfo: true
      env:
      - {name: PLUGIN_DIR, value: $D/plugin}
      - {name: PLUGIN_VERSION, value: $1}
$2
EOF
}
runs() { cat "$D/plugin/runs" 2>/dev/null || echo 0; }
echo sim-admin-token >"$D/plugin/token"
for v in v1 v1beta1; do
	plugin_kc $v ""
	rm -f "$D/plugin/runs"
	check "exec plugin ($v) connects" quiet "$TUG" --kubeconfig "$D/plugin/kubeconfig" kube get pods -o name
done
check "exec plugin gets KUBERNETES_EXEC_INFO with the cluster" \
	grep -q "\"server\": *\"https://127.0.0.1:$PORT\"" "$D/plugin/info"
rm -f "$D/plugin/runs"
"$TUG" --kubeconfig "$D/plugin/kubeconfig" kube get pods -A --chunk-size 2 -o name >/dev/null
check_eq "exec plugin: one run serves every page of a paged list" "$(runs)" "1"
# an expiring credential is fetched again once expired (watch reconnects every second)
plugin_kc v1 "      - {name: PLUGIN_EXP, value: \"2\"}"
rm -f "$D/plugin/runs"
TUG_KUBE_WATCH_TIMEOUT=1 timeout 6 "$TUG" --kubeconfig "$D/plugin/kubeconfig" kube get nodes -w >/dev/null 2>&1
check "exec plugin: expired credential fetched again (runs: $(runs))" test "$(runs)" -ge 2
check "exec plugin: not run per request (runs: $(runs))" test "$(runs)" -le 5
# a 401 re-runs the plugin: it then hands out a good token
plugin_kc v1 ""
sim POST tokens '{"token":"soon-revoked","user":"p","groups":["system:masters"]}' >/dev/null
echo soon-revoked >"$D/plugin/token"
rm -f "$D/plugin/runs"
bg "$D/pw" env TUG_KUBE_WATCH_TIMEOUT=1 "$TUG" --kubeconfig "$D/plugin/kubeconfig" kube get nodes -w
sleep 1.5
echo sim-admin-token >"$D/plugin/token"
sim DELETE tokens/soon-revoked >/dev/null
sleep 3
kill "$LAST_PID" 2>/dev/null
check "exec plugin: re-run after a 401 (runs: $(runs))" test "$(runs)" -ge 2
check "exec plugin: the watch carried on after the 401" bash -c "! grep -q 'unauthorized' '$D/pw.err'"

# ---- a malformed kubeconfig names the file and the field ----
sed 's/client-certificate-data: .*/client-certificate-data: "!!not base64!!"/' "$KUBECONFIG" >"$D/bad.kc"
err=$("$TUG" --kubeconfig "$D/bad.kc" kube get pods 2>&1)
check "malformed kubeconfig: names the file and the field" \
	grep -q "$D/bad.kc: users\[\"sim-admin\"\].client-certificate-data: not valid base64" <<<"$err"
printf 'clusters: [\n' >"$D/broken.kc"
err=$("$TUG" --kubeconfig "$D/broken.kc" kube get pods 2>&1)
check "broken YAML: file and line" grep -q "$D/broken.kc:2:" <<<"$err"

# ---- faults: slow server, dropped watch, 410 Gone ----
sim POST faults '{"delayMs": 5000, "path": "/api/v1/namespaces/default/pods"}' >/dev/null
t0=$SECONDS
err=$(tk get pods --request-timeout 1s 2>&1); rc=$?
check "slow server: the request times out with a clear error" grep -q 'request timeout' <<<"$err"
check "slow server: no hang (took $((SECONDS - t0))s)" test $((SECONDS - t0)) -le 3
check "slow server: fails" test $rc -ne 0
sim DELETE faults >/dev/null

bg "$D/watch" "$TUG" kube get pods -l app=web -w --output-watch-events
WPID=$LAST_PID
sleep 1.5
sim POST drop-watches >/dev/null
sleep 1
tk scale deployment/web --replicas 4 >/dev/null
added() { grep -c '^ADDED' "$D/watch"; }
check "dropped watch: reconnects and reports it" wait_for 10 grep -q 'retrying in' "$D/watch.err"
check "dropped watch: catches up with new pods (4 web pods seen added)" wait_for 15 bash -c "[ \$(grep -c '^ADDED' '$D/watch') -ge 4 ]"
# 410: keep the watch away while a pod goes and history is compacted, then
# let it back: only a relist can tell it about the deletion
victim=$(tk get pods -l app=web -o name | head -1 | cut -d/ -f2)
sim POST faults '{"watch": true, "status": 503, "seconds": 4}' >/dev/null
sim POST drop-watches >/dev/null
tk delete pod "$victim" >/dev/null
wait_for 10 gone
sim POST expire '{"dropWatches": true}' >/dev/null
check "410 Gone: relist reports the pod deleted meanwhile" \
	wait_for 20 grep -Eq "^DELETED +$victim " "$D/watch"
kill "$WPID" 2>/dev/null

# ---- exec through kubectl ----
err=$(PATH=/nonexistent "$TUG" kube exec db-0 -- true 2>&1); rc=$?
check "exec without kubectl: clear message" grep -q 'kubectl is not installed' <<<"$err"
check_eq "exec without kubectl: exit 127" "$rc" "127"

echo "1..$T_N"
