/* samples.h - resource history of one object (container, pod): rates
 * derived from the backend's cumulative counters, and graph series.
 *
 * CPU% is docker's: delta cpu_ns / delta wall ns x 100, so 100% is one
 * full core and a container using two cores shows 200%.
 */
#ifndef TUG_SAMPLES_H
#define TUG_SAMPLES_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"
#include "widget-graph.h"

struct samples {
	char *id;
	struct tug_stats last;
	int have_last;
	struct graph cpu, mem, net, blk, pids;   /* net: rx up / tx down; blk: read / write */
	double cpu_pct;
	double rx_rate, tx_rate, rd_rate, wr_rate; /* bytes per second */
	uint64_t mem_usage, mem_limit, npids, pids_limit;
	int online_cpus;
	int valid;         /* the latest sample was of a running object */
	int seen;          /* still listed (pruning) */
	/* measured by a metrics API (kube): CPU as a rate, no net/blk/pids */
	int rate;
	uint64_t cpu_nanocores, cpu_limit_nanocores;
	uint64_t used;     /* when last looked up (sample_set's clock) */
};

struct sample_set {
	struct samples **v;
	size_t n;
	size_t history;
	size_t max;        /* 0 = unbounded; else the least recently used goes */
	uint64_t clock;
};

void samples_init(struct samples *s, const char *id, size_t history);
void samples_release(struct samples *s);
/* Add a sample: rates from the previous one; a counter going backwards
 * (the object restarted) starts over without a bogus spike. */
void samples_add(struct samples *s, const struct tug_stats *st);
/* The object is not running: graphs get a zero, rates reset. */
void samples_stopped(struct samples *s);

void sample_set_init(struct sample_set *ss, size_t history);
void sample_set_release(struct sample_set *ss);
/* Keep at most max histories (views that sample only the selection:
 * the objects looked at most recently keep theirs). */
void sample_set_cap(struct sample_set *ss, size_t max);
/* Find by id; create when asked. */
struct samples *sample_set_get(struct sample_set *ss, const char *id, int create);
/* Drop histories whose id is not in ids. */
void sample_set_keep(struct sample_set *ss, char *const *ids, size_t n);

#endif
