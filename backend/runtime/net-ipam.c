/* net-ipam.c - address leases and host port reservations. Callers hold
 * the network lock; every file is replaced atomically. */
#include "runtime/net-ipam.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

static char *leases_path(const struct rt *rt, const char *net, char *buf, size_t size)
{
	snprintf(buf, size, "%s/networks/%s/leases.json", rt->root, net);
	return buf;
}

json_t *ipam_load(struct rt *rt, const char *net)
{
	char path[PATH_MAX];
	struct tug_err e;
	json_t *j = NULL;

	if (access(leases_path(rt, net, path, sizeof(path)), F_OK) == 0)
		j = json_load_path(path, &e);
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	if (!json_is_object(json_object_get(j, "Leases")))
		json_object_set_new(j, "Leases", json_object());
	return j;
}

int ipam_save(struct rt *rt, const char *net, json_t *leases, struct tug_err *err)
{
	char path[PATH_MAX];
	return json_save_path(leases_path(rt, net, path, sizeof(path)), leases, err);
}

int lease_alive(json_t *lease)
{
	return rt_pid_alive((pid_t)jint(lease, "MonitorPid"),
			    (unsigned long long)jint(lease, "MonitorStart"));
}

/* Drop leases whose monitor is gone; returns how many. */
static int gc_leases(json_t *leases)
{
	const char *ip;
	json_t *l, *tmp;
	int n = 0;

	json_object_foreach_safe(leases, tmp, ip, l)
		if (!lease_alive(l)) {
			json_object_del(leases, ip);
			n++;
		}
	return n;
}

int ipam_alloc(struct rt *rt, const struct netw *n, uint32_t want, json_t *info, uint32_t *out,
	       struct tug_err *err)
{
	json_t *all = ipam_load(rt, n->name), *leases = json_object_get(all, "Leases");
	uint32_t first = n->subnet.addr + 1, last = net4_bcast(&n->subnet) - 1, pick = 0, next;
	char a[16], sub[20];
	int rc;

	if (want) {
		json_t *held;
		if (!net4_contains(&n->subnet, want) || want < first || want > last || want == n->gateway) {
			tug_errf(err, TUG_E_INVALID, "address %s is not usable on network %s (subnet %s, gateway %s)",
				 ip4_fmt(want, a), n->name, net4_fmt(&n->subnet, sub), ip4_fmt(n->gateway, (char[16]){ 0 }));
			goto fail;
		}
		held = json_object_get(leases, ip4_fmt(want, a));
		if (held && lease_alive(held) &&
		    strcmp(jstr(held, "Container") ? jstr(held, "Container") : "", jstr(info, "Container"))) {
			tug_errf(err, TUG_E_CONFLICT, "address %s is already in use on network %s by container %s",
				 a, n->name, jstr(held, "Name") ? jstr(held, "Name") : "?");
			goto fail;
		}
		pick = want;
	} else {
		uint64_t size = (uint64_t)last - first + 1;
		if (ip4_parse(jstr(all, "Next"), &next) < 0 || next < first || next > last)
			next = first;
		for (int round = 0; round < 2 && !pick; round++) {
			uint32_t c = next;
			for (uint64_t i = 0; i < size; i++) {
				if (c != n->gateway && !json_object_get(leases, ip4_fmt(c, a))) {
					pick = c;
					break;
				}
				c = c == last ? first : c + 1;
			}
			if (!pick && (round > 0 || gc_leases(leases) == 0))
				break;
		}
		if (!pick) {
			tug_errf(err, TUG_E_CONFLICT,
				 "network %s has no free address left in %s: remove containers or use a larger subnet",
				 n->name, net4_fmt(&n->subnet, sub));
			goto fail;
		}
	}
	json_object_set_new(leases, ip4_fmt(pick, a), info);
	info = NULL;
	jset_str(all, "Next", ip4_fmt(pick == last ? first : pick + 1, a));
	rc = ipam_save(rt, n->name, all, err);
	json_decref(all);
	if (rc < 0)
		return -1;
	*out = pick;
	return 0;
fail:
	json_decref(info);
	json_decref(all);
	return -1;
}

