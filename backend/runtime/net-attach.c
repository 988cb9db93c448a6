/* net-attach.c - containers on networks: wiring a starting container into
 * its networks (lease, veth pair, address, default route, published
 * ports, /etc/hosts of it and its peers), undoing it when it exits or is
 * removed, connect/disconnect, and reset. */
#include "runtime/net.h"
#include "runtime/dirlist.h"
#include "runtime/net-etc.h"
#include "runtime/net-fw.h"
#include "runtime/net-ipam.h"
#include "runtime/net-nl.h"
#include "runtime/net-portspec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"
#include "util/trace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static int is_special(const char *mode)
{
	return !mode || !strcmp(mode, "host") || !strcmp(mode, "none");
}

/* The networks a container is on, primary (NetworkMode) first; strings
 * point into cfg. NULL-terminated, caller frees the array. */
static const char **ctr_networks(json_t *cfg)
{
	json_t *h = json_object_get(cfg, "HostConfig");
	json_t *eps = json_object_get(json_object_get(cfg, "NetworkingConfig"), "EndpointsConfig");
	const char *mode = jstr(h, "NetworkMode"), *key, **v;
	json_t *x;
	size_t n = 0;

	v = xcalloc(json_object_size(eps) + 2, sizeof(char *));
	if (is_special(mode))
		return v;
	if (!eps) {
		v[n++] = mode;
		return v;
	}
	if (json_object_get(eps, mode))
		v[n++] = mode;
	json_object_foreach(eps, key, x)
		if (strcmp(key, mode))
			v[n++] = key;
	return v;
}

/* ---- /etc/hosts of a container and of its peers ---- */

/* " name alias..." (with the short id for peers, as docker's DNS
 * answers it); sep is put before the first name. */
static void add_names(struct sbuf *b, json_t *lease, int peer, const char *sep)
{
	json_t *a;
	size_t i;

	if (jstr(lease, "Name")) {
		sbuf_printf(b, "%s%s", sep, jstr(lease, "Name"));
		sep = " ";
	}
	json_array_foreach(json_object_get(lease, "Aliases"), i, a)
		if (json_is_string(a)) {
			sbuf_printf(b, "%s%s", sep, json_string_value(a));
			sep = " ";
		}
	if (peer && jstr(lease, "Container"))
		sbuf_printf(b, "%s%.12s", sep, jstr(lease, "Container"));
}

/* Rewrite one container's /etc/hosts from its config (cfg, or read
 * from disk when NULL) and the leases of every network it is on (lock
 * held). */
static void render_hosts_of(struct rt *rt, const char *id, json_t *given)
{
	struct tug_err e;
	json_t *cfg = given ? json_incref(given) : rt_ctr_config(rt, id, &e), *own, *peers;
	const char **nets;
	const char *hostname, *gw = NULL;
	char path[PATH_MAX], gwbuf[16], *txt;

	if (!cfg)
		return;
	nets = ctr_networks(cfg);
	if (!nets[0]) {
		free(nets);
		json_decref(cfg);
		return;
	}
	hostname = jstr(json_object_get(cfg, "Config"), "Hostname");
	own = json_array();
	peers = json_array();
	for (const char **n = nets; *n; n++) {
		json_t *all = ipam_load(rt, *n), *l;
		const char *ip;
		int user = strcmp(*n, NET_DEFAULT) != 0;
		json_object_foreach(json_object_get(all, "Leases"), ip, l) {
			struct sbuf b = SBUF_INIT;
			int mine = jstr(l, "Container") && !strcmp(jstr(l, "Container"), id);
			if (!mine && (!user || !lease_alive(l)))
				continue;
			if (mine) {
				sbuf_printf(&b, "%s\t%s", ip, hostname ? hostname : "");
				if (user)
					add_names(&b, l, 0, " ");
				json_array_append_new(own, json_string(b.s));
				if (!gw) {
					struct netw w;
					if (net_load(rt, *n, &w, &e) == 0) {
						gw = ip4_fmt(w.gateway, gwbuf);
						netw_release(&w);
					}
				}
			} else {
				sbuf_printf(&b, "%s", ip);
				add_names(&b, l, 1, "\t");
				json_array_append_new(peers, json_string(b.s));
			}
			sbuf_release(&b);
		}
		json_decref(all);
	}
	txt = etc_render_hosts(json_object_get(json_object_get(cfg, "HostConfig"), "ExtraHosts"), gw,
			       own, peers);
	etc_write_inplace(rt_ctr_path(rt, id, "hosts", path, sizeof(path)), txt, strlen(txt), &e);
	free(txt);
	json_decref(own);
	json_decref(peers);
	free(nets);
	json_decref(cfg);
}

