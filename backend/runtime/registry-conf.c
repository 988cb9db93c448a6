/* registry-conf.c - where a registry lives and whether it may be reached
 * insecurely (see registry.h for the registries.conf format). */
#include "runtime/registry.h"
#include "util/str.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *reg_host(const char *domain)
{
	return strcmp(domain, "docker.io") ? domain : "registry-1.docker.io";
}

/* "host:port" -> host (brackets of an IPv6 literal dropped) and port. */
static void split_domain(const char *domain, char *host, size_t hsize, char *port, size_t psize)
{
	const char *colon;

	port[0] = '\0';
	if (domain[0] == '[') {
		const char *end = strchr(domain, ']');
		size_t n = end ? (size_t)(end - domain - 1) : strlen(domain + 1);
		snprintf(host, hsize, "%.*s", (int)n, domain + 1);
		if (end && end[1] == ':')
			snprintf(port, psize, "%s", end + 2);
		return;
	}
	colon = strrchr(domain, ':');
	if (colon && strchr(domain, ':') == colon) {
		snprintf(host, hsize, "%.*s", (int)(colon - domain), domain);
		snprintf(port, psize, "%s", colon + 1);
	} else {
		snprintf(host, hsize, "%s", domain);
	}
}

/* Is host an address inside cidr ("10.0.0.0/8", "fd00::/8")? */
static int in_cidr(const char *host, const char *cidr)
{
	unsigned char a[16], net[16];
	char addr[64];
	const char *slash = strchr(cidr, '/');
	int fam, len, bits;
	long prefix;
	char *end;

	if (!slash || (size_t)(slash - cidr) >= sizeof(addr))
		return 0;
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - cidr), cidr);
	fam = strchr(addr, ':') ? AF_INET6 : AF_INET;
	len = fam == AF_INET ? 4 : 16;
	prefix = strtol(slash + 1, &end, 10);
	if (*end || prefix < 0 || prefix > len * 8)
		return 0;
	if (inet_pton(fam, addr, net) != 1 || inet_pton(fam, host, a) != 1)
		return 0;
	bits = (int)prefix;
	for (int i = 0; i < len && bits > 0; i++, bits -= 8) {
		unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((a[i] & mask) != (net[i] & mask))
			return 0;
	}
	return 1;
}

int reg_conf_line_matches(const char *line, const char *domain)
{
	char word[32], entry[300], host[256], port[16];

	while (isspace((unsigned char)*line))
		line++;
	if (*line == '#' || sscanf(line, "%31s %299s", word, entry) != 2 || strcmp(word, "insecure"))
		return 0;
	if (!strcmp(entry, domain))
		return 1;
	split_domain(domain, host, sizeof(host), port, sizeof(port));
	/* "insecure myhost" covers every port of myhost, as a CIDR does */
	if (!strchr(entry, '/') && !strcmp(entry, host))
		return 1;
	return strchr(entry, '/') && in_cidr(host, entry);
}

static int file_lists(const char *path, const char *domain)
{
	char line[512];
	int found = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = reg_conf_line_matches(line, domain);
	fclose(f);
	return found;
}

int reg_insecure_allowed(const char *domain, char *why, size_t size)
{
	char host[256], port[16], path[4096];
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	split_domain(domain, host, sizeof(host), port, sizeof(port));
	if (!strcmp(host, "localhost") || in_cidr(host, "127.0.0.0/8") || in_cidr(host, "::1/128")) {
		snprintf(why, size, "loopback registries are insecure-allowed, as in docker");
		return 1;
	}
	if (file_lists("/etc/tug/registries.conf", domain)) {
		snprintf(why, size, "listed in /etc/tug/registries.conf");
		return 1;
	}
	if (xdg && *xdg)
		snprintf(path, sizeof(path), "%s/tug/registries.conf", xdg);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.config/tug/registries.conf", home);
	else
		return 0;
	if (file_lists(path, domain)) {
		snprintf(why, size, "listed in %s", path);
		return 1;
	}
	return 0;
}
