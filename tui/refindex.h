/* refindex.h - a hash map from an object's ref ("ns/name", an id) to
 * its index in a list: a live list of 10,000 pods takes watch events
 * by the hundred, and each must find its row without a scan. */
#ifndef TUG_REFINDEX_H
#define TUG_REFINDEX_H

#include <stddef.h>

struct refindex {
	struct ri_slot *slots;  /* open addressing, linear probing */
	size_t cap, n;          /* cap: a power of two, or 0 */
};

/* The index of key, or -1. */
long refindex_get(const struct refindex *x, const char *key);
/* Map key to val (replacing what it mapped to). */
void refindex_put(struct refindex *x, const char *key, long val);
/* Forget key (nothing when absent). */
void refindex_del(struct refindex *x, const char *key);
/* Empty it, keeping nothing. */
void refindex_release(struct refindex *x);

#endif
