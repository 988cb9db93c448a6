#!/usr/bin/env bash
# The iptables fallback (used where nftables is unavailable; forced here
# with TUG_FIREWALL=iptables): NAT, a published port from the host,
# name resolution, isolation between networks, --internal, and exact
# removal of its chains and rules.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
if ! command -v iptables >/dev/null; then
	skip "the iptables firewall backend" "iptables not installed"
	exit 0
fi
export TUG_FIREWALL=iptables
t_setup || exit 1
. "$T_SRC/tests/net-lib.sh"
t_net_setup

mkdir -p "$T_DIR/www"
echo "via iptables" >"$T_DIR/www/index.html"
hp=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$TUG" network create i1 >/dev/null
"$TUG" network create i2 >/dev/null
"$TUG" network create --internal i3 >/dev/null
"$TUG" run -d --name w --network i1 -p "127.0.0.1:$hp:80" -v "$T_DIR/www:/www:ro" bb httpd -f -p 80 -h /www >/dev/null
wait_for 5 bash -c "'$TUG' inspect -f '{{.State.Running}}' w | grep -q true"
t_track_veths
check "the root records the iptables backend" grep -q '"Firewall":"iptables"' "$T_ROOT/networks/host.json"
check "no nftables table of tug's is made" bash -c "! nft list tables 2>/dev/null | grep -qw $T_NFT_TABLE"
check "tug's chains are in iptables" bash -c "iptables -w -S | grep -q -- '-N $T_IPT_CHAIN' && iptables -w -t nat -S | grep -q -- '-N $T_IPT_CHAIN-DNAT'"
check "a published port serves the host" bash -c "curl -fsS -m 5 http://127.0.0.1:$hp/ | grep -q 'via iptables'"
out=$("$TUG" run --rm --network i1 bb sh -c "$(http_get w 80)")
check "containers on one network reach each other" grep -q "via iptables" <<<"$out"
ip=$("$TUG" inspect -f '{{.NetworkSettings.IPAddress}}' w)
out=$("$TUG" run --rm --network i2 bb sh -c "$(http_get "$ip" 80)" 2>/dev/null)
check "another network cannot reach them" bash -c "! grep -q 'via iptables' <<<'$out'"
check "an internal network has no default route" bash -c "! '$TUG' run --rm --network i3 bb ip route | grep -q default"
"$TUG" stop -t 0 w >/dev/null
check "stopping removes the DNAT rule" bash -c "! iptables -w -t nat -S | grep -q -- '--dport $hp '"
"$TUG" rm w >/dev/null
"$TUG" network rm i1 i2 i3 >/dev/null
check "network rm removes the networks' rules" \
	bash -c "[ -z \"\$(iptables -w -S $T_IPT_CHAIN-ISO 2>/dev/null | grep -v '^-N')\" ]"
exit 0
