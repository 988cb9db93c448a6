#!/usr/bin/env bash
# Bridge networks through the real binary: the default network, user
# networks with name resolution and aliases, isolation, --internal,
# --network host/none, published ports (fixed on 127.0.0.1, random, -P)
# reached from the host and from other containers, cleanup of rules,
# veths and leases, --ip, --dns, --add-host, connect/disconnect, network
# rm. Traffic only between the host and this test's containers.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1
. "$T_SRC/tests/net-lib.sh"
t_net_setup

mkdir -p "$T_DIR/www"
echo "hello from tug" >"$T_DIR/www/index.html"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ins() { tug inspect -f "$2" "$1" 2>/dev/null; }
net_field() { tug network inspect "$1" | python3 -c "import sys,json; d=json.load(sys.stdin)[0]; print($2)"; }
serve() { # NAME NETWORK [more run flags]: a busybox httpd serving $T_DIR/www
	local name=$1 net=$2
	shift 2
	tug run -d --name "$name" --network "$net" -v "$T_DIR/www:/www:ro" "$@" bb httpd -f -p 80 -h /www >/dev/null
}

# ---- the default network ----
out=$(tug run --rm bb sh -c 'ip -o -4 addr show eth0; ip route')
sub=$(net_field bridge 'd["IPAM"]["Config"][0]["Subnet"]')
gw=$(net_field bridge 'd["IPAM"]["Config"][0]["Gateway"]')
check "the default network exists once used, with a subnet" test -n "$sub"
check "a container on it gets eth0 with an address of that subnet" \
	grep -q "inet ${sub%.*/*}" <<<"$out"
check "... and a default route via the gateway ($gw)" grep -q "default via $gw dev eth0" <<<"$out"
check "the default subnet avoids docker's and podman's defaults" \
	bash -c "! grep -Eq '^(172\.17\.|10\.88\.)' <<<'$sub'"

# ---- user networks: names, aliases, isolation ----
check "network create app" bash -c "'$TUG' network create app >/dev/null"
check "network create other" bash -c "'$TUG' network create other >/dev/null"
check "network ls lists both" bash -c "'$TUG' network ls | grep -q ' app ' && '$TUG' network ls | grep -q ' other '"
app_sub=$(net_field app 'd["IPAM"]["Config"][0]["Subnet"]')
check "user networks get different subnets" test "$app_sub" != "$(net_field other 'd["IPAM"]["Config"][0]["Subnet"]')"
serve web app --network-alias www
wait_for 5 bash -c "'$TUG' inspect -f '{{.State.Running}}' web | grep -q true"
t_track_veths
out=$(tug run --rm --network app bb sh -c "$(http_get web 80)")
check "a container fetches from another by name on a user network" grep -q "hello from tug" <<<"$out"
out=$(tug run --rm --network app bb sh -c "$(http_get www 80)")
check "... and by its --network-alias" grep -q "hello from tug" <<<"$out"
out=$(tug run --rm --network app bb ping -c 1 -W 2 web 2>&1)
check "ping resolves the name too" grep -q "1 packets received" <<<"$out"
web_ip=$(ins web '{{.NetworkSettings.IPAddress}}')
check "inspect shows the container's address ($web_ip)" grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' <<<"$web_ip"
out=$(tug run --rm --network other bb sh -c "$(http_get "$web_ip" 80); echo rc=\$?" 2>/dev/null)
check "a container on another network cannot reach it" bash -c "! grep -q 'hello from tug' <<<'$out'"
out=$(tug run --rm --network other bb sh -c 'ping -c1 -W1 web' 2>&1)
check "... nor resolve its name" bash -c "! grep -q '1 packets received' <<<'$out'"
check "network inspect lists the running member" bash -c "'$TUG' network inspect app | grep -q '\"Name\": \"web\"'"
check_eq "network ls counts it" "$(tug network ls --format json | python3 -c 'import sys,json
for l in sys.stdin:
    r=json.loads(l)
    if r["Name"]=="app": print(r["Containers"])')" 1

# ---- --internal ----
check "network create --internal" bash -c "'$TUG' network create --internal sealed >/dev/null"
out=$(tug run --rm --network sealed bb ip route)
check "an internal network has no default route" bash -c "! grep -q default <<<'$out'"
check "... but its own subnet" grep -q "$(net_field sealed 'd["IPAM"]["Config"][0]["Subnet"]')" <<<"$out"
out=$(tug run --rm --network sealed bb sh -c "$(http_get "$web_ip" 80)" 2>/dev/null)
check "... and cannot reach other networks" bash -c "! grep -q 'hello from tug' <<<'$out'"
tug run --rm --network sealed -p 8080:80 bb true 2>"$T_DIR/err"
check "ports cannot be published from an internal network" grep -q internal "$T_DIR/err"