json_t *ipam_release(struct rt *rt, const char *net, const char *id)
{
	json_t *all = ipam_load(rt, net), *leases = json_object_get(all, "Leases");
	json_t *gone = json_object(), *l, *tmp;
	const char *ip;
	struct tug_err e;

	json_object_foreach_safe(leases, tmp, ip, l)
		if (jstr(l, "Container") && !strcmp(jstr(l, "Container"), id)) {
			json_object_set(gone, ip, l);
			json_object_del(leases, ip);
		}
	if (json_object_size(gone))
		ipam_save(rt, net, all, &e);
	json_decref(all);
	return gone;
}

/* ---- host ports ---- */

static char *ports_path(const struct rt *rt, char *buf, size_t size)
{
	snprintf(buf, size, "%s/networks/ports.json", rt->root);
	return buf;
}

static json_t *ports_load(struct rt *rt)
{
	char path[PATH_MAX];
	struct tug_err e;
	json_t *j = NULL;

	if (access(ports_path(rt, path, sizeof(path)), F_OK) == 0)
		j = json_load_path(path, &e);
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	return j;
}

static void port_key(char *buf, size_t size, const char *proto, uint32_t ip, unsigned port)
{
	char a[16];
	snprintf(buf, size, "%s/%s/%u", proto, ip4_fmt(ip, a), port);
}

/* Who holds proto/port on ip (0.0.0.0 overlaps every address)? */
static json_t *port_holder(json_t *ports, const char *proto, uint32_t ip, unsigned port)
{
	const char *key;
	json_t *v;

	json_object_foreach(ports, key, v) {
		char p[8], a[20];
		unsigned n;
		uint32_t hip;
		if (sscanf(key, "%7[a-z]/%19[0-9.]/%u", p, a, &n) != 3 || n != port || strcmp(p, proto) ||
		    ip4_parse(a, &hip) < 0)
			continue;
		if (!ip || !hip || ip == hip)
			return v;
	}
	return NULL;
}

/* Can the host itself bind proto/ip/port? (a host service there would be
 * shadowed by the DNAT rule; docker's proxy would fail the same way) */
static int host_port_free(const char *proto, uint32_t ip, unsigned port, int *err_no)
{
	int udp = !strcmp(proto, "udp");
	int s = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0), one = 1, r;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(ip) };

	if (s < 0)
		return 1;
	if (!udp)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	r = bind(s, (struct sockaddr *)&sa, sizeof(sa));
	*err_no = r < 0 ? errno : 0;
	close(s);
	return r == 0;
}