static void render_hosts(struct rt *rt, const char *id)
{
	render_hosts_of(rt, id, NULL);
}

/* Re-render the hosts of every live member of a user network. */
static void refresh_members(struct rt *rt, const char *net, const char *skip)
{
	json_t *all, *l;
	const char *ip;

	if (!strcmp(net, NET_DEFAULT))
		return; /* docker: no name resolution on the default bridge */
	all = ipam_load(rt, net);
	json_object_foreach(json_object_get(all, "Leases"), ip, l) {
		const char *c = jstr(l, "Container");
		if (c && lease_alive(l) && (!skip || strcmp(c, skip)))
			render_hosts(rt, c);
	}
	json_decref(all);
}

/* ---- teardown ---- */

/* Does the container's state still carry network settings, i.e. was it
 * set up and not (cleanly) torn down? Unreadable state counts as yes. */
static int has_settings(struct rt *rt, const char *id)
{
	struct tug_err e;
	char path[PATH_MAX];
	json_t *st;
	int r;

	if (access(rt_ctr_path(rt, id, "state.json", path, sizeof(path)), F_OK) < 0)
		return 1;
	st = json_load_path(path, &e);
	r = !st || json_object_get(st, "NetworkSettings") != NULL;
	json_decref(st);
	return r;
}

/* Published ports held by `id` (or, id NULL, by dead monitors): out of
 * ports.json and out of the firewall. */
static void release_ports(struct rt *rt, const char *id)
{
	struct port_list pl = { 0 };
	uint32_t *ips = NULL;

	hostport_release(rt, id, &pl, &ips);
	for (size_t i = 0; i < pl.n; i++) {
		struct port_list one = { &pl.v[i], 1 };
		fw_ports_del(rt, ips[i], &one);
	}
	free(ips);
	port_list_release(&pl);
}

/* Undo one network's lease of a container: the veth's host end (its
 * peer goes with it) and the peers' hosts entries. */
static void drop_leases(struct rt *rt, struct nl *nl, const char *net, json_t *gone, const char *id)
{
	const char *ip;
	json_t *l;
	struct tug_err e;

	json_object_foreach(gone, ip, l)
		if (nl && jstr(l, "Veth"))
			nl_link_del(nl, jstr(l, "Veth"), &e);
	if (json_object_size(gone))
		refresh_members(rt, net, id);
}

/* Everything a container holds on every network (lock held). The host
 * ends of its veths are deleted only with del_veths: when the container
 * has exited, its network namespace dies and takes them along, and an
 * explicit delete would wait for an RCU grace period on the exit path. */
static void teardown_locked(struct rt *rt, const char *id, int del_veths)
{
	char **nets = net_list_names(rt);
	struct nl nl;
	struct tug_err e;
	int have_nl = del_veths && nl_open(&nl, &e) == 0;

	for (char **n = nets; *n; n++) {
		json_t *gone = ipam_release(rt, *n, id);
		drop_leases(rt, have_nl ? &nl : NULL, *n, gone, id);
		json_decref(gone);
	}
	if (have_nl)
		nl_close(&nl);
	dirlist_free(nets);
	trace_mark("net: leases released");
	release_ports(rt, id);
	trace_mark("net: ports released");
}

