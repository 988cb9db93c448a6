/* net-store.c - network objects: settings, per-root names, the default
 * network, create, activation (bridge + firewall), list, inspect, remove
 * and prune. */
#include "runtime/net.h"
#include "runtime/dirlist.h"
#include "runtime/net-fw.h"
#include "runtime/net-ipam.h"
#include "runtime/net-nl.h"
#include "util/digest.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_ROOT "/var/lib/tug"

/* Address pools: clear of docker (172.17-31/16, 192.168/16), podman
 * (10.88/16 default, 10.89+ for new networks), Kubernetes' usual pod and
 * service ranges (10.42-43, 10.96/12, 10.244/16) and libvirt. */
static const char *const default_pools[] = { "10.66.0.0/15" };
#define DEFAULT_POOL_SIZE 24
/* Never chosen from a pool, even from one a user configured: the default
 * networks of docker and podman appear as routes only while they run. */
static const char *const reserved_subnets[] = { "172.17.0.0/16", "10.88.0.0/16" };

void net_names(const struct rt *rt, struct net_names *out)
{
	memset(out, 0, sizeof(*out));
	if (!strcmp(rt->root, DEFAULT_ROOT)) {
		snprintf(out->table, sizeof(out->table), "tug");
		snprintf(out->ipt_chain, sizeof(out->ipt_chain), "TUG-FORWARD");
		snprintf(out->bridge_prefix, sizeof(out->bridge_prefix), "tug-");
		snprintf(out->default_bridge, sizeof(out->default_bridge), "tug0");
	} else {
		/* another root (tests, a second user): a short hash of its path
		 * keeps its host-wide names apart */
		char d[DIGEST_STR_LEN + 1];
		digest_buf(rt->root, strlen(rt->root), d);
		snprintf(out->table, sizeof(out->table), "tug_%.6s", d + 7);
		snprintf(out->ipt_chain, sizeof(out->ipt_chain), "TUG-FWD-%.6s", d + 7);
		snprintf(out->bridge_prefix, sizeof(out->bridge_prefix), "t%.5s-", d + 7);
		snprintf(out->default_bridge, sizeof(out->default_bridge), "t%.5s0", d + 7);
	}
}

void netw_release(struct netw *n)
{
	json_decref(n->cfg);
	memset(n, 0, sizeof(*n));
}

static char *net_dir(const struct rt *rt, const char *name, const char *file, char *buf, size_t size)
{
	if (file && name)
		snprintf(buf, size, "%s/networks/%s/%s", rt->root, name, file);
	else if (file)
		snprintf(buf, size, "%s/networks/%s", rt->root, file);
	else if (name)
		snprintf(buf, size, "%s/networks/%s", rt->root, name);
	else
		snprintf(buf, size, "%s/networks", rt->root);
	return buf;
}

int net_lock(struct rt *rt, struct tug_err *err)
{
	char path[PATH_MAX];

	if (fs_mkdir_p(net_dir(rt, NULL, NULL, path, sizeof(path)), 0700, err) < 0)
		return -1;
	return fs_lock(net_dir(rt, NULL, "lock", path, sizeof(path)) , err);
}

static int valid_net_name(const char *n)
{
	if (!n || !isalnum((unsigned char)n[0]) || strlen(n) >= 100)
		return 0;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return 0;
	return 1;
}

/* root/network.json, every key optional. */
struct net_settings {
	char default_bridge[16];
	char default_subnet[32];
	struct net4_pool pools[16];
	size_t npools;
};