static void ephemeral_range(unsigned *lo, unsigned *hi)
{
	char buf[64];
	unsigned a, b;

	*lo = 49153;
	*hi = 60999;
	if (fs_read_small("/proc/sys/net/ipv4/ip_local_port_range", buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%u %u", &a, &b) == 2 && a > 0 && b >= a && b <= 65535) {
		*lo = a;
		*hi = b;
	}
}

int hostport_reserve(struct rt *rt, const char *id, const char *name, uint32_t ip,
		     struct port_list *p, pid_t monitor, struct tug_err *err)
{
	json_t *ports = ports_load(rt);
	char path[PATH_MAX], hip[16], cip[16];
	unsigned long long start = rt_pid_start_ticks(monitor);
	int rc;

	for (size_t i = 0; i < p->n; i++) {
		struct port_binding *b = &p->v[i];
		unsigned lo = b->host_lo, hi = b->host_hi, chosen = 0, span, off;
		int e = 0;
		ip4_fmt(b->host_ip, hip);
		if (lo && lo == hi) {
			json_t *h = port_holder(ports, b->proto, b->host_ip, lo);
			if (h) {
				tug_errf(err, TUG_E_CONFLICT,
					 "bind for %s:%u failed: port is already allocated (by container %s)", hip, lo,
					 jstr(h, "Name") ? jstr(h, "Name") : "?");
				goto fail;
			}
			if (!host_port_free(b->proto, b->host_ip, lo, &e)) {
				if (e == EADDRNOTAVAIL)
					tug_errf(err, TUG_E_INVALID, "cannot publish on %s: not an address of this host",
						 hip);
				else
					tug_errf(err, TUG_E_CONFLICT,
						 "bind for %s:%u/%s failed: the port is in use on the host", hip, lo,
						 b->proto);
				goto fail;
			}
			chosen = lo;
		} else {
			if (!lo)
				ephemeral_range(&lo, &hi);
			span = hi - lo + 1;
			if (getrandom(&off, sizeof(off), 0) != (ssize_t)sizeof(off))
				off = (unsigned)getpid();
			off %= span;
			for (unsigned k = 0; k < span && !chosen; k++) {
				unsigned c = lo + (off + k) % span;
				if (!port_holder(ports, b->proto, b->host_ip, c) &&
				    host_port_free(b->proto, b->host_ip, c, &e))
					chosen = c;
				else if (e == EADDRNOTAVAIL) {
					tug_errf(err, TUG_E_INVALID, "cannot publish on %s: not an address of this host",
						 hip);
					goto fail;
				}
			}
			if (!chosen) {
				tug_errf(err, TUG_E_CONFLICT, "no free host port in %u-%u for %u/%s", lo, hi,
					 b->ctr_port, b->proto);
				goto fail;
			}
		}
		b->host_lo = b->host_hi = (uint16_t)chosen;
		{
			char k2[64];
			json_t *e2 = json_object();
			port_key(k2, sizeof(k2), b->proto, b->host_ip, chosen);
			jset_str(e2, "Container", id);
			jset_str(e2, "Name", name);
			jset_str(e2, "Ip", ip4_fmt(ip, cip));
			jset_int(e2, "CtrPort", b->ctr_port);
			jset_int(e2, "MonitorPid", monitor);
			jset_int(e2, "MonitorStart", (int64_t)start);
			json_object_set_new(ports, k2, e2);
		}
	}
	rc = json_save_path(ports_path(rt, path, sizeof(path)), ports, err);
	json_decref(ports);
	return rc;
fail:
	json_decref(ports);
	return -1;
}

void hostport_release(struct rt *rt, const char *id, struct port_list *out, uint32_t **ips)
{
	json_t *ports = ports_load(rt), *v, *tmp;
	const char *key;
	char path[PATH_MAX];
	struct tug_err e;
	int changed = 0;

	if (ips)
		*ips = NULL;
	json_object_foreach_safe(ports, tmp, key, v) {
		char proto[8], a[20];
		unsigned port;
		if (id ? strcmp(jstr(v, "Container") ? jstr(v, "Container") : "", id) : lease_alive(v))
			continue;
		if (out && sscanf(key, "%7[a-z]/%19[0-9.]/%u", proto, a, &port) == 3) {
			struct port_binding b;
			uint32_t cip = 0;
			memset(&b, 0, sizeof(b));
			snprintf(b.proto, sizeof(b.proto), "%s", proto);
			ip4_parse(a, &b.host_ip);
			b.host_lo = b.host_hi = (uint16_t)port;
			b.ctr_port = (uint16_t)jint(v, "CtrPort");
			ip4_parse(jstr(v, "Ip"), &cip);
			out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
			out->v[out->n] = b;
			if (ips) {
				*ips = xrealloc(*ips, (out->n + 1) * sizeof(uint32_t));
				(*ips)[out->n] = cip;
			}
			out->n++;
		}
		json_object_del(ports, key);
		changed = 1;
	}
	if (changed)
		json_save_path(ports_path(rt, path, sizeof(path)), ports, &e);
	json_decref(ports);
}
