/* net-config.c - the network part of a container's configuration: what
 * `create` records (mode, published ports, DNS, extra hosts, aliases) and
 * the /etc files it writes before the first start; plus the read side
 * for ps and inspect. */
#include "runtime/net.h"
#include "runtime/net-etc.h"
#include "runtime/net-portspec.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/str.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *strv_array(char **v)
{
	json_t *a = json_array();
	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static int nonempty(char **v)
{
	return v && v[0];
}

static int bad_flag_for(const char *flag, const char *mode, struct tug_err *err)
{
	return tug_errf(err, TUG_E_INVALID, "%s cannot be used with --network %s: it needs a bridge network",
			flag, mode);
}

int net_ctr_config(struct rt *rt, const struct tug_create_opts *o, json_t *img_cfg, json_t *cfg,
		   struct tug_err *err)
{
	json_t *h = json_object_get(cfg, "HostConfig"), *c = json_object_get(cfg, "Config");
	json_t *exposed, *x;
	const char *mode = o->network, *key;
	struct port_list ports = { 0 };
	char name[128];
	int special;

	if (!mode || !*mode || !strcmp(mode, "default"))
		mode = NET_DEFAULT;
	if (!strncmp(mode, "container:", 10))
		return tug_errf(err, TUG_E_UNSUPPORTED,
				"--network container:NAME is not supported by the local runtime");
	special = !strcmp(mode, "host") || !strcmp(mode, "none");
	snprintf(name, sizeof(name), "%s", mode);
	for (char **p = o->dns; p && *p; p++) {
		char buf[16];
		if (inet_pton(AF_INET, *p, buf) != 1 && inet_pton(AF_INET6, *p, buf) != 1)
			return tug_errf(err, TUG_E_INVALID, "invalid --dns '%s': not an IP address", *p);
	}
	for (char **p = o->extra_hosts; p && *p; p++)
		if (etc_check_extra_host(*p, err) < 0)
			return -1;
	for (char **p = o->ports; p && *p; p++)
		if (portspec_parse(*p, &ports, err) < 0)
			goto fail;
	if (special) {
		if (o->ip)
			return bad_flag_for("--ip", mode, err), port_list_release(&ports), -1;
		if (nonempty(o->aliases))
			return bad_flag_for("--network-alias", mode, err), port_list_release(&ports), -1;
		if (ports.n || o->publish_all) {
			tug_errf(err, TUG_E_INVALID,
				 "published ports make no sense with --network %s: the container %s; remove -p/-P",
				 mode, !strcmp(mode, "host") ? "already uses the host's ports" : "has no network");
			goto fail;
		}
		if (!strcmp(mode, "host") &&
		    (nonempty(o->dns) || nonempty(o->dns_search) || nonempty(o->dns_options))) {
			tug_errf(err, TUG_E_INVALID,
				 "conflicting options: --dns and --network host (the host's resolv.conf is used)");
			goto fail;
		}
	} else {
		struct netw w;
		if (net_load(rt, mode, &w, err) < 0)
			goto fail;
		snprintf(name, sizeof(name), "%s", w.name);
		if (o->ip) {
			uint32_t a;
			char sub[20];
			if (!strcmp(w.name, NET_DEFAULT)) {
				netw_release(&w);
				tug_errf(err, TUG_E_INVALID,
					 "--ip is supported on user-defined networks only: create one with tug network create");
				goto fail;
			}
			if (ip4_parse(o->ip, &a) < 0 || !net4_contains(&w.subnet, a) || a == w.subnet.addr ||
			    a == net4_bcast(&w.subnet) || a == w.gateway) {
				tug_errf(err, TUG_E_INVALID, "--ip %s is not a usable address of network %s (%s)",
					 o->ip, w.name, net4_fmt(&w.subnet, sub));
				netw_release(&w);
				goto fail;
			}
		}
		if (nonempty(o->aliases) && !strcmp(w.name, NET_DEFAULT)) {
			netw_release(&w);
			tug_errf(err, TUG_E_INVALID,
				 "--network-alias is supported on user-defined networks only");
			goto fail;
		}
		if (w.internal && (ports.n || o->publish_all)) {
			tug_errf(err, TUG_E_INVALID,
				 "network %s is internal: ports cannot be published from it", w.name);
			netw_release(&w);
			goto fail;
		}
		netw_release(&w);
	}
	/* exposed ports: the image's, --expose, and every published one */
	exposed = json_object();
	json_object_foreach(json_object_get(img_cfg, "ExposedPorts"), key, x)
		json_object_set_new(exposed, key, json_object());
	for (char **p = o->expose; p && *p; p++) {
		struct port_list e = { 0 };
		if (portspec_parse_exposed(*p, &e, err) < 0) {
			port_list_release(&e);
			json_decref(exposed);
			goto fail;
		}
		for (size_t i = 0; i < e.n; i++) {
			char k[16];
			snprintf(k, sizeof(k), "%u/%s", e.v[i].ctr_port, e.v[i].proto);
			json_object_set_new(exposed, k, json_object());
		}
		port_list_release(&e);
	}
	for (size_t i = 0; i < ports.n; i++) {
		char k[16];
		snprintf(k, sizeof(k), "%u/%s", ports.v[i].ctr_port, ports.v[i].proto);
		json_object_set_new(exposed, k, json_object());
	}
	json_object_set_new(c, "ExposedPorts", exposed);
	jset_str(h, "NetworkMode", name);
	json_object_set_new(h, "PortBindings", portspec_to_json(&ports));
	jset_bool(h, "PublishAllPorts", o->publish_all);
	json_object_set_new(h, "Dns", strv_array(o->dns));
	json_object_set_new(h, "DnsSearch", strv_array(o->dns_search));
	json_object_set_new(h, "DnsOptions", strv_array(o->dns_options));
	json_object_set_new(h, "ExtraHosts", strv_array(o->extra_hosts));
	if (!special) {
		json_t *ncfg = json_object(), *eps = json_object(), *ep = json_object();
		json_object_set_new(ep, "Aliases", strv_array(o->aliases));
		if (o->ip)
			json_object_set_new(ep, "IPAMConfig", json_pack("{s:s}", "IPv4Address", o->ip));
		json_object_set_new(eps, name, ep);
		json_object_set_new(ncfg, "EndpointsConfig", eps);
		json_object_set_new(cfg, "NetworkingConfig", ncfg);
	}
	port_list_release(&ports);
	return 0;
fail:
	port_list_release(&ports);
	return -1;
}

int net_ctr_etc(struct rt *rt, const char *id, json_t *cfg, struct tug_err *err)
{
	json_t *h = json_object_get(cfg, "HostConfig"), *c = json_object_get(cfg, "Config");
	const char *mode = jstr(h, "NetworkMode");
	json_t *extra = json_object_get(h, "ExtraHosts");
	char path[PATH_MAX];
	int host = mode && !strcmp(mode, "host"), none = mode && !strcmp(mode, "none");
	int rc = 0;

	if (host) {
		/* the host's own hosts file (written by create), plus --add-host */
		char *cur = NULL, *extra_txt;
		size_t len = 0;
		struct sbuf b = SBUF_INIT;
		if (!json_array_size(extra))
			return 0;
		rt_ctr_path(rt, id, "hosts", path, sizeof(path));
		if (fs_read_all(path, &cur, &len, err) < 0)
			return -1;
		extra_txt = etc_render_hosts(extra, NULL, NULL, NULL);
		sbuf_puts(&b, cur);
		/* only the extra lines: skip the standard header we render */
		sbuf_puts(&b, strstr(extra_txt, "ff02::2\tip6-allrouters\n") +
			  strlen("ff02::2\tip6-allrouters\n"));
		rc = etc_write_inplace(path, b.s, b.len, err);
		free(cur);
		free(extra_txt);
		sbuf_release(&b);
		return rc;
	}
	{
		json_t *own = json_array();
		char *hosts, line[300];
		if (none) {
			snprintf(line, sizeof(line), "127.0.1.1\t%s", jstr(c, "Hostname") ? jstr(c, "Hostname") : "");
			json_array_append_new(own, json_string(line));
		}
		hosts = etc_render_hosts(extra, NULL, own, NULL);
		rc = etc_write_inplace(rt_ctr_path(rt, id, "hosts", path, sizeof(path)), hosts, strlen(hosts),
				       err);
		free(hosts);
		json_decref(own);
		if (rc < 0)
			return -1;
	}
	{
		char *host_resolv = NULL, *txt;
		size_t len = 0;
		struct tug_err e;
		fs_read_all("/etc/resolv.conf", &host_resolv, &len, &e);
		/* systemd-resolved's stub (127.0.0.53) is useless inside: read the
		 * upstream list it keeps, as docker does */
		if (host_resolv && strstr(host_resolv, "127.0.0.53")) {
			char *up = NULL;
			if (fs_read_all("/run/systemd/resolve/resolv.conf", &up, &len, &e) == 0) {
				free(host_resolv);
				host_resolv = up;
			}
		}
		txt = etc_render_resolv(host_resolv, h, !none);
		rc = etc_write_inplace(rt_ctr_path(rt, id, "resolv.conf", path, sizeof(path)), txt,
				       strlen(txt), err);
		free(txt);
		free(host_resolv);
	}
	return rc;
}

const char *net_ctr_ip(json_t *state)
{
	json_t *ns = json_object_get(state, "NetworkSettings"), *nets, *n;
	const char *key;

	if (jstr(ns, "IPAddress") && *jstr(ns, "IPAddress"))
		return jstr(ns, "IPAddress");
	nets = json_object_get(ns, "Networks");
	json_object_foreach(nets, key, n)
		if (jstr(n, "IPAddress") && *jstr(n, "IPAddress"))
			return jstr(n, "IPAddress");
	return NULL;
}

char *net_ports_text(json_t *state, json_t *cfg)
{
	json_t *ports = json_object_get(json_object_get(state, "NetworkSettings"), "Ports");
	json_t *exposed = json_object_get(json_object_get(cfg, "Config"), "ExposedPorts"), *v;
	const char *status = jstr(state, "Status"), *key;
	struct sbuf s = SBUF_INIT;

	if (!status || (strcmp(status, ST_RUNNING) && strcmp(status, ST_PAUSED)))
		return xstrdup("");
	json_object_foreach(ports, key, v) {
		size_t i;
		json_t *b;
		json_array_foreach(v, i, b)
			sbuf_printf(&s, "%s%s:%s->%s", s.len ? ", " : "", jstr(b, "HostIp"), jstr(b, "HostPort"),
				    key);
	}
	json_object_foreach(exposed, key, v)
		if (!json_array_size(json_object_get(ports, key)))
			sbuf_printf(&s, "%s%s", s.len ? ", " : "", key);
	return sbuf_detach(&s);
}