void net_teardown(struct rt *rt, const char *id, json_t *cfg)
{
	struct tug_err e;
	const char **nets;
	json_t *disk = NULL;
	int lk;

	nets = ctr_networks(cfg);
	if (!nets[0]) {
		/* started without a network: a `network connect` since then is
		 * only in config.json */
		free(nets);
		disk = rt_ctr_config(rt, id, &e);
		if (!disk)
			return;
		nets = ctr_networks(disk);
	}
	if (nets[0]) {
		trace_mark("net: teardown");
		lk = net_lock(rt, &e);
		teardown_locked(rt, id, 0);
		fs_unlock(lk);
		trace_mark("net: torn down");
	}
	free(nets);
	json_decref(disk);
}

void net_ctr_removed(const struct rt *crt, const char *id)
{
	/* the lock and leases live in files: nothing of *rt changes */
	struct rt *rt = (struct rt *)crt;
	char path[PATH_MAX];
	struct tug_err e;
	int lk;

	snprintf(path, sizeof(path), "%s/networks", rt->root);
	if (access(path, F_OK) < 0 || !has_settings(rt, id))
		return;
	lk = net_lock(rt, &e);
	if (lk < 0)
		return;
	teardown_locked(rt, id, 1);
	fs_unlock(lk);
}

void net_ctr_renamed(struct rt *rt, const char *id, const char *name)
{
	char **nets;
	struct tug_err e;
	int lk;

	if (!has_settings(rt, id))
		return; /* not on a network now: its next start uses the new name */
	lk = net_lock(rt, &e);
	if (lk < 0)
		return;
	nets = net_list_names(rt);
	for (char **n = nets; *n; n++) {
		json_t *all = ipam_load(rt, *n), *l;
		const char *ip;
		int changed = 0;
		json_object_foreach(json_object_get(all, "Leases"), ip, l)
			if (jstr(l, "Container") && !strcmp(jstr(l, "Container"), id)) {
				jset_str(l, "Name", name);
				changed = 1;
			}
		if (changed && ipam_save(rt, *n, all, &e) == 0) {
			render_hosts(rt, id);
			refresh_members(rt, *n, id);
		}
		json_decref(all);
	}
	dirlist_free(nets);
	fs_unlock(lk);
}

/* ---- setup ---- */

struct attach {
	struct rt *rt;
	const char *id;
	json_t *cfg;
	pid_t monitor;
	unsigned long long mstart;
	int nsfd;
	struct nl host, ctr;
};

static json_t *endpoint_cfg(json_t *cfg, const char *net)
{
	return json_object_get(json_object_get(json_object_get(cfg, "NetworkingConfig"),
					       "EndpointsConfig"), net);
}

/* Attach to one network (lock held): lease, veth, address, and the
 * default route when asked. *ep gets the NetworkSettings.Networks entry. */