static int load_settings(const struct rt *rt, struct net_settings *s, struct tug_err *err)
{
	char path[PATH_MAX];
	struct net_names nm;
	json_t *j = NULL, *pools, *p;
	size_t i;

	memset(s, 0, sizeof(*s));
	net_names(rt, &nm);
	snprintf(s->default_bridge, sizeof(s->default_bridge), "%s", nm.default_bridge);
	snprintf(path, sizeof(path), "%s/network.json", rt->root);
	if (access(path, F_OK) == 0) {
		j = json_load_path(path, err);
		if (!j)
			return tug_err_wrap(err, "network settings");
	}
	if (jstr(j, "DefaultBridge")) {
		const char *b = jstr(j, "DefaultBridge");
		if (!*b || strlen(b) >= IFNAMSIZ || strchr(b, '/') || strchr(b, ' ')) {
			json_decref(j);
			return tug_errf(err, TUG_E_INVALID, "%s: DefaultBridge '%s' is not a valid interface name",
					path, b);
		}
		snprintf(s->default_bridge, sizeof(s->default_bridge), "%s", b);
	}
	if (jstr(j, "DefaultSubnet"))
		snprintf(s->default_subnet, sizeof(s->default_subnet), "%s", jstr(j, "DefaultSubnet"));
	pools = json_object_get(j, "AddressPools");
	json_array_foreach(pools, i, p) {
		if (s->npools == sizeof(s->pools) / sizeof(s->pools[0]))
			break;
		if (net4_parse(jstr(p, "Base"), 0, &s->pools[s->npools].base, err) < 0) {
			json_decref(j);
			return tug_err_wrap(err, "%s: AddressPools", path);
		}
		s->pools[s->npools].size = jint(p, "Size") ? (int)jint(p, "Size") : DEFAULT_POOL_SIZE;
		if (s->pools[s->npools].size < s->pools[s->npools].base.len || s->pools[s->npools].size > 30) {
			json_decref(j);
			return tug_errf(err, TUG_E_INVALID, "%s: pool %s: Size must be between %d and 30", path,
					jstr(p, "Base"), s->pools[s->npools].base.len);
		}
		s->npools++;
	}
	if (!s->npools)
		for (i = 0; i < sizeof(default_pools) / sizeof(default_pools[0]); i++) {
			net4_parse(default_pools[i], 0, &s->pools[s->npools].base, err);
			s->pools[s->npools++].size = DEFAULT_POOL_SIZE;
		}
	json_decref(j);
	return 0;
}

static int netw_from_cfg(json_t *cfg, struct netw *n, struct tug_err *err)
{
	json_t *ipam = json_object_get(json_object_get(cfg, "IPAM"), "Config");
	json_t *c0 = json_array_get(ipam, 0);
	const char *br = jstr(json_object_get(cfg, "Options"), "com.docker.network.bridge.name");

	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", jstr(cfg, "Name") ? jstr(cfg, "Name") : "");
	snprintf(n->id, sizeof(n->id), "%s", jstr(cfg, "Id") ? jstr(cfg, "Id") : "");
	snprintf(n->bridge, sizeof(n->bridge), "%s", br ? br : "");
	n->internal = jbool(cfg, "Internal");
	if (!br || net4_parse(jstr(c0, "Subnet"), 0, &n->subnet, err) < 0 ||
	    ip4_parse(jstr(c0, "Gateway"), &n->gateway) < 0) {
		json_decref(cfg);
		return tug_errf(err, TUG_E_GENERIC, "network %s: its configuration is damaged: remove it",
				n->name);
	}
	n->cfg = cfg;
	return 0;
}

static int load_by_name(struct rt *rt, const char *name, struct netw *n, struct tug_err *err)
{
	char path[PATH_MAX];
	json_t *cfg;

	if (access(net_dir(rt, name, "config.json", path, sizeof(path)), F_OK) < 0)
		return tug_errf(err, TUG_E_NOTFOUND, "network %s not found", name);
	cfg = json_load_path(path, err);
	if (!cfg)
		return tug_err_wrap(err, "network %s", name);
	return netw_from_cfg(cfg, n, err);
}

static int has_config(const char *dir, const char *name, void *ctx)
{
	char path[PATH_MAX];
	(void)ctx;
	snprintf(path, sizeof(path), "%s/%s/config.json", dir, name);
	return access(path, F_OK) == 0;
}

