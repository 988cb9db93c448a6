/* net-portspec.h - published ports: docker's -p syntax, the
 * HostConfig.PortBindings form it is stored in, and the "ps" text. Pure
 * functions (no I/O), unit-tested. */
#ifndef TUG_NET_PORTSPEC_H
#define TUG_NET_PORTSPEC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* One container port published on the host. host_lo..host_hi is the
 * host port or the range to pick a free one from; 0..0 = any free port
 * (docker's ephemeral range). host_ip 0 = every address. */
struct port_binding {
	char proto[4];         /* "tcp" or "udp" */
	uint32_t host_ip;
	uint16_t host_lo, host_hi;
	uint16_t ctr_port;
};

struct port_list {
	struct port_binding *v;
	size_t n;
};

void port_list_release(struct port_list *l);

/* Parse one -p value: [IP:][HOSTPORT[-END]:]CTRPORT[-END][/tcp|udp] and
 * append its bindings (a range maps port to port; a host range with one
 * container port is a range to pick from). IPv6 host addresses are
 * refused with a message: tug's networks are IPv4. */
int portspec_parse(const char *spec, struct port_list *out, struct tug_err *err);

/* "80", "80/udp", "8000-8010/tcp" from an image's ExposedPorts keys or
 * --expose: appends bindings with a random host port (for -P). */
int portspec_parse_exposed(const char *key, struct port_list *out, struct tug_err *err);

/* To and from docker's HostConfig.PortBindings:
 * {"80/tcp": [{"HostIp": "", "HostPort": "8080"}], ...}. */
json_t *portspec_to_json(const struct port_list *l);
int portspec_from_json(json_t *bindings, struct port_list *out, struct tug_err *err);

/* "0.0.0.0:8080->80/tcp, 127.0.0.1:8081->81/udp" from resolved bindings
 * (host_lo is the port in use). Caller frees. */
char *portspec_format(const struct port_list *l);

#endif
