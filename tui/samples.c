/* samples.c - counters to rates and graph history. */
#include "samples.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

void samples_init(struct samples *s, const char *id, size_t history)
{
	memset(s, 0, sizeof(*s));
	s->id = xstrdup(id);
	graph_init(&s->cpu, history, 0);
	graph_init(&s->mem, history, 0);
	graph_init(&s->net, history, 1);
	graph_init(&s->blk, history, 1);
	graph_init(&s->pids, history, 0);
}

void samples_release(struct samples *s)
{
	free(s->id);
	graph_release(&s->cpu);
	graph_release(&s->mem);
	graph_release(&s->net);
	graph_release(&s->blk);
	graph_release(&s->pids);
	memset(s, 0, sizeof(*s));
}

static double rate(uint64_t now, uint64_t before, double secs)
{
	return now >= before && secs > 0 ? (double)(now - before) / secs : 0;
}

void samples_add(struct samples *s, const struct tug_stats *st)
{
	if (!st->valid) {
		samples_stopped(s);
		return;
	}
	s->valid = 1;
	s->mem_usage = st->mem_usage;
	s->mem_limit = st->mem_limit;
	s->npids = st->pids;
	s->pids_limit = st->pids_limit;
	s->online_cpus = st->online_cpus;
	if (st->cpu_rate) {
		/* a driver that measures a rate (kube metrics): 1e9 = one core */
		s->cpu_pct = (double)st->cpu_nanocores / 1e7;
		s->rate = 1;
		s->cpu_nanocores = st->cpu_nanocores;
		s->cpu_limit_nanocores = st->cpu_limit_nanocores;
		graph_push(&s->cpu, s->cpu_pct, 0);
		graph_push(&s->mem, (double)st->mem_usage, 0);
		graph_push(&s->pids, (double)st->pids, 0);
		s->last = *st;
		s->have_last = 1;
		return;
	}
	if (s->have_last && st->time_ns > s->last.time_ns && st->cpu_ns >= s->last.cpu_ns) {
		double secs = (double)(st->time_ns - s->last.time_ns) / 1e9;
		s->cpu_pct = (double)(st->cpu_ns - s->last.cpu_ns) / (double)(st->time_ns - s->last.time_ns) * 100.0;
		s->rx_rate = rate(st->net_rx, s->last.net_rx, secs);
		s->tx_rate = rate(st->net_tx, s->last.net_tx, secs);
		s->rd_rate = rate(st->blk_read, s->last.blk_read, secs);
		s->wr_rate = rate(st->blk_write, s->last.blk_write, secs);
		graph_push(&s->cpu, s->cpu_pct, 0);
		graph_push(&s->net, s->rx_rate, s->tx_rate);
		graph_push(&s->blk, s->rd_rate, s->wr_rate);
	} else {
		/* the first sample (or a restart) has no rate yet */
		s->cpu_pct = s->rx_rate = s->tx_rate = s->rd_rate = s->wr_rate = 0;
	}
	graph_push(&s->mem, (double)st->mem_usage, 0);
	graph_push(&s->pids, (double)st->pids, 0);
	s->last = *st;
	s->have_last = 1;
}

void samples_stopped(struct samples *s)
{
	if (s->valid || s->have_last) {
		graph_push(&s->cpu, 0, 0);
		graph_push(&s->mem, 0, 0);
		graph_push(&s->net, 0, 0);
		graph_push(&s->blk, 0, 0);
		graph_push(&s->pids, 0, 0);
	}
	s->valid = 0;
	s->have_last = 0;
	s->cpu_pct = s->rx_rate = s->tx_rate = s->rd_rate = s->wr_rate = 0;
	s->mem_usage = 0;
	s->npids = 0;
}

void sample_set_init(struct sample_set *ss, size_t history)
{
	memset(ss, 0, sizeof(*ss));
	ss->history = history;
}

void sample_set_release(struct sample_set *ss)
{
	for (size_t i = 0; i < ss->n; i++) {
		samples_release(ss->v[i]);
		free(ss->v[i]);
	}
	free(ss->v);
	memset(ss, 0, sizeof(*ss));
}

void sample_set_cap(struct sample_set *ss, size_t max)
{
	ss->max = max;
}

/* Make room for one more under the cap: drop the least recently used. */
static void evict(struct sample_set *ss)
{
	size_t old = 0;

	for (size_t i = 1; i < ss->n; i++)
		if (ss->v[i]->used < ss->v[old]->used)
			old = i;
	samples_release(ss->v[old]);
	free(ss->v[old]);
	ss->v[old] = ss->v[--ss->n];
}

struct samples *sample_set_get(struct sample_set *ss, const char *id, int create)
{
	for (size_t i = 0; i < ss->n; i++)
		if (!strcmp(ss->v[i]->id, id)) {
			ss->v[i]->used = ++ss->clock;
			return ss->v[i];
		}
	if (!create)
		return NULL;
	while (ss->max && ss->n >= ss->max)
		evict(ss);
	ss->v = xrealloc(ss->v, (ss->n + 1) * sizeof(*ss->v));
	ss->v[ss->n] = xmalloc(sizeof(struct samples));
	samples_init(ss->v[ss->n], id, ss->history);
	ss->v[ss->n]->used = ++ss->clock;
	return ss->v[ss->n++];
}

void sample_set_keep(struct sample_set *ss, char *const *ids, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < ss->n; i++) {
		int keep = 0;
		for (size_t k = 0; k < n && !keep; k++)
			keep = !strcmp(ss->v[i]->id, ids[k]);
		if (keep) {
			ss->v[o++] = ss->v[i];
		} else {
			samples_release(ss->v[i]);
			free(ss->v[i]);
		}
	}
	ss->n = o;
}
