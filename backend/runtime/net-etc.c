/* net-etc.c - rendering of a container's /etc/hosts and /etc/resolv.conf. */
#include "runtime/net-etc.h"
#include "util/str.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int etc_write_inplace(const char *path, const char *data, size_t len, struct tug_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	size_t off = 0;

	if (fd < 0)
		return tug_errno(err, "write %s", path);
	/* write over the old contents, then cut: a reader never sees an
	 * empty file, at worst the tail of the previous one for a moment */
	while (off < len) {
		ssize_t w = pwrite(fd, data + off, len - off, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			tug_errno(err, "write %s", path);
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (ftruncate(fd, (off_t)len) < 0) {
		tug_errno(err, "write %s", path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int is_loopback_ns(const char *addr)
{
	return !strncmp(addr, "127.", 4) || !strcmp(addr, "::1");
}

char *etc_render_resolv(const char *host, json_t *hcfg, int bridge)
{
	json_t *dns = json_object_get(hcfg, "Dns"), *search = json_object_get(hcfg, "DnsSearch");
	json_t *opts = json_object_get(hcfg, "DnsOptions"), *v;
	struct sbuf b = SBUF_INIT, hs = SBUF_INIT, ho = SBUF_INIT, hn = SBUF_INIT;
	char *copy = xstrdup(host ? host : ""), *save = NULL;
	size_t i;
	int nns = 0;

	/* the host's lines, sorted by kind */
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char word[32], arg[256];
		if (sscanf(line, "%31s %255s", word, arg) != 2)
			continue;
		if (!strcmp(word, "nameserver")) {
			if (is_loopback_ns(arg))
				continue;
			sbuf_printf(&hn, "nameserver %s\n", arg);
			nns++;
		} else if (!strcmp(word, "search") || !strcmp(word, "domain")) {
			sbuf_printf(&hs, "%s\n", line);
		} else if (!strcmp(word, "options")) {
			sbuf_printf(&ho, "%s\n", line);
		}
	}
	free(copy);
	if (json_array_size(search)) {
		sbuf_puts(&b, "search");
		json_array_foreach(search, i, v)
			sbuf_printf(&b, " %s", json_string_value(v));
		sbuf_puts(&b, "\n");
	} else if (hs.s) {
		sbuf_puts(&b, hs.s);
	}
	if (json_array_size(dns)) {
		json_array_foreach(dns, i, v)
			sbuf_printf(&b, "nameserver %s\n", json_string_value(v));
	} else if (nns) {
		sbuf_puts(&b, hn.s);
	} else if (bridge) {
		sbuf_puts(&b, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
	}
	if (json_array_size(opts)) {
		sbuf_puts(&b, "options");
		json_array_foreach(opts, i, v)
			sbuf_printf(&b, " %s", json_string_value(v));
		sbuf_puts(&b, "\n");
	} else if (ho.s) {
		sbuf_puts(&b, ho.s);
	}
	sbuf_release(&hs);
	sbuf_release(&ho);
	sbuf_release(&hn);
	return sbuf_detach(&b);
}

/* Split "name:ip" / "name=ip" (ip may be IPv6, so split at the first). */
static int split_host(const char *s, char *name, size_t nsize, const char **ip)
{
	const char *sep = strpbrk(s, ":=");

	if (!sep || sep == s || !sep[1] || (size_t)(sep - s) >= nsize)
		return -1;
	snprintf(name, nsize, "%.*s", (int)(sep - s), s);
	*ip = sep + 1;
	return 0;
}

int etc_check_extra_host(const char *s, struct tug_err *err)
{
	char name[256], buf[16];
	const char *ip;

	if (split_host(s, name, sizeof(name), &ip) < 0)
		return tug_errf(err, TUG_E_INVALID, "invalid --add-host '%s': use NAME:IP", s);
	if (strcmp(ip, "host-gateway") && inet_pton(AF_INET, ip, buf) != 1 &&
	    inet_pton(AF_INET6, ip, buf) != 1)
		return tug_errf(err, TUG_E_INVALID,
				"invalid --add-host '%s': '%s' is not an IP address (or host-gateway)", s, ip);
	for (const char *p = name; *p; p++)
		if (*p == ' ' || *p == '\t')
			return tug_errf(err, TUG_E_INVALID, "invalid --add-host '%s': the name has blanks", s);
	return 0;
}

char *etc_render_hosts(json_t *extra_hosts, const char *gw, json_t *own, json_t *peers)
{
	struct sbuf b = SBUF_INIT;
	json_t *v;
	size_t i;

	sbuf_puts(&b, "127.0.0.1\tlocalhost\n"
		      "::1\tlocalhost ip6-localhost ip6-loopback\n"
		      "fe00::0\tip6-localnet\n"
		      "ff00::0\tip6-mcastprefix\n"
		      "ff02::1\tip6-allnodes\n"
		      "ff02::2\tip6-allrouters\n");
	json_array_foreach(extra_hosts, i, v) {
		char name[256];
		const char *ip;
		if (!json_is_string(v) || split_host(json_string_value(v), name, sizeof(name), &ip) < 0)
			continue;
		if (!strcmp(ip, "host-gateway")) {
			if (!gw)
				continue;
			ip = gw;
		}
		sbuf_printf(&b, "%s\t%s\n", ip, name);
	}
	json_array_foreach(own, i, v)
		sbuf_printf(&b, "%s\n", json_string_value(v));
	json_array_foreach(peers, i, v)
		sbuf_printf(&b, "%s\n", json_string_value(v));
	return sbuf_detach(&b);
}