char **net_list_names(struct rt *rt)
{
	char path[PATH_MAX];
	return dirlist(net_dir(rt, NULL, NULL, path, sizeof(path)), has_config, NULL);
}

/* fn for every network whose record loads, until it returns non-zero
 * (which is returned). */
static int each_network(struct rt *rt, int (*fn)(struct rt *rt, struct netw *w, void *ctx),
			void *ctx)
{
	char **names = net_list_names(rt);
	int r = 0;

	for (char **p = names; *p && !r; p++) {
		struct netw w;
		struct tug_err e;
		if (load_by_name(rt, *p, &w, &e) < 0)
			continue;
		r = fn(rt, &w, ctx);
		netw_release(&w);
	}
	dirlist_free(names);
	return r;
}

struct subnets {
	struct net4 *v;
	size_t n;
};

static int add_subnet(struct rt *rt, struct netw *w, void *ctx)
{
	struct subnets *s = ctx;
	(void)rt;
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = w->subnet;
	return 0;
}

/* Subnets a new network must not overlap: tug's networks, the host's
 * routes, and the reserved defaults of other runtimes (when reserved). */
static int used_subnets(struct rt *rt, int with_reserved, struct net4 **out, size_t *n,
			struct tug_err *err)
{
	struct nl nl;
	struct subnets s = { NULL, 0 };

	if (nl_open(&nl, err) < 0)
		return -1;
	if (nl_routes4(&nl, &s.v, &s.n, err) < 0) {
		nl_close(&nl);
		return -1;
	}
	nl_close(&nl);
	each_network(rt, add_subnet, &s);
	if (with_reserved)
		for (size_t i = 0; i < sizeof(reserved_subnets) / sizeof(reserved_subnets[0]); i++) {
			s.v = xrealloc(s.v, (s.n + 1) * sizeof(*s.v));
			net4_parse(reserved_subnets[i], 0, &s.v[s.n++], err);
		}
	*out = s.v;
	*n = s.n;
	return 0;
}

static char *active_path(const struct rt *rt, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/net/%s.active", rt->runroot, name);
	return buf;
}

