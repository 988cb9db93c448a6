/* net-addr.c - IPv4 parsing and formatting, subnet arithmetic, free
 * subnet selection. */
#include "runtime/net-addr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ip4_parse(const char *s, uint32_t *out)
{
	uint32_t a = 0;
	int parts = 0;

	if (!s)
		return -1;
	while (parts < 4) {
		unsigned v = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return -1;
		}
		if (!digits)
			return -1;
		a = (a << 8) | v;
		if (++parts < 4 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*out = a;
	return 0;
}

char *ip4_fmt(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

uint32_t net4_mask(int len)
{
	return len <= 0 ? 0 : len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1);
}

int net4_parse(const char *s, int loose, struct net4 *out, struct tug_err *err)
{
	char buf[32], *slash, *end;
	long len;
	uint32_t a;

	if (!s || strlen(s) >= sizeof(buf))
		goto bad;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		goto bad;
	*slash = '\0';
	len = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *end || len < 0 || len > 32 || ip4_parse(buf, &a) < 0)
		goto bad;
	if ((a & ~net4_mask((int)len)) && !loose) {
		char fixed[20];
		struct net4 n = { a & net4_mask((int)len), (int)len };
		return tug_errf(err, TUG_E_INVALID,
				"invalid subnet %s: host bits are set (did you mean %s?)", s, net4_fmt(&n, fixed));
	}
	out->addr = a & net4_mask((int)len);
	out->len = (int)len;
	return 0;
bad:
	return tug_errf(err, TUG_E_INVALID, "invalid subnet '%s': use an IPv4 CIDR such as 10.70.0.0/24",
			s ? s : "");
}

char *net4_fmt(const struct net4 *n, char *buf)
{
	char a[16];
	snprintf(buf, 19, "%s/%d", ip4_fmt(n->addr, a), n->len);
	return buf;
}

int net4_contains(const struct net4 *n, uint32_t a)
{
	return (a & net4_mask(n->len)) == n->addr;
}

int net4_overlaps(const struct net4 *a, const struct net4 *b)
{
	int len = a->len < b->len ? a->len : b->len;
	return (a->addr & net4_mask(len)) == (b->addr & net4_mask(len));
}

int net4_pick(const struct net4_pool *pools, size_t n_pools, const struct net4 *used,
	      size_t n_used, struct net4 *out, struct tug_err *err)
{
	for (size_t p = 0; p < n_pools; p++) {
		const struct net4_pool *pool = &pools[p];
		uint64_t count, step;
		if (pool->size < pool->base.len || pool->size > 30)
			continue;
		count = 1ull << (pool->size - pool->base.len);
		step = 1ull << (32 - pool->size);
		for (uint64_t i = 0; i < count; i++) {
			struct net4 cand = { (uint32_t)(pool->base.addr + i * step), pool->size };
			size_t u;
			for (u = 0; u < n_used; u++)
				if (net4_overlaps(&cand, &used[u]))
					break;
			if (u == n_used) {
				*out = cand;
				return 0;
			}
		}
	}
	return tug_errf(err, TUG_E_CONFLICT,
			"no free subnet left in the address pools: remove unused networks (tug network prune) "
			"or give one with --subnet");
}

void mac_from_ip4(uint32_t a, unsigned char mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0x42;
	mac[2] = (unsigned char)(a >> 24);
	mac[3] = (unsigned char)(a >> 16);
	mac[4] = (unsigned char)(a >> 8);
	mac[5] = (unsigned char)a;
}

char *mac_fmt(const unsigned char m[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}