# ---- --network host / none ----
host_ifs=$(ls /sys/class/net | sort | tr '\n' ' ')
check_eq "--network host sees the host's interfaces" \
	"$(tug run --rm --network host bb ls /sys/class/net | sort | tr '\n' ' ')" "$host_ifs"
check_eq "--network none has only loopback" "$(tug run --rm --network none bb ls /sys/class/net)" lo
tug run --rm --network none -p 80 bb true 2>/dev/null
check "publishing ports with --network none is refused" test $? -ne 0

# ---- published ports ----
hp=$(free_port)
serve pub bridge -p "127.0.0.1:$hp:80" -p 80
wait_for 5 bash -c "'$TUG' inspect -f '{{.State.Running}}' pub | grep -q true"
t_track_veths
check "-p 127.0.0.1:$hp:80 serves the page to curl on the host" \
	bash -c "curl -fsS -m 5 http://127.0.0.1:$hp/ | grep -q 'hello from tug'"
rp=$(tug inspect pub | python3 -c 'import sys,json
for b in json.load(sys.stdin)[0]["NetworkSettings"]["Ports"]["80/tcp"]:
    if b["HostIp"]=="0.0.0.0": print(b["HostPort"])')
check "-p 80 picked a host port ($rp)" test -n "$rp" -a "$rp" != "$hp"
check "... that serves the page on 127.0.0.1" bash -c "curl -fsS -m 5 http://127.0.0.1:$rp/ | grep -q 'hello from tug'"
host_ip=$(ip -o -4 route get 192.0.2.123 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
[ -z "$host_ip" ] && host_ip=$gw
out=$(tug run --rm --network app bb sh -c "$(http_get "$host_ip" "$rp")")
check "... and to a container on another network through the host ($host_ip)" grep -q "hello from tug" <<<"$out"
out=$(tug run --rm bb sh -c "$(http_get "$gw" "$rp")")
check "... and to a container on the same network through its gateway" grep -q "hello from tug" <<<"$out"
check "the 127.0.0.1 binding is not on the other addresses" \
	bash -c "! curl -fsS -m 2 http://$host_ip:$hp/ >/dev/null 2>&1"
check "tug ps shows the ports" bash -c "'$TUG' ps | grep pub | grep -q '127.0.0.1:$hp->80/tcp'"
check "tug network ls shows them on the network" bash -c "'$TUG' network ls | grep -q '0.0.0.0:$rp->80/tcp'"
check "the rules are in tug's nftables table" bash -c "nft list table ip $T_NFT_TABLE | grep -q ' $hp '"
tug run -d --name clash -p "127.0.0.1:$hp:80" bb sleep 60 >/dev/null 2>"$T_DIR/err"
check "a second container cannot take the same host port" grep -q "already allocated" "$T_DIR/err"
tug rm -f clash >/dev/null 2>&1
pub_veth=$(ins pub '{{.NetworkSettings.Networks.bridge.EndpointID}}')
check "the container's veth is on the host ($pub_veth)" bash -c "ip link show $pub_veth >/dev/null"
tug stop -t 1 pub >/dev/null
check "stopping removes its rules from tug's table" \
	bash -c "! nft list table ip $T_NFT_TABLE | grep -Eq ' ($hp|$rp) '"
check "... and its veth" wait_for 5 bash -c "! ip link show $pub_veth >/dev/null 2>&1"
check "... and the port is free for curl to be refused" bash -c "! curl -fsS -m 2 http://127.0.0.1:$hp/ >/dev/null 2>&1"
tug start pub >/dev/null
check "a restart publishes the fixed port again" \
	wait_for 5 bash -c "curl -fsS -m 2 http://127.0.0.1:$hp/ | grep -q 'hello from tug'"
tug rm -f pub >/dev/null
check "removal releases its address lease" \
	bash -c "! grep -q pub '$T_ROOT/networks/bridge/leases.json'"

tug run -d --name pall --expose 8080 -P bb sleep 60 >/dev/null
pp=$(ins pall '{{(index (index .NetworkSettings.Ports "8080/tcp") 0).HostPort}}')
check "-P publishes exposed ports on a random host port ($pp)" grep -Eq '^[0-9]+$' <<<"$pp"
tug rm -f pall >/dev/null

# ---- --ip, --dns, --add-host ----
base=${app_sub%.*/*}
tug run -d --name fixed --network app --ip "$base.200" bb sleep 60 >/dev/null
check_eq "--ip gives the container that address" "$(ins fixed '{{.NetworkSettings.IPAddress}}')" "$base.200"
tug run -d --name fixed2 --network app --ip "$base.200" bb sleep 60 >/dev/null 2>"$T_DIR/err"
check "a second container cannot have the same --ip" grep -q "already in use" "$T_DIR/err"
# the init was built while the network was wired, and waits for it: it
# must have gone, with the network's error on record
check_eq "... it is exited with 125 and no process" "$(ins fixed2 '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}')" \
	"exited 125 0"
check "... and the network's error is its error" grep -q "already in use" <<<"$(ins fixed2 '{{.State.Error}}')"
check_eq "... the first keeps its address" "$(ins fixed '{{.NetworkSettings.IPAddress}}')" "$base.200"
tug rm -f fixed fixed2 >/dev/null 2>&1
out=$(tug run --rm --dns 192.0.2.53 --dns-search corp.test --add-host db:192.0.2.7 bb \
	sh -c 'cat /etc/resolv.conf /etc/hosts')
check "--dns writes the nameserver" grep -q "^nameserver 192.0.2.53" <<<"$out"
check "--dns-search writes the search line" grep -q "^search corp.test" <<<"$out"
check "--add-host adds a hosts line" grep -Eq "^192.0.2.7[[:space:]]+db" <<<"$out"
check "the container's own address is in its hosts" \
	grep -Eq "^${sub%.*/*}\.[0-9]+[[:space:]]" <<<"$out"

# ---- connect / disconnect ----
tug run -d --name peer --network other bb sleep 120 >/dev/null
tug run -d --name roamer --network app bb sleep 120 >/dev/null
check "network connect of a running container" tug network connect --alias rover other roamer
t_track_veths
out=$(tug exec roamer sh -c 'ls /sys/class/net; ping -c1 -W2 peer')
check "... gives it eth1" grep -qx eth1 <<<"$out"
check "... and it reaches the other network's members by name" grep -q "1 packets received" <<<"$out"
out=$(tug exec peer ping -c1 -W2 rover 2>&1)
check "... which resolve it by its new alias" grep -q "1 packets received" <<<"$out"
tug rename peer peer2
out=$(tug exec roamer ping -c1 -W2 peer2 2>&1)
check "a renamed container is found by its new name" grep -q "1 packets received" <<<"$out"
tug rename peer2 peer
check "network disconnect" tug network disconnect other roamer
check "... removes the interface" bash -c "! '$TUG' exec roamer ls /sys/class/net | grep -qx eth1"
check "... and the name from the peers" bash -c "! '$TUG' exec peer cat /etc/hosts | grep -q roamer"
tug network disconnect other roamer 2>/dev/null
check "disconnecting twice is an error" test $? -ne 0

# ---- network rm ----
tug network rm app 2>"$T_DIR/err"
check "network rm refuses a network with running containers" grep -q "active endpoints" "$T_DIR/err"
app_br=$(net_field app 'd["Options"]["com.docker.network.bridge.name"]')
tug rm -f web roamer >/dev/null
check "the network's bridge stays after its last container" bash -c "ip link show $app_br >/dev/null"
check "network rm removes it" bash -c "'$TUG' network rm app >/dev/null"
check "... with its bridge" bash -c "! ip link show $app_br >/dev/null 2>&1"
tug network rm bridge 2>/dev/null
check "the default network cannot be removed" test $? -ne 0
tug rm -f peer >/dev/null
tug network create gone >/dev/null
tug create --name orphan --network gone bb true >/dev/null
tug network rm gone >/dev/null
tug start orphan 2>"$T_DIR/err"
check "starting a container whose network is gone says so" grep -q "no longer exists" "$T_DIR/err"
check "... and it can be disconnected from it" tug network disconnect gone orphan
check "... after which it starts (with loopback only)" bash -c "'$TUG' start -a orphan"
tug rm -f orphan >/dev/null
out=$(tug network prune -f)
check "network prune removes unused user networks" grep -q other <<<"$out"
check "... but keeps the default one" bash -c "'$TUG' network ls | grep -q ' bridge '"
exit 0