int net_activate(struct rt *rt, struct netw *n, struct tug_err *err)
{
	struct nl nl;
	int idx;
	char path[PATH_MAX], buf[32];

	if (nl_open(&nl, err) < 0)
		return -1;
	idx = nl_link_index(&nl, n->bridge, err);
	if (idx < 0)
		goto fail;
	if (idx == 0) {
		/* a bridge route taken meanwhile by something else (after a
		 * reboot, say) would make this network shadow it */
		struct net4 *routes = NULL;
		size_t nr = 0;
		char sub[20];
		if (nl_routes4(&nl, &routes, &nr, err) < 0)
			goto fail;
		for (size_t i = 0; i < nr; i++)
			if (net4_overlaps(&routes[i], &n->subnet)) {
				free(routes);
				tug_errf(err, TUG_E_CONFLICT,
					 "network %s: its subnet %s now overlaps a route of the host: remove the network and create it again",
					 n->name, net4_fmt(&n->subnet, sub));
				goto fail;
			}
		free(routes);
		idx = nl_bridge_add(&nl, n->bridge, err);
		if (idx < 0)
			goto fail;
	}
	if (nl_addr_add(&nl, idx, n->gateway, n->subnet.len, err) < 0 || nl_link_up(&nl, idx, err) < 0)
		goto fail;
	nl_close(&nl);
	if (fw_network_add(rt, n, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/net", rt->runroot);
	mkdir(path, 0700);
	snprintf(buf, sizeof(buf), "%d", idx);
	return fs_write_atomic(active_path(rt, n->name, path, sizeof(path)), buf, strlen(buf), 0600, err);
fail:
	nl_close(&nl);
	return tug_err_wrap(err, "network %s", n->name);
}

/* Cheap check (no lock, no firewall call) that activation happened since
 * boot and the bridge is still the one it made. */
static int is_active(struct rt *rt, const struct netw *n)
{
	char path[PATH_MAX], buf[32];
	unsigned idx = if_nametoindex(n->bridge);

	if (!idx || fs_read_small(active_path(rt, n->name, path, sizeof(path)), buf, sizeof(buf)) <= 0)
		return 0;
	return (unsigned)atoi(buf) == idx;
}

/* Create a network's files (lock held). */
static int create_locked(struct rt *rt, const struct tug_net_create_opts *o, const char *bridge,
			 int is_default, const char *default_subnet, char *id_out, struct tug_err *err)
{
	struct net_settings st;
	struct net4 sub, *used = NULL;
	size_t nused = 0;
	uint32_t gw;
	char id[65], path[PATH_MAX], s1[20], g1[16], ts[64];
	json_t *cfg, *ipam, *conf, *c0, *opts, *labels;
	struct netw w;
	int64_t now = now_ns();
	const char *want_subnet = o->subnet;

	memset(&sub, 0, sizeof(sub));
	if (access(net_dir(rt, o->name, NULL, path, sizeof(path)), F_OK) == 0)
		return tug_errf(err, TUG_E_CONFLICT, "network with name %s already exists", o->name);
	if (load_settings(rt, &st, err) < 0)
		return -1;
	if (!want_subnet && default_subnet && *default_subnet)
		want_subnet = default_subnet;
	if (used_subnets(rt, !want_subnet, &used, &nused, err) < 0)
		return -1;
	if (want_subnet) {
		if (net4_parse(want_subnet, 0, &sub, err) < 0)
			goto fail;
		if (sub.len > 30) {
			tug_errf(err, TUG_E_INVALID, "subnet %s is too small: a network needs at least a /30",
				 want_subnet);
			goto fail;
		}
		for (size_t i = 0; i < nused; i++)
			if (net4_overlaps(&sub, &used[i])) {
				char u[20];
				tug_errf(err, TUG_E_CONFLICT,
					 "subnet %s overlaps %s, already in use on this host (by a tug network or a route): choose another",
					 want_subnet, net4_fmt(&used[i], u));
				goto fail;
			}
	} else if (net4_pick(st.pools, st.npools, used, nused, &sub, err) < 0) {
		goto fail;
	}
	free(used);
	used = NULL;
	if (o->gateway) {
		if (ip4_parse(o->gateway, &gw) < 0 || !net4_contains(&sub, gw) || gw == sub.addr ||
		    gw == net4_bcast(&sub))
			return tug_errf(err, TUG_E_INVALID,
					"gateway %s is not a usable address of subnet %s", o->gateway,
					net4_fmt(&sub, s1));
	} else {
		gw = sub.addr + 1;
	}
	random_hex_id(id);
	cfg = json_object();
	jset_str(cfg, "Name", o->name);
	jset_str(cfg, "Id", id);
	jset_str(cfg, "Created", fmt_rfc3339(ts, sizeof(ts), now));
	jset_int(cfg, "CreatedNs", now);
	jset_str(cfg, "Scope", "local");
	jset_str(cfg, "Driver", "bridge");
	jset_bool(cfg, "EnableIPv6", 0);
	ipam = json_object();
	jset_str(ipam, "Driver", "default");
	json_object_set_new(ipam, "Options", json_object());
	conf = json_array();
	c0 = json_object();
	jset_str(c0, "Subnet", net4_fmt(&sub, s1));
	jset_str(c0, "Gateway", ip4_fmt(gw, g1));
	json_array_append_new(conf, c0);
	json_object_set_new(ipam, "Config", conf);
	json_object_set_new(cfg, "IPAM", ipam);
	jset_bool(cfg, "Internal", o->internal);
	jset_bool(cfg, "Attachable", 0);
	jset_bool(cfg, "Ingress", 0);
	opts = json_object();
	jset_str(opts, "com.docker.network.bridge.name", bridge);
	if (is_default)
		jset_str(opts, "com.docker.network.bridge.default_bridge", "true");
	json_object_set_new(cfg, "Options", opts);
	labels = json_object();
	for (char **l = o->labels; l && *l; l++) {
		const char *eq = strchr(*l, '=');
		char key[256];
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - *l) : (int)strlen(*l), *l);
		json_object_set_new(labels, key, json_string(eq ? eq + 1 : ""));
	}
	json_object_set_new(cfg, "Labels", labels);

	if (mkdir(net_dir(rt, o->name, NULL, path, sizeof(path)), 0700) < 0) {
		json_decref(cfg);
		return tug_errno(err, "create %s", path);
	}
	if (json_save_path(net_dir(rt, o->name, "config.json", path, sizeof(path)), cfg, err) < 0) {
		json_decref(cfg);
		goto undo;
	}
	if (netw_from_cfg(cfg, &w, err) < 0)
		goto undo;
	if (net_activate(rt, &w, err) < 0) {
		struct nl nl;
		struct tug_err e;
		fw_network_del(rt, &w);
		if (nl_open(&nl, &e) == 0) {
			nl_link_del(&nl, w.bridge, &e);
			nl_close(&nl);
		}
		netw_release(&w);
		goto undo;
	}
	netw_release(&w);
	if (id_out)
		memcpy(id_out, id, 65);
	return 0;
undo:
	{
		struct tug_err e;
		fs_rm_rf(net_dir(rt, o->name, NULL, path, sizeof(path)), &e);
	}
	return -1;
fail:
	free(used);
	return -1;
}

