#!/usr/bin/env bash
# 20 `tug run -d` started at once on one user network: 20 running
# containers with 20 different addresses, all reachable from a 21st, and
# every lease released when they are removed.
. "$(dirname "$0")/../lib.sh"
t_need_root || exit 0
t_setup || exit 1
. "$T_SRC/tests/net-lib.sh"
t_net_setup

"$TUG" network create crowd >/dev/null
pids=()
for i in $(seq 1 20); do
	"$TUG" run -d --name "c$i" --network crowd bb sleep 300 >"$T_DIR/out.$i" 2>&1 &
	pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check_eq "20 parallel run -d on one network all succeed" "$fails" 0
[ "$fails" -gt 0 ] && cat "$T_DIR"/out.* | grep -v '^[0-9a-f]\{64\}$' | head -5 | while read -r l; do diag "$l"; done
t_track_veths
ips=$(for i in $(seq 1 20); do "$TUG" inspect -f '{{.NetworkSettings.Networks.crowd.IPAddress}}' "c$i"; done)
check_eq "20 addresses" "$(grep -c . <<<"$ips")" 20
check_eq "20 distinct addresses" "$(sort -u <<<"$ips" | grep -c .)" 20
check_eq "network inspect lists 20 members" \
	"$("$TUG" network inspect crowd | python3 -c 'import sys,json; print(len(json.load(sys.stdin)[0]["Containers"]))')" 20
reach=0
for ip in $ips; do
	"$TUG" exec c1 ping -c1 -W2 "$ip" >/dev/null 2>&1 && reach=$((reach + 1))
done
check_eq "every one answers a ping from c1" "$reach" 20
hosts=$("$TUG" exec c20 cat /etc/hosts)
named=0
for i in $(seq 1 20); do grep -Eq "[[:space:]]c$i( |$)" <<<"$hosts" && named=$((named + 1)); done
check_eq "the last one's /etc/hosts names all 20 (itself included)" "$named" 20
"$TUG" rm -f $(seq -f 'c%g' 1 20) >/dev/null
check_eq "removing them releases every lease" \
	"$(python3 -c "import json; print(len(json.load(open('$T_ROOT/networks/crowd/leases.json'))['Leases']))")" 0
exit 0
