/* refindex.c - ref -> index, FNV-1a hashed, linear probing with
 * backward-shift deletion (no tombstones to pile up under churn). */
#include "refindex.h"
#include "util/str.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ri_slot {
	char *key;   /* NULL: empty */
	long val;
	uint64_t hash;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t find(const struct refindex *x, const char *key, uint64_t h)
{
	size_t m = x->cap - 1, i = (size_t)h & m;

	while (x->slots[i].key && (x->slots[i].hash != h || strcmp(x->slots[i].key, key)))
		i = (i + 1) & m;
	return i;
}

static void grow(struct refindex *x)
{
	struct ri_slot *old = x->slots;
	size_t oldcap = x->cap;

	x->cap = oldcap ? oldcap * 2 : 64;
	x->slots = xcalloc(x->cap, sizeof(*x->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			x->slots[find(x, old[i].key, old[i].hash)] = old[i];
	free(old);
}

long refindex_get(const struct refindex *x, const char *key)
{
	if (!x->cap)
		return -1;
	size_t i = find(x, key, fnv(key));
	return x->slots[i].key ? x->slots[i].val : -1;
}

void refindex_put(struct refindex *x, const char *key, long val)
{
	uint64_t h = fnv(key);
	size_t i;

	if ((x->n + 1) * 10 > x->cap * 7)
		grow(x);
	i = find(x, key, h);
	if (!x->slots[i].key) {
		x->slots[i].key = xstrdup(key);
		x->slots[i].hash = h;
		x->n++;
	}
	x->slots[i].val = val;
}

void refindex_del(struct refindex *x, const char *key)
{
	size_t m, i, j;

	if (!x->cap)
		return;
	m = x->cap - 1;
	i = find(x, key, fnv(key));
	if (!x->slots[i].key)
		return;
	free(x->slots[i].key);
	x->slots[i].key = NULL;
	x->n--;
	/* pull back every later slot of the run that probed past i */
	for (j = (i + 1) & m; x->slots[j].key; j = (j + 1) & m) {
		size_t home = (size_t)x->slots[j].hash & m;
		/* j's entry may move to i when i lies cyclically in [home, j) */
		if (((j - home) & m) >= ((j - i) & m)) {
			x->slots[i] = x->slots[j];
			x->slots[j].key = NULL;
			i = j;
		}
	}
}

void refindex_release(struct refindex *x)
{
	for (size_t i = 0; i < x->cap; i++)
		free(x->slots[i].key);
	free(x->slots);
	memset(x, 0, sizeof(*x));
}