int rt_net_create(struct rt *rt, const struct tug_net_create_opts *o, char *id_out,
		  struct tug_err *err)
{
	struct net_names nm;
	char id[65], bridge[16];
	int lk, rc;

	if (!o->name || !*o->name)
		return tug_errf(err, TUG_E_INVALID, "network create: a name is required");
	if (!valid_net_name(o->name))
		return tug_errf(err, TUG_E_INVALID,
				"invalid network name '%s': only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", o->name);
	if (!strcmp(o->name, "host") || !strcmp(o->name, "none") || !strcmp(o->name, NET_DEFAULT) ||
	    !strcmp(o->name, "default"))
		return tug_errf(err, TUG_E_CONFLICT, "network name %s is reserved: choose another", o->name);
	if (o->driver && strcmp(o->driver, "bridge"))
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"network driver '%s' is not supported by the local runtime: use bridge", o->driver);
	net_names(rt, &nm);
	lk = net_lock(rt, err);
	if (lk < 0)
		return -1;
	/* the id decides the bridge name: pick it first, then create */
	random_hex_id(id);
	snprintf(bridge, sizeof(bridge), "%s%.*s", nm.bridge_prefix,
		 (int)(IFNAMSIZ - 1 - strlen(nm.bridge_prefix)), id);
	rc = create_locked(rt, o, bridge, 0, NULL, id_out, err);
	fs_unlock(lk);
	return rc;
}

/* The default network, created on first use (lock held by caller). */
static int ensure_default(struct rt *rt, struct tug_err *err)
{
	char path[PATH_MAX];
	struct net_settings st;
	struct tug_net_create_opts o = { .name = NET_DEFAULT };

	if (access(net_dir(rt, NET_DEFAULT, "config.json", path, sizeof(path)), F_OK) == 0)
		return 0;
	if (load_settings(rt, &st, err) < 0)
		return -1;
	return create_locked(rt, &o, st.default_bridge, 1, st.default_subnet, NULL, err);
}

struct id_match {
	const char *prefix;
	char *name;
	size_t size;
	int found;
};

static int match_id(struct rt *rt, struct netw *w, void *ctx)
{
	struct id_match *m = ctx;
	(void)rt;
	if (str_has_prefix(w->id, m->prefix) && m->found++ == 0)
		snprintf(m->name, m->size, "%s", w->name);
	return m->found > 1;
}