static int attach_one(struct attach *a, const struct netw *w, int ifnum, int default_route,
		      json_t **ep, struct tug_err *err)
{
	json_t *ecfg = endpoint_cfg(a->cfg, w->name), *info;
	uint32_t want = 0, ip;
	unsigned char mac[6], rnd[4];
	char veth[16], ifname[16], macs[18], ips[16], gws[16];
	int idx, br;

	if (ip4_parse(jstr(json_object_get(ecfg, "IPAMConfig"), "IPv4Address"), &want) < 0)
		want = 0;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		memcpy(rnd, &a->monitor, sizeof(rnd));
	snprintf(veth, sizeof(veth), "veth%02x%02x%02x%x", rnd[0], rnd[1], rnd[2], rnd[3] & 15);
	snprintf(ifname, sizeof(ifname), "eth%d", ifnum);
	info = json_object();
	jset_str(info, "Container", a->id);
	jset_str(info, "Name", jstr(a->cfg, "Name"));
	jset_str(info, "Hostname", jstr(json_object_get(a->cfg, "Config"), "Hostname"));
	json_object_set(info, "Aliases", json_object_get(ecfg, "Aliases") ? json_object_get(ecfg, "Aliases")
									  : json_array());
	if (!json_object_get(ecfg, "Aliases"))
		json_object_set_new(info, "Aliases", json_array());
	jset_str(info, "Veth", veth);
	jset_str(info, "Ifname", ifname);
	jset_int(info, "MonitorPid", a->monitor);
	jset_int(info, "MonitorStart", (int64_t)a->mstart);
	if (ipam_alloc(a->rt, w, want, info, &ip, err) < 0)
		return -1;
	trace_mark("net: address leased");
	mac_from_ip4(ip, mac);
	br = nl_link_index(&a->host, w->bridge, err);
	if (br <= 0) {
		if (br == 0)
			tug_errf(err, TUG_E_GENERIC, "bridge %s of network %s is gone", w->bridge, w->name);
		return -1;
	}
	if (nl_veth_add(&a->host, veth, br, ifname, mac, a->nsfd, err) < 0)
		return -1;
	trace_mark("net: veth created");
	if (a->ctr.fd < 0 && nl_open_netns(&a->ctr, a->nsfd, err) < 0)
		return -1;
	trace_mark("net: in the container's namespace");
	idx = nl_link_index(&a->ctr, ifname, err);
	if (idx <= 0) {
		if (idx == 0)
			tug_errf(err, TUG_E_GENERIC, "%s did not appear in the container", ifname);
		return -1;
	}
	if (nl_addr_add(&a->ctr, idx, ip, w->subnet.len, err) < 0 || nl_link_up(&a->ctr, idx, err) < 0)
		return -1;
	if (default_route && nl_route_default(&a->ctr, idx, w->gateway, err) < 0)
		return -1;
	trace_mark("net: address and route set");
	*ep = json_object();
	jset_str(*ep, "NetworkID", w->id);
	jset_str(*ep, "EndpointID", veth);
	jset_str(*ep, "Gateway", ip4_fmt(w->gateway, gws));
	jset_str(*ep, "IPAddress", ip4_fmt(ip, ips));
	jset_int(*ep, "IPPrefixLen", w->subnet.len);
	jset_str(*ep, "MacAddress", mac_fmt(mac, macs));
	jset_str(*ep, "Interface", ifname);
	json_object_set(*ep, "Aliases", json_object_get(ecfg, "Aliases") ? json_object_get(ecfg, "Aliases")
									: json_array());
	if (!json_object_get(ecfg, "Aliases"))
		json_object_set_new(*ep, "Aliases", json_array());
	jset_bool(*ep, "DefaultRoute", default_route);
	return 0;
}

/* The bindings to publish: explicit ones, plus -P's exposed ports that
 * have none. */
static int bindings_of(json_t *cfg, struct port_list *out, struct tug_err *err)
{
	json_t *h = json_object_get(cfg, "HostConfig"), *pb = json_object_get(h, "PortBindings"), *x;
	const char *key;

	if (portspec_from_json(pb, out, err) < 0)
		return -1;
	if (!jbool(h, "PublishAllPorts"))
		return 0;
	json_object_foreach(json_object_get(json_object_get(cfg, "Config"), "ExposedPorts"), key, x) {
		if (json_object_get(pb, key))
			continue;
		if (portspec_parse_exposed(key, out, err) < 0)
			return -1;
	}
	return 0;
}

static json_t *ports_json(const struct port_list *p)
{
	json_t *o = json_object();

	for (size_t i = 0; i < p->n; i++) {
		char key[16], hip[16], port[8];
		json_t *arr, *e = json_object();
		snprintf(key, sizeof(key), "%u/%s", p->v[i].ctr_port, p->v[i].proto);
		arr = json_object_get(o, key);
		if (!arr) {
			arr = json_array();
			json_object_set_new(o, key, arr);
		}
		snprintf(port, sizeof(port), "%u", p->v[i].host_lo);
		jset_str(e, "HostIp", ip4_fmt(p->v[i].host_ip, hip));
		jset_str(e, "HostPort", port);
		json_array_append_new(arr, e);
	}
	return o;
}

struct settings_edit {
	json_t *ns;             /* the whole NetworkSettings (set) */
	const char *net;        /* or: one network to add (ep) / remove (ep NULL) */
	json_t *ep;
};

