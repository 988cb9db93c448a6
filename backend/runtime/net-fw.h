/* net-fw.h - tug's firewall: NAT for outbound traffic, DNAT for
 * published ports, isolation between networks, --internal, and the
 * accept rules that keep tug's bridges working next to dockerd.
 *
 * nftables first, through libnftables (loaded on first use, so commands
 * that never touch the firewall pay nothing), all in tug's own table
 * "ip <names.table>":
 *   sets bridges/internal (ifname), subnets/masq (intervals), map samenet
 *   (ifname . ifname : verdict) describe the networks; maps tcp_any,
 *   tcp_ip, udp_any, udp_ip (host [addr .] port : container addr . port)
 *   are the published ports. Networks and ports are elements: adding and
 *   removing one never needs rule handles, and removal is exact.
 * iptables only where nftables is unavailable (no libnftables, or
 * TUG_FIREWALL=iptables), in tug's own chains.
 *
 * Host -> 127.0.0.1:PORT: DNAT in the nat output hook, plus route_localnet
 * on tug's bridges only and a masquerade of loopback sources leaving
 * through them (what docker does with its userland proxy off). Chosen over
 * a proxy process per port: nothing to supervise, no copy through user
 * space, UDP works, and external clients keep their source address.
 *
 * Docker sets the iptables FORWARD policy to DROP and passes bridged
 * traffic through netfilter; an accept in another table cannot overrule
 * that drop, so tug adds "-i/-o <bridge> -j ACCEPT" to its own chain in
 * iptables' filter table, jumped to from FORWARD, as netavark does, and
 * removes them with the network. Its own table still does the filtering.
 *
 * Callers hold the network lock (net.h). */
#ifndef TUG_NET_FW_H
#define TUG_NET_FW_H

#include <stdint.h>
#include "runtime/net-portspec.h"
#include "runtime/net.h"

/* Rules for a network: created with the bridge, removed with it. */
int fw_network_add(struct rt *rt, const struct netw *n, struct tug_err *err);
void fw_network_del(struct rt *rt, const struct netw *n);
/* Published ports of one container at ip (host_lo of each binding is
 * the resolved host port). comment names the container in the rules. */
int fw_ports_add(struct rt *rt, uint32_t ip, const struct port_list *p, const char *comment,
		 struct tug_err *err);
void fw_ports_del(struct rt *rt, uint32_t ip, const struct port_list *p);
/* Remove tug's table and chains, and undo host changes it recorded. */
int fw_reset(struct rt *rt, struct tug_err *err);
/* "nftables" or "iptables": the backend this root uses. */
const char *fw_backend(struct rt *rt);

#endif
