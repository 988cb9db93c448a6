/* graph-pane.c - the detail pane's grid of labelled graphs. */
#include "graph-pane.h"
#include "console.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

struct gcell {
	char label[96];
	const struct graph *g;
	double max_a, max_b;
	enum role ra, rb;
};

/* kubectl top: millicores rounded up, memory in whole MiB */
static uint64_t millicores(uint64_t nanocores)
{
	return (nanocores + 999999) / 1000000;
}

/* A limit as a quantity a kubectl user writes: "4", "500m", "8Gi", "512Mi". */
static const char *cpu_quantity(char *buf, size_t size, uint64_t nanocores)
{
	if (nanocores % 1000000000ULL == 0)
		snprintf(buf, size, "%llu", (unsigned long long)(nanocores / 1000000000ULL));
	else
		snprintf(buf, size, "%llum", (unsigned long long)millicores(nanocores));
	return buf;
}

static const char *mem_quantity(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= (1ULL << 30) && bytes % (1ULL << 30) == 0)
		snprintf(buf, size, "%lluGi", (unsigned long long)(bytes >> 30));
	else
		snprintf(buf, size, "%lluMi", (unsigned long long)(bytes >> 20));
	return buf;
}

const char *graph_pane_cpu_label(char *buf, size_t size, uint64_t nanocores, uint64_t limit_nanocores)
{
	uint64_t m = millicores(nanocores);
	char q[32];

	if (limit_nanocores)
		/* kubectl top nodes: CPU% of the allocatable, in whole millicores */
		snprintf(buf, size, "CPU %llum / %s (%llu%%)", (unsigned long long)m,
			 cpu_quantity(q, sizeof(q), limit_nanocores),
			 (unsigned long long)(m * 100 / millicores(limit_nanocores)));
	else
		snprintf(buf, size, "CPU %llum (%.1f%% of a core)", (unsigned long long)m, (double)nanocores / 1e7);
	return buf;
}

const char *graph_pane_mem_label(char *buf, size_t size, uint64_t bytes, uint64_t limit)
{
	char q[32];

	if (limit)
		snprintf(buf, size, "MEM %lluMi / %s (%llu%%)", (unsigned long long)(bytes >> 20),
			 mem_quantity(q, sizeof(q), limit), (unsigned long long)(bytes * 100 / limit));
	else
		snprintf(buf, size, "MEM %lluMi", (unsigned long long)(bytes >> 20));
	return buf;
}

/* Containers: CPU, MEM, NET, BLK, PIDS. */
static int container_cells(struct gcell *cells, const struct samples *s, const struct graph_pane_opts *o)
{
	char a[32], b[32], r1[32], r2[32];
	const char *up = ui_glyphs.utf8 ? "↓" : "rx ", *down = ui_glyphs.utf8 ? "↑" : "tx ";
	double limit = o->cpu_limit;

	if (limit > 0)
		snprintf(cells[0].label, sizeof(cells[0].label), "CPU %.1f%% of %.2g CPU", s->cpu_pct, limit);
	else
		snprintf(cells[0].label, sizeof(cells[0].label), "CPU %.1f%%", s->cpu_pct);
	cells[0].g = &s->cpu;
	/* 100% = one core: a limited container fills its box at its limit */
	cells[0].max_a = limit > 0 ? limit * 100 : 100;
	if (graph_max(&s->cpu, 0, s->cpu.n) > cells[0].max_a)
		cells[0].max_a = graph_max(&s->cpu, 0, s->cpu.n);
	cells[0].ra = cells[0].rb = ROLE_GRAPH_CPU;
	fmt_size_bin(a, sizeof(a), (double)s->mem_usage);
	int unlimited = !s->mem_limit || (o->host_mem && s->mem_limit >= o->host_mem);
	if (unlimited) {
		snprintf(cells[1].label, sizeof(cells[1].label), "MEM %s", a);
	} else {
		fmt_size_bin(b, sizeof(b), (double)s->mem_limit);
		snprintf(cells[1].label, sizeof(cells[1].label), "MEM %s / %s (%.0f%%)", a, b,
			 (double)s->mem_usage * 100.0 / (double)s->mem_limit);
	}
	cells[1].g = &s->mem;
	/* without a limit, scale to the peak with headroom: a steady value
	 * then reads as steady, not as a full box */
	cells[1].max_a = unlimited ? graph_max(&s->mem, 0, s->mem.n) * 1.25 : (double)s->mem_limit;
	cells[1].ra = cells[1].rb = ROLE_GRAPH_MEM;
	snprintf(cells[2].label, sizeof(cells[2].label), "NET %s%s %s%s", up, con_fmt_rate(r1, sizeof(r1), s->rx_rate),
		 down, con_fmt_rate(r2, sizeof(r2), s->tx_rate));
	cells[2].g = &s->net;
	cells[2].max_a = cells[2].max_b = 0;
	cells[2].ra = ROLE_GRAPH_NET_RX;
	cells[2].rb = ROLE_GRAPH_NET_TX;
	snprintf(cells[3].label, sizeof(cells[3].label), "BLK r %s w %s", con_fmt_rate(r1, sizeof(r1), s->rd_rate),
		 con_fmt_rate(r2, sizeof(r2), s->wr_rate));
	cells[3].g = &s->blk;
	cells[3].max_a = cells[3].max_b = 0;
	cells[3].ra = ROLE_GRAPH_BLK_READ;
	cells[3].rb = ROLE_GRAPH_BLK_WRITE;
	if (s->pids_limit)
		snprintf(cells[4].label, sizeof(cells[4].label), "PIDS %llu / %llu", (unsigned long long)s->npids,
			 (unsigned long long)s->pids_limit);
	else
		snprintf(cells[4].label, sizeof(cells[4].label), "PIDS %llu", (unsigned long long)s->npids);
	cells[4].g = &s->pids;
	cells[4].max_a = s->pids_limit ? (double)s->pids_limit : graph_max(&s->pids, 0, s->pids.n) * 1.25 + 2;
	cells[4].ra = cells[4].rb = ROLE_GRAPH_PIDS;
	return 5;
}

