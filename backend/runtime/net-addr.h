/* net-addr.h - IPv4 addresses and subnets as plain integers (host byte
 * order), and the choice of a free subnet from address pools. Pure
 * functions: no I/O, so the unit tests drive them directly. */
#ifndef TUG_NET_ADDR_H
#define TUG_NET_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct net4 {
	uint32_t addr;   /* network address (host bits zero) */
	int len;         /* prefix length 0..32 */
};

/* "10.66.0.7" -> address. Returns 0, or -1 on anything else (no
 * shorthand forms such as "10.1"). */
int ip4_parse(const char *s, uint32_t *out);
/* Dotted quad into buf (at least 16 bytes); returns buf. */
char *ip4_fmt(uint32_t a, char *buf);

/* "10.66.0.0/24" -> subnet. Host bits set ("10.66.0.5/24") are refused
 * unless loose is set, in which case they are cleared. */
int net4_parse(const char *s, int loose, struct net4 *out, struct tug_err *err);
/* "10.66.0.0/24" into buf (at least 19 bytes); returns buf. */
char *net4_fmt(const struct net4 *n, char *buf);

uint32_t net4_mask(int len);
static inline uint32_t net4_bcast(const struct net4 *n)
{
	return n->addr | ~net4_mask(n->len);
}
int net4_contains(const struct net4 *n, uint32_t a);
int net4_overlaps(const struct net4 *a, const struct net4 *b);

/* An address pool: subnets of `size` bits carved from `base`, as
 * docker's default-address-pools. */
struct net4_pool {
	struct net4 base;
	int size;
};

/* The first subnet from the pools (in order) that overlaps none of the
 * `n_used` subnets in `used`. Returns 0 with *out set, or -1 with err
 * saying every pool is exhausted. */
int net4_pick(const struct net4_pool *pools, size_t n_pools, const struct net4 *used,
	      size_t n_used, struct net4 *out, struct tug_err *err);

/* The MAC docker derives from an IPv4 address: 02:42:a.b.c.d, so a
 * reused address keeps a stable link-layer identity in peers' caches. */
void mac_from_ip4(uint32_t a, unsigned char mac[6]);
char *mac_fmt(const unsigned char mac[6], char *buf);   /* buf >= 18 bytes */

#endif
