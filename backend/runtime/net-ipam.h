/* net-ipam.h - address leases of a network and published host ports,
 * both persisted under root/networks/ and changed only with the network
 * lock held (net_lock), so parallel `run` calls never get the same
 * address or port.
 *
 * A lease: {"Container": id, "Name": .., "Hostname": .., "Aliases": [..],
 * "Veth": "veth1a2b3c4", "Ifname": "eth0", "Mac": "02:42:..",
 * "MonitorPid": n, "MonitorStart": ticks}. A lease whose monitor is dead
 * is stale: reclaimed when a network runs out of addresses. */
#ifndef TUG_NET_IPAM_H
#define TUG_NET_IPAM_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>
#include "runtime/net-portspec.h"
#include "runtime/net.h"

/* leases.json of a network: {"Next": "10.66.0.3", "Leases": {...}};
 * an empty object when there is none yet. Never NULL. */
json_t *ipam_load(struct rt *rt, const char *net);
int ipam_save(struct rt *rt, const char *net, json_t *leases, struct tug_err *err);

/* Is the lease's monitor still alive? */
int lease_alive(json_t *lease);

/* Lease an address of n for the container: `want` (0 = the next free
 * one, round robin so a released address is not reused at once). info
 * becomes the lease (reference stolen). *out gets the address. */
int ipam_alloc(struct rt *rt, const struct netw *n, uint32_t want, json_t *info, uint32_t *out,
	       struct tug_err *err);
/* Remove every lease of container id on network net; returns them as an
 * object {ip: lease} (caller decrefs) so the caller can undo their veth
 * and hosts entries. */
json_t *ipam_release(struct rt *rt, const char *net, const char *id);

/* Reserve host ports for a container's bindings: resolves host_lo of
 * each binding (random or from a range) and records it with the
 * container's address and its monitor. Conflicts name the holder. */
int hostport_reserve(struct rt *rt, const char *id, const char *name, uint32_t ip,
		     struct port_list *p, pid_t monitor, struct tug_err *err);
/* Release the container's ports (id NULL: every port whose monitor is
 * dead); *out (optional) gets them back, each with the container address
 * in *ips (same order; both malloc'd), so their rules can go too. */
void hostport_release(struct rt *rt, const char *id, struct port_list *out, uint32_t **ips);

#endif