static void summarise(json_t *ns)
{
	json_t *nets = json_object_get(ns, "Networks"), *n, *first = NULL;
	const char *key;

	/* docker's top-level fields describe the primary (default-route) one */
	json_object_foreach(nets, key, n) {
		if (!first)
			first = n;
		if (jbool(n, "DefaultRoute")) {
			first = n;
			break;
		}
	}
	jset_str(ns, "IPAddress", first ? jstr(first, "IPAddress") : "");
	jset_int(ns, "IPPrefixLen", first ? jint(first, "IPPrefixLen") : 0);
	jset_str(ns, "Gateway", first ? jstr(first, "Gateway") : "");
	jset_str(ns, "MacAddress", first ? jstr(first, "MacAddress") : "");
}

static void apply_settings(json_t *st, void *ctx)
{
	struct settings_edit *e = ctx;
	json_t *ns;

	if (e->ns) {
		json_object_set(st, "NetworkSettings", e->ns);
		return;
	}
	ns = json_object_get(st, "NetworkSettings");
	if (!ns) {
		ns = json_pack("{s:{}, s:{}}", "Networks", "Ports");
		json_object_set_new(st, "NetworkSettings", ns);
	}
	if (e->ep)
		json_object_set(json_object_get(ns, "Networks"), e->net, e->ep);
	else
		json_object_del(json_object_get(ns, "Networks"), e->net);
	summarise(ns);
}

int net_wanted(const struct ctr_spec *s)
{
	const char **nets;
	int any;

	if (s->net_host)
		return 0;
	nets = ctr_networks(s->config);
	any = nets[0] != NULL;
	free(nets);
	return any;
}

int net_setup(struct rt *rt, struct ctr_spec *s, int nsfd, json_t **settings,
	      struct tug_err *err)
{
	const char **nets = ctr_networks(s->config);
	struct attach a = { .rt = rt, .id = s->id, .cfg = s->config, .nsfd = nsfd };
	json_t *ns = NULL, *networks;
	struct port_list ports = { 0 };
	uint32_t primary_ip = 0;
	int lk = -1, have_route = 0, rc = -1;

	a.host.fd = a.ctr.fd = -1;
	*settings = NULL;
	if (s->net_host || !nets[0]) {
		free(nets);
		return 0;
	}
	a.monitor = getpid();
	a.mstart = rt_pid_start_ticks(a.monitor);
	if (nl_open(&a.host, err) < 0)
		goto out;
	trace_mark("net: setup");
	lk = net_lock(rt, err);
	if (lk < 0)
		goto out;
	trace_mark("net: locked");
	/* whatever a crashed earlier run left (its settings are still in
	 * the state: a clean exit clears them) */
	if (has_settings(rt, s->id))
		teardown_locked(rt, s->id, 1);
	trace_mark("net: leftovers checked");
	ns = json_object();
	networks = json_object();
	json_object_set_new(ns, "Networks", networks);
	for (int i = 0; nets[i]; i++) {
		struct netw w;
		json_t *ep;
		if (net_load_active(rt, nets[i], &w, err) < 0) {
			if (err->code == TUG_E_NOTFOUND)
				tug_errf(err, TUG_E_NOTFOUND,
					 "network %s no longer exists: create it again, or disconnect the container from it",
					 nets[i]);
			goto undo;
		}
		trace_mark("net: network loaded");
		if (attach_one(&a, &w, i, !have_route && !w.internal, &ep, err) < 0) {
			tug_err_wrap(err, "attach to network %s", w.name);
			netw_release(&w);
			goto undo;
		}
		if (i == 0) {
			ip4_parse(jstr(ep, "IPAddress"), &primary_ip);
			jset_str(ns, "Bridge", w.bridge);
		}
		if (!w.internal)
			have_route = 1;
		json_object_set_new(networks, w.name, ep);
		netw_release(&w);
		trace_mark("net: attached");
	}
	/* the container's loopback too: the init need not do it itself */
	{
		int lo = nl_link_index(&a.ctr, "lo", err);
		if (lo <= 0 || nl_link_up(&a.ctr, lo, err) < 0) {
			if (lo == 0)
				tug_errf(err, TUG_E_GENERIC, "the container has no loopback interface");
			goto undo;
		}
	}
	if (bindings_of(s->config, &ports, err) < 0)
		goto undo;
	if (ports.n) {
		char comment[80];
		snprintf(comment, sizeof(comment), "%s %.12s", jstr(s->config, "Name"), s->id);
		release_ports(rt, NULL); /* of monitors that died */
		if (hostport_reserve(rt, s->id, jstr(s->config, "Name"), primary_ip, &ports, a.monitor, err) < 0)
			goto undo;
		trace_mark("net: ports reserved");
		if (fw_ports_add(rt, primary_ip, &ports, comment, err) < 0)
			goto undo;
		trace_mark("net: ports published");
	}
	json_object_set_new(ns, "Ports", ports_json(&ports));
	summarise(ns);
	/* the record goes with the monitor's "running" state write, one
	 * write less per start; a monitor that dies before it leaves leases
	 * and port reservations that name it (reclaimed once it is gone),
	 * but firewall rules name nobody: with those, on record at once */
	if (ports.n) {
		struct settings_edit e = { .ns = ns };
		if (ctr_state_update(rt, s->id, apply_settings, &e, err) < 0)
			goto undo;
		trace_mark("net: state saved");
	}
	/* from the config the networks were just attached by, not read again */
	render_hosts_of(rt, s->id, s->config);
	for (int i = 0; nets[i]; i++)
		refresh_members(rt, nets[i], s->id);
	trace_mark("net: hosts written");
	*settings = json_incref(ns);
	rc = 0;
	goto out;
undo:
	teardown_locked(rt, s->id, 1);
out:
	if (lk >= 0)
		fs_unlock(lk);
	json_decref(ns);
	port_list_release(&ports);
	nl_close(&a.host);
	if (a.ctr.fd >= 0)
		nl_close(&a.ctr);
	free(nets);
	return rc;
}