static int resolve_name(struct rt *rt, const char *ref, char *name, size_t size, struct tug_err *err)
{
	char path[PATH_MAX];
	int found;

	if (!ref || !*ref)
		return tug_errf(err, TUG_E_INVALID, "network name or id is empty");
	if (!strcmp(ref, "default"))
		ref = NET_DEFAULT;
	if (valid_net_name(ref) &&
	    access(net_dir(rt, ref, "config.json", path, sizeof(path)), F_OK) == 0) {
		snprintf(name, size, "%s", ref);
		return 0;
	}
	if (!strcmp(ref, NET_DEFAULT)) {
		snprintf(name, size, "%s", ref);
		return 0;
	}
	{
		struct id_match m = { ref, name, size, 0 };
		each_network(rt, match_id, &m);
		found = m.found;
	}
	if (found > 1)
		return tug_errf(err, TUG_E_CONFLICT, "network id prefix %s is ambiguous: give more of it", ref);
	if (!found)
		return tug_errf(err, TUG_E_NOTFOUND, "network %s not found", ref);
	return 0;
}

int net_load(struct rt *rt, const char *ref, struct netw *out, struct tug_err *err)
{
	char name[128], path[PATH_MAX];

	if (resolve_name(rt, ref, name, sizeof(name), err) < 0)
		return -1;
	if (!strcmp(name, NET_DEFAULT) &&
	    access(net_dir(rt, NET_DEFAULT, "config.json", path, sizeof(path)), F_OK) < 0) {
		int lk = net_lock(rt, err), rc;
		if (lk < 0)
			return -1;
		rc = ensure_default(rt, err);
		fs_unlock(lk);
		if (rc < 0)
			return tug_err_wrap(err, "create the default network");
	}
	return load_by_name(rt, name, out, err);
}

int net_load_active(struct rt *rt, const char *ref, struct netw *out, struct tug_err *err)
{
	if (!strcmp(ref, NET_DEFAULT) && ensure_default(rt, err) < 0)
		return tug_err_wrap(err, "create the default network");
	if (load_by_name(rt, ref, out, err) < 0)
		return -1;
	if (!is_active(rt, out) && net_activate(rt, out, err) < 0) {
		netw_release(out);
		return -1;
	}
	return 0;
}

/* ---- list / inspect ---- */

static json_t *containers_of(struct rt *rt, const struct netw *n)
{
	json_t *leases = ipam_load(rt, n->name), *out = json_object(), *l;
	const char *ip;

	json_object_foreach(json_object_get(leases, "Leases"), ip, l) {
		json_t *e;
		char cidr[32];
		if (!lease_alive(l) || !jstr(l, "Container"))
			continue;
		e = json_object();
		jset_str(e, "Name", jstr(l, "Name"));
		jset_str(e, "EndpointID", jstr(l, "Veth"));
		jset_str(e, "MacAddress", jstr(l, "Mac"));
		snprintf(cidr, sizeof(cidr), "%s/%d", ip, n->subnet.len);
		jset_str(e, "IPv4Address", cidr);
		jset_str(e, "IPv6Address", "");
		json_object_set_new(out, jstr(l, "Container"), e);
	}
	json_decref(leases);
	return out;
}

static json_t *inspect_json(struct rt *rt, const struct netw *n)
{
	json_t *o = json_deep_copy(n->cfg);
	json_object_del(o, "CreatedNs");
	json_object_set_new(o, "Containers", containers_of(rt, n));
	return o;
}

