/* net-etc.h - a container's /etc/hosts and /etc/resolv.conf as its
 * network settings make them. The files live in containers/<id>/ and are
 * bind-mounted into the container, so updates rewrite their contents in
 * place: a rename would leave the container looking at the old inode. */
#ifndef TUG_NET_ETC_H
#define TUG_NET_ETC_H

#include <jansson.h>
#include <stddef.h>
#include "util/err.h"

/* Replace the contents of path without replacing the file. */
int etc_write_inplace(const char *path, const char *data, size_t len, struct tug_err *err);

/* resolv.conf: --dns/--dns-search/--dns-option from hcfg (HostConfig)
 * override the host's; loopback nameservers of the host are dropped
 * (they would point into the container), and when none is left on a
 * bridge network docker's public fallbacks are used. Caller frees. */
char *etc_render_resolv(const char *host_resolv, json_t *hcfg, int bridge);

/* hosts: the standard localhost lines, --add-host entries (host-gateway
 * resolved to gw, NULL = drop them), then `own` lines ("IP names...")
 * and `peers` lines: arrays of strings, already formatted. */
char *etc_render_hosts(json_t *extra_hosts, const char *gw, json_t *own, json_t *peers);

/* Check one --add-host value ("name:ip", "name=ip", ip may be
 * "host-gateway"). */
int etc_check_extra_host(const char *s, struct tug_err *err);

#endif
