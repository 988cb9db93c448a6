/* Resource samples: CPU% as docker computes it (100% = one core), rates
 * from cumulative counters, restarts without spikes, pruning. */
#include "t.h"
#include "samples.h"

#include <string.h>

static struct tug_stats st(int64_t t_ms, uint64_t cpu_ms, uint64_t rx, uint64_t wr)
{
	struct tug_stats s = { 0 };

	s.time_ns = t_ms * 1000000;
	s.cpu_ns = cpu_ms * 1000000;
	s.mem_usage = 10 << 20;
	s.mem_limit = 64 << 20;
	s.net_rx = rx;
	s.net_tx = rx / 2;
	s.blk_read = 0;
	s.blk_write = wr;
	s.pids = 3;
	s.pids_limit = 100;
	s.online_cpus = 2;
	s.valid = 1;
	return s;
}

int main(void)
{
	struct samples s;
	struct tug_stats a;

	samples_init(&s, "abc", 60);
	a = st(1000, 0, 0, 0);
	samples_add(&s, &a);
	T_OK(s.cpu_pct == 0 && s.cpu.n == 0, "the first sample has no rate yet");
	T_OK(s.mem.n == 1 && graph_at(&s.mem, 0, 0) == (10 << 20), "memory is graphed at once");
	a = st(2000, 500, 1000, 4096);
	samples_add(&s, &a);
	T_OK(s.cpu_pct > 49.99 && s.cpu_pct < 50.01, "0.5 s of CPU in 1 s of wall time is 50%% (%.2f)", s.cpu_pct);
	T_OK(s.rx_rate == 1000 && s.tx_rate == 500 && s.wr_rate == 4096, "byte rates per second");
	a = st(2500, 1500, 1000, 4096);
	samples_add(&s, &a);
	T_OK(s.cpu_pct > 199.9 && s.cpu_pct < 200.1, "two busy cores are 200%%, as docker stats (%.1f)", s.cpu_pct);
	T_OK(graph_at(&s.cpu, 0, 0) > 199 && graph_at(&s.cpu, 0, 1) > 49, "the CPU graph holds both rates");
	/* a restart resets the counters: no negative or huge spike */
	a = st(3500, 100, 10, 0);
	samples_add(&s, &a);
	T_OK(s.cpu_pct == 0 && s.rx_rate == 0, "counters going backwards start over");
	a = st(4500, 300, 10, 0);
	samples_add(&s, &a);
	T_OK(s.cpu_pct > 19.9 && s.cpu_pct < 20.1, "and rates resume from there (%.1f)", s.cpu_pct);
	/* stopping */
	a.valid = 0;
	samples_add(&s, &a);
	T_OK(!s.valid && s.cpu_pct == 0 && graph_at(&s.cpu, 0, 0) == 0, "a stopped object graphs zero");
	T_OK(s.mem_usage == 0 && s.npids == 0, "and reports no memory or processes");
	samples_release(&s);

	/* drivers that report a rate (kube metrics) */
	samples_init(&s, "pod", 60);
	a = st(1000, 0, 0, 0);
	a.cpu_rate = 1;
	a.cpu_nanocores = 250000000; /* a quarter core */
	samples_add(&s, &a);
	T_OK(s.cpu_pct > 24.99 && s.cpu_pct < 25.01 && s.cpu.n == 1, "a CPU rate needs no second sample (%.2f)",
	     s.cpu_pct);
	T_OK(s.rate && s.cpu_nanocores == 250000000, "and the sample says it is a rate, in nanocores");
	samples_release(&s);

	struct sample_set ss;
	sample_set_init(&ss, 30);
	sample_set_get(&ss, "a", 1);
	sample_set_get(&ss, "b", 1);
	sample_set_get(&ss, "c", 1);
	T_OK(ss.n == 3 && sample_set_get(&ss, "b", 0) != NULL && sample_set_get(&ss, "zz", 0) == NULL,
	     "set: get and create");
	char *keep[] = { "c", "a" };
	sample_set_keep(&ss, keep, 2);
	T_OK(ss.n == 2 && !sample_set_get(&ss, "b", 0) && sample_set_get(&ss, "c", 0), "set: gone ids are pruned");
	sample_set_release(&ss);

	/* views that sample only the selection keep the recent ones */
	sample_set_init(&ss, 30);
	sample_set_cap(&ss, 2);
	sample_set_get(&ss, "a", 1);
	sample_set_get(&ss, "b", 1);
	sample_set_get(&ss, "a", 0);      /* looked at again: a is the newer */
	sample_set_get(&ss, "c", 1);
	T_OK(ss.n == 2 && sample_set_get(&ss, "a", 0) && sample_set_get(&ss, "c", 0) && !sample_set_get(&ss, "b", 0),
	     "set: over its cap, the least recently used history goes");
	sample_set_release(&ss);
	return T_DONE();
}