/* Published ports of the network's containers, from ports.json. */
static char *ports_of(struct rt *rt, json_t *members)
{
	char path[PATH_MAX];
	struct tug_err e;
	json_t *ports;
	const char *key;
	json_t *v;
	struct sbuf s = SBUF_INIT;

	snprintf(path, sizeof(path), "%s/networks/ports.json", rt->root);
	ports = access(path, F_OK) == 0 ? json_load_path(path, &e) : NULL;
	json_object_foreach(ports, key, v) {
		char proto[8] = "", hip[20] = "";
		unsigned hport = 0;
		if (!json_object_get(members, jstr(v, "Container") ? jstr(v, "Container") : "") ||
		    !lease_alive(v))
			continue;
		if (sscanf(key, "%7[a-z]/%19[0-9.]/%u", proto, hip, &hport) != 3)
			continue;
		sbuf_printf(&s, "%s%s:%u->%d/%s", s.len ? ", " : "", hip, hport, (int)jint(v, "CtrPort"),
			    proto);
	}
	json_decref(ports);
	return sbuf_detach(&s);
}

static void fill_obj(struct rt *rt, const struct netw *n, struct tug_obj *o)
{
	char sub[20];
	json_t *members, *m;
	const char *id;
	size_t k = 0;

	memset(o, 0, sizeof(*o));
	o->kind = TUG_NETWORK;
	o->id = xstrdup(n->id);
	o->name = xstrdup(n->name);
	o->status = xstrdup("bridge");
	o->state = xstrdup(n->internal ? "internal" : "bridge");
	o->ip = xstrdup(net4_fmt(&n->subnet, sub));
	o->created_ns = jint(n->cfg, "CreatedNs");
	o->raw = inspect_json(rt, n);
	members = json_object_get(o->raw, "Containers");
	o->users = xcalloc(json_object_size(members) + 1, sizeof(char *));
	json_object_foreach(members, id, m)
		o->users[k++] = xstrdup(jstr(m, "Name") ? jstr(m, "Name") : id);
	o->total = (int)k;
	o->ports = ports_of(rt, members);
}

/* docker lists host and none as networks too; their ids are stable
 * digests so scripts can refer to them. */
static void pseudo_obj(const char *name, struct tug_obj *o)
{
	char d[DIGEST_STR_LEN + 1], what[32];
	json_t *raw = json_object();

	snprintf(what, sizeof(what), "tug network %s", name);
	digest_buf(what, strlen(what), d);
	memset(o, 0, sizeof(*o));
	o->kind = TUG_NETWORK;
	o->id = xstrdup(d + 7);
	o->name = xstrdup(name);
	o->status = xstrdup(!strcmp(name, "host") ? "host" : "null");
	o->state = xstrdup(o->status);
	o->ip = xstrdup("");
	o->ports = xstrdup("");
	o->users = xcalloc(1, sizeof(char *));
	jset_str(raw, "Name", name);
	jset_str(raw, "Id", d + 7);
	jset_str(raw, "Scope", "local");
	jset_str(raw, "Driver", o->status);
	json_object_set_new(raw, "IPAM", json_pack("{s:s, s:[]}", "Driver", "default", "Config"));
	jset_bool(raw, "Internal", 0);
	json_object_set_new(raw, "Containers", json_object());
	json_object_set_new(raw, "Options", json_object());
	json_object_set_new(raw, "Labels", json_object());
	o->raw = raw;
}

static int list_one(struct rt *rt, struct netw *w, void *ctx)
{
	struct tug_list *out = ctx;
	out->items = xrealloc(out->items, (out->n + 3) * sizeof(struct tug_obj));
	fill_obj(rt, w, &out->items[out->n++]);
	return 0;
}

int rt_net_list(struct rt *rt, struct tug_list *out, struct tug_err *err)
{
	(void)err;
	out->items = xcalloc(2, sizeof(struct tug_obj));
	out->n = 0;
	each_network(rt, list_one, out);
	pseudo_obj("host", &out->items[out->n++]);
	pseudo_obj("none", &out->items[out->n++]);
	return 0;
}

int rt_net_inspect(struct rt *rt, const char *ref, json_t **out, struct tug_err *err)
{
	struct netw w;

	if (ref && (!strcmp(ref, "host") || !strcmp(ref, "none"))) {
		struct tug_obj o;
		pseudo_obj(ref, &o);
		*out = json_incref(o.raw);
		tug_obj_release(&o);
		return 0;
	}
	if (net_load(rt, ref, &w, err) < 0)
		return -1;
	*out = inspect_json(rt, &w);
	netw_release(&w);
	return 0;
}

