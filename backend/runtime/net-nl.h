/* net-nl.h - the few rtnetlink requests tug's networks need, over a raw
 * NETLINK_ROUTE socket: bridges, veth pairs created straight into a
 * container's network namespace, addresses, routes, link state, and the
 * route dump used to pick free subnets. No `ip` commands, no parsing of
 * anyone's output.
 *
 * A socket belongs to the network namespace it was created in; to
 * configure a container's side, nl_open_netns() enters the container's
 * namespace just long enough to create the socket, then returns to its
 * own (the switch is per thread and is undone before it returns). */
#ifndef TUG_NET_NL_H
#define TUG_NET_NL_H

#include <stddef.h>
#include <stdint.h>
#include "runtime/net-addr.h"
#include "util/err.h"

struct nl {
	int fd;
	uint32_t seq;
};

/* Socket in the caller's network namespace. */
int nl_open(struct nl *nl, struct tug_err *err);
/* Socket in the namespace of nsfd (an open /proc/PID/ns/net). */
int nl_open_netns(struct nl *nl, int nsfd, struct tug_err *err);
void nl_close(struct nl *nl);

/* Interface index of name: >0, 0 when there is none, -1 on error. */
int nl_link_index(struct nl *nl, const char *name, struct tug_err *err);
/* Create bridge `name`, up. Returns its index. EEXIST is an error
 * (TUG_E_CONFLICT) so a foreign interface is never adopted. */
int nl_bridge_add(struct nl *nl, const char *name, struct tug_err *err);
/* Create veth pair `name` (here, up, enslaved to master when > 0) and
 * `peer` (down, with MAC peer_mac, created directly inside the namespace
 * peer_nsfd: bring it up from there). */
int nl_veth_add(struct nl *nl, const char *name, int master, const char *peer,
		const unsigned char peer_mac[6], int peer_nsfd, struct tug_err *err);
/* Delete link `name`; a missing link is not an error (returns 0). */
int nl_link_del(struct nl *nl, const char *name, struct tug_err *err);
int nl_link_up(struct nl *nl, int ifindex, struct tug_err *err);
/* Add (or replace) addr/len on ifindex, with its broadcast address. */
int nl_addr_add(struct nl *nl, int ifindex, uint32_t addr, int len, struct tug_err *err);
/* Default route via gw out of ifindex (main table). */
int nl_route_default(struct nl *nl, int ifindex, uint32_t gw, struct tug_err *err);

/* Destinations of every IPv4 route in every table (default routes
 * excluded): what the host already reaches, so a new bridge subnet must
 * not overlap it. *out is malloc'd. */
int nl_routes4(struct nl *nl, struct net4 **out, size_t *n, struct tug_err *err);

#endif
