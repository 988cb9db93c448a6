# net-lib.sh - helpers for the network and volume tests (sourced after
# lib.sh and t_setup). Names of what tug makes on the host for this test's
# root, an exit trap that resets tug and then checks that none of its
# bridges, veths, firewall rules or leases is left, and small probes.

# What net_names() in backend/runtime/net-store.c derives from the root.
t_net_names() {
	local h
	h=$(printf %s "$T_ROOT" | sha256sum | cut -c1-6)
	T_NFT_TABLE=tug_$h
	T_IPT_CHAIN=TUG-FWD-$h
	T_BR_PREFIX=t${h:0:5}
}

# Interfaces whose names are this root's bridges.
t_our_links() {
	ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' |
		grep -E "^${T_BR_PREFIX}(0|-)" || true
}

# Veths whose peer end lives in a namespace and that sit on our bridges.
t_our_veths() {
	local br
	for br in $(t_our_links); do
		ip -o link show master "$br" 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'
	done
}

t_net_leftovers() {
	local n=0
	[ -n "$(t_our_links)" ] && { diag "bridges left: $(t_our_links | tr '\n' ' ')"; n=1; }
	nft list tables 2>/dev/null | grep -qw "$T_NFT_TABLE" && { diag "nft table $T_NFT_TABLE left"; n=1; }
	if command -v iptables >/dev/null; then
		iptables -w -S 2>/dev/null | grep -q -- "$T_IPT_CHAIN" && { diag "iptables chain $T_IPT_CHAIN left"; n=1; }
		iptables -w -t nat -S 2>/dev/null | grep -q -- "$T_IPT_CHAIN" && { diag "iptables nat chains left"; n=1; }
	fi
	for v in "${T_VETHS[@]:-}"; do
		[ -n "$v" ] && ip link show "$v" >/dev/null 2>&1 && { diag "veth $v left"; n=1; }
	done
	return $n
}

# Remember a container's host-side veth so the final check can look for it.
T_VETHS=()
t_track_veths() {
	local v
	for v in $(t_our_veths); do T_VETHS+=("$v"); done
}

t_net_cleanup() {
	local rc=$?
	t_track_veths
	"$TUG" system reset --force >/dev/null 2>&1
	# a veth dies with its container's namespace, a moment after it
	wait_for 5 t_net_leftovers >/dev/null 2>&1
	if t_net_leftovers; then
		ok "system reset leaves no bridge, veth, nft table or iptables chain of this root"
	else
		not_ok "system reset leaves no bridge, veth, nft table or iptables chain of this root"
	fi
	(exit $rc)
	t_cleanup
}

t_net_setup() {
	t_net_names
	trap t_net_cleanup EXIT
}

# http_get HOST PORT: what busybox nc gets for "GET /" from inside a
# container (name lookups through /etc/hosts work with nc, not with
# busybox wget); run as: tug run ... bb sh -c "$(http_get web 80)"
http_get() {
	printf 'printf "GET / HTTP/1.0\\r\\n\\r\\n" | nc -w 3 %s %s' "$1" "$2"
}
