#!/usr/bin/env bash
# Network settings and subnet choice: root/network.json's address pools,
# default bridge name and default subnet; --subnet/--gateway checks
# against tug's networks and the host's routes; pool exhaustion.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1
. "$T_SRC/tests/net-lib.sh"
t_net_setup

subnet_of() { "$TUG" network inspect "$1" | python3 -c 'import sys,json; c=json.load(sys.stdin)[0]["IPAM"]["Config"][0]; print(c["Subnet"], c["Gateway"])'; }
# a pool no route of this host touches
base=""
for b in 10.123 10.124 10.125 10.126; do
	ip -4 route show table all | grep -q "^[a-z]* *$b\." || { base=$b; break; }
done
[ -z "$base" ] && { skip "network settings" "no free 10.123-126 range on this host"; exit 0; }
br=tc$(printf %s "$T_ROOT" | sha256sum | cut -c1-6)
cat >"$T_ROOT/network.json" <<JSON
{"DefaultBridge": "$br", "AddressPools": [{"Base": "$base.0.0/24", "Size": 26}]}
JSON

"$TUG" network create first >/dev/null
check_eq "a new network takes the pool's first subnet" "$(subnet_of first)" "$base.0.0/26 $base.0.1"
"$TUG" run --rm bb true
check_eq "the default network takes the next one" "$(subnet_of bridge)" "$base.0.64/26 $base.0.65"
check "... on the configured bridge name" bash -c "ip link show $br >/dev/null"
"$TUG" network create --subnet "$base.0.160/27" --gateway "$base.0.190" fixed >/dev/null
check_eq "--subnet and --gateway are taken as given" "$(subnet_of fixed)" "$base.0.160/27 $base.0.190"
"$TUG" network create third >/dev/null
check_eq "the pool skips the subnet a --subnet network overlaps" "$(subnet_of third)" "$base.0.192/26 $base.0.193"
"$TUG" network create fourth 2>"$T_DIR/err" >/dev/null
check "an exhausted pool is an error that says what to do" grep -q "no free subnet" "$T_DIR/err"
"$TUG" network create --subnet "$base.0.0/25" overlap 2>"$T_DIR/err" >/dev/null
check "a --subnet overlapping a tug network is refused" grep -q "overlaps" "$T_DIR/err"
dev=$(ip -4 route show default | awk '{print $5; exit}')
host_route=""
[ -n "$dev" ] && host_route=$(ip -4 route show scope link dev "$dev" | awk '$1 ~ /\// {print $1; exit}')
if [ -n "$host_route" ]; then
	"$TUG" network create --subnet "$host_route" onhost 2>"$T_DIR/err" >/dev/null
	check "a --subnet overlapping a host route ($host_route) is refused" grep -q "overlaps" "$T_DIR/err"
else
	skip "a --subnet overlapping a host route is refused" "no link route on this host"
fi
"$TUG" network create --subnet "$base.1.0/24" --gateway "$base.2.1" badgw 2>"$T_DIR/err" >/dev/null
check "a gateway outside the subnet is refused" grep -q "not a usable address" "$T_DIR/err"
"$TUG" network create --subnet "$base.1.1/24" hostbits 2>"$T_DIR/err" >/dev/null
check "a subnet with host bits is refused with the right one" grep -q "$base.1.0/24" "$T_DIR/err"
"$TUG" network create host 2>/dev/null >/dev/null
check "a reserved name is refused" test $? -ne 0
check "network inspect by id prefix" bash -c "'$TUG' network inspect \$('$TUG' network ls -q --no-trunc | head -1 | cut -c1-8) >/dev/null"
"$TUG" system reset --force >/dev/null
check "reset removes the configured default bridge" bash -c "! ip link show $br >/dev/null 2>&1"
exit 0
