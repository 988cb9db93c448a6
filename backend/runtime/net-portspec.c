/* net-portspec.c - docker's -p syntax and its stored forms. */
#include "runtime/net-portspec.h"
#include "runtime/net-addr.h"
#include "util/json.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void port_list_release(struct port_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void push(struct port_list *l, const struct port_binding *b)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = *b;
}

/* "8080" or "8000-8010" -> lo..hi; empty -> 0..0 when allow_empty. */
static int parse_range(const char *s, size_t len, int allow_empty, unsigned *lo, unsigned *hi)
{
	char buf[32], *dash, *end;
	long a, b;

	if (len == 0) {
		*lo = *hi = 0;
		return allow_empty ? 0 : -1;
	}
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	a = strtol(buf, &end, 10);
	if (end == buf || *end || a < 1 || a > 65535)
		return -1;
	b = a;
	if (dash) {
		b = strtol(dash + 1, &end, 10);
		if (end == dash + 1 || *end || b < a || b > 65535)
			return -1;
	}
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}

static int parse_proto(const char *spec, const char *p, char proto[4], struct tug_err *err)
{
	if (!p || !*p || !strcmp(p, "tcp")) {
		snprintf(proto, 4, "tcp");
		return 0;
	}
	if (!strcmp(p, "udp")) {
		snprintf(proto, 4, "udp");
		return 0;
	}
	return tug_errf(err, TUG_E_INVALID,
			"invalid port '%s': protocol '%s' is not supported (use tcp or udp)", spec, p);
}

int portspec_parse(const char *spec, struct port_list *out, struct tug_err *err)
{
	char buf[128], *slash, *parts[3];
	const char *proto_s = NULL;
	int n = 0;
	unsigned hlo, hhi, clo, chi;
	struct port_binding b;

	memset(&b, 0, sizeof(b));
	if (!spec || !*spec || strlen(spec) >= sizeof(buf))
		return tug_errf(err, TUG_E_INVALID, "invalid port '%s': use [IP:]HOSTPORT:CONTAINERPORT[/PROTO]",
				spec ? spec : "");
	if (spec[0] == '[')
		return tug_errf(err, TUG_E_INVALID,
				"invalid port '%s': IPv6 host addresses are not supported by tug's networks", spec);
	snprintf(buf, sizeof(buf), "%s", spec);
	slash = strrchr(buf, '/');
	if (slash) {
		*slash = '\0';
		proto_s = slash + 1;
	}
	if (parse_proto(spec, proto_s, b.proto, err) < 0)
		return -1;
	parts[0] = buf;
	for (char *p = buf; *p; p++)
		if (*p == ':') {
			if (++n > 2)
				return tug_errf(err, TUG_E_INVALID,
						"invalid port '%s': too many ':' (IPv6 host addresses are not supported)",
						spec);
			*p = '\0';
			parts[n] = p + 1;
		}
	/* n = 0: CTR; n = 1: HOST:CTR; n = 2: IP:HOST:CTR (HOST may be empty) */
	if (parse_range(parts[n], strlen(parts[n]), 0, &clo, &chi) < 0)
		return tug_errf(err, TUG_E_INVALID, "invalid port '%s': container port '%s' must be 1-65535 or a range",
				spec, parts[n]);
	hlo = hhi = 0;
	if (n >= 1 && parse_range(parts[n - 1], strlen(parts[n - 1]), n == 2, &hlo, &hhi) < 0)
		return tug_errf(err, TUG_E_INVALID, "invalid port '%s': host port '%s' must be 1-65535 or a range",
				spec, parts[n - 1]);
	if (n == 2 && ip4_parse(parts[0], &b.host_ip) < 0)
		return tug_errf(err, TUG_E_INVALID, "invalid port '%s': '%s' is not an IPv4 address", spec,
				parts[0]);
	if (hlo && chi > clo && hhi - hlo != chi - clo)
		return tug_errf(err, TUG_E_INVALID,
				"invalid port '%s': host and container port ranges must have the same length", spec);
	if (hlo && chi > clo) {
		/* ranges map port to port */
		for (unsigned i = 0; i <= chi - clo; i++) {
			b.ctr_port = (uint16_t)(clo + i);
			b.host_lo = b.host_hi = (uint16_t)(hlo + i);
			push(out, &b);
		}
		return 0;
	}
	for (unsigned c = clo; c <= chi; c++) {
		b.ctr_port = (uint16_t)c;
		b.host_lo = (uint16_t)hlo;
		b.host_hi = (uint16_t)hhi;
		push(out, &b);
	}
	return 0;
}

