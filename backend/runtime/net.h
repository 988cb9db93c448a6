/* net.h - the built-in runtime's networks: bridge networks with their
 * own IPAM, NAT and published ports, plus the hooks the container files
 * call (create, start, exit, removal, reset).
 *
 * Layout under root:
 *   networks/lock                 one lock for every network change: IPAM,
 *                                 published ports, members' /etc/hosts
 *   networks/<name>/config.json   the network (docker's inspect shape, minus
 *                                 Containers)
 *   networks/<name>/leases.json   {"Next": "10.66.0.3", "Leases": {ip: lease}}
 *   networks/ports.json           published host ports: {"tcp/0.0.0.0/8080":
 *                                 {"Container": id, "MonitorPid": .., ...}}
 *   networks/host.json            the firewall backend this root uses
 * On the host: /run/tug-host.json records what any root changed before it
 * (ip_forward, iptables' filter table) for the last reset to undo.
 *   network.json (optional)       settings: {"DefaultBridge": "tug0",
 *                                 "DefaultSubnet": "10.66.0.0/24",
 *                                 "AddressPools": [{"Base": "10.66.0.0/15",
 *                                 "Size": 24}]}
 * Under runroot: net/<name>.active holds the bridge's ifindex once the
 * bridge and its firewall rules are in place (cleared by reboot, as they
 * are), so a container start checks one file instead of the firewall.
 *
 * A lease belongs to a running container's monitor (pid + start time):
 * leases of a monitor that died without cleaning up are reclaimed when
 * addresses or ports run short, so a crash never leaks them for good.
 */
#ifndef TUG_RT_NET_H
#define TUG_RT_NET_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>
#include "backend.h"
#include "runtime/container.h"
#include "runtime/net-addr.h"
#include "runtime/rt.h"

#define NET_DEFAULT "bridge"   /* docker's name for the default network */

/* Per-root names of what tug makes in the host's (global) network
 * namespace, so two roots (tests, users) never touch each other's. */
struct net_names {
	char table[32];        /* nftables table (family ip) */
	char ipt_chain[32];    /* iptables filter chain jumped to from FORWARD */
	char bridge_prefix[8]; /* user networks' bridges: prefix + hex id */
	char default_bridge[16];
};
void net_names(const struct rt *rt, struct net_names *out);

/* One network, loaded from its config.json. */
struct netw {
	char name[128];
	char id[65];
	char bridge[16];
	struct net4 subnet;
	uint32_t gateway;
	int internal;
	json_t *cfg;           /* owned */
};
void netw_release(struct netw *n);

/* Load a network by name, full id or unique id prefix. The default
 * network is created on first use. */
int net_load(struct rt *rt, const char *ref, struct netw *out, struct tug_err *err);

/* Names of every network of this root (see dirlist.h). */
char **net_list_names(struct rt *rt);

/* The global network lock (networks/lock). */
int net_lock(struct rt *rt, struct tug_err *err);

/* Make sure the network's bridge, address and firewall rules exist
 * (after a reboot they do not). Call with the lock held. */
int net_activate(struct rt *rt, struct netw *n, struct tug_err *err);

/* Load a network by exact name (the default one created if missing) and
 * make sure it is active; for container starts, lock held. */
int net_load_active(struct rt *rt, const char *name, struct netw *out, struct tug_err *err);
/* system reset, network half: every network's bridge and rules. */
int net_reset_networks(struct rt *rt, struct tug_err *err);

/* ---- hooks for the container files ---- */

/* rt_ctr_create: validate the network flags of o (network exists, --ip
 * in its subnet, port specs, DNS, hosts) and record them in the new
 * container's config (HostConfig.NetworkMode, PortBindings, Dns...,
 * ExtraHosts, NetworkingConfig). img_cfg is the image's "config". */
int net_ctr_config(struct rt *rt, const struct tug_create_opts *o, json_t *img_cfg, json_t *cfg,
		   struct tug_err *err);
/* rt_ctr_create, after the default /etc files: write /etc/hosts and
 * /etc/resolv.conf as the network settings ask (--dns, --add-host). */
int net_ctr_etc(struct rt *rt, const char *id, json_t *cfg, struct tug_err *err);
/* Is the container on any network to wire (not host, not none)? */
int net_wanted(const struct ctr_spec *s);
/* ctr_spawn, while the child builds its filesystem (the child execs only
 * after it returned): wire the container's network namespace (nsfd, still
 * the caller's to close) into its networks: address leases, veth pairs,
 * routes, published ports, /etc/hosts of it and its peers; and bring its
 * loopback up. *settings receives the NetworkSettings for the state the
 * monitor writes next (NULL without a network; the caller's reference).
 * On failure everything done so far is undone. */
int net_setup(struct rt *rt, struct ctr_spec *s, int nsfd, json_t **settings,
	      struct tug_err *err);
/* The monitor, once the container's init exited: release leases, ports
 * and rules, delete the host ends of the veths, update peers' hosts. cfg
 * is the container's config.json as the monitor loaded it (re-read when
 * it names no network: one may have been connected since). The state's
 * NetworkSettings stay: the caller's exit record drops them (one state
 * write on the exit path, not two; a crash between leaves them, and the
 * next start or rm releases again, which is harmless). */
void net_teardown(struct rt *rt, const char *id, json_t *cfg);
/* ctr_remove_files: whatever a crashed monitor left (same as teardown). */
void net_ctr_removed(const struct rt *rt, const char *id);
/* rt_ctr_rename: peers resolve the container by its new name. */
void net_ctr_renamed(struct rt *rt, const char *id, const char *name);
/* system reset: delete every bridge, rule and lease this root made. */
int net_reset(struct rt *rt, struct tug_err *err);

/* Published ports of a running container from its state (NetworkSettings
 * written by net_setup), as docker ps prints them; "" when none. */
char *net_ports_text(json_t *state, json_t *cfg);
/* First IP address of the container from its state, or NULL. */
const char *net_ctr_ip(json_t *state);

/* ---- operations (network ls/inspect/create/rm/prune/connect) ---- */
int rt_net_list(struct rt *rt, struct tug_list *out, struct tug_err *err);
int rt_net_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err);
int rt_net_create(struct rt *rt, const struct tug_net_create_opts *o, char *id_out,
		  struct tug_err *err);
/* Refuses a network with running containers; force (docker's rm -f) only
 * makes a missing network not an error. */
int rt_net_remove(struct rt *rt, const char *ref, int force, struct tug_err *err);
int rt_net_prune(struct rt *rt, void (*removed)(void *, const char *), void *ctx,
		 struct tug_err *err);
int rt_net_connect(struct rt *rt, const char *net, const char *ctr,
		   const struct tug_net_connect_opts *o, struct tug_err *err);
int rt_net_disconnect(struct rt *rt, const char *net, const char *ctr, int force,
		      struct tug_err *err);

#endif