/* ---- connect / disconnect ---- */

static int save_config(struct rt *rt, const char *id, json_t *cfg, struct tug_err *err)
{
	char path[PATH_MAX];
	int lk = rt_ctr_lock(rt, id, err), rc;

	if (lk < 0)
		return -1;
	rc = json_save_path(rt_ctr_path(rt, id, "config.json", path, sizeof(path)), cfg, err);
	fs_unlock(lk);
	return rc;
}

/* What connect and disconnect work on, under the network lock. */
struct conn {
	char id[65];
	struct netw w;
	json_t *cfg;
	json_t *eps;          /* cfg's EndpointsConfig (made when missing) */
	const char *name;     /* the container's */
	int lk;
	/* while it runs: */
	int running;
	pid_t pid, monitor;
	unsigned long long mstart;
	json_t *ns;           /* its NetworkSettings */
};

static void conn_end(struct conn *c)
{
	if (c->lk >= 0)
		fs_unlock(c->lk);
	json_decref(c->ns);
	json_decref(c->cfg);
	netw_release(&c->w);
}

/* With gone_ok, a network that no longer exists is fine (disconnecting
 * a stopped container from it is how one repairs its record). */
static int conn_begin(struct rt *rt, const char *netref, const char *ctr, int gone_ok,
		      struct conn *c, struct tug_err *err)
{
	const char *mode;
	json_t *st, *ncfg;