int portspec_parse_exposed(const char *key, struct port_list *out, struct tug_err *err)
{
	char buf[64], *slash;
	unsigned lo, hi;
	struct port_binding b;

	memset(&b, 0, sizeof(b));
	snprintf(buf, sizeof(buf), "%s", key ? key : "");
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (parse_proto(key, slash ? slash + 1 : NULL, b.proto, err) < 0)
		return -1;
	if (parse_range(buf, strlen(buf), 0, &lo, &hi) < 0)
		return tug_errf(err, TUG_E_INVALID, "invalid exposed port '%s'", key ? key : "");
	for (unsigned c = lo; c <= hi; c++) {
		b.ctr_port = (uint16_t)c;
		push(out, &b);
	}
	return 0;
}

json_t *portspec_to_json(const struct port_list *l)
{
	json_t *o = json_object();

	for (size_t i = 0; i < l->n; i++) {
		const struct port_binding *b = &l->v[i];
		char key[16], ip[16], port[16];
		json_t *arr, *e = json_object();
		snprintf(key, sizeof(key), "%u/%s", b->ctr_port, b->proto);
		arr = json_object_get(o, key);
		if (!arr) {
			arr = json_array();
			json_object_set_new(o, key, arr);
		}
		jset_str(e, "HostIp", b->host_ip ? ip4_fmt(b->host_ip, ip) : "");
		if (!b->host_lo)
			port[0] = '\0';
		else if (b->host_hi > b->host_lo)
			snprintf(port, sizeof(port), "%u-%u", b->host_lo, b->host_hi);
		else
			snprintf(port, sizeof(port), "%u", b->host_lo);
		jset_str(e, "HostPort", port);
		json_array_append_new(arr, e);
	}
	return o;
}

int portspec_from_json(json_t *bindings, struct port_list *out, struct tug_err *err)
{
	const char *key;
	json_t *arr;

	json_object_foreach(bindings, key, arr) {
		size_t i;
		json_t *e;
		json_array_foreach(arr, i, e) {
			struct port_list one = { 0 };
			char spec[96];
			const char *ip = jstr(e, "HostIp"), *hp = jstr(e, "HostPort");
			const char *slash = strchr(key, '/');
			int klen = slash ? (int)(slash - key) : (int)strlen(key);
			if (ip && *ip)
				snprintf(spec, sizeof(spec), "%s:%s:%.*s%s", ip, hp ? hp : "", klen, key,
					 slash ? slash : "");
			else if (hp && *hp)
				snprintf(spec, sizeof(spec), "%s:%.*s%s", hp, klen, key, slash ? slash : "");
			else
				snprintf(spec, sizeof(spec), "%.*s%s", klen, key, slash ? slash : "");
			if (portspec_parse(spec, &one, err) < 0) {
				port_list_release(&one);
				return -1;
			}
			for (size_t k = 0; k < one.n; k++)
				push(out, &one.v[k]);
			port_list_release(&one);
		}
	}
	return 0;
}

char *portspec_format(const struct port_list *l)
{
	struct sbuf s = SBUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		char ip[16];
		const struct port_binding *b = &l->v[i];
		sbuf_printf(&s, "%s%s:%u->%u/%s", i ? ", " : "", ip4_fmt(b->host_ip, ip), b->host_lo,
			    b->ctr_port, b->proto);
	}
	return sbuf_detach(&s);
}