/* Metrics API objects: CPU and MEM, each against its limit (a node's
 * allocatable) when there is one, else scaled to its peak so the shape
 * of a small load still shows. */
static int metrics_cells(struct gcell *cells, const struct samples *s)
{
	double peak;

	graph_pane_cpu_label(cells[0].label, sizeof(cells[0].label), s->cpu_nanocores, s->cpu_limit_nanocores);
	cells[0].g = &s->cpu;
	peak = graph_max(&s->cpu, 0, s->cpu.n) * 1.25;
	/* cpu graph samples are % of a core: a limit of 1e9 nanocores is 100 */
	cells[0].max_a = s->cpu_limit_nanocores ? (double)s->cpu_limit_nanocores / 1e7 : peak > 1 ? peak : 1;
	cells[0].max_b = 0;
	cells[0].ra = cells[0].rb = ROLE_GRAPH_CPU;
	graph_pane_mem_label(cells[1].label, sizeof(cells[1].label), s->mem_usage, s->mem_limit);
	cells[1].g = &s->mem;
	cells[1].max_a = s->mem_limit ? (double)s->mem_limit : graph_max(&s->mem, 0, s->mem.n) * 1.25;
	cells[1].max_b = 0;
	cells[1].ra = cells[1].rb = ROLE_GRAPH_MEM;
	return 2;
}

/* Columns for the five container graphs: as many 22-wide boxes as fit,
 * more when the rows would get too short for a graph. */
static int container_cols(int wd, int h)
{
	int ncols = wd / 22, nrows;

	ncols = ncols < 1 ? 1 : ncols > 5 ? 5 : ncols;
	nrows = (5 + ncols - 1) / ncols;
	while (nrows > 1 && h / nrows < 2 && ncols < 5) {
		ncols++;
		nrows = (5 + ncols - 1) / ncols;
	}
	return ncols;
}

/* Columns for a few graphs: the boxes closest to 4 columns per row (about
 * twice as wide as tall on screen), so a tall narrow pane stacks them and
 * a wide flat one sets them side by side. */
static int aspect_cols(int n, int wd, int h)
{
	int best = 1;
	double best_d = 1e9;

	for (int ncols = 1; ncols <= n; ncols++) {
		int nrows = (n + ncols - 1) / ncols;
		double cw = (double)wd / ncols, ch = (double)h / nrows;
		if (ch < 2 && ncols < n)
			continue; /* no room for a label and a graph row */
		double r = cw / (ch > 0 ? ch : 0.5) / 4.0, d = r > 1 ? r : 1 / r;
		if (d < best_d) {
			best_d = d;
			best = ncols;
		}
	}
	return best;
}

void graph_pane_draw(WINDOW *w, int y, int x, int h, int wd, const struct samples *s,
		     const struct graph_pane_opts *o)
{
	struct gcell cells[5];
	int n, ncols, nrows, cw, ch;

	if (s->rate) {
		n = metrics_cells(cells, s);
		ncols = aspect_cols(n, wd, h);
	} else {
		n = container_cells(cells, s, o);
		ncols = container_cols(wd, h);
	}
	nrows = (n + ncols - 1) / ncols;
	cw = wd / ncols;
	ch = h / nrows;
	for (int i = 0; i < n; i++) {
		int gy = y + (i / ncols) * ch, gx = x + (i % ncols) * cw;
		int gw = cw - 1, gh = ch - 1;
		if (ch < 1 || gw < 4)
			continue;
		ui_role(w, ROLE_GRAPH_LABEL);
		ui_put(w, gy, gx, gw, cells[i].label);
		if (gh >= 1)
			graph_draw(cells[i].g, w, gy + 1, gx, gh, gw, cells[i].max_a, cells[i].max_b, cells[i].ra,
				   cells[i].rb, o->mode);
	}
}

/* One centred line; too wide, it is clipped from the left edge. */
static void centre(WINDOW *w, int y, int x, int wd, const char *s, size_t n)
{
	char line[512];
	int lw;

	snprintf(line, sizeof(line), "%.*s", (int)n, s);
	lw = ui_width(line);
	if (lw >= wd)
		ui_put(w, y, x + 1, wd - 2, line);
	else
		ui_put(w, y, x + (wd - lw) / 2, lw, line);
}

void graph_pane_message(WINDOW *w, int y, int x, int h, int wd, const char *headline,
			const char *detail)
{
	const char *lines[16];
	size_t lens[16];
	int n = 0, width = wd > 6 ? wd - 4 : wd;

	/* wrap the detail at spaces into at most h - 1 lines */
	while (detail && *detail && n < 16 && n < h - 1) {
		size_t len = strlen(detail), cut = len;
		if ((int)len > width) {
			cut = (size_t)width;
			while (cut > 0 && detail[cut] != ' ')
				cut--;
			if (!cut)
				cut = (size_t)width;
		}
		lines[n] = detail;
		lens[n++] = cut;
		detail += cut;
		while (*detail == ' ')
			detail++;
	}
	int top = y + (h - 1 - n) / 2;
	if (top < y)
		top = y;
	ui_role(w, ROLE_STATUS_WARN);
	centre(w, top, x, wd, headline, strlen(headline));
	ui_role(w, ROLE_MUTED);
	for (int i = 0; i < n; i++)
		centre(w, top + 1 + i, x, wd, lines[i], lens[i]);
}
