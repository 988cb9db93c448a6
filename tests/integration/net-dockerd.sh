#!/usr/bin/env bash
# tug's networks next to a running dockerd (Debian's docker.io): docker
# sets iptables' FORWARD policy to DROP and passes bridged traffic through
# netfilter, which cuts traffic of other runtimes' bridges unless they add
# their own accept rules. This test starts its own dockerd (own data-root,
# exec-root, pidfile, socket, no bridge), checks that containers on a tug
# network still talk to each other and that published ports work from
# another network, shows that without tug's accept rules they would not,
# and stops that dockerd by its pid. Docker's chains are removed only if
# there were none before (no other docker instance is ever touched).
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
if ! command -v dockerd >/dev/null || ! command -v iptables >/dev/null; then
	skip "tug networks with dockerd running" "dockerd (docker.io) or iptables not installed"
	exit 0
fi
t_setup || exit 1
. "$T_SRC/tests/net-lib.sh"
t_net_names

D=$T_DIR/docker
DOCKER_PID=
PRE_FWD_POLICY=$(iptables -w -S FORWARD | sed -n 's/^-P FORWARD //p')
PRE_IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
PRE_DOCKER_CHAINS=$(iptables -w -S | grep -c -- '-N DOCKER')
PRE_TABLES=$(nft list tables 2>/dev/null)

docker_stop() {
	if [ -n "$DOCKER_PID" ] && kill -0 "$DOCKER_PID" 2>/dev/null; then
		kill -TERM "$DOCKER_PID"
		for _ in $(seq 1 80); do kill -0 "$DOCKER_PID" 2>/dev/null || break; sleep 0.25; done
		kill -KILL "$DOCKER_PID" 2>/dev/null
	fi
	DOCKER_PID=
	# what our dockerd left in the shared iptables, unless another docker
	# instance owns those chains
	if [ "$PRE_DOCKER_CHAINS" -eq 0 ]; then
		iptables -w -D FORWARD -j DOCKER-USER 2>/dev/null
		iptables -w -D FORWARD -j DOCKER-ISOLATION-STAGE-1 2>/dev/null
		for t in filter nat; do
			for c in DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER; do
				iptables -w -t "$t" -F "$c" 2>/dev/null
			done
			for c in DOCKER DOCKER-ISOLATION-STAGE-1 DOCKER-ISOLATION-STAGE-2 DOCKER-USER; do
				iptables -w -t "$t" -X "$c" 2>/dev/null
			done
		done
		iptables -w -P FORWARD "${PRE_FWD_POLICY:-ACCEPT}" 2>/dev/null
		# tables our dockerd created, once nobody has anything left in them
		for t in filter nat; do
			grep -q "table ip $t\$" <<<"$PRE_TABLES" && continue
			[ -z "$(iptables -w -t "$t" -S 2>/dev/null | grep -v '^-P')" ] &&
				nft delete table ip "$t" 2>/dev/null
		done
	fi
	echo "$PRE_IP_FORWARD" >/proc/sys/net/ipv4/ip_forward 2>/dev/null
	# a veth-free host may still carry docker's mounts under its roots
	grep -o " $D[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m"; done
}
trap 'rc=$?; "$TUG" system reset --force >/dev/null 2>&1; docker_stop; (exit $rc); t_net_cleanup' EXIT

# ---- dockerd, its own everything ----
mkdir -p "$D"
dockerd --data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/docker.pid" \
	-H "unix://$D/docker.sock" --bridge=none >"$D/log" 2>&1 &
DOCKER_PID=$!
wait_for 30 test -S "$D/docker.sock"
check "dockerd started on its own socket" test -S "$D/docker.sock"
wait_for 10 bash -c "iptables -w -S | grep -q -- '-N DOCKER-USER'"
check "dockerd set up its iptables chains" bash -c "iptables -w -S | grep -q -- '-N DOCKER-USER'"
if [ "$(iptables -w -S FORWARD | sed -n 's/^-P FORWARD //p')" != DROP ]; then
	# docker sets DROP only when it had to turn forwarding on itself
	# (a host where some other tug root already had): set what it sets
	diag "forwarding was already on, so dockerd kept FORWARD ACCEPT; setting DROP as it does on a fresh host"
	iptables -w -P FORWARD DROP
fi
check_eq "iptables FORWARD policy is DROP" "$(iptables -w -S FORWARD | sed -n 's/^-P FORWARD //p')" DROP
check_eq "bridged traffic goes through iptables" "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" 1

# ---- tug's networks keep working ----
mkdir -p "$T_DIR/www"
echo "served next to docker" >"$T_DIR/www/index.html"
"$TUG" network create dnet >/dev/null
"$TUG" network create dnet2 >/dev/null
"$TUG" run -d --name web --network dnet -p 80 -v "$T_DIR/www:/www:ro" bb httpd -f -p 80 -h /www >/dev/null
wait_for 5 bash -c "'$TUG' inspect -f '{{.State.Running}}' web | grep -q true"
t_track_veths
out=$("$TUG" run --rm --network dnet bb sh -c "$(http_get web 80)")
check "containers on a tug network reach each other by name" grep -q "served next to docker" <<<"$out"
hp=$("$TUG" inspect -f '{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}' web)
gw2=$("$TUG" network inspect dnet2 | python3 -c 'import sys,json; print(json.load(sys.stdin)[0]["IPAM"]["Config"][0]["Gateway"])')
out=$("$TUG" run --rm --network dnet2 bb sh -c "$(http_get "$gw2" "$hp")")
check "a published port is reached from another tug network" grep -q "served next to docker" <<<"$out"
check "from the host too" bash -c "curl -fsS -m 5 http://127.0.0.1:$hp/ | grep -q 'served next to docker'"
check "tug's accept chain is jumped to from FORWARD" bash -c "iptables -w -S FORWARD | grep -q -- '-j $T_IPT_CHAIN'"

# the same traffic without tug's accept rules: docker's DROP wins
iptables -w -D FORWARD -j "$T_IPT_CHAIN"
out=$("$TUG" run --rm --network dnet bb sh -c "$(http_get web 80)" 2>/dev/null)
check "without them docker's DROP policy cuts it (so the rules matter)" \
	bash -c "! grep -q 'served next to docker' <<<'$out'"
iptables -w -I FORWARD -j "$T_IPT_CHAIN"

"$TUG" rm -f web >/dev/null
"$TUG" network rm dnet dnet2 >/dev/null
check "network rm takes its accept rules out of tug's chain" \
	bash -c "! iptables -w -S $T_IPT_CHAIN 2>/dev/null | grep -q -- '-j ACCEPT'"
"$TUG" system reset --force >/dev/null
check "system reset removes tug's chain" bash -c "! iptables -w -S | grep -q -- '$T_IPT_CHAIN'"
check "... and leaves docker's alone" bash -c "iptables -w -S | grep -q -- '-N DOCKER-USER'"
check_eq "... and its FORWARD policy" "$(iptables -w -S FORWARD | sed -n 's/^-P FORWARD //p')" DROP
check "dockerd still answers" bash -c "curl -fsS -m 5 --unix-socket '$D/docker.sock' http://d/_ping | grep -q OK"
pid=$DOCKER_PID
docker_stop
check "dockerd stopped by its pid" bash -c "! kill -0 $pid 2>/dev/null"
exit 0