	memset(c, 0, sizeof(*c));
	c->lk = -1;
	if (netref && (!strcmp(netref, "host") || !strcmp(netref, "none")))
		return tug_errf(err, TUG_E_INVALID,
				"containers cannot be connected to or disconnected from network %s", netref);
	if (rt_ctr_resolve(rt, ctr, c->id, err) < 0)
		return -1;
	if (net_load(rt, netref, &c->w, err) < 0) {
		if (!gone_ok || err->code != TUG_E_NOTFOUND)
			return -1;
		memset(&c->w, 0, sizeof(c->w));
		snprintf(c->w.name, sizeof(c->w.name), "%s", netref);
	}
	c->lk = net_lock(rt, err);
	if (c->lk < 0 || !(c->cfg = rt_ctr_config(rt, c->id, err)))
		return -1;
	c->name = jstr(c->cfg, "Name") ? jstr(c->cfg, "Name") : c->id;
	mode = jstr(json_object_get(c->cfg, "HostConfig"), "NetworkMode");
	if (is_special(mode))
		return tug_errf(err, TUG_E_CONFLICT, "container %s uses --network %s: it has no networks to change",
				c->name, mode ? mode : "none");
	ncfg = json_object_get(c->cfg, "NetworkingConfig");
	if (!ncfg) {
		/* a record from before networks: its mode is its only network */
		json_t *e0 = json_object();
		json_object_set_new(e0, mode, json_pack("{s:[]}", "Aliases"));
		ncfg = json_pack("{s:o}", "EndpointsConfig", e0);
		json_object_set_new(c->cfg, "NetworkingConfig", ncfg);
	}
	c->eps = json_object_get(ncfg, "EndpointsConfig");
	st = rt_ctr_state(rt, c->id, err);
	if (st && (!strcmp(jstr(st, "Status") ? jstr(st, "Status") : "", ST_RUNNING) ||
		   !strcmp(jstr(st, "Status") ? jstr(st, "Status") : "", ST_PAUSED))) {
		c->pid = (pid_t)jint(st, "Pid");
		c->monitor = (pid_t)jint(st, "MonitorPid");
		c->mstart = (unsigned long long)jint(st, "MonitorStart");
		c->ns = json_incref(json_object_get(st, "NetworkSettings"));
		c->running = rt_pid_alive(c->pid, (unsigned long long)jint(st, "PidStart"));
	}
	json_decref(st);
	return 0;
}

/* Give a running container its interface on c->w now (lock held). */
static int attach_running(struct rt *rt, struct conn *c, struct tug_err *err)
{
	struct attach a = { .rt = rt, .id = c->id, .cfg = c->cfg, .monitor = c->monitor,
			    .mstart = c->mstart, .nsfd = -1 };
	struct netw act;
	json_t *ep = NULL, *x;
	const char *k;
	char path[64];
	int have_route = 0, ifnum = 0, rc = -1;

	a.host.fd = a.ctr.fd = -1;
	json_object_foreach(json_object_get(c->ns, "Networks"), k, x) {
		ifnum++;
		have_route |= jbool(x, "DefaultRoute");
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->pid);
	a.nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (a.nsfd < 0)
		return tug_errno(err, "open the network namespace of container %s", c->name);
	if (net_load_active(rt, c->w.name, &act, err) < 0) {
		close(a.nsfd);
		return -1;
	}
	if (nl_open(&a.host, err) == 0)
		/* eth<N>: the next number after what is attached now */
		rc = attach_one(&a, &act, ifnum, !have_route && !act.internal, &ep, err);
	nl_close(&a.host);
	if (a.ctr.fd >= 0)
		nl_close(&a.ctr);
	close(a.nsfd);
	if (rc < 0) {
		json_decref(ipam_release(rt, act.name, c->id));
	} else {
		struct settings_edit e = { .net = act.name, .ep = ep };
		struct tug_err e2;
		ctr_state_update(rt, c->id, apply_settings, &e, &e2);
		json_decref(ep);
	}
	netw_release(&act);
	return rc;
}