/* Remove a network (lock held): bridge, rules, files. */
static int remove_locked(struct rt *rt, struct netw *w, struct tug_err *err)
{
	json_t *members = containers_of(rt, w);
	char path[PATH_MAX];
	struct nl nl;
	struct tug_err e;

	if (json_object_size(members)) {
		const char *id;
		json_t *m;
		struct sbuf s = SBUF_INIT;
		json_object_foreach(members, id, m)
			sbuf_printf(&s, "%s%s", s.len ? ", " : "", jstr(m, "Name") ? jstr(m, "Name") : id);
		tug_errf(err, TUG_E_CONFLICT,
			 "network %s has active endpoints (%s): stop or disconnect those containers first",
			 w->name, s.s);
		sbuf_release(&s);
		json_decref(members);
		return -1;
	}
	json_decref(members);
	fw_network_del(rt, w);
	if (nl_open(&nl, err) < 0)
		return -1;
	if (nl_link_del(&nl, w->bridge, err) < 0) {
		nl_close(&nl);
		return -1;
	}
	nl_close(&nl);
	unlink(active_path(rt, w->name, path, sizeof(path)));
	return fs_rm_rf(net_dir(rt, w->name, NULL, path, sizeof(path)), &e) < 0 ? (*err = e, -1) : 0;
}

int rt_net_remove(struct rt *rt, const char *ref, int force, struct tug_err *err)
{
	struct netw w;
	int lk, rc;

	if (ref && (!strcmp(ref, "host") || !strcmp(ref, "none") || !strcmp(ref, NET_DEFAULT) ||
		    !strcmp(ref, "default")))
		return tug_errf(err, TUG_E_PERM, "%s is a pre-defined network and cannot be removed", ref);
	if (net_load(rt, ref, &w, err) < 0)
		return force && err->code == TUG_E_NOTFOUND ? 0 : -1; /* docker's rm -f */
	lk = net_lock(rt, err);
	if (lk < 0) {
		netw_release(&w);
		return -1;
	}
	rc = remove_locked(rt, &w, err);
	fs_unlock(lk);
	netw_release(&w);
	return rc;
}

struct prune {
	void (*removed)(void *, const char *);
	void *ctx;
	struct tug_err *err;
	int rc;
};

static int prune_one(struct rt *rt, struct netw *w, void *ctx)
{
	struct prune *p = ctx;
	struct tug_err e;

	if (!strcmp(w->name, NET_DEFAULT))
		return 0;
	if (remove_locked(rt, w, &e) == 0) {
		if (p->removed)
			p->removed(p->ctx, w->name);
	} else if (e.code != TUG_E_CONFLICT) {
		/* in use is why prune keeps a network; anything else is news */
		*p->err = e;
		p->rc = -1;
	}
	return 0;
}

int rt_net_prune(struct rt *rt, void (*removed)(void *, const char *), void *ctx,
		 struct tug_err *err)
{
	struct prune p = { removed, ctx, err, 0 };
	int lk = net_lock(rt, err);

	if (lk < 0)
		return -1;
	each_network(rt, prune_one, &p);
	fs_unlock(lk);
	return p.rc;
}

static int reset_one(struct rt *rt, struct netw *w, void *ctx)
{
	struct nl *nl = ctx;
	struct tug_err e;

	fw_network_del(rt, w);
	if (nl->fd >= 0)
		nl_link_del(nl, w->bridge, &e);
	return 0;
}

int net_reset_networks(struct rt *rt, struct tug_err *err)
{
	struct nl nl;
	int have_nl = nl_open(&nl, err) == 0;

	if (!have_nl)
		nl.fd = -1;
	each_network(rt, reset_one, &nl);
	if (have_nl)
		nl_close(&nl);
	return have_nl ? 0 : -1;
}
