/* The detail pane's graphs: kubectl top's figures for metrics API
 * samples (pods, nodes), only CPU and memory for them, a layout that
 * stacks or sets the two side by side, the container graphs unchanged,
 * and the "metrics not available" message wrapped in the pane. */
#include "t.h"
#include "tui-screen.h"
#include "graph-pane.h"

#include <string.h>

/* Does any row of w (h rows) contain s? */
static int screen_has(WINDOW *w, int h, const char *s)
{
	for (int y = 0; y < h; y++)
		if (strstr(ts_row(w, y), s))
			return 1;
	return 0;
}

/* The row holding s, or -1. */
static int row_of(WINDOW *w, int h, const char *s)
{
	for (int y = 0; y < h; y++)
		if (strstr(ts_row(w, y), s))
			return y;
	return -1;
}

static struct tug_stats metric(uint64_t nanocores, uint64_t mem, uint64_t cpu_limit, uint64_t mem_limit)
{
	struct tug_stats st = { 0 };

	st.valid = 1;
	st.cpu_rate = 1;
	st.cpu_nanocores = nanocores;
	st.mem_usage = mem;
	st.cpu_limit_nanocores = cpu_limit;
	st.mem_limit = mem_limit;
	return st;
}

int main(void)
{
	char b[128];
	struct samples s;
	struct tug_stats st;
	struct graph_pane_opts o = { .mode = GM_BRAILLE };
	WINDOW *w;

	/* labels: kubectl top rounds millicores up and MiB down */
	T_STREQ(graph_pane_cpu_label(b, sizeof(b), 12345678, 0), "CPU 13m (1.2% of a core)",
		"a pod without a CPU limit: millicores and share of one core");
	T_STREQ(graph_pane_cpu_label(b, sizeof(b), 509000000, 8000000000ULL), "CPU 509m / 8 (6%)",
		"a node: of its allocatable cores, kubectl top nodes' CPU%%");
	T_STREQ(graph_pane_cpu_label(b, sizeof(b), 120000000, 500000000), "CPU 120m / 500m (24%)",
		"a limit below a core reads in millicores");
	T_STREQ(graph_pane_cpu_label(b, sizeof(b), 0, 0), "CPU 0m (0.0% of a core)", "an idle pod");
	T_STREQ(graph_pane_mem_label(b, sizeof(b), (244ULL << 20) + 5000, 0), "MEM 244Mi",
		"memory without a limit: whole MiB");
	T_STREQ(graph_pane_mem_label(b, sizeof(b), 1346ULL << 20, 32ULL << 30), "MEM 1346Mi / 32Gi (4%)",
		"a node's allocatable memory in Gi when whole");
	T_STREQ(graph_pane_mem_label(b, sizeof(b), 54ULL << 20, 170ULL << 20), "MEM 54Mi / 170Mi (31%)",
		"a pod's memory limit");

	ts_open(1, 0);

	/* a pod in the tall left part of the pane: two graphs, stacked */
	w = newwin(24, 48, 0, 0);
	samples_init(&s, "default/db-0", 60);
	for (int i = 0; i < 10; i++) {
		st = metric(250000000 + (uint64_t)i * 1000000, 200ULL << 20, 0, 0);
		samples_add(&s, &st);
	}
	T_OK(s.rate && s.cpu.n == 10, "metrics samples are rates, graphed from the first one");
	werase(w);
	graph_pane_draw(w, 0, 0, 24, 48, &s, &o);
	T_OK(strstr(ts_row(w, 0), "CPU 259m (25.9% of a core)") != NULL, "the CPU label on top: %s", ts_row(w, 0));
	T_OK(row_of(w, 24, "MEM 200Mi") == 12, "memory below it, half way down (row %d)", row_of(w, 24, "MEM 200Mi"));
	T_OK(!screen_has(w, 24, "NET") && !screen_has(w, 24, "BLK") && !screen_has(w, 24, "PIDS"),
	     "no network, block or process graphs: the metrics API has none");
	T_OK(ts_cell(w, 11, 46) != L' ' && ts_cell(w, 11, 46) != 0, "the CPU graph reaches its box's bottom row");

	/* a node across a wide flat pane: side by side, against capacity */
	delwin(w);
	w = newwin(12, 120, 0, 0);
	samples_release(&s);
	samples_init(&s, "sim-worker-1", 60);
	st = metric(509000000, 1346ULL << 20, 8000000000ULL, 32ULL << 30);
	samples_add(&s, &st);
	werase(w);
	graph_pane_draw(w, 0, 0, 12, 120, &s, &o);
	T_OK(strstr(ts_row(w, 0), "CPU 509m / 8 (6%)") && strstr(ts_row(w, 0), "MEM 1346Mi / 32Gi (4%)"),
	     "wide and flat: both labels on one row: %s", ts_row(w, 0));
	T_OK(ts_cell(w, 11, 58) != L' ' && ts_cell(w, 10, 58) == L' ',
	     "6%% of the allocatable CPU fills only the bottom of its box");
	samples_release(&s);

	/* containers keep their five graphs */
	samples_init(&s, "abc", 60);
	memset(&st, 0, sizeof(st));
	st.valid = 1;
	st.time_ns = 1000000000;
	st.mem_usage = 10 << 20;
	samples_add(&s, &st);
	st.time_ns = 2000000000;
	st.cpu_ns = 500000000;
	samples_add(&s, &st);
	werase(w);
	graph_pane_draw(w, 0, 0, 12, 120, &s, &o);
	T_OK(screen_has(w, 12, "CPU 50.0%") && screen_has(w, 12, "NET") && screen_has(w, 12, "BLK") &&
	     screen_has(w, 12, "PIDS"), "containers: CPU%%, memory, network, block and processes");
	samples_release(&s);

	/* the reason there are no graphs, wrapped in a narrow pane */
	delwin(w);
	w = newwin(10, 30, 0, 0);
	werase(w);
	graph_pane_message(w, 0, 0, 10, 30, "metrics not available",
			   "the cluster has no metrics API (metrics.k8s.io); install metrics-server");
	int hy = row_of(w, 10, "metrics not available");
	T_OK(hy >= 2 && hy <= 4, "the headline sits about the middle (row %d)", hy);
	T_OK(strstr(ts_row(w, hy + 1), "the cluster has no") && screen_has(w, 10, "install metrics-server"),
	     "the reason follows, wrapped at spaces: '%s'", ts_row(w, hy + 1));
	char joined[512] = "";
	for (int y = hy + 1; y < 10; y++) {
		const char *r = ts_row(w, y);
		while (*r == ' ')
			r++;
		if (*r)
			snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s%s", *joined ? " " : "", r);
	}
	T_STREQ(joined, "the cluster has no metrics API (metrics.k8s.io); install metrics-server",
		"no word of it is cut or lost");
	delwin(w);
	ts_close();
	return T_DONE();
}