int rt_net_connect(struct rt *rt, const char *netref, const char *ctr,
		   const struct tug_net_connect_opts *o, struct tug_err *err)
{
	static const struct tug_net_connect_opts none = { 0 };
	struct conn c;
	json_t *ep, *al;
	int rc = -1;

	if (!o)
		o = &none;
	if (conn_begin(rt, netref, ctr, 0, &c, err) < 0)
		goto out;
	if (json_object_get(c.eps, c.w.name)) {
		tug_errf(err, TUG_E_CONFLICT, "container %s is already connected to network %s", c.name,
			 c.w.name);
		goto out;
	}
	if (!strcmp(c.w.name, NET_DEFAULT) && (o->ip || (o->aliases && o->aliases[0]))) {
		tug_errf(err, TUG_E_INVALID, "--ip and --alias are supported on user-defined networks only");
		goto out;
	}
	if (o->ip) {
		uint32_t a;
		if (ip4_parse(o->ip, &a) < 0 || !net4_contains(&c.w.subnet, a) || a == c.w.gateway) {
			tug_errf(err, TUG_E_INVALID, "--ip %s is not a usable address of network %s", o->ip,
				 c.w.name);
			goto out;
		}
	}
	al = json_array();
	for (char **p = o->aliases; p && *p; p++)
		json_array_append_new(al, json_string(*p));
	ep = json_pack("{s:o}", "Aliases", al);
	if (o->ip)
		json_object_set_new(ep, "IPAMConfig", json_pack("{s:s}", "IPv4Address", o->ip));
	json_object_set_new(c.eps, c.w.name, ep);
	/* the record changes only once the interface (if running) is there */
	if (c.running && attach_running(rt, &c, err) < 0)
		goto out;
	if (save_config(rt, c.id, c.cfg, err) < 0)
		goto out;
	if (c.running) {
		render_hosts(rt, c.id);
		refresh_members(rt, c.w.name, c.id);
	}
	rc = 0;
out:
	conn_end(&c);
	return rc;
}

int rt_net_disconnect(struct rt *rt, const char *netref, const char *ctr, int force,
		      struct tug_err *err)
{
	struct conn c;
	int rc = -1;

	(void)force; /* nothing makes a disconnect need forcing here */
	if (conn_begin(rt, netref, ctr, 1, &c, err) < 0)
		goto out;
	if (!json_object_get(c.eps, c.w.name)) {
		tug_errf(err, TUG_E_NOTFOUND, "container %s is not connected to network %s", c.name, c.w.name);
		goto out;
	}
	json_object_del(c.eps, c.w.name);
	if (save_config(rt, c.id, c.cfg, err) < 0)
		goto out;
	if (c.running) {
		json_t *gone = ipam_release(rt, c.w.name, c.id);
		json_t *mine = json_object_get(json_object_get(c.ns, "Networks"), c.w.name);
		const char *primary = jstr(c.ns, "IPAddress");
		struct settings_edit ed = { .net = c.w.name, .ep = NULL };
		struct nl nl;
		struct tug_err e;
		int have_nl = nl_open(&nl, &e) == 0;
		drop_leases(rt, have_nl ? &nl : NULL, c.w.name, gone, c.id);
		if (have_nl)
			nl_close(&nl);
		/* published ports point at the primary address: they go with it */
		if (primary && jstr(mine, "IPAddress") && !strcmp(primary, jstr(mine, "IPAddress")))
			release_ports(rt, c.id);
		json_decref(gone);
		ctr_state_update(rt, c.id, apply_settings, &ed, &e);
		render_hosts(rt, c.id);
	}
	rc = 0;
out:
	conn_end(&c);
	return rc;
}

/* ---- reset ---- */

int net_reset(struct rt *rt, struct tug_err *err)
{
	char path[PATH_MAX];
	int lk;

	snprintf(path, sizeof(path), "%s/networks", rt->root);
	if (access(path, F_OK) < 0)
		return 0;
	lk = net_lock(rt, err);
	if (lk < 0)
		return -1;
	{
		char **nets = net_list_names(rt);
		struct nl nl;
		struct tug_err e;
		int have_nl = nl_open(&nl, &e) == 0;
		/* veths of containers whose monitors died without cleanup */
		for (char **n = nets; *n; n++) {
			json_t *all = ipam_load(rt, *n), *l;
			const char *ip;
			json_object_foreach(json_object_get(all, "Leases"), ip, l)
				if (have_nl && jstr(l, "Veth"))
					nl_link_del(&nl, jstr(l, "Veth"), &e);
			json_decref(all);
		}
		if (have_nl)
			nl_close(&nl);
		dirlist_free(nets);
	}
	release_ports(rt, NULL);
	net_reset_networks(rt, err);
	fw_reset(rt, err);
	fs_unlock(lk);
	snprintf(path, sizeof(path), "%s/net", rt->runroot);
	{
		struct tug_err e;
		fs_rm_rf(path, &e);
	}
	return 0;
}
